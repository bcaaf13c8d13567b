// Opens a Fabric Gateway connection (gRPC over TLS) for one Fabric identity.
import { createPrivateKey } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { connect, hash, signers, type Gateway } from '@hyperledger/fabric-gateway';

export interface GatewayConnectionOptions {
  /** host:port of a peer with the gateway service enabled. */
  readonly endpoint: string;
  /** PEM of the CA that issued the peer's TLS certificate. */
  readonly tlsRootCert: Uint8Array;
  /** Override of the TLS server name, when the endpoint address is not in the certificate. */
  readonly tlsServerName?: string;
  readonly mspId: string;
  /** PEM of the client's enrollment certificate. */
  readonly certificate: Uint8Array;
  /** PEM of the client's private key (never logged, never sent). */
  readonly privateKey: Uint8Array;
}

export interface GatewayConnection {
  readonly gateway: Gateway;
  close(): void;
}

export function openGateway(options: GatewayConnectionOptions): GatewayConnection {
  const channelOptions: grpc.ChannelOptions = options.tlsServerName
    ? { 'grpc.ssl_target_name_override': options.tlsServerName }
    : {};
  const client = new grpc.Client(
    options.endpoint,
    grpc.credentials.createSsl(Buffer.from(options.tlsRootCert)),
    channelOptions,
  );
  const gateway = connect({
    client,
    identity: { mspId: options.mspId, credentials: options.certificate },
    signer: signers.newPrivateKeySigner(createPrivateKey(Buffer.from(options.privateKey))),
    hash: hash.sha256,
    evaluateOptions: () => ({ deadline: Date.now() + 30_000 }),
    endorseOptions: () => ({ deadline: Date.now() + 60_000 }),
    submitOptions: () => ({ deadline: Date.now() + 30_000 }),
    commitStatusOptions: () => ({ deadline: Date.now() + 120_000 }),
  });
  return {
    gateway,
    close() {
      gateway.close();
      client.close();
    },
  };
}
