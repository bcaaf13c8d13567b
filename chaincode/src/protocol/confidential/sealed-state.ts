// Sealed state (DESIGN section 5.4): key names are pseudonyms, values are sealed with the state key.
// A pseudonym keeps the logical key's path shape — one HMAC per '/'-separated segment prefix — so a
// range read over a logical prefix ending in '/' is a range read over its pseudonym. The sealed
// plaintext carries the logical key and the writing transaction, and the nonce is derived from
// (transaction id, logical key), so every endorser writes byte-identical ciphertext and a value
// moved to another key fails to open. The nonce also covers the plaintext (a synthetic nonce), so a
// client that reuses a transaction id for two proposals never gets two different plaintexts sealed
// under one nonce.
import { canonicalJson } from '../json';
import type { JsonObject, JsonValue } from '../json';
import { BoundedLru } from '../bounded-lru';
import { EcarError } from '../errors';
import { fromB64, fromUtf8, pad, parseJsonObject, toB64, unpad, utf8 } from './encoding';
import { hmacSha256, NONCE_BYTES, secretOpen, secretSeal } from './primitives';

/** Fabric keys of sealed state start here, apart from the plain registry and key records. */
export const SEALED_KEY_PREFIX = 's/';
const NAME_DOMAIN = 'ecar/name/v1\n';
const VALUE_NONCE_DOMAIN = 'ecar/value-nonce/v2\n';

/**
 * Segment pseudonyms never change for a name key, and the same account, station and session paths
 * recur in every transaction: remember them (per name key, bounded LRU) instead of an HMAC per
 * segment. Paths under 'nonce/' are used once each, so they are not remembered.
 */
const pseudonymCache = new WeakMap<Uint8Array, BoundedLru<string, string>>();
const PSEUDONYM_CACHE_MAX = 50_000;
const ONE_SHOT_PREFIX = 'nonce/';

function segmentPseudonym(nameKey: Uint8Array, path: string): string {
  const make = (): string =>
    Buffer.from(hmacSha256(nameKey, NAME_DOMAIN, path).subarray(0, 16)).toString('base64url');
  if (path.startsWith(ONE_SHOT_PREFIX)) return make();
  let cache = pseudonymCache.get(nameKey);
  if (cache === undefined) {
    cache = new BoundedLru(PSEUDONYM_CACHE_MAX);
    pseudonymCache.set(nameKey, cache);
  }
  return cache.getOrCreate(path, make);
}

/** The Fabric key for a logical key: `s/` + one pseudonym per path prefix. */
export function pseudonymKey(nameKey: Uint8Array, logicalKey: string): string {
  if (logicalKey === '' || logicalKey.endsWith('/')) {
    throw new EcarError('INTERNAL', `invalid logical key '${logicalKey}'`);
  }
  const segments = logicalKey.split('/');
  const parts = segments.map((_, i) => segmentPseudonym(nameKey, segments.slice(0, i + 1).join('/')));
  return SEALED_KEY_PREFIX + parts.join('/');
}

/** The Fabric key prefix for a logical prefix that ends at a segment boundary ('/'). */
export function pseudonymPrefix(nameKey: Uint8Array, logicalPrefix: string): string {
  if (!logicalPrefix.endsWith('/')) {
    throw new EcarError('INTERNAL', `sealed range reads need a prefix ending in '/', got '${logicalPrefix}'`);
  }
  return `${pseudonymKey(nameKey, logicalPrefix.slice(0, -1))}/`;
}

export interface SealedValue {
  readonly v: 1;
  /** Key epoch whose state key sealed it. */
  readonly e: number;
  readonly n: string;
  readonly ct: string;
}

export interface OpenedValue {
  readonly value: JsonObject;
  /** The transaction that wrote it. */
  readonly writtenBy: string;
}

export function sealValue(
  value: JsonObject,
  context: Readonly<{ logicalKey: string; txId: string; epoch: number; stateKey: Uint8Array }>,
): Uint8Array {
  const plaintext = pad(utf8(canonicalJson({ k: context.logicalKey, w: context.txId, d: value })));
  // Deterministic for every endorser, unique per (transaction, key, plaintext): a transaction id is
  // chosen by the client and can be reused in proposals that are never committed, so a nonce from
  // (txId, key) alone could seal two different plaintexts under one nonce.
  const nonce = hmacSha256(
    context.stateKey,
    VALUE_NONCE_DOMAIN,
    context.txId,
    '\n',
    context.logicalKey,
    '\n',
    plaintext,
  ).subarray(0, NONCE_BYTES);
  const sealed: SealedValue = {
    v: 1,
    e: context.epoch,
    n: toB64(nonce),
    ct: toB64(secretSeal(context.stateKey, nonce, plaintext)),
  };
  return utf8(canonicalJson(sealed as unknown as JsonValue));
}

/** A stored sealed value, parsed once: its epoch (to pick the state key) and its decoded bytes. */
export interface ParsedSealedValue {
  readonly epoch: number;
  readonly nonce: Uint8Array;
  readonly ciphertext: Uint8Array;
}

/** Parses a stored sealed value: checks its version and epoch, decodes nonce and ciphertext. */
export function parseSealedValue(stored: Uint8Array): ParsedSealedValue {
  const raw = parseJsonObject(fromUtf8(stored), 'sealed value', 'INTERNAL');
  if (raw.v !== 1 || typeof raw.e !== 'number' || !Number.isSafeInteger(raw.e)) {
    throw new EcarError('INTERNAL', 'stored value is not a sealed value');
  }
  return {
    epoch: raw.e,
    nonce: fromB64(raw.n, 'value nonce', 'INTERNAL', NONCE_BYTES),
    ciphertext: fromB64(raw.ct, 'value ciphertext', 'INTERNAL'),
  };
}

export function openValue(
  stored: ParsedSealedValue,
  context: Readonly<{ logicalKey: string; stateKey: Uint8Array }>,
): OpenedValue {
  const inner = openInner(stored, context.stateKey, context.logicalKey);
  if (inner.k !== context.logicalKey) {
    throw new EcarError(
      'INTERNAL',
      `sealed value stored under '${context.logicalKey}' belongs to another key (swapped ciphertext)`,
    );
  }
  return opened(inner);
}

/**
 * Opens a value a range read found, where only its Fabric key is known: the logical key sealed inside
 * must map to exactly that Fabric key (so a ciphertext moved under another pseudonym is refused) and
 * lie under the logical prefix that was read.
 */
export function openRangeValue(
  stored: ParsedSealedValue,
  context: Readonly<{ fabricKey: string; logicalPrefix: string; nameKey: Uint8Array; stateKey: Uint8Array }>,
): OpenedValue & { readonly logicalKey: string } {
  const inner = openInner(stored, context.stateKey, context.fabricKey);
  const logicalKey = inner.k;
  if (
    typeof logicalKey !== 'string' ||
    !logicalKey.startsWith(context.logicalPrefix) ||
    logicalKey.endsWith('/') ||
    pseudonymKey(context.nameKey, logicalKey) !== context.fabricKey
  ) {
    throw new EcarError(
      'INTERNAL',
      `sealed value stored under '${context.fabricKey}' belongs to another key (swapped ciphertext)`,
    );
  }
  return { ...opened(inner), logicalKey };
}

function openInner(stored: ParsedSealedValue, stateKey: Uint8Array, where: string): Record<string, unknown> {
  const plaintext = secretOpen(stateKey, stored.nonce, stored.ciphertext);
  if (plaintext === undefined) throw new EcarError('INTERNAL', `sealed value of '${where}' does not open`);
  return parseJsonObject(fromUtf8(unpad(plaintext, 'INTERNAL')), 'sealed value', 'INTERNAL');
}

function opened(inner: Record<string, unknown>): OpenedValue {
  if (
    typeof inner.w !== 'string' ||
    inner.d === null ||
    typeof inner.d !== 'object' ||
    Array.isArray(inner.d)
  ) {
    throw new EcarError('INTERNAL', 'sealed value has an unknown shape');
  }
  return { value: inner.d as JsonObject, writtenBy: inner.w };
}
