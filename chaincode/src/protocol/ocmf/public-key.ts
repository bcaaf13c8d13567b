// Meter public keys: X.509 SubjectPublicKeyInfo (DER as hex or base64, or PEM) or a bare EC point
// (04||X||Y, compressed 02/03||X, or X||Y without the 04 prefix as some meters print it) whose curve
// comes from the record's signature method.
import { createHash, createPublicKey, KeyObject } from 'node:crypto';
import { BoundedLru } from '../bounded-lru';
import { derBitStringBytes, derChildren, expectTag, DerTag, readDerExact } from '../der';
import { derBitString, derOid, derSequence } from '../der-writer';
import { EcarError } from '../errors';
import { CURVES, curveFromNodeName, type Curve, type CurveName } from './curves';

export interface MeterPublicKey {
  readonly curve: Curve;
  readonly key: KeyObject;
  /** The key as SubjectPublicKeyInfo DER (also for keys given as a bare point). */
  readonly spki: Uint8Array;
  /** How the key was given. */
  readonly form: 'spki' | 'pem' | 'point';
  /** SHA-256 of the SubjectPublicKeyInfo DER, upper-case hex: the key's fingerprint. */
  readonly fingerprint: string;
}

/** A key as callers hold it: PEM, hex or base64 text, DER or point bytes, a KeyObject, or parsed. */
export type MeterPublicKeyInput = string | Uint8Array | KeyObject | MeterPublicKey;

const EC_PUBLIC_KEY_OID = '1.2.840.10045.2.1';

/**
 * Reads a meter public key. A bare EC point needs `curve` (from the record's SA); SPKI and PEM name
 * their curve themselves.
 * @throws EcarError METER_KEY_INVALID when the text or bytes are not an EC public key on a curve OCMF
 *   supports, or a bare point comes without a curve or does not lie on it.
 */
export function parseMeterPublicKey(input: MeterPublicKeyInput, curve?: CurveName): MeterPublicKey {
  if (isMeterPublicKey(input)) return input;
  if (input instanceof KeyObject) return fromKeyObject(input, 'spki');
  if (typeof input === 'string') return parseKeyText(input.trim(), curve);
  return fromBytes(input, curve);
}

/**
 * Parsed keys of text inputs, by (curve, text): a station's pinned key is parsed once, not for every
 * record it verifies (an import costs about 0.4 ms). Only successes are kept; a bounded LRU.
 */
const parsedKeys = new BoundedLru<string, MeterPublicKey>(256);

function parseKeyText(text: string, curve: CurveName | undefined): MeterPublicKey {
  return parsedKeys.getOrCreate(`${curve ?? ''}|${text}`, () =>
    text.startsWith('-----BEGIN') ? fromPem(text) : fromBytes(decodeKeyText(text), curve),
  );
}

/** The key as upper-case hex of its SubjectPublicKeyInfo DER. */
export function meterPublicKeyHex(key: MeterPublicKey): string {
  return Buffer.from(key.spki).toString('hex').toUpperCase();
}

function isMeterPublicKey(input: MeterPublicKeyInput): input is MeterPublicKey {
  return typeof input === 'object' && !(input instanceof Uint8Array) && !(input instanceof KeyObject);
}

function fromBytes(bytes: Uint8Array, curve: CurveName | undefined): MeterPublicKey {
  const first = bytes[0];
  // X||Y alone: no SPKI and no prefixed point of these curves has this length, so it cannot be misread.
  if (curve !== undefined && bytes.length === 2 * CURVES[curve].fieldBytes) {
    const point = new Uint8Array(bytes.length + 1);
    point[0] = 0x04;
    point.set(bytes, 1);
    return fromKeyObject(importKey(Buffer.from(spkiForPoint(CURVES[curve], point)), 'der'), 'point');
  }
  if (first === 0x30) {
    checkSpkiShape(bytes);
    return fromKeyObject(importKey(Buffer.from(bytes), 'der'), 'spki');
  }
  if (first === 0x04 || first === 0x02 || first === 0x03) {
    if (curve === undefined) throw keyError('a bare EC point needs the curve from the signature method');
    const c = CURVES[curve];
    const expected = first === 0x04 ? 1 + 2 * c.fieldBytes : 1 + c.fieldBytes;
    if (bytes.length !== expected) {
      throw keyError(`a ${curve} point has ${expected} bytes, this one has ${bytes.length}`);
    }
    return fromKeyObject(importKey(Buffer.from(spkiForPoint(c, bytes)), 'der'), 'point');
  }
  throw keyError('not a SubjectPublicKeyInfo (DER SEQUENCE) or an EC point');
}

function fromPem(text: string): MeterPublicKey {
  const body = /^-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]+)-----END PUBLIC KEY-----$/.exec(text)?.[1];
  if (body !== undefined) checkSpkiShape(new Uint8Array(Buffer.from(body.replace(/\s/g, ''), 'base64')));
  return fromKeyObject(importKey(text, 'pem'), 'pem');
}

/**
 * SubjectPublicKeyInfo as DER requires it: SEQUENCE { SEQUENCE {...}, BIT STRING } with no trailing
 * bytes and a point of whole octets. OpenSSL also imports a BIT STRING that claims unused bits; such a
 * key is malformed (pyocmf's `cryptography` refuses it), so it is refused here too, before importing.
 */
function checkSpkiShape(der: Uint8Array): void {
  const spki = readDerExact(der, 'METER_KEY_INVALID');
  const [algorithm, point, ...rest] = derChildren(
    expectTag(spki, DerTag.SEQUENCE, 'a SubjectPublicKeyInfo', 'METER_KEY_INVALID'),
    'METER_KEY_INVALID',
  );
  expectTag(algorithm, DerTag.SEQUENCE, 'an AlgorithmIdentifier', 'METER_KEY_INVALID');
  if (point === undefined || rest.length > 0)
    throw keyError('SubjectPublicKeyInfo must hold an algorithm and a key');
  derBitStringBytes(point, 'METER_KEY_INVALID');
}

function fromKeyObject(key: KeyObject, form: MeterPublicKey['form']): MeterPublicKey {
  if (key.type !== 'public' || key.asymmetricKeyType !== 'ec') throw keyError('not an EC public key');
  const curve = curveFromNodeName(key.asymmetricKeyDetails?.namedCurve);
  if (curve === undefined) {
    throw keyError(`curve ${key.asymmetricKeyDetails?.namedCurve ?? '(unnamed)'} is not an OCMF curve`);
  }
  const spki = new Uint8Array(key.export({ format: 'der', type: 'spki' }));
  const fingerprint = createHash('sha256').update(spki).digest('hex').toUpperCase();
  return { curve, key, spki, form, fingerprint };
}

function importKey(key: string | Buffer, format: 'pem' | 'der'): KeyObject {
  try {
    return format === 'pem'
      ? createPublicKey(key)
      : createPublicKey({ key: key as Buffer, format, type: 'spki' });
  } catch (error) {
    throw keyError(`cannot read the key (${error instanceof Error ? error.message : 'unknown error'})`);
  }
}

/** Hex (spaces, colons and line breaks allowed, as exports print it) or base64. */
function decodeKeyText(text: string): Uint8Array {
  const compact = text.replace(/[\s:]/g, '');
  if (compact === '') throw keyError('the key is empty');
  if (/^(?:[0-9a-fA-F]{2})+$/.test(compact)) return new Uint8Array(Buffer.from(compact, 'hex'));
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(compact) && compact.replace(/=+$/, '').length % 4 !== 1) {
    return new Uint8Array(Buffer.from(compact, 'base64'));
  }
  throw keyError('the key is neither PEM, hex nor base64');
}

/** SEQUENCE { SEQUENCE { id-ecPublicKey, namedCurve }, BIT STRING point } */
function spkiForPoint(curve: Curve, point: Uint8Array): Uint8Array {
  return derSequence(derSequence(derOid(EC_PUBLIC_KEY_OID), derOid(curve.oid)), derBitString(point));
}

function keyError(message: string): EcarError {
  return new EcarError('METER_KEY_INVALID', `meter public key: ${message}`);
}
