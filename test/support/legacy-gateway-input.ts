// The fabric-network 2.2 gateway inputs for a user of the local test network, from the same topology
// and cryptogen output the fabric-gateway actors use (scripts/src/network/topology.ts, identities.ts).
import { readFileSync } from 'node:fs';
import type { LegacyGatewayInput } from '../../client/src/legacy/legacy-gateway';
import { localIdentity, type OrgName } from '../../scripts/src/network/identities';
import { paths, type Topology } from '../../scripts/src/network/topology';

/**
 * Endpoints are `localhost:<port>`: discovery with asLocalhost rewrites every discovered address to
 * localhost, and fabric-common matches discovered peers to the profile's by URL, so 127.0.0.1 here
 * would make each peer appear twice (and be asked to endorse twice).
 */
export function legacyGatewayInput(t: Topology, org: OrgName, user = 'User1'): LegacyGatewayInput {
  const identity = localIdentity(t, org, user);
  return {
    channel: t.channel,
    orgs: t.orgs.map((o) => ({
      mspId: o.mspId,
      peers: [
        {
          name: `peer0.${o.domain}`,
          endpoint: `localhost:${o.peerPort}`,
          tlsCaPem: readFileSync(paths.peerTlsCa(t, o), 'utf8'),
        },
      ],
    })),
    orderers: [
      {
        name: `orderer.${t.orderer.domain}`,
        endpoint: `localhost:${t.orderer.port}`,
        tlsCaPem: readFileSync(paths.ordererTlsCa(t), 'utf8'),
      },
    ],
    ordererMspId: t.orderer.mspId,
    identity: { mspId: identity.mspId, certificate: identity.certificate, privateKey: identity.privateKey },
    // the certificates name 127.0.0.1 and localhost; an IP is not a valid TLS server name
    tlsServerName: identity.tlsServerName ?? 'localhost',
    asLocalhost: true,
  };
}
