// Reuses a verification of the enclave set per (channel, chaincode, epoch) until it expires; any change
// of the key status (new epoch, another record, wraps or vouchers) or of the client's policy re-verifies.
import { canonicalJson } from '../../../chaincode/src/protocol/json';
import type { JsonValue } from '../../../chaincode/src/protocol/json';
import type { AttestationPolicy } from '../../../chaincode/src/protocol/attestation';
import type { KeyStatus } from '../../../chaincode/src/protocol/confidential/api';
import { toHex } from '../../../chaincode/src/protocol/confidential/encoding';
import { sha256 } from '../../../chaincode/src/protocol/confidential/primitives';
import type { TrustedKeys } from './enclave-verifier';

/** What a verification depended on besides the registry: the key status and the client's rules. */
export interface TrustBasis {
  readonly channel: string;
  readonly chaincode: string;
  readonly keyStatus: KeyStatus;
  readonly policy: AttestationPolicy;
  readonly minOrgs: number;
}

interface Entry {
  readonly statusFingerprint: string;
  readonly rulesFingerprint: string;
  readonly keys: TrustedKeys;
}

/** SHA-256 (hex) of the key status in canonical JSON: any change to it changes this. */
function keyStatusFingerprint(status: KeyStatus): string {
  return toHex(sha256(canonicalJson(status as unknown as JsonValue)));
}

function rulesFingerprint(policy: AttestationPolicy, minOrgs: number): string {
  const rules = {
    ...policy,
    minOrgs: [policy.minOrgs, minOrgs],
  };
  return toHex(sha256(canonicalJson(rules as unknown as JsonValue)));
}

const scopeKey = (channel: string, chaincode: string, epoch: number): string =>
  `${channel}\u0000${chaincode}\u0000${epoch}`;

/**
 * A cache of TrustedKeys. Share one between clients of the same process to verify once per epoch.
 *
 * @example
 * const hit = cache.lookup(basis, now) ?? cache.store(verifyEnclaveSet({ ...basis, registry, now }), basis);
 */
export class TrustCache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;

  constructor(options: Readonly<{ maxEntries?: number }> = {}) {
    this.#maxEntries = Math.max(1, options.maxEntries ?? 64);
  }

  /** The cached keys, if verified for exactly this key status and these rules and not yet expired. */
  lookup(basis: TrustBasis, now: Date): TrustedKeys | undefined {
    const key = scopeKey(basis.channel, basis.chaincode, basis.keyStatus.currentEpoch);
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (now >= entry.keys.expiresAt || now < entry.keys.verifiedAt) {
      this.#entries.delete(key);
      return undefined;
    }
    if (
      entry.statusFingerprint !== keyStatusFingerprint(basis.keyStatus) ||
      entry.rulesFingerprint !== rulesFingerprint(basis.policy, basis.minOrgs)
    ) {
      return undefined;
    }
    return entry.keys;
  }

  /** Stores a fresh verification; entries of older epochs of the same chaincode are dropped. */
  store(keys: TrustedKeys, basis: TrustBasis): TrustedKeys {
    if (
      keys.epoch !== basis.keyStatus.currentEpoch ||
      keys.channel !== basis.channel ||
      keys.chaincode !== basis.chaincode
    ) {
      throw new Error('TrustCache.store: the keys were not verified for this key status');
    }
    for (const [key, entry] of this.#entries) {
      if (entry.keys.channel === keys.channel && entry.keys.chaincode === keys.chaincode)
        this.#entries.delete(key);
    }
    if (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    this.#entries.set(scopeKey(keys.channel, keys.chaincode, keys.epoch), {
      statusFingerprint: keyStatusFingerprint(basis.keyStatus),
      rulesFingerprint: rulesFingerprint(basis.policy, basis.minOrgs),
      keys,
    });
    return keys;
  }

  /** Forgets everything, or every epoch of one chaincode. */
  invalidate(scope?: Readonly<{ channel: string; chaincode: string }>): void {
    if (scope === undefined) {
      this.#entries.clear();
      return;
    }
    for (const [key, entry] of this.#entries) {
      if (entry.keys.channel === scope.channel && entry.keys.chaincode === scope.chaincode)
        this.#entries.delete(key);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}
