// End-to-end cast: one gateway connection and LedgerClient (confidential by default) per cryptogen user,
// plus the demo's signing meter (EC P-256) that signs OCMF records like a wallbox meter does.
import type { Network } from '@hyperledger/fabric-gateway';
import { fabricCallerId } from '../../chaincode/src/protocol/caller-id';
import { openGateway, type GatewayConnection } from '../../client/src/fabric/gateway-connection';
import { FabricLedgerClient, type LedgerClient } from '../../client/src/fabric/ledger-client';
import { localIdentity, type OrgName } from '../../scripts/src/network/identities';
import { readNetworkPolicy } from '../../scripts/src/network/confidential-setup';
import { walletCallerId } from '../../chaincode/src/protocol/confidential/api';
import { signingKeyPair } from '../../chaincode/src/protocol/confidential/primitives';
import { ConfidentialLedgerClient, TrustCache } from '../../client/src/confidential';
import type { Topology } from '../../scripts/src/network/topology';

export interface Actor {
  readonly label: string;
  readonly mspId: string;
  readonly ledger: LedgerClient;
  readonly network: Network;
  /** The caller id computed locally (what whoami must answer too). */
  readonly expectedId: string;
  close(): void;
}

const trustCache = new TrustCache();

/**
 * Connects `user` of `org` through its own org's peer. Confidential (default): a fresh wallet and
 * the ConfidentialLedgerClient under the network's attestation policy; the ledger knows the actor by
 * the wallet. Plaintext: the 'ledger' contract (served only with ECAR_PLAINTEXT=1), known by the
 * X.509 identity.
 */
export function openActor(
  t: Topology,
  org: OrgName,
  user: string,
  mode: 'confidential' | 'plaintext' = 'confidential',
): Actor {
  const identity = localIdentity(t, org, user);
  const connection: GatewayConnection = openGateway(identity);
  const network = connection.gateway.getNetwork(t.channel);
  const close = () => {
    connection.close();
  };
  if (mode === 'plaintext') {
    return {
      label: `${user}@${org}`,
      mspId: identity.mspId,
      ledger: new FabricLedgerClient({ contract: network.getContract(t.chaincode, 'ledger') }),
      network,
      expectedId: fabricCallerId(identity.mspId, identity.certificate),
      close,
    };
  }
  const wallet = signingKeyPair();
  return {
    label: `${user}@${org}`,
    mspId: identity.mspId,
    ledger: new ConfidentialLedgerClient({
      network,
      identity: connection.gateway.getIdentity(),
      chaincode: t.chaincode,
      wallet,
      policy: readNetworkPolicy(t),
      trustCache,
    }),
    network,
    expectedId: walletCallerId(wallet.publicKey),
    close,
  };
}

export {
  newDevMeter as newTestMeter,
  ocmfPayloadText,
  signReadings,
  type DevMeter as TestMeter,
  type MeterReadingSpec,
} from '../../client/src/meter/dev-meter';
