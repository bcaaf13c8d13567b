// End-to-end cast: one gateway connection and LedgerClient per cryptogen user of the test network,
// plus the demo's signing meter (EC P-256) that signs OCMF records like a wallbox meter does.
import type { Network } from '@hyperledger/fabric-gateway';
import { fabricCallerId } from '../../chaincode/src/fabric/caller-id';
import { openGateway, type GatewayConnection } from '../../client/src/fabric/gateway-connection';
import { FabricLedgerClient, type LedgerClient } from '../../client/src/fabric/ledger-client';
import { localIdentity, type OrgName } from '../../scripts/src/network/identities';
import type { Topology } from '../../scripts/src/network/topology';

export interface Actor {
  readonly label: string;
  readonly mspId: string;
  readonly ledger: LedgerClient;
  readonly network: Network;
  /** The caller id computed locally from the certificate (what whoami must answer too). */
  readonly expectedId: string;
  close(): void;
}

/** Connects `user` of `org` through its own org's peer and wraps the 'ledger' contract. */
export function openActor(t: Topology, org: OrgName, user: string): Actor {
  const identity = localIdentity(t, org, user);
  const connection: GatewayConnection = openGateway(identity);
  const network = connection.gateway.getNetwork(t.channel);
  return {
    label: `${user}@${org}`,
    mspId: identity.mspId,
    ledger: new FabricLedgerClient({ contract: network.getContract(t.chaincode, 'ledger') }),
    network,
    expectedId: fabricCallerId(identity.mspId, identity.certificate),
    close: () => {
      connection.close();
    },
  };
}

export {
  newDemoMeter as newTestMeter,
  ocmfPayloadText,
  signReadings,
  type DemoMeter as TestMeter,
  type MeterReadingSpec,
} from '../../scripts/src/demo/demo-meter';
