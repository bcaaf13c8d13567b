// The signature section of an OCMF record (SA, SE, SM, SD) and the signature methods OCMF defines
// (table 22): ECDSA on one of seven curves, always with SHA-256 over the payload bytes. SD may be the
// DER ECDSA-Sig-Value OCMF prescribes or, as some meters write it, the bare r||s of the curve's size.
import { ecdsaDerToP1363 } from '../der';
import { EcarError } from '../errors';
import { isJsonObject, parseExactJson, type JsonObject } from './json';
import { CURVES, curveFromOcmfName, type Curve, type CurveName } from './curves';

export interface SignatureMethod {
  /** The canonical OCMF identifier, e.g. "ECDSA-secp256r1-SHA256" or "ECDSA-brainpool256r1-SHA256". */
  readonly id: string;
  readonly curve: Curve;
  /** The digest OCMF prescribes: SHA-256 for every method of table 22 (also for the 384-bit curves). */
  readonly hash: 'sha256';
}

/** The default when SA is absent (OCMF since version 0.4). */
export const DEFAULT_SIGNATURE_METHOD = signatureMethodFor('secp256r1');

export type SignatureEncoding = 'hex' | 'base64';

export interface OcmfSignature {
  readonly method: SignatureMethod;
  /** SA exactly as written, absent when the record relies on the default. */
  readonly algorithmText?: string;
  /** SE (default hex). */
  readonly encoding: SignatureEncoding;
  /** SM (only application/x-der exists). */
  readonly mimeType: 'application/x-der';
  /** SD decoded, as the meter wrote it. */
  readonly data: Uint8Array;
  /**
   * How SD is laid out: `der`, an ECDSA-Sig-Value (possibly non-canonical), or `raw`, r||s of the
   * curve's size (Isabellenhütte, some gateways), recognised when SD is not DER and has that length.
   */
  readonly form: SignatureForm;
}

export type SignatureForm = 'der' | 'raw';

/** The OCMF method for a curve. */
export function signatureMethodFor(curve: CurveName): SignatureMethod {
  const c = CURVES[curve];
  return { id: `ECDSA-${c.ocmfName}-SHA256`, curve: c, hash: 'sha256' };
}

/**
 * Parses an SA value; accepts the curve spellings meters use ("brainpoolP256r1" for "brainpool256r1").
 * @throws EcarError METER_FORMAT_INVALID for a method OCMF does not define.
 */
export function parseSignatureMethod(text: string): SignatureMethod {
  const match = /^ECDSA-([A-Za-z0-9]+)-SHA256$/.exec(text);
  const curve = match?.[1] === undefined ? undefined : curveFromOcmfName(match[1]);
  if (curve === undefined) {
    throw new EcarError('METER_FORMAT_INVALID', `unsupported signature algorithm SA '${text}'`, {
      field: 'SA',
    });
  }
  return signatureMethodFor(curve.name);
}

/**
 * Parses the signature section JSON.
 * @throws EcarError METER_FORMAT_INVALID when it is not a JSON object, SD is missing or cannot be
 *   decoded, or SA/SE/SM name something OCMF does not define.
 */
export function parseSignatureSection(signatureText: string): OcmfSignature {
  const json = parseExactJson(signatureText, 'OCMF signature section');
  if (!isJsonObject(json)) throw formatError('OCMF signature section is not a JSON object', 'signature');
  const sa = stringField(json, 'SA');
  // Encoding and mime type are matched without regard to case ("HEX", "Base64" occur in exports).
  const se = (stringField(json, 'SE') ?? 'hex').toLowerCase();
  const sm = (stringField(json, 'SM') ?? 'application/x-der').toLowerCase();
  const sd = stringField(json, 'SD');
  if (se !== 'hex' && se !== 'base64') throw formatError(`unsupported signature encoding SE '${se}'`, 'SE');
  if (sm !== 'application/x-der') throw formatError(`unsupported signature mime type SM '${sm}'`, 'SM');
  if (sd === undefined || sd === '') throw formatError('signature data SD is missing', 'SD');
  const method = sa === undefined ? DEFAULT_SIGNATURE_METHOD : parseSignatureMethod(sa);
  const data = decodeSignatureData(sd, se);
  return {
    method,
    ...(sa === undefined ? {} : { algorithmText: sa }),
    encoding: se,
    mimeType: sm,
    data,
    form: signatureForm(data, method.curve.fieldBytes),
  };
}

/** The same section read for another method (when SA is absent and the key names its curve). */
export function withSignatureMethod(signature: OcmfSignature, method: SignatureMethod): OcmfSignature {
  return { ...signature, method, form: signatureForm(signature.data, method.curve.fieldBytes) };
}

function signatureForm(data: Uint8Array, fieldBytes: number): SignatureForm {
  if (data.length !== 2 * fieldBytes) return 'der';
  try {
    ecdsaDerToP1363(data, fieldBytes, 'METER_SIGNATURE_INVALID');
    return 'der';
  } catch {
    return 'raw';
  }
}

/**
 * The signature as r||s of the curve's size, read from DER that may be non-canonical (missing or
 * surplus zero bytes, long-form lengths), as meters emit it.
 * @throws EcarError METER_SIGNATURE_INVALID when the DER is malformed or the integers are too large.
 */
export function signatureToP1363(signature: OcmfSignature): Uint8Array {
  if (signature.form === 'raw') return signature.data;
  return ecdsaDerToP1363(signature.data, signature.method.curve.fieldBytes, 'METER_SIGNATURE_INVALID');
}

function decodeSignatureData(sd: string, encoding: SignatureEncoding): Uint8Array {
  if (encoding === 'hex') {
    if (!/^(?:[0-9a-fA-F]{2})+$/.test(sd)) throw formatError('signature data SD is not hex', 'SD');
    return new Uint8Array(Buffer.from(sd, 'hex'));
  }
  // Padding is optional: some gateways drop the trailing '='.
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(sd) || sd.replace(/=+$/, '').length % 4 === 1) {
    throw formatError('signature data SD is not base64', 'SD');
  }
  return new Uint8Array(Buffer.from(sd, 'base64'));
}

function stringField(json: JsonObject, key: string): string | undefined {
  const value = json.get(key);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw formatError(`${key} must be a string`, key);
  return value;
}

function formatError(message: string, field: string): EcarError {
  return new EcarError('METER_FORMAT_INVALID', message, { field });
}
