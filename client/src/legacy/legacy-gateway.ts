// A fabric-network 2.2 Gateway from plain data (endpoints and PEMs): a common connection profile, an
// in-memory wallet holding the X.509 identity, discovery on. The inputs match what the fabric-gateway
// client is given (GatewayConnectionOptions), so both SDKs can be pointed at the same network.
import { Gateway, Wallets, type X509Identity } from 'fabric-network';

/** A node of the network as a client reaches it. */
export interface LegacyNode {
  /** The node's name in the profile, e.g. 'peer0.org1.ecar.test'. */
  readonly name: string;
  /** host:port */
  readonly endpoint: string;
  /** PEM of the CA that issued the node's TLS certificate. */
  readonly tlsCaPem: string;
}

export interface LegacyPeerOrg {
  readonly mspId: string;
  readonly peers: readonly LegacyNode[];
}

export interface LegacyGatewayInput {
  readonly channel: string;
  /** Every org's peers (the client's own org first is not required: `identity.mspId` picks it). */
  readonly orgs: readonly LegacyPeerOrg[];
  readonly orderers: readonly LegacyNode[];
  readonly ordererMspId: string;
  readonly identity: Readonly<{
    mspId: string;
    /** PEM of the enrollment certificate. */
    certificate: Uint8Array | string;
    /** PEM of the private key: only placed in the in-memory wallet, never logged. */
    privateKey: Uint8Array | string;
  }>;
  /** TLS server name when the endpoints' addresses are not in the certificates; 'localhost' locally. */
  readonly tlsServerName?: string;
  /**
   * Rewrite discovered addresses to localhost (a network on this machine); default true. Then give the
   * endpoints as `localhost:<port>` too: fabric-common matches discovered peers to the profile's by URL,
   * and a peer listed as 127.0.0.1 would appear twice.
   */
  readonly asLocalhost?: boolean;
}

/** A common connection profile (the JSON shape fabric-network reads), built from plain data. */
export function legacyConnectionProfile(input: LegacyGatewayInput): Record<string, unknown> {
  const own = input.orgs.find((org) => org.mspId === input.identity.mspId);
  if (own === undefined) throw new Error(`no peers of the client's org ${input.identity.mspId} were given`);
  const grpcOptions =
    input.tlsServerName === undefined
      ? {}
      : { 'ssl-target-name-override': input.tlsServerName, hostnameOverride: input.tlsServerName };
  const node = (n: LegacyNode): Record<string, unknown> => ({
    url: `grpcs://${n.endpoint}`,
    tlsCACerts: { pem: n.tlsCaPem },
    grpcOptions,
  });
  const organizations: Record<string, unknown> = {};
  const peers: Record<string, unknown> = {};
  const channelPeers: Record<string, unknown> = {};
  for (const org of input.orgs) {
    organizations[org.mspId] = { mspid: org.mspId, peers: org.peers.map((p) => p.name) };
    for (const peer of org.peers) {
      peers[peer.name] = node(peer);
      channelPeers[peer.name] = {
        endorsingPeer: true,
        chaincodeQuery: true,
        ledgerQuery: true,
        eventSource: true,
      };
    }
  }
  const orderers: Record<string, unknown> = {};
  for (const orderer of input.orderers) orderers[orderer.name] = node(orderer);
  organizations[input.ordererMspId] = {
    mspid: input.ordererMspId,
    orderers: input.orderers.map((o) => o.name),
  };
  return {
    name: `ecar-${input.channel}`,
    version: '1.0.0',
    client: { organization: own.mspId },
    organizations,
    peers,
    orderers,
    channels: {
      [input.channel]: { orderers: input.orderers.map((o) => o.name), peers: channelPeers },
    },
  };
}

const text = (pem: Uint8Array | string): string =>
  typeof pem === 'string' ? pem : Buffer.from(pem).toString('utf8');

/**
 * Connects a fabric-network Gateway: the profile above, the identity in an in-memory wallet, discovery
 * enabled (asLocalhost unless told otherwise). The caller disconnects it.
 */
export async function connectLegacyGateway(input: LegacyGatewayInput): Promise<Gateway> {
  const wallet = await Wallets.newInMemoryWallet();
  const label = `${input.identity.mspId}-client`;
  const identity: X509Identity = {
    type: 'X.509',
    mspId: input.identity.mspId,
    credentials: {
      certificate: text(input.identity.certificate),
      privateKey: text(input.identity.privateKey),
    },
  };
  await wallet.put(label, identity);
  const gateway = new Gateway();
  await gateway.connect(legacyConnectionProfile(input), {
    wallet,
    identity: label,
    discovery: { enabled: true, asLocalhost: input.asLocalhost ?? true },
  });
  return gateway;
}
