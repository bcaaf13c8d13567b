// connectConfidential: the application's way into the confidential contract, from a fabric-gateway
// Gateway (or a Network and its identity), a wallet and the application's own attestation policy.
import type { AttestationPolicy } from '../../chaincode/src/protocol/attestation';
import { EcarError } from '../../chaincode/src/protocol/errors';
import {
  ConfidentialLedgerClient,
  type ConfidentialLedgerClientOptions,
  type WalletKey,
} from './confidential/confidential-client';
import type { NetworkPort } from './confidential/gateway-ports';
import type { TrustCache } from './confidential/trust-cache';
import type { UnlockedWallet } from './wallet/wallet-file';
import { typedLedger, type Ledger } from './typed-ledger';

/** The slice of fabric-gateway's `Gateway` used here: a real `Gateway` satisfies it. */
export interface GatewayLike {
  getNetwork(channelName: string): NetworkPort;
  getIdentity(): { readonly mspId: string; readonly credentials: Uint8Array };
}

/** Tuning shared by both ways to connect; every field has a default. */
export interface ConnectTuning {
  /** Distinct orgs whose attested enclaves must vouch for the keys (at least policy.minOrgs); default 2. */
  readonly minOrgs?: number;
  /** Share one cache between connections to verify the enclave set once per key epoch. */
  readonly trustCache?: TrustCache;
  /** How long a sealed request stays valid; default 2 minutes. */
  readonly requestLifetimeMs?: number;
  /** Submits of one call at most, read conflicts included; default 4. */
  readonly maxAttempts?: number;
  /** The clock for evidence checks and request expiry; default the system clock. */
  readonly clock?: () => Date;
}

interface ConnectCommon extends ConnectTuning {
  /** The chaincode name the confidential contract is deployed under. */
  readonly chaincode: string;
  /** The wallet that signs requests: an opened wallet file or its key pair. */
  readonly wallet: Pick<UnlockedWallet, 'keyPair'> | WalletKey;
  /** The application's own attestation policy: nothing is encrypted for enclaves it rejects. */
  readonly policy: AttestationPolicy;
}

/** Connect through a gateway and a channel name. */
export interface ConnectThroughGateway extends ConnectCommon {
  readonly gateway: GatewayLike;
  readonly channel: string;
}

/** Connect through a channel's Network and the identity its gateway was connected with. */
export interface ConnectThroughNetwork extends ConnectCommon {
  readonly network: NetworkPort;
  /** `gateway.getIdentity()` of the gateway the network came from: requests are bound to it. */
  readonly identity: { readonly mspId: string; readonly credentials: Uint8Array };
}

export type ConnectOptions = ConnectThroughGateway | ConnectThroughNetwork;

/**
 * The confidential contract as one wallet sees it, typed by transaction (see Ledger). Nothing is sent before the first call; that call
 * verifies the enclaves against `policy` before anything is encrypted.
 *
 * @example
 * const gateway = connect({ client, identity, signer, hash: hash.sha256 });
 * const ledger = connectConfidential({ gateway, channel: 'ecar', chaincode: 'ecar', wallet, policy });
 * const balance = await ledger.evaluate('getBalance');
 * @throws EcarError INVALID_ARGUMENT when the wallet is not an Ed25519 key pair or options are missing.
 */
export function connectConfidential(options: Readonly<ConnectOptions>): Ledger {
  const wallet = 'keyPair' in options.wallet ? options.wallet.keyPair : options.wallet;
  const { network, identity } =
    'gateway' in options
      ? { network: options.gateway.getNetwork(options.channel), identity: options.gateway.getIdentity() }
      : { network: options.network, identity: options.identity };
  if (typeof options.chaincode !== 'string' || options.chaincode.length === 0) {
    throw new EcarError('INVALID_ARGUMENT', 'connectConfidential needs the chaincode name');
  }
  const clientOptions: ConfidentialLedgerClientOptions = {
    network,
    identity,
    chaincode: options.chaincode,
    wallet,
    policy: options.policy,
    ...(options.minOrgs === undefined ? {} : { minOrgs: options.minOrgs }),
    ...(options.trustCache === undefined ? {} : { trustCache: options.trustCache }),
    ...(options.requestLifetimeMs === undefined ? {} : { requestLifetimeMs: options.requestLifetimeMs }),
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  };
  return typedLedger(new ConfidentialLedgerClient(clientOptions));
}
