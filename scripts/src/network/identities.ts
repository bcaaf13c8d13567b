// Gateway connection settings for a user of the local test network (crypto made by cryptogen).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GatewayConnectionOptions } from '../../../client/src/fabric/gateway-connection';
import { paths, type PeerOrg, type Topology } from './topology';

export type OrgName = PeerOrg['name'];

export function findOrg(t: Topology, name: OrgName): PeerOrg {
  const org = t.orgs.find((o) => o.name === name);
  if (!org) throw new Error(`no org '${name}' in this network`);
  return org;
}

/** Where `user` of `org`'s credentials live, as files (what a CLI profile names). */
export function localIdentityFiles(
  t: Topology,
  orgName: OrgName,
  user = 'User1',
): {
  endpoint: string;
  tlsServerName: string;
  tlsRootCert: string;
  mspId: string;
  certificate: string;
  privateKey: string;
} {
  const org = findOrg(t, orgName);
  const msp = paths.userMsp(t, org, user);
  const certFile = readdirSync(join(msp, 'signcerts')).find((f) => f.endsWith('.pem'));
  const keyFile = readdirSync(join(msp, 'keystore'))[0];
  if (certFile === undefined || keyFile === undefined)
    throw new Error(`no certificate or key for ${user}@${org.domain}`);
  return {
    endpoint: `127.0.0.1:${org.peerPort}`,
    // the certificate names 127.0.0.1 and localhost; an IP is not a valid TLS server name (RFC 6066)
    tlsServerName: 'localhost',
    tlsRootCert: paths.peerTlsCa(t, org),
    mspId: org.mspId,
    certificate: join(msp, 'signcerts', certFile),
    privateKey: join(msp, 'keystore', keyFile),
  };
}

/** Connection settings for `user` (e.g. "User1", "Admin") of `org` through that org's peer. */
export function localIdentity(t: Topology, orgName: OrgName, user = 'User1'): GatewayConnectionOptions {
  const files = localIdentityFiles(t, orgName, user);
  return {
    endpoint: files.endpoint,
    tlsServerName: files.tlsServerName,
    tlsRootCert: readFileSync(files.tlsRootCert),
    mspId: files.mspId,
    certificate: readFileSync(files.certificate),
    privateKey: readFileSync(files.privateKey),
  };
}
