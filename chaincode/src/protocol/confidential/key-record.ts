// Chaincode keys per epoch (DESIGN section 4): created inside one enclave, published on the ledger
// as a record with the public halves and one box per enclave the creator verified itself, shared
// later by a recorded transaction, and vouched for by every enclave that imported them. Secrets
// never appear outside a box.
//
// Wraps (v2) are deterministic: the ephemeral X25519 secret and the nonce are derived from the
// bundle's name key, the recipient and the bundle itself, so every enclave holding the epoch writes
// byte-identical wraps and a share can be a transaction that every required org endorses. A wrap is
// `from` the key lineage (a keyed hash of the name key), not from one enclave; the recipient checks
// the unwrapped public halves against the published record.
import { canonicalJson } from '../json';
import type { JsonValue } from '../json';
import { EcarError } from '../errors';
import { fromB64, fromHex, fromUtf8, parseJsonObject, toB64, toHex, utf8 } from './encoding';
import {
  boxKeyPair,
  boxSharedKey,
  hmacSha256,
  KEY_BYTES,
  NONCE_BYTES,
  randomBytes,
  secretOpen,
  secretSeal,
  sha256,
  sign,
  signingKeyPair,
  verifySignature,
} from './primitives';

const RECORD_DOMAIN = 'ecar/key-record/v2\n';
const VOUCH_DOMAIN = 'ecar/vouch/v1\n';
const LINEAGE_DOMAIN = 'ecar/key-lineage/v1\n';
const WRAP_SECRET_DOMAIN = 'ecar/wrap/ephemeral/v2\n';
const WRAP_NONCE_DOMAIN = 'ecar/wrap/nonce/v2\n';

/** The secret halves of one epoch. */
export interface EpochSecrets {
  readonly boxSecretKey: Uint8Array;
  readonly receiptSeed: Uint8Array;
  readonly stateKey: Uint8Array;
}

/** Everything an enclave needs to serve every epoch up to the newest (old state stays readable). */
export interface KeyBundle {
  /** Names sealed state keys; fixed for the chaincode's life so pseudonyms never move. */
  readonly nameKey: Uint8Array;
  readonly epochs: ReadonlyMap<number, EpochSecrets>;
}

/** The public halves of one epoch, as published. */
export interface EpochPublicKeys {
  readonly epoch: number;
  readonly boxPublicKey: Uint8Array;
  readonly receiptPublicKey: Uint8Array;
}

/** A box of the key bundle (every epoch up to `epoch`) for one enclave. */
export interface KeyWrap {
  readonly v: 2;
  /** Enclave id (hex of its Ed25519 identity key) of the recipient. */
  readonly enclave: string;
  /** The key lineage (see lineageOf) whose name key derived the box, never one enclave. */
  readonly from: string;
  readonly epoch: number;
  /** The derived ephemeral X25519 public key, base64. */
  readonly eph: string;
  readonly n: string;
  readonly ct: string;
}

/** The ledger record of an epoch's keys. */
export interface KeyRecord {
  readonly v: 2;
  readonly channel: string;
  readonly chaincode: string;
  readonly epoch: number;
  readonly boxPublicKey: string;
  readonly receiptPublicKey: string;
  /** Enclave id of the creator, whose identity key signed. */
  readonly creator: string;
  /** The key lineage every wrap of this chaincode comes from (lineageOf the name key). */
  readonly lineage: string;
  readonly wraps: readonly KeyWrap[];
  readonly sig: string;
}

export interface Voucher {
  readonly v: 1;
  readonly enclave: string;
  readonly epoch: number;
  readonly sig: string;
}

export function newEpochSecrets(): EpochSecrets {
  return {
    boxSecretKey: randomBytes(KEY_BYTES),
    receiptSeed: randomBytes(KEY_BYTES),
    stateKey: randomBytes(KEY_BYTES),
  };
}

export function epochPublicKeys(epoch: number, secrets: EpochSecrets): EpochPublicKeys {
  return {
    epoch,
    boxPublicKey: boxKeyPair(secrets.boxSecretKey).publicKey,
    receiptPublicKey: signingKeyPair(secrets.receiptSeed).publicKey,
  };
}

/** A fresh bundle (first epoch) or the bundle extended by a new epoch (rotation). */
export function extendBundle(previous: KeyBundle | undefined): { bundle: KeyBundle; epoch: number } {
  const epoch = previous ? Math.max(...previous.epochs.keys()) + 1 : 1;
  const epochs = new Map(previous?.epochs ?? []);
  epochs.set(epoch, newEpochSecrets());
  return { bundle: { nameKey: previous?.nameKey ?? randomBytes(KEY_BYTES), epochs }, epoch };
}

export function serializeBundle(bundle: KeyBundle): Uint8Array {
  const epochs: Record<string, JsonValue> = {};
  for (const [epoch, s] of bundle.epochs) {
    epochs[String(epoch)] = {
      box: toB64(s.boxSecretKey),
      receipt: toB64(s.receiptSeed),
      state: toB64(s.stateKey),
    };
  }
  return utf8(canonicalJson({ v: 1, name: toB64(bundle.nameKey), epochs }));
}

export function parseBundle(bytes: Uint8Array): KeyBundle {
  const raw = parseJsonObject(fromUtf8(bytes), 'key bundle', 'KEYS_UNAVAILABLE');
  const epochsRaw = raw.epochs;
  if (raw.v !== 1 || epochsRaw === null || typeof epochsRaw !== 'object') {
    throw new EcarError('KEYS_UNAVAILABLE', 'key bundle has an unknown shape');
  }
  const epochs = new Map<number, EpochSecrets>();
  for (const [key, value] of Object.entries(epochsRaw as Record<string, unknown>)) {
    const s = value as Record<string, unknown>;
    epochs.set(Number.parseInt(key, 10), {
      boxSecretKey: fromB64(s.box, 'box key', 'KEYS_UNAVAILABLE', KEY_BYTES),
      receiptSeed: fromB64(s.receipt, 'receipt key', 'KEYS_UNAVAILABLE', KEY_BYTES),
      stateKey: fromB64(s.state, 'state key', 'KEYS_UNAVAILABLE', KEY_BYTES),
    });
  }
  return { nameKey: fromB64(raw.name, 'name key', 'KEYS_UNAVAILABLE', KEY_BYTES), epochs };
}

/** The public id of a key lineage: a keyed hash of its name key (reveals nothing of the key). */
export function lineageOf(nameKey: Uint8Array): string {
  return toHex(hmacSha256(nameKey, LINEAGE_DOMAIN));
}

/** The bundle without epochs after `epoch` (only published epochs are ever wrapped or extended). */
export function restrictBundle(bundle: KeyBundle, epoch: number): KeyBundle {
  return { nameKey: bundle.nameKey, epochs: new Map([...bundle.epochs].filter(([e]) => e <= epoch)) };
}

/**
 * Boxes the bundle's epochs up to `epoch` to a recipient enclave. Deterministic: the same bundle,
 * recipient and epoch give the same bytes on every enclave that holds them (the ephemeral secret
 * and nonce are keyed by the name key and bound to the plaintext's hash, so no two plaintexts
 * share them).
 */
export function wrapBundle(
  bundle: KeyBundle,
  recipient: Readonly<{ enclave: string; boxPublicKey: Uint8Array }>,
  epoch: number,
): KeyWrap {
  const restricted = restrictBundle(bundle, epoch);
  if (!restricted.epochs.has(epoch)) throw new EcarError('KEYS_UNAVAILABLE', `no keys of epoch ${epoch}`);
  const plain = serializeBundle(restricted);
  const label = canonicalJson({
    bundle: toHex(sha256(plain)),
    enclave: recipient.enclave,
    epoch,
    recipientKey: toB64(recipient.boxPublicKey),
  });
  const ephemeral = boxKeyPair(hmacSha256(bundle.nameKey, WRAP_SECRET_DOMAIN, label));
  const nonce = hmacSha256(bundle.nameKey, WRAP_NONCE_DOMAIN, label).slice(0, NONCE_BYTES);
  const key = boxSharedKey(recipient.boxPublicKey, ephemeral.secretKey);
  return {
    v: 2,
    enclave: recipient.enclave,
    from: lineageOf(bundle.nameKey),
    epoch,
    eph: toB64(ephemeral.publicKey),
    n: toB64(nonce),
    ct: toB64(secretSeal(key, nonce, plain)),
  };
}

/**
 * Opens a wrap with the recipient's box secret key and checks that it holds the lineage and epoch
 * it claims (the caller still checks the public halves against the published record).
 *
 * @throws EcarError KEYS_UNAVAILABLE when it does not open or claims other keys than it holds.
 */
export function unwrapBundle(wrap: KeyWrap, recipientBoxSecretKey: Uint8Array): KeyBundle {
  const key = boxSharedKey(
    fromB64(wrap.eph, 'wrap ephemeral key', 'KEYS_UNAVAILABLE', KEY_BYTES),
    recipientBoxSecretKey,
  );
  const plain = secretOpen(
    key,
    fromB64(wrap.n, 'wrap nonce', 'KEYS_UNAVAILABLE', NONCE_BYTES),
    fromB64(wrap.ct, 'wrap', 'KEYS_UNAVAILABLE'),
  );
  if (plain === undefined)
    throw new EcarError('KEYS_UNAVAILABLE', 'the key wrap does not open for this enclave');
  const bundle = parseBundle(plain);
  if (lineageOf(bundle.nameKey) !== wrap.from || Math.max(...bundle.epochs.keys()) !== wrap.epoch) {
    throw new EcarError('KEYS_UNAVAILABLE', 'the key wrap holds other keys than it names');
  }
  return bundle;
}

function recordMessage(record: Omit<KeyRecord, 'sig' | 'wraps'>): Uint8Array {
  const { v, channel, chaincode, epoch, boxPublicKey, receiptPublicKey, creator, lineage } = record;
  return utf8(
    RECORD_DOMAIN +
      canonicalJson({ v, channel, chaincode, epoch, boxPublicKey, receiptPublicKey, creator, lineage }),
  );
}

/** Builds and signs an epoch's key record (the creator enclave's identity key signs). */
export function makeKeyRecord(
  fields: Readonly<{
    channel: string;
    chaincode: string;
    keys: EpochPublicKeys;
    creator: string;
    lineage: string;
    wraps: readonly KeyWrap[];
  }>,
  creatorSigningSeed: Uint8Array,
): KeyRecord {
  const unsigned = {
    v: 2 as const,
    channel: fields.channel,
    chaincode: fields.chaincode,
    epoch: fields.keys.epoch,
    boxPublicKey: toB64(fields.keys.boxPublicKey),
    receiptPublicKey: toB64(fields.keys.receiptPublicKey),
    creator: fields.creator,
    lineage: fields.lineage,
  };
  return { ...unsigned, wraps: fields.wraps, sig: toB64(sign(creatorSigningSeed, recordMessage(unsigned))) };
}

/** Checks the record's shape and the creator's signature (the creator must be a registered enclave). */
export function verifyKeyRecord(record: KeyRecord, creatorSigningPublicKey: Uint8Array): EpochPublicKeys {
  if (toHex(creatorSigningPublicKey) !== record.creator) {
    throw new EcarError('KEYS_UNAVAILABLE', 'key record creator does not match the signing key');
  }
  if (
    !verifySignature(
      creatorSigningPublicKey,
      recordMessage(record),
      fromB64(record.sig, 'key record signature', 'KEYS_UNAVAILABLE', 64),
    )
  ) {
    throw new EcarError('KEYS_UNAVAILABLE', 'key record signature does not verify');
  }
  return {
    epoch: record.epoch,
    boxPublicKey: fromB64(record.boxPublicKey, 'chaincode box key', 'KEYS_UNAVAILABLE', KEY_BYTES),
    receiptPublicKey: fromB64(record.receiptPublicKey, 'receipt key', 'KEYS_UNAVAILABLE', KEY_BYTES),
  };
}

function vouchMessage(
  record: Pick<KeyRecord, 'channel' | 'chaincode' | 'epoch' | 'boxPublicKey' | 'receiptPublicKey'>,
): Uint8Array {
  const { channel, chaincode, epoch, boxPublicKey, receiptPublicKey } = record;
  return utf8(VOUCH_DOMAIN + canonicalJson({ channel, chaincode, epoch, boxPublicKey, receiptPublicKey }));
}

/** An enclave's statement that it holds this epoch's keys and that their public halves are these. */
export function makeVoucher(record: KeyRecord, enclave: string, enclaveSigningSeed: Uint8Array): Voucher {
  return { v: 1, enclave, epoch: record.epoch, sig: toB64(sign(enclaveSigningSeed, vouchMessage(record))) };
}

export function verifyVoucher(
  voucher: Voucher,
  record: KeyRecord,
  enclaveSigningPublicKey: Uint8Array,
): boolean {
  if (voucher.epoch !== record.epoch || voucher.enclave !== toHex(enclaveSigningPublicKey)) return false;
  try {
    return verifySignature(
      enclaveSigningPublicKey,
      vouchMessage(record),
      fromB64(voucher.sig, 'voucher', 'KEYS_UNAVAILABLE', 64),
    );
  } catch {
    return false;
  }
}

export const enclaveIdOf = (signingPublicKey: Uint8Array): string => toHex(signingPublicKey);
export const signingKeyOfEnclaveId = (enclave: string): Uint8Array =>
  fromHex(enclave, 'enclave id', 'KEYS_UNAVAILABLE', KEY_BYTES);

export function isEnclaveId(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);
}

export function parseKeyWrap(input: unknown): KeyWrap {
  const x = (input ?? {}) as Record<string, unknown>;
  if (
    x.v !== 2 ||
    !isEnclaveId(x.enclave) ||
    !isEnclaveId(x.from) ||
    !isEpoch(x.epoch) ||
    !isB64(x.eph) ||
    !isB64(x.n) ||
    !isB64(x.ct)
  ) {
    throw new EcarError('KEYS_UNAVAILABLE', 'key wrap is malformed (or of an older version than v2)');
  }
  return { v: 2, enclave: x.enclave, from: x.from, epoch: x.epoch, eph: x.eph, n: x.n, ct: x.ct };
}

function isEpoch(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;
}

/** The same rule as fromB64: canonical base64 alphabet and a length that is a multiple of 4. */
function isB64(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(value) && value.length % 4 === 0;
}

/** Validates the shape of a key record read from the ledger or received from an enclave. */
export function parseKeyRecord(input: unknown): KeyRecord {
  const raw = typeof input === 'string' ? parseJsonObject(input, 'key record', 'KEYS_UNAVAILABLE') : input;
  const fail = (why: string): never => {
    throw new EcarError('KEYS_UNAVAILABLE', `key record: ${why}`);
  };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return fail('not an object');
  const r = raw as Record<string, unknown>;
  if (r.v !== 2) fail('unsupported version (v2 expected)');
  if (typeof r.channel !== 'string' || typeof r.chaincode !== 'string')
    fail('channel and chaincode required');
  if (typeof r.epoch !== 'number' || !Number.isSafeInteger(r.epoch) || r.epoch < 1)
    fail('epoch must be >= 1');
  if (!isB64(r.boxPublicKey) || !isB64(r.receiptPublicKey) || !isB64(r.sig))
    fail('keys and signature must be base64');
  if (!isEnclaveId(r.creator)) fail('creator must be an enclave id');
  if (!isEnclaveId(r.lineage)) fail('lineage must be 64 hex digits');
  if (!Array.isArray(r.wraps)) return fail('wraps must be a list');
  const wraps = (r.wraps as unknown[]).map((w) => parseKeyWrap(w));
  if (wraps.some((w) => w.from !== r.lineage || w.epoch !== r.epoch)) {
    fail("a wrap is not of the record's lineage and epoch");
  }
  return {
    v: 2,
    channel: r.channel as string,
    chaincode: r.chaincode as string,
    epoch: r.epoch as number,
    boxPublicKey: r.boxPublicKey as string,
    receiptPublicKey: r.receiptPublicKey as string,
    creator: r.creator as string,
    lineage: r.lineage as string,
    wraps,
    sig: r.sig as string,
  };
}

export function parseVoucher(input: unknown): Voucher {
  const raw = typeof input === 'string' ? parseJsonObject(input, 'voucher', 'KEYS_UNAVAILABLE') : input;
  const r = (raw ?? {}) as Record<string, unknown>;
  if (
    r.v !== 1 ||
    !isEnclaveId(r.enclave) ||
    typeof r.epoch !== 'number' ||
    !Number.isSafeInteger(r.epoch) ||
    !isB64(r.sig)
  ) {
    throw new EcarError('KEYS_UNAVAILABLE', 'voucher has an unknown shape');
  }
  return { v: 1, enclave: r.enclave, epoch: r.epoch, sig: r.sig };
}
