// Writes each node's configuration: Fabric's sampleconfig core.yaml / orderer.yaml with this node's
// addresses, crypto, data folders and our ccaas external builder; and the channel's configtx.yaml.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import type { FabricInstall } from './fabric-tools';
import { paths, type PeerOrg, type Topology } from './topology';

type Settings = readonly (readonly [readonly string[], unknown])[];

function writeYaml(source: string, target: string, settings: Settings): void {
  const doc = parseDocument(readFileSync(source, 'utf8'));
  for (const [path, value] of settings) doc.setIn(path, value);
  mkdirSync(join(target, '..'), { recursive: true });
  writeFileSync(target, doc.toString({ lineWidth: 0 }));
}

export function writePeerConfig(t: Topology, fabric: FabricInstall, org: PeerOrg): string {
  const node = `peer0.${org.name}`;
  const crypto = paths.peerNode(t, org);
  const data = paths.data(t, node);
  const dir = paths.config(t, node);
  const address = `127.0.0.1:${org.peerPort}`;
  writeYaml(join(fabric.sampleConfigDir, 'core.yaml'), join(dir, 'core.yaml'), [
    [['peer', 'id'], `peer0.${org.domain}`],
    [['peer', 'networkId'], `ecar-${t.basePort}`],
    [['peer', 'listenAddress'], address],
    [['peer', 'address'], address],
    [['peer', 'chaincodeListenAddress'], `127.0.0.1:${org.peerChaincodePort}`],
    [['peer', 'chaincodeAddress'], `127.0.0.1:${org.peerChaincodePort}`],
    [['peer', 'localMspId'], org.mspId],
    [['peer', 'mspConfigPath'], join(crypto, 'msp')],
    [['peer', 'fileSystemPath'], data],
    [['peer', 'gossip', 'bootstrap'], address],
    [['peer', 'gossip', 'endpoint'], address],
    [['peer', 'gossip', 'externalEndpoint'], address],
    // one peer per org: it is the org leader and pulls blocks from the orderer itself
    [['peer', 'gossip', 'useLeaderElection'], false],
    [['peer', 'gossip', 'orgLeader'], true],
    // the first probe of the other org's anchor peer can race the channel's TLS roots; retry soon
    [['peer', 'gossip', 'reconnectInterval'], '2s'],
    [['peer', 'tls', 'enabled'], true],
    [['peer', 'tls', 'clientAuthRequired'], false],
    [['peer', 'tls', 'cert', 'file'], join(crypto, 'tls', 'server.crt')],
    [['peer', 'tls', 'key', 'file'], join(crypto, 'tls', 'server.key')],
    [['peer', 'tls', 'rootcert', 'file'], join(crypto, 'tls', 'ca.crt')],
    [['peer', 'gateway', 'enabled'], true],
    // no Docker: the peer must never try to build or run chaincode containers
    [['vm', 'endpoint'], ''],
    [
      ['chaincode', 'externalBuilders'],
      [{ name: 'ecar-ccaas', path: paths.builder(t), propagateEnvironment: [] }],
    ],
    [['ledger', 'state', 'stateDatabase'], 'goleveldb'],
    [['ledger', 'snapshots', 'rootDir'], join(data, 'snapshots')],
    [['operations', 'listenAddress'], `127.0.0.1:${org.peerOperationsPort}`],
    [['operations', 'tls', 'enabled'], false],
    [['metrics', 'provider'], 'prometheus'],
  ]);
  return dir;
}

export function writeOrdererConfig(t: Topology, fabric: FabricInstall): string {
  const crypto = paths.ordererNode(t);
  const data = paths.data(t, 'orderer');
  const dir = paths.config(t, 'orderer');
  const tls = join(crypto, 'tls');
  writeYaml(join(fabric.sampleConfigDir, 'orderer.yaml'), join(dir, 'orderer.yaml'), [
    [['General', 'ListenAddress'], '127.0.0.1'],
    [['General', 'ListenPort'], t.orderer.port],
    [['General', 'TLS', 'Enabled'], true],
    [['General', 'TLS', 'PrivateKey'], join(tls, 'server.key')],
    [['General', 'TLS', 'Certificate'], join(tls, 'server.crt')],
    [['General', 'TLS', 'RootCAs'], [join(tls, 'ca.crt')]],
    [['General', 'TLS', 'ClientAuthRequired'], false],
    [['General', 'Cluster', 'ClientCertificate'], join(tls, 'server.crt')],
    [['General', 'Cluster', 'ClientPrivateKey'], join(tls, 'server.key')],
    [['General', 'Cluster', 'RootCAs'], [join(tls, 'ca.crt')]],
    [['General', 'BootstrapMethod'], 'none'],
    [['General', 'LocalMSPDir'], join(crypto, 'msp')],
    [['General', 'LocalMSPID'], t.orderer.mspId],
    [['FileLedger', 'Location'], join(data, 'ledger')],
    [['Consensus', 'WALDir'], join(data, 'etcdraft', 'wal')],
    [['Consensus', 'SnapDir'], join(data, 'etcdraft', 'snapshot')],
    [['Operations', 'ListenAddress'], `127.0.0.1:${t.orderer.operationsPort}`],
    [['Operations', 'TLS', 'Enabled'], false],
    [['Metrics', 'Provider'], 'prometheus'],
    [['Admin', 'ListenAddress'], `127.0.0.1:${t.orderer.adminPort}`],
    [['Admin', 'TLS', 'Enabled'], true],
    [['Admin', 'TLS', 'PrivateKey'], join(tls, 'server.key')],
    [['Admin', 'TLS', 'Certificate'], join(tls, 'server.crt')],
    [['Admin', 'TLS', 'RootCAs'], [join(tls, 'ca.crt')]],
    [['Admin', 'TLS', 'ClientAuthRequired'], true],
    [['Admin', 'TLS', 'ClientRootCAs'], [join(tls, 'ca.crt')]],
    [['ChannelParticipation', 'Enabled'], true],
  ]);
  return dir;
}

/** Fills network/configtx.yaml's placeholders for this topology; returns the folder holding it. */
export function writeConfigtx(t: Topology): string {
  const [org1, org2] = t.orgs;
  if (!org1 || !org2) throw new Error('topology needs two peer orgs');
  const template = readFileSync(join(t.root, 'network', 'configtx.yaml'), 'utf8');
  const values: Record<string, string> = {
    CRYPTO: paths.crypto(t),
    ORDERER_PORT: String(t.orderer.port),
    ORG1_PEER_PORT: String(org1.peerPort),
    ORG2_PEER_PORT: String(org2.peerPort),
  };
  const text = template.replace(/\$\{([A-Z0-9_]+)\}/g, (_m, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`configtx.yaml has an unknown placeholder \${${key}}`);
    return value;
  });
  const dir = paths.config(t, 'channel');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'configtx.yaml'), text);
  return dir;
}
