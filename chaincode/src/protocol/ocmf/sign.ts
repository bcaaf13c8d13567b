// Signs OCMF records the way a signing meter does: for test meters in the demo and end-to-end tests,
// and to check the verifier against freshly generated keys of every supported curve.
import { OCMF_HEADER_FIELDS } from './payload';
import { createPrivateKey, sign as cryptoSign, KeyObject } from 'node:crypto';
import { EcarError } from '../errors';
import { curveFromNodeName } from './curves';
import { splitOcmfRecord } from './record';
import { signatureMethodFor, type SignatureEncoding } from './signature';

/** One reading to sign; RV is the exact decimal text, written as a JSON number. */
export interface OcmfReadingDraft {
  readonly TM?: string;
  readonly TX?: string;
  readonly RV?: string;
  readonly RI?: string;
  readonly RU?: string;
  readonly RT?: string;
  readonly EF?: string;
  readonly ST?: string;
}

/** A payload to sign, with OCMF's field names; fields are written in this order, absent ones omitted. */
export interface OcmfPayloadDraft {
  readonly FV?: string;
  readonly GI?: string;
  readonly GS?: string;
  readonly GV?: string;
  readonly PG: string;
  readonly MV?: string;
  readonly MM?: string;
  readonly MS?: string;
  readonly MF?: string;
  readonly IS?: boolean;
  readonly IL?: string;
  readonly IF?: readonly string[];
  readonly IT?: string;
  readonly ID?: string;
  readonly TT?: string;
  readonly CT?: string;
  readonly CI?: string;
  readonly RD: readonly OcmfReadingDraft[];
}

export interface SignOptions {
  /** SE; default hex. */
  readonly encoding?: SignatureEncoding;
  /** Leave SA out when the key is secp256r1 (the OCMF default); default false: SA is always written. */
  readonly omitDefaultAlgorithm?: boolean;
}

const PAYLOAD_ORDER = OCMF_HEADER_FIELDS;
const READING_ORDER = ['TM', 'TX', 'RV', 'RI', 'RU', 'RT', 'EF', 'ST'] as const;
const DECIMAL = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/;

/**
 * Signs a payload with a meter's EC private key and returns the record `OCMF|{payload}|{"SA":..,"SD":..}`.
 * The payload is either a draft (serialised compactly, RV written as the exact number given) or the
 * exact payload text to sign. The signature method follows from the key's curve.
 *
 * @example
 * const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
 * const record = signOcmfRecord({ PG: 'T1', MS: 'M1', IS: false, IT: 'NONE', RD: [...] }, privateKey);
 *
 * @throws EcarError INVALID_ARGUMENT when the key is not an EC private key on an OCMF curve, an RV is
 *   not a plain decimal, or the payload contains '|'.
 */
export function signOcmfRecord(
  payload: OcmfPayloadDraft | string,
  privateKey: KeyObject | string,
  options: SignOptions = {},
): string {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  const curve =
    key.asymmetricKeyType === 'ec' ? curveFromNodeName(key.asymmetricKeyDetails?.namedCurve) : undefined;
  if (key.type !== 'private' || curve === undefined) {
    throw new EcarError('INVALID_ARGUMENT', 'a meter signs with an EC private key on an OCMF curve');
  }
  const payloadText = typeof payload === 'string' ? payload : serialisePayload(payload);
  if (payloadText.includes('|'))
    throw new EcarError('INVALID_ARGUMENT', "an OCMF payload cannot contain '|'");
  const method = signatureMethodFor(curve.name);
  const der = cryptoSign(method.hash, Buffer.from(payloadText, 'utf8'), { key, dsaEncoding: 'der' });
  const encoding = options.encoding ?? 'hex';
  const section: Record<string, string> = {};
  if (!(options.omitDefaultAlgorithm && curve.name === 'secp256r1')) section.SA = method.id;
  if (encoding !== 'hex') section.SE = encoding;
  section.SD = encoding === 'hex' ? der.toString('hex').toUpperCase() : der.toString('base64');
  const record = `OCMF|${payloadText}|${JSON.stringify(section)}`;
  splitOcmfRecord(record); // the frame must read back
  return record;
}

function serialisePayload(draft: OcmfPayloadDraft): string {
  const fields: string[] = [];
  for (const key of PAYLOAD_ORDER) {
    const value = draft[key];
    if (value !== undefined) fields.push(`${JSON.stringify(key)}:${JSON.stringify(value)}`);
  }
  const readings = draft.RD.map((reading) => {
    const parts: string[] = [];
    for (const key of READING_ORDER) {
      const value = reading[key];
      if (value === undefined) continue;
      if (key === 'RV' && !DECIMAL.test(value)) {
        throw new EcarError('INVALID_ARGUMENT', `RV '${value}' is not a plain decimal number`);
      }
      parts.push(`${JSON.stringify(key)}:${key === 'RV' ? value : JSON.stringify(value)}`);
    }
    return `{${parts.join(',')}}`;
  });
  fields.push(`"RD":[${readings.join(',')}]`);
  return `{${fields.join(',')}}`;
}
