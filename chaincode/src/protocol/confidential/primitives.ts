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

const X25519_PKCS8 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const X25519_SPKI = Buffer.from('302a300506032b656e032100', 'hex');
const ED25519_PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex');
const ED25519_SPKI = Buffer.from('302a300506032b6570032100', 'hex');
const ZERO16 = new Uint8Array(16);
const SIGMA = new TextEncoder().encode('expand 32-byte k');

/** tweetnacl's low-level HSalsa20 (present at runtime, missing from its type declarations). */
interface NaclLowLevel {
  crypto_core_hsalsa20(out: Uint8Array, input: Uint8Array, key: Uint8Array, constant: Uint8Array): number;
}
const lowlevel = (nacl as unknown as { lowlevel: NaclLowLevel }).lowlevel;

const privateKeyCache = new Map<string, KeyObject>();

function x25519Private(secret: Uint8Array): KeyObject {
  const id = `x${Buffer.from(secret).toString('base64')}`;
  let key = privateKeyCache.get(id);
  if (key === undefined) {
    key = createPrivateKey({ key: Buffer.concat([X25519_PKCS8, secret]), format: 'der', type: 'pkcs8' });
    if (privateKeyCache.size > 64) privateKeyCache.clear();
    privateKeyCache.set(id, key);
  }
  return key;
}

function ed25519Private(seed: Uint8Array): KeyObject {
  const id = `e${Buffer.from(seed).toString('base64')}`;
  let key = privateKeyCache.get(id);
  if (key === undefined) {
    key = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8, seed]), format: 'der', type: 'pkcs8' });
    if (privateKeyCache.size > 64) privateKeyCache.clear();
    privateKeyCache.set(id, key);
  }
  return key;
}

function rawPublic(key: KeyObject): Uint8Array {
  const der = key.export({ format: 'der', type: 'spki' });
  return new Uint8Array(der.subarray(der.length - KEY_BYTES));
}

export function randomBytes(length: number): Uint8Array {
  return new Uint8Array(nodeRandomBytes(length));
}

/** A fresh X25519 key pair (random secret; public key derived natively). */
export function boxKeyPair(secretKey: Uint8Array = randomBytes(KEY_BYTES)): BoxKeyPair {
  assertLength(secretKey, KEY_BYTES, 'box secret key');
  return { secretKey, publicKey: rawPublic(createPublicKey(x25519Private(secretKey))) };
}

/** A fresh Ed25519 key pair (random seed). */
export function signingKeyPair(seed: Uint8Array = randomBytes(KEY_BYTES)): SigningKeyPair {
  assertLength(seed, KEY_BYTES, 'signing seed');
  return { seed, publicKey: rawPublic(createPublicKey(ed25519Private(seed))) };
}

/** NaCl crypto_box_beforenm: the symmetric key shared by (my secret, their public). */
export function boxSharedKey(theirPublicKey: Uint8Array, mySecretKey: Uint8Array): Uint8Array {
  assertLength(theirPublicKey, KEY_BYTES, 'box public key');
  const publicKey = createPublicKey({
    key: Buffer.concat([X25519_SPKI, theirPublicKey]),
    format: 'der',
    type: 'spki',
  });
  let shared: Buffer;
  try {
    shared = diffieHellman({ privateKey: x25519Private(mySecretKey), publicKey });
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
  return new Uint8Array(nodeSign(null, message, ed25519Private(seed)));
}

export function verifySignature(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== KEY_BYTES || signature.length !== 64) return false;
  try {
    const key = createPublicKey({
      key: Buffer.concat([ED25519_SPKI, publicKey]),
      format: 'der',
      type: 'spki',
    });
    return nodeVerify(null, message, key, signature);
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
