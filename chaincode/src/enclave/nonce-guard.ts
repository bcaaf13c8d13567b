// Replay protection: every request nonce is recorded in sealed state by the transaction that uses
// it. A replayed request finds its nonce and is refused; two concurrent uses both read the key as
// absent and write it, so Fabric's MVCC check lets only one of them commit. A client sends every
// attempt of one call with the same nonce, so a retry can never execute a call twice.
import { toHex } from '../protocol/confidential/encoding';
import type { JsonObject, StateStore } from '../ports';
import { sha256 } from '../protocol/confidential/primitives';
import { EcarError } from '../protocol/errors';

/**
 * Nonce records are grouped by the time their request expires (10-minute buckets of notAfter), so a
 * whole bucket can be removed once no request of it can be valid any more, without a range read
 * over nonces that are still being written.
 */
export const NONCE_BUCKET_MS = 10 * 60 * 1000;

/** The bucket of a request that expires at `notAfter`. */
export function nonceBucket(notAfter: number): number {
  return Math.floor(notAfter / NONCE_BUCKET_MS);
}

/**
 * The logical key of a (wallet, nonce) pair: `nonce/<bucket>/<hash>`. The hash is one opaque segment,
 * not a per-wallet path: pseudonyms keep path shape, so a wallet segment would give every request of
 * a wallet the same visible key prefix and let a peer link them. The bucket is only the coarse
 * expiry time, which the transaction timestamp shows anyway.
 */
export function nonceKey(walletPublicKey: Uint8Array, nonce: string, notAfter: number): string {
  return `nonce/${nonceBucket(notAfter)}/${toHex(sha256('ecar/nonce/v2\n', walletPublicKey, nonce))}`;
}

/**
 * Reads the nonce key (REPLAY when present) and writes it.
 *
 * @throws EcarError REPLAY when this wallet already used this nonce; its details name the
 *   transaction that used it (`consumedBy`), so a client that retried knows its call committed.
 */
export async function guardNonce(
  store: StateStore,
  request: Readonly<{ walletPublicKey: Uint8Array; nonce: string; notAfter: number; txId: string }>,
): Promise<void> {
  const key = nonceKey(request.walletPublicKey, request.nonce, request.notAfter);
  const used = await store.get(key);
  if (used !== undefined) {
    throw new EcarError('REPLAY', 'this request was already used: sign a new one (fresh nonce)', {
      consumedBy: typeof used.txId === 'string' ? used.txId : '',
    });
  }
  const record: JsonObject = { notAfter: request.notAfter, txId: request.txId };
  await store.put(key, record);
}

/** Where pruning resumes: the first bucket not yet removed. */
const PRUNE_MARKER_KEY = 'nonceprune/next';
/** A first prune starts this many buckets back (7 days): no request of the ledger is older. */
const FIRST_PRUNE_LOOKBACK = (7 * 86_400_000) / NONCE_BUCKET_MS;

export interface PruneOutcome {
  /** Nonce records removed. */
  readonly removed: number;
  /** Buckets of which every request had expired and are now empty. */
  readonly buckets: number;
  /** The first bucket a later prune looks at. */
  readonly next: number;
}

/**
 * Removes the nonce records of buckets in which every request has expired by more than twice the
 * clock skew: the prune's own time may run up to one skew late and a replay's time up to one skew
 * early, so only then is every such request refused by its notAfter whatever either submitter
 * writes; its record guards nothing any more, and no transaction can write into those buckets, so
 * the range reads do not conflict. At most
 * `maxBuckets` buckets per call (a week and a day of buckets: one call catches up a first prune).
 */
export async function pruneNonces(
  store: StateStore,
  clock: Readonly<{ nowMs: number; skewMs?: number }>,
  maxBuckets = 1_200,
): Promise<PruneOutcome> {
  const marker = await store.get(PRUNE_MARKER_KEY);
  let bucket =
    typeof marker?.next === 'number' ? marker.next : nonceBucket(clock.nowMs) - FIRST_PRUNE_LOOKBACK;
  const expiredBefore = clock.nowMs - 2 * (clock.skewMs ?? 0);
  let removed = 0;
  let buckets = 0;
  while (buckets < maxBuckets && (bucket + 1) * NONCE_BUCKET_MS <= expiredBefore) {
    for (const entry of await store.range(`nonce/${bucket}/`)) {
      await store.delete(entry.key);
      removed += 1;
    }
    bucket += 1;
    buckets += 1;
  }
  if (buckets > 0) await store.put(PRUNE_MARKER_KEY, { next: bucket });
  return { removed, buckets, next: bucket };
}
