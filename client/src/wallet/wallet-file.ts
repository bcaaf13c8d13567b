// Wallet files: an Ed25519 wallet seed (32 bytes) sealed at rest. The key comes from the passphrase
// through scrypt (memory-hard: N=2^17, r=8, p=1 by default, 128 MiB; parameters and random salt
// stored in the file, so older files at 2^15 still open and `upgradeWallet` re-encrypts them), the
// seed is sealed with a NaCl secretbox, and the file is private (0600), written atomically.
//
// The sealed plaintext is seed || SHA-256(header), where the header is the canonical JSON of the
// public fields (format, version, public key, KDF parameters): a changed header or public key is
// refused as tampering even though the secretbox itself authenticates only the ciphertext.
import { walletCallerId } from '../../../chaincode/src/protocol/confidential/api';
import { scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import {
  KEY_BYTES,
  NONCE_BYTES,
  randomBytes,
  secretOpen,
  secretSeal,
  sha256,
  signingKeyPair,
  type SigningKeyPair,
} from '../../../chaincode/src/protocol/confidential/primitives';
import { writePrivateFileAtomic } from '../app/private-file';
import { WalletError } from './wallet-error';

export const WALLET_FORMAT = 'ecar-wallet';
export const WALLET_VERSION = 1;
/** Caller ids of wallets on the confidential ledger: this prefix + hex of the Ed25519 public key. */

/**
 * scrypt cost bounds: files down to 2^15 (the earlier default) open; new wallets get at least
 * 2^17 unless created explicitly as low-cost test wallets; the ceiling keeps opening a file bounded.
 */
export const MIN_SCRYPT_LOG_N = 15;
/** The default and floor for new wallets: 128 MiB with r=8, about 0.3-0.5 s on a laptop. */
export const RECOMMENDED_SCRYPT_LOG_N = 17;
const MAX_SCRYPT_LOG_N = 22;
const SALT_BYTES = 16;

export interface ScryptParams {
  readonly name: 'scrypt';
  /** CPU/memory cost, a power of two, at least 2^15. */
  readonly N: number;
  readonly r: number;
  readonly p: number;
  /** base64 */
  readonly salt: string;
  readonly keyLength: typeof KEY_BYTES;
}

/** The wallet file (JSON). */
export interface WalletFile {
  readonly format: typeof WALLET_FORMAT;
  readonly version: typeof WALLET_VERSION;
  /** Ed25519 public key, hex. */
  readonly publicKey: string;
  readonly kdf: ScryptParams;
  readonly cipher: {
    readonly name: 'xsalsa20-poly1305';
    /** base64, 24 bytes */
    readonly nonce: string;
    /** base64 of secretbox(seed || SHA-256(header)) */
    readonly ciphertext: string;
  };
  readonly createdAt: string;
  /** Present (true) on wallets deliberately created below the recommended cost for test networks; bound into the header. */
  readonly lowCostForTests?: true;
}

/** What anyone may see of a wallet. */
export interface WalletInfo {
  readonly file: string;
  readonly publicKey: string;
  readonly callerId: string;
  readonly kdf: Omit<ScryptParams, 'salt'>;
  readonly createdAt: string;
  /** Created below the recommended cost on purpose (generated test-network wallets). */
  readonly lowCostForTests: boolean;
  /** The KDF cost is below RECOMMENDED_SCRYPT_LOG_N and the wallet is not a test wallet: `upgradeWallet` it. */
  readonly upgradeRecommended: boolean;
}

/** An opened wallet: the signing key pair for the confidential client. */
export interface UnlockedWallet extends WalletInfo {
  readonly keyPair: SigningKeyPair;
}

export interface CreateWalletOptions {
  /** Import this seed instead of generating one. */
  readonly seed?: Uint8Array;
  /** log2 of scrypt N; default and minimum 17 (128 MiB); 15 or 16 only with `lowCostForTests`. */
  readonly logN?: number;
  /**
   * Allow a cost below the recommended one (down to 2^15), recorded in the file: for the many
   * throw-away wallets of test networks, benchmarks and demos, never for a user's wallet.
   */
  readonly lowCostForTests?: boolean;
  readonly now?: Date;
}

/** The ledger caller id of a wallet public key. */
export { walletCallerId };

/**
 * Creates a wallet file (0600, folder 0700). Never overwrites.
 * @throws WalletError WALLET_EXISTS when the file exists, WALLET_PASSPHRASE for an empty passphrase.
 */
export async function createWallet(
  file: string,
  passphrase: string,
  options: Readonly<CreateWalletOptions> = {},
): Promise<WalletInfo> {
  if (existsSync(file)) {
    throw new WalletError(
      'WALLET_EXISTS',
      `a wallet already exists at ${file}; choose another --file (an existing wallet is never overwritten)`,
      file,
    );
  }
  if (passphrase.length === 0) throw new WalletError('WALLET_PASSPHRASE', 'the passphrase is empty', file);
  const seed = options.seed ?? randomBytes(KEY_BYTES);
  if (seed.length !== KEY_BYTES) {
    throw new WalletError('WALLET_INVALID', `a wallet secret is ${KEY_BYTES} bytes (64 hex digits)`, file);
  }
  const wallet = await sealSeed(seed, passphrase, options, file, (options.now ?? new Date()).toISOString());
  writePrivateFileAtomic(file, `${JSON.stringify(wallet, null, 2)}\n`, {
    replace: false,
    existing: (path) => new WalletError('WALLET_EXISTS', `a wallet appeared at ${path} meanwhile`, path),
  });
  return info(file, wallet);
}

export interface UpgradeWalletOptions {
  /** log2 of the new scrypt N; default RECOMMENDED_SCRYPT_LOG_N. */
  readonly logN?: number;
}

/** What `upgradeWallet` did. */
export interface UpgradeResult extends WalletInfo {
  /** False when the wallet already had at least the asked cost (the file was left as it was). */
  readonly upgraded: boolean;
  /** The previous scrypt N. */
  readonly previousN: number;
}

/**
 * Re-encrypts a wallet with a fresh salt and nonce at the recommended scrypt cost (or `logN`), when
 * its cost is lower; same seed, same public key, same creation time; replaced atomically. A test
 * wallet upgraded this way loses its low-cost mark.
 * @throws WalletError as openWallet (nothing is changed then); WALLET_INVALID for a cost out of range.
 */
export async function upgradeWallet(
  file: string,
  passphrase: string,
  options: Readonly<UpgradeWalletOptions> = {},
): Promise<UpgradeResult> {
  const logN = options.logN ?? RECOMMENDED_SCRYPT_LOG_N;
  checkCost(logN, false, file);
  const opened = await openWallet(file, passphrase);
  const previousN = opened.kdf.N;
  if (previousN >= 2 ** logN && !opened.lowCostForTests) {
    return { ...publicInfo(opened), upgraded: false, previousN };
  }
  const seed = opened.keyPair.seed.slice();
  try {
    const wallet = await sealSeed(seed, passphrase, { logN }, file, opened.createdAt);
    writePrivateFileAtomic(file, `${JSON.stringify(wallet, null, 2)}\n`, { replace: true });
    return { ...info(file, wallet), upgraded: true, previousN };
  } finally {
    seed.fill(0);
  }
}

function checkCost(logN: number, lowCostForTests: boolean, file: string): void {
  const floor = lowCostForTests ? MIN_SCRYPT_LOG_N : RECOMMENDED_SCRYPT_LOG_N;
  if (!Number.isInteger(logN) || logN < floor || logN > MAX_SCRYPT_LOG_N) {
    throw new WalletError(
      'WALLET_INVALID',
      `scrypt cost must be 2^${floor}..2^${MAX_SCRYPT_LOG_N}${lowCostForTests ? '' : ` (below 2^${RECOMMENDED_SCRYPT_LOG_N} only for test wallets)`}`,
      file,
    );
  }
}

/** The wallet file of `seed` under `passphrase`: new salt, new nonce, the header bound into the box. */
async function sealSeed(
  seed: Uint8Array,
  passphrase: string,
  options: Readonly<{ logN?: number; lowCostForTests?: boolean }>,
  file: string,
  createdAt: string,
): Promise<WalletFile> {
  const lowCost = options.lowCostForTests === true;
  const logN = options.logN ?? RECOMMENDED_SCRYPT_LOG_N;
  checkCost(logN, lowCost, file);
  // the mark only where the cost is actually below the recommendation
  const mark = lowCost && logN < RECOMMENDED_SCRYPT_LOG_N;
  const pair = signingKeyPair(seed);
  const kdf: ScryptParams = {
    name: 'scrypt',
    N: 2 ** logN,
    r: 8,
    p: 1,
    salt: Buffer.from(randomBytes(SALT_BYTES)).toString('base64'),
    keyLength: KEY_BYTES,
  };
  const publicKey = Buffer.from(pair.publicKey).toString('hex');
  const key = await deriveKey(passphrase, kdf);
  const nonce = randomBytes(NONCE_BYTES);
  const plaintext = concat(seed, headerHash(publicKey, kdf, mark));
  const ciphertext = secretSeal(key, nonce, plaintext);
  key.fill(0);
  plaintext.fill(0);
  return {
    format: WALLET_FORMAT,
    version: WALLET_VERSION,
    publicKey,
    kdf,
    cipher: {
      name: 'xsalsa20-poly1305',
      nonce: Buffer.from(nonce).toString('base64'),
      ciphertext: Buffer.from(ciphertext).toString('base64'),
    },
    createdAt,
    ...(mark ? { lowCostForTests: true as const } : {}),
  };
}

/**
 * The public part of a wallet file, without the passphrase (not verified against the secret:
 * {@link openWallet} does that).
 * @throws WalletError WALLET_MISSING or WALLET_INVALID.
 */
export function readWalletInfo(file: string): WalletInfo {
  return info(file, readWalletFile(file));
}

/**
 * Opens a wallet with its passphrase. Reads only; nothing is written.
 * @throws WalletError WALLET_LOCKED for a wrong passphrase (or a changed ciphertext), WALLET_TAMPERED
 *   when the public fields do not match the secret, WALLET_MISSING, WALLET_INVALID.
 */
export async function openWallet(file: string, passphrase: string): Promise<UnlockedWallet> {
  const wallet = readWalletFile(file);
  const key = await deriveKey(passphrase, wallet.kdf);
  const nonce = new Uint8Array(Buffer.from(wallet.cipher.nonce, 'base64'));
  const ciphertext = new Uint8Array(Buffer.from(wallet.cipher.ciphertext, 'base64'));
  const plaintext = secretOpen(key, nonce, ciphertext);
  key.fill(0);
  if (plaintext === undefined) {
    throw new WalletError(
      'WALLET_LOCKED',
      `wrong passphrase for the wallet ${file} (or its sealed secret was changed); nothing was changed`,
      file,
    );
  }
  const seed = plaintext.slice(0, KEY_BYTES);
  const boundHeader = plaintext.slice(KEY_BYTES);
  plaintext.fill(0);
  const pair = signingKeyPair(seed);
  const expectedHeader = headerHash(wallet.publicKey, wallet.kdf, wallet.lowCostForTests === true);
  if (
    boundHeader.length !== expectedHeader.length ||
    !timingSafeEqual(boundHeader, expectedHeader) ||
    Buffer.from(pair.publicKey).toString('hex') !== wallet.publicKey
  ) {
    throw new WalletError(
      'WALLET_TAMPERED',
      `the wallet ${file} was changed: its public key or parameters do not match the sealed secret; restore it from a backup`,
      file,
    );
  }
  return { ...info(file, wallet), keyPair: pair };
}

function info(file: string, wallet: WalletFile): WalletInfo {
  const { name, N, r, p, keyLength } = wallet.kdf;
  const lowCostForTests = wallet.lowCostForTests === true;
  return {
    file,
    publicKey: wallet.publicKey,
    callerId: walletCallerId(Buffer.from(wallet.publicKey, 'hex')),
    kdf: { name, N, r, p, keyLength },
    createdAt: wallet.createdAt,
    lowCostForTests,
    upgradeRecommended: !lowCostForTests && N < 2 ** RECOMMENDED_SCRYPT_LOG_N,
  };
}

/** The public fields of an opened wallet (without its key pair). */
export function publicInfo(wallet: WalletInfo): WalletInfo {
  const { file, publicKey, callerId, kdf, createdAt, lowCostForTests, upgradeRecommended } = wallet;
  return { file, publicKey, callerId, kdf, createdAt, lowCostForTests, upgradeRecommended };
}

function readWalletFile(file: string): WalletFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    if (code === 'ENOENT') {
      throw new WalletError(
        'WALLET_MISSING',
        `no wallet at ${file}: create one with 'ecar wallet create'`,
        file,
      );
    }
    throw new WalletError('WALLET_INVALID', `cannot read the wallet ${file} (${code})`, file);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new WalletError('WALLET_INVALID', `${file} is not a wallet file (not JSON)`, file);
  }
  return parseWalletFile(raw, file);
}

type Bad = (what: string) => never;

function objectOf(value: unknown, what: string, bad: Bad): Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Readonly<Record<string, unknown>>)
    : bad(`${what} must be an object`);
}

function parseWalletFile(raw: unknown, file: string): WalletFile {
  const bad: Bad = (what) => {
    throw new WalletError('WALLET_INVALID', `${file} is not a valid ecar wallet: ${what}`, file);
  };
  const w = objectOf(raw, 'the file', bad);
  if (w.format !== WALLET_FORMAT) bad(`format must be '${WALLET_FORMAT}'`);
  if (w.version !== WALLET_VERSION)
    bad(`version ${String(w.version)} is not supported (expected ${WALLET_VERSION})`);
  const publicKey = w.publicKey;
  if (typeof publicKey !== 'string' || !/^[0-9a-f]{64}$/.test(publicKey))
    bad('publicKey must be 64 hex digits');
  checkKdf(objectOf(w.kdf, 'kdf', bad), bad);
  checkCipher(objectOf(w.cipher, 'cipher', bad), bad);
  if (typeof w.createdAt !== 'string') bad('createdAt must be a time');
  if (w.lowCostForTests !== undefined && w.lowCostForTests !== true)
    bad('lowCostForTests must be true when present');
  return raw as WalletFile;
}

/** scrypt with N a power of two in bounds, r 8-32, p 1-16, the key length and a long enough salt. */
function checkKdf(k: Readonly<Record<string, unknown>>, bad: Bad): void {
  const { N, r, p } = k;
  if (k.name !== 'scrypt') bad('kdf.name must be scrypt');
  if (
    typeof N !== 'number' ||
    !Number.isInteger(Math.log2(N)) ||
    N < 2 ** MIN_SCRYPT_LOG_N ||
    N > 2 ** MAX_SCRYPT_LOG_N
  ) {
    bad(`kdf.N must be a power of two within 2^${MIN_SCRYPT_LOG_N}..2^${MAX_SCRYPT_LOG_N}`);
  }
  if (typeof r !== 'number' || !Number.isInteger(r) || r < 8 || r > 32) bad('kdf.r must be 8-32');
  if (typeof p !== 'number' || !Number.isInteger(p) || p < 1 || p > 16) bad('kdf.p must be 1-16');
  if (k.keyLength !== KEY_BYTES) bad(`kdf.keyLength must be ${KEY_BYTES}`);
  const salt = base64(k.salt, 'kdf.salt', bad);
  if (salt.length < SALT_BYTES) bad(`kdf.salt must be at least ${SALT_BYTES} bytes`);
}

/** xsalsa20-poly1305 with a nonce and a ciphertext of the sealed seed's exact lengths. */
function checkCipher(c: Readonly<Record<string, unknown>>, bad: Bad): void {
  if (c.name !== 'xsalsa20-poly1305') bad('cipher.name must be xsalsa20-poly1305');
  if (base64(c.nonce, 'cipher.nonce', bad).length !== NONCE_BYTES)
    bad(`cipher.nonce must be ${NONCE_BYTES} bytes`);
  const ciphertext = base64(c.ciphertext, 'cipher.ciphertext', bad);
  if (ciphertext.length !== KEY_BYTES + 32 + 16) bad('cipher.ciphertext has the wrong length');
}

function base64(value: unknown, what: string, bad: Bad): Buffer {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(value))
    return bad(`${what} must be base64`);
  return Buffer.from(value, 'base64');
}

function deriveKey(passphrase: string, kdf: Omit<ScryptParams, 'name'>): Promise<Uint8Array> {
  const salt = Buffer.from(kdf.salt, 'base64');
  // scrypt needs 128 * N * r bytes; allow that plus headroom (Node's default cap is 32 MiB).
  const maxmem = 128 * kdf.N * kdf.r * kdf.p + 16 * 1024 * 1024;
  return new Promise((resolveKey, reject) => {
    scryptCallback(
      passphrase.normalize('NFC'),
      salt,
      kdf.keyLength,
      { N: kdf.N, r: kdf.r, p: kdf.p, maxmem },
      (error, key) => {
        if (error) reject(new WalletError('WALLET_INVALID', `scrypt failed: ${error.message}`));
        else resolveKey(new Uint8Array(key));
      },
    );
  });
}

function headerHash(publicKey: string, kdf: ScryptParams, lowCostForTests: boolean): Uint8Array {
  // Canonical: fixed key order, no whitespace; the test mark only when set, so older files keep their hash.
  const header = JSON.stringify({
    format: WALLET_FORMAT,
    version: WALLET_VERSION,
    publicKey,
    kdf: { name: kdf.name, N: kdf.N, r: kdf.r, p: kdf.p, salt: kdf.salt, keyLength: kdf.keyLength },
    ...(lowCostForTests ? { lowCostForTests: true } : {}),
  });
  return sha256(header);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
