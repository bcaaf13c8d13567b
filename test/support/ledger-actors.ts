// End-to-end cast: one gateway connection and LedgerClient per cryptogen user of the test network,
// plus a test signing meter (EC P-256) that signs OCMF records like a wallbox meter does.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { Network } from '@hyperledger/fabric-gateway';
import { fabricCallerId } from '../../chaincode/src/fabric/caller-id';
import { signOcmfRecord } from '../../chaincode/src/protocol/ocmf/sign';
import { formatOcmfTime } from '../../chaincode/src/protocol/ocmf/time';
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

export interface TestMeter {
  readonly serial: string;
  /** DER SubjectPublicKeyInfo, lowercase hex: what a station pins. */
  readonly publicKeyHex: string;
  readonly privateKey: KeyObject;
}

export function newTestMeter(serial: string): TestMeter {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    serial,
    publicKeyHex: publicKey.export({ format: 'der', type: 'spki' }).toString('hex'),
    privateKey,
  };
}

export interface MeterReadingSpec {
  readonly type: 'B' | 'E';
  readonly timeMs: number;
  /** Register value in kWh as an exact decimal string. */
  readonly kwh: string;
}

/** One signed OCMF record (pagination `T<page>`) holding the given readings. */
export function signReadings(meter: TestMeter, page: number, readings: readonly MeterReadingSpec[]): string {
  return signOcmfRecord(
    {
      FV: '1.0',
      GI: 'ECAR E2E WALLBOX',
      GS: 'GW-E2E',
      GV: '1.0',
      PG: `T${page}`,
      MV: 'ecar',
      MM: 'e2e-meter',
      MS: meter.serial,
      IS: false,
      IT: 'NONE',
      RD: readings.map((r) => ({
        TM: formatOcmfTime(r.timeMs, 60, 'S'),
        TX: r.type,
        RV: r.kwh,
        RI: '1-b:1.8.0',
        RU: 'kWh',
        ST: 'G',
      })),
    },
    meter.privateKey,
  );
}

/** The signed payload text of a record (between `OCMF|` and the signature section). */
export function ocmfPayloadText(record: string): string {
  return record.slice('OCMF|'.length, record.lastIndexOf('|'));
}
