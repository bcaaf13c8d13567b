// The adversary's proposal builder: a signed proposal for any function and arguments with any header
// timestamp, built with fabric-protos and signed with a real Fabric identity, sent straight to a
// peer's Endorser service (no gateway, no SDK checks). What a client crafting proposals by hand does.
import { createHash, createPrivateKey, randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { signers } from '@hyperledger/fabric-gateway';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import { EndorserClient } from '@hyperledger/fabric-protos/lib/peer/peer_grpc_pb';
import type { GatewayConnectionOptions } from '../../client/src/fabric/gateway-connection';

// google-protobuf ships no type declarations; only Timestamp.fromDate is needed
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Timestamp } = require('google-protobuf/google/protobuf/timestamp_pb') as {
  Timestamp: { fromDate(date: Date): never };
};

export interface HandmadeAnswer {
  readonly txId: string;
  /** The chaincode response status (200 endorsed, 500 refused). */
  readonly status: number;
  readonly message: string;
  readonly payload: Uint8Array;
}

export interface HandmadeProposal {
  readonly channel: string;
  readonly chaincode: string;
  /** `contract:function` as fabric-contract-api routes it. */
  readonly fn: string;
  readonly args: readonly string[];
  /** The header timestamp: whatever the attacker writes. */
  readonly timestamp: Date;
}

/** Signs `proposal` as `identity` and sends it to the identity's own peer. */
export async function sendHandmadeProposal(
  identity: GatewayConnectionOptions,
  proposal: HandmadeProposal,
): Promise<HandmadeAnswer> {
  const creator = new msp.SerializedIdentity();
  creator.setMspid(identity.mspId);
  creator.setIdBytes(identity.certificate);
  const creatorBytes = creator.serializeBinary();
  const nonce = randomBytes(24);
  const txId = createHash('sha256').update(nonce).update(creatorBytes).digest('hex');

  const chaincodeId = new peer.ChaincodeID();
  chaincodeId.setName(proposal.chaincode);
  const extension = new peer.ChaincodeHeaderExtension();
  extension.setChaincodeId(chaincodeId);
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.ENDORSER_TRANSACTION);
  channelHeader.setChannelId(proposal.channel);
  channelHeader.setTxId(txId);
  channelHeader.setTimestamp(Timestamp.fromDate(proposal.timestamp));
  channelHeader.setExtension$(extension.serializeBinary());
  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(creatorBytes);
  signatureHeader.setNonce(nonce);
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());

  const input = new peer.ChaincodeInput();
  input.setArgsList([proposal.fn, ...proposal.args].map((arg) => Buffer.from(arg, 'utf8')));
  const spec = new peer.ChaincodeSpec();
  spec.setType(peer.ChaincodeSpec.Type.NODE);
  spec.setChaincodeId(chaincodeId);
  spec.setInput(input);
  const invocation = new peer.ChaincodeInvocationSpec();
  invocation.setChaincodeSpec(spec);
  const payload = new peer.ChaincodeProposalPayload();
  payload.setInput(invocation.serializeBinary());

  const unsigned = new peer.Proposal();
  unsigned.setHeader(header.serializeBinary());
  unsigned.setPayload(payload.serializeBinary());
  const proposalBytes = unsigned.serializeBinary();
  const sign = signers.newPrivateKeySigner(createPrivateKey(Buffer.from(identity.privateKey)));
  const signature = await sign(createHash('sha256').update(proposalBytes).digest());
  const signed = new peer.SignedProposal();
  signed.setProposalBytes(proposalBytes);
  signed.setSignature(signature);

  const client = new EndorserClient(
    identity.endpoint,
    grpc.credentials.createSsl(Buffer.from(identity.tlsRootCert)),
    identity.tlsServerName === undefined ? {} : { 'grpc.ssl_target_name_override': identity.tlsServerName },
  );
  try {
    const response = await new Promise<peer.ProposalResponse>((resolve, reject) => {
      client.processProposal(signed, { deadline: Date.now() + 60_000 }, (error, value) => {
        if (error !== null || value === undefined) reject(error ?? new Error('no proposal response'));
        else resolve(value);
      });
    });
    const answer = response.getResponse();
    return {
      txId,
      status: answer?.getStatus() ?? 0,
      message: answer?.getMessage() ?? '',
      payload: answer?.getPayload_asU8() ?? new Uint8Array(),
    };
  } finally {
    client.close();
  }
}
