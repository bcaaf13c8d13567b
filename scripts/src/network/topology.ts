// The local test network's shape: every node, port and path, derived from a state folder and a base
// port so a second network (the test suite's) can run beside the default one.
import { join, resolve } from 'node:path';

export const CHANNEL = 'ecar';
export const CHAINCODE = 'ecar';
export const ENDORSEMENT_POLICY = "AND('Org1MSP.peer','Org2MSP.peer')";

export interface PeerOrg {
  readonly name: 'org1' | 'org2';
  readonly mspId: string;
  readonly domain: string;
  readonly peerPort: number;
  readonly peerChaincodePort: number;
  readonly peerOperationsPort: number;
  readonly chaincodeServerPort: number;
}

/**
 * The skew window of this local network's enclaves: every process runs on one machine with one
 * clock, so 10 s (a slow endorsement) is enough; an enclave without ECAR_CLOCK_SKEW_MS uses 60 s
 * (chaincode/src/enclave/trusted-time.ts), the value for orgs on separate hosts kept by NTP.
 */
export const DEFAULT_CLOCK_SKEW_MS = 10_000;

export interface Topology {
  readonly root: string;
  readonly stateDir: string;
  readonly basePort: number;
  /** Also serve the plain 'ledger' contract (benchmark baseline, development); off by default. */
  readonly plaintext: boolean;
  /**
   * How far a transaction time may lie from each enclave's clock (ECAR_CLOCK_SKEW_MS of every
   * chaincode server; one value for the consortium, also the margin on every deadline).
   */
  readonly clockSkewMs: number;
  readonly channel: string;
  readonly chaincode: string;
  readonly orderer: {
    readonly mspId: string;
    readonly domain: string;
    readonly port: number;
    readonly adminPort: number;
    readonly operationsPort: number;
  };
  readonly orgs: readonly PeerOrg[];
}

/** A process the network runs, as named in pid files, logs and `status`. */
export type NodeName = 'orderer' | `peer0.${PeerOrg['name']}` | `ccaas.${PeerOrg['name']}`;

export function makeTopology(
  options: Readonly<{
    root: string;
    stateDir: string;
    basePort: number;
    plaintext?: boolean;
    clockSkewMs?: number;
  }>,
): Topology {
  const b = options.basePort;
  return {
    root: resolve(options.root),
    stateDir: resolve(options.stateDir),
    basePort: b,
    plaintext: options.plaintext === true,
    clockSkewMs: options.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS,
    channel: CHANNEL,
    chaincode: CHAINCODE,
    orderer: {
      mspId: 'OrdererMSP',
      domain: 'orderer.ecar.test',
      port: b + 50,
      adminPort: b + 53,
      operationsPort: b + 443,
    },
    orgs: [
      {
        name: 'org1',
        mspId: 'Org1MSP',
        domain: 'org1.ecar.test',
        peerPort: b + 51,
        peerChaincodePort: b + 52,
        peerOperationsPort: b + 444,
        chaincodeServerPort: b + 91,
      },
      {
        name: 'org2',
        mspId: 'Org2MSP',
        domain: 'org2.ecar.test',
        peerPort: b + 61,
        peerChaincodePort: b + 62,
        peerOperationsPort: b + 445,
        chaincodeServerPort: b + 92,
      },
    ],
  };
}

/** Every TCP port the network listens on, with the node that owns it. */
export function allPorts(t: Topology): { port: number; owner: string }[] {
  return [
    { port: t.orderer.port, owner: 'orderer' },
    { port: t.orderer.adminPort, owner: 'orderer admin' },
    { port: t.orderer.operationsPort, owner: 'orderer operations' },
    ...t.orgs.flatMap((o) => [
      { port: o.peerPort, owner: `peer0.${o.name}` },
      { port: o.peerChaincodePort, owner: `peer0.${o.name} chaincode listener` },
      { port: o.peerOperationsPort, owner: `peer0.${o.name} operations` },
      { port: o.chaincodeServerPort, owner: `ccaas.${o.name}` },
    ]),
  ];
}

export const paths = {
  crypto: (t: Topology) => join(t.stateDir, 'crypto'),
  config: (t: Topology, node: string) => join(t.stateDir, 'config', node),
  data: (t: Topology, node: string) => join(t.stateDir, 'data', node),
  log: (t: Topology, node: string) => join(t.stateDir, 'logs', `${node}.log`),
  pid: (t: Topology, node: string) => join(t.stateDir, 'run', `${node}.pid`),
  channelDir: (t: Topology) => join(t.stateDir, 'channel'),
  chaincodeDir: (t: Topology) => join(t.stateDir, 'chaincode'),
  record: (t: Topology) => join(t.stateDir, 'network.json'),
  builder: (t: Topology) => join(t.root, 'network', 'ccaas-builder'),
  ordererTlsCa: (t: Topology) =>
    join(
      paths.crypto(t),
      'ordererOrganizations',
      t.orderer.domain,
      'tlsca',
      `tlsca.${t.orderer.domain}-cert.pem`,
    ),
  ordererNode: (t: Topology) =>
    join(
      paths.crypto(t),
      'ordererOrganizations',
      t.orderer.domain,
      'orderers',
      `orderer.${t.orderer.domain}`,
    ),
  orgDir: (t: Topology, org: PeerOrg) => join(paths.crypto(t), 'peerOrganizations', org.domain),
  peerNode: (t: Topology, org: PeerOrg) => join(paths.orgDir(t, org), 'peers', `peer0.${org.domain}`),
  peerTlsCa: (t: Topology, org: PeerOrg) =>
    join(paths.orgDir(t, org), 'tlsca', `tlsca.${org.domain}-cert.pem`),
  userMsp: (t: Topology, org: PeerOrg, user: string) =>
    join(paths.orgDir(t, org), 'users', `${user}@${org.domain}`, 'msp'),
};
