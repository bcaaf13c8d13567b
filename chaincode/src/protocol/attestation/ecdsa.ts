// ECDSA P-256 / SHA-256 verification on Node's crypto, the only signature scheme DCAP uses. Public
// keys travel as the 65-byte uncompressed point (0x04 || x || y).
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { BoundedLru } from '../bounded-lru';
import { concatBytes, toHex } from './bytes';

/** SubjectPublicKeyInfo prefix for an uncompressed P-256 point (id-ecPublicKey, prime256v1). */
const P256_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');

export const P256_POINT_SIZE = 65;

/** Bounded: the keys seen in practice are a handful of Intel CA keys and one key per quote. */
const keyCache = new BoundedLru<string, KeyObject | null>(1024);

/** A KeyObject for an uncompressed P-256 point, or undefined when the point is not on the curve. */
export function p256PublicKey(point: Uint8Array): KeyObject | undefined {
  const id = toHex(point);
  let key = keyCache.get(id);
  if (key === undefined) {
    try {
      key =
        point.length === P256_POINT_SIZE && point[0] === 0x04
          ? createPublicKey({ key: Buffer.concat([P256_SPKI_PREFIX, point]), format: 'der', type: 'spki' })
          : null;
    } catch {
      key = null;
    }
    keyCache.set(id, key);
  }
  return key ?? undefined;
}

/** The point from a raw 64-byte x||y attestation key. */
export function pointFromRawKey(xy: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(0x04), xy);
}

/**
 * Verifies an ECDSA P-256 SHA-256 signature; `encoding` is 'p1363' for r||s (quotes, TCB info) and
 * 'der' for ECDSA-Sig-Value (certificates, CRLs). Returns false for any malformed input.
 */
export function verifyP256(
  point: Uint8Array,
  data: Uint8Array,
  signature: Uint8Array,
  encoding: 'p1363' | 'der',
): boolean {
  const key = p256PublicKey(point);
  if (!key) return false;
  try {
    return verify(
      'sha256',
      data,
      { key, dsaEncoding: encoding === 'p1363' ? 'ieee-p1363' : 'der' },
      signature,
    );
  } catch {
    return false;
  }
}
