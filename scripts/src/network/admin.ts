// Environment for running the peer / osnadmin CLIs as an org's admin against this network.
import { join } from 'node:path';
import { paths, type PeerOrg, type Topology } from './topology';

export function peerAdminEnv(t: Topology, org: PeerOrg): Record<string, string> {
  return {
    FABRIC_CFG_PATH: paths.config(t, `peer0.${org.name}`),
    CORE_PEER_LOCALMSPID: org.mspId,
    CORE_PEER_MSPCONFIGPATH: paths.userMsp(t, org, 'Admin'),
    CORE_PEER_ADDRESS: `127.0.0.1:${org.peerPort}`,
    CORE_PEER_TLS_ENABLED: 'true',
    CORE_PEER_TLS_ROOTCERT_FILE: paths.peerTlsCa(t, org),
    FABRIC_LOGGING_SPEC: 'warning',
  };
}

/** Arguments that point the peer CLI at the orderer over TLS. */
export function ordererArgs(t: Topology): string[] {
  return ['-o', `127.0.0.1:${t.orderer.port}`, '--tls', '--cafile', paths.ordererTlsCa(t)];
}

/** osnadmin authenticates with a TLS client certificate issued by the orderer org's TLS CA. */
export function osnadminArgs(t: Topology): string[] {
  const tls = join(paths.ordererNode(t), 'tls');
  return [
    '-o',
    `127.0.0.1:${t.orderer.adminPort}`,
    '--ca-file',
    join(tls, 'ca.crt'),
    '--client-cert',
    join(tls, 'server.crt'),
    '--client-key',
    join(tls, 'server.key'),
  ];
}
