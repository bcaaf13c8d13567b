// The cryptographic primitives of the confidential protocol, behind small functions so the
// implementation is a one-file change. The wire format is NaCl's: crypto_box (X25519 + HSalsa20 +
// XSalsa20-Poly1305) and Ed25519. X25519 and Ed25519 run on Node's native crypto (fast, and Ed25519
// signatures are deterministic, so every endorser signs identical bytes); the symmetric part and
// HSalsa20 come from tweetnacl.
import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  randomBytes as nodeRandomBytes,
  sign as nodeSign,
  verify as nodeVerify,
  type KeyObject,
} from 'node:crypto';
import nacl from 'tweetnacl';
import { BoundedLru } from '../bounded-lru';

export const KEY_BYTES = 32;
export const NONCE_BYTES = 24;

/** An X25519 key pair for NaCl boxes (raw 32-byte keys). */
export interface BoxKeyPair {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

/** An Ed25519 key pair: the 32-byte seed is the secret, the 32-byte public key verifies. */
export interface SigningKeyPair {
  readonly publicKey: Uint8Array;
  readonly seed: Uint8Array;
}

const ZERO16 = new Uint8Array(16);
const SIGMA = new TextEncoder().encode('expand 32-byte k');
/**
 * Key import goes through JWK: OpenSSL's DER decoders cost 75-380 us per key, JWK about 40 us.
 * For a private key Node derives the public half from `d` (the `x` given is a placeholder it does
 * not use); the tests check the result against tweetnacl, so a change of that behaviour fails them.
 */
const PLACEHOLDER_X = Buffer.alloc(32).toString('base64url');

/** tweetnacl's low-level HSalsa20 (present at runtime, missing from its type declarations). */
interface NaclLowLevel {
  crypto_core_hsalsa20(out: Uint8Array, input: Uint8Array, key: Uint8Array, constant: Uint8Array): number;
}
const lowlevel = (nacl as unknown as { lowlevel: NaclLowLevel }).lowlevel;

/** A small LRU of imported long-lived keys (wallet, chaincode, enclave, peers' public keys). */
const keys = new BoundedLru<string, KeyObject>(256);

type Curve = 'X25519' | 'Ed25519';

function importPrivate(curve: Curve, secret: Uint8Array): KeyObject {
  return createPrivateKey({
    key: { kty: 'OKP', crv: curve, d: Buffer.from(secret).toString('base64url'), x: PLACEHOLDER_X },
    format: 'jwk',
  });
}

function cachedPrivate(curve: Curve, secret: Uint8Array): KeyObject {
  return keys.getOrCreate(`${curve}d${Buffer.from(secret).toString('base64')}`, () =>
    importPrivate(curve, secret),
  );
}

function cachedPublic(curve: Curve, publicKey: Uint8Array): KeyObject {
  const x = Buffer.from(publicKey).toString('base64url');
  return keys.getOrCreate(`${curve}x${x}`, () =>
    createPublicKey({ key: { kty: 'OKP', crv: curve, x }, format: 'jwk' }),
  );
}

function rawPublic(privateKey: KeyObject): Uint8Array {
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new Error('could not derive a public key');
  return new Uint8Array(Buffer.from(jwk.x, 'base64url'));
}

function agree(privateKey: KeyObject, theirPublicKey: Uint8Array): Uint8Array {
  assertLength(theirPublicKey, KEY_BYTES, 'box public key');
  let shared: Buffer;
  try {
    shared = diffieHellman({ privateKey, publicKey: cachedPublic('X25519', theirPublicKey) });
  } catch {
    throw new Error('X25519 key agreement failed: the public key is of small order (all-zero shared secret)');
  }
  if (shared.every((b) => b === 0)) {
    throw new Error('X25519 key agreement failed: the public key is of small order (all-zero shared secret)');
  }
  const key = new Uint8Array(KEY_BYTES);
  lowlevel.crypto_core_hsalsa20(key, ZERO16, new Uint8Array(shared), SIGMA);
  return key;
}

export function randomBytes(length: number): Uint8Array {
  return new Uint8Array(nodeRandomBytes(length));
}

/** An X25519 key pair: a fresh random one, or the one of a given secret (long-lived keys are cached). */
export function boxKeyPair(secretKey?: Uint8Array): BoxKeyPair {
  if (secretKey === undefined) {
    const fresh = randomBytes(KEY_BYTES);
    return { secretKey: fresh, publicKey: rawPublic(importPrivate('X25519', fresh)) };
  }
  assertLength(secretKey, KEY_BYTES, 'box secret key');
  return { secretKey, publicKey: rawPublic(cachedPrivate('X25519', secretKey)) };
}

/** A one-time X25519 key pair and its shared key with `theirPublicKey`; nothing of it is cached. */
export function ephemeralBoxKey(theirPublicKey: Uint8Array): {
  publicKey: Uint8Array;
  sharedKey: Uint8Array;
} {
  const privateKey = importPrivate('X25519', randomBytes(KEY_BYTES));
  return { publicKey: rawPublic(privateKey), sharedKey: agree(privateKey, theirPublicKey) };
}

/** An Ed25519 key pair: a fresh random seed, or the one of a given seed. */
export function signingKeyPair(seed: Uint8Array = randomBytes(KEY_BYTES)): SigningKeyPair {
  assertLength(seed, KEY_BYTES, 'signing seed');
  return { seed, publicKey: rawPublic(cachedPrivate('Ed25519', seed)) };
}

/** NaCl crypto_box_beforenm: the symmetric key shared by (my secret, their public). */
export function boxSharedKey(theirPublicKey: Uint8Array, mySecretKey: Uint8Array): Uint8Array {
  assertLength(mySecretKey, KEY_BYTES, 'box secret key');
  return agree(cachedPrivate('X25519', mySecretKey), theirPublicKey);
}

/** XSalsa20-Poly1305 (NaCl secretbox / box.after). */
export function secretSeal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): Uint8Array {
  return nacl.secretbox(plaintext, nonce, key);
}

/** Opens a secretbox; undefined when the ciphertext or key is wrong. */
export function secretOpen(
  key: Uint8Array,
  nonce: Uint8Array,
  ciphertext: Uint8Array,
): Uint8Array | undefined {
  if (nonce.length !== NONCE_BYTES || key.length !== KEY_BYTES) return undefined;
  return nacl.secretbox.open(ciphertext, nonce, key) ?? undefined;
}

export function sign(seed: Uint8Array, message: Uint8Array): Uint8Array {
  return new Uint8Array(nodeSign(null, message, cachedPrivate('Ed25519', seed)));
}

export function verifySignature(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== KEY_BYTES || signature.length !== 64) return false;
  try {
    return nodeVerify(null, message, cachedPublic('Ed25519', publicKey), signature);
  } catch {
    return false;
  }
}

export function sha256(...parts: (Uint8Array | string)[]): Uint8Array {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}

export function hmacSha256(key: Uint8Array, ...parts: (Uint8Array | string)[]): Uint8Array {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return new Uint8Array(mac.digest());
}

function assertLength(bytes: Uint8Array, length: number, what: string): void {
  if (bytes.length !== length) throw new Error(`${what} must be ${length} bytes`);
}
