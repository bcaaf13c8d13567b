// Replay protection: every request nonce is recorded in sealed state by the transaction that uses
// it. A replayed request finds its nonce and is refused; two concurrent uses both read the key as
// absent and write it, so Fabric's MVCC check lets only one of them commit.
import { toHex } from '../protocol/confidential/encoding';
import type { StateStore } from '../ports';
import { sha256 } from '../protocol/confidential/primitives';
import { EcarError } from '../protocol/errors';

/**
 * The logical key of a (wallet, nonce) pair. One opaque segment, not `nonce/<wallet>/<nonce>`:
 * pseudonyms keep path shape, so a per-wallet segment would give every request of a wallet the same
 * visible key prefix and let a peer link them.
 */
export function nonceKey(walletPublicKey: Uint8Array, nonce: string): string {
  return `nonce/${toHex(sha256('ecar/nonce/v1\n', walletPublicKey, nonce))}`;
}

/**
 * Reads the nonce key (REPLAY when present) and writes it.
 *
 * @throws EcarError REPLAY when this wallet already used this nonce.
 */
export async function guardNonce(
  store: StateStore,
  request: Readonly<{ walletPublicKey: Uint8Array; nonce: string; notAfter: number; txId: string }>,
): Promise<void> {
  const key = nonceKey(request.walletPublicKey, request.nonce);
  if ((await store.get(key)) !== undefined) {
    throw new EcarError('REPLAY', 'this request was already used: sign a new one (fresh nonce)');
  }
  await store.put(key, { notAfter: request.notAfter, txId: request.txId });
}
