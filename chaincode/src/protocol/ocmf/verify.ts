// Verifies an OCMF record: the ECDSA signature over the exact payload bytes with the meter's public
// key, then parses the signed payload. Shared by the chaincode (settlement) and the client (CLI).
import { verify as cryptoVerify } from 'node:crypto';
import { EcarError } from '../errors';
import { parseOcmfPayload, type OcmfPayload } from './payload';
import { parseMeterPublicKey, type MeterPublicKey, type MeterPublicKeyInput } from './public-key';
import { splitOcmfRecord } from './record';
import {
  parseSignatureSection,
  signatureMethodFor,
  signatureToP1363,
  withSignatureMethod,
  type OcmfSignature,
} from './signature';

export interface VerifiedOcmfRecord {
  /** The payload section exactly as signed. */
  readonly payloadText: string;
  readonly payload: OcmfPayload;
  readonly signature: OcmfSignature;
  /** The key the signature was checked with. */
  readonly publicKey: MeterPublicKey;
}

/** What can be read from a record without trusting it (for showing why a record was refused). */
export interface UnverifiedOcmfRecord {
  readonly payload?: OcmfPayload;
  readonly signature?: OcmfSignature;
}

/**
 * Verifies one OCMF record with the given meter key (the key pinned for the station, or the one the
 * export carried when nothing is pinned).
 *
 * @example
 * const record = verifyOcmfRecord(text, station.meterPublicKey);
 * record.payload.readings[0]?.value?.milliWh;
 *
 * @throws EcarError METER_FORMAT_INVALID when the record, its signature section or its payload is
 *   malformed or incomplete; METER_KEY_INVALID when there is no usable key or the key is on another
 *   curve than the signature method; METER_SIGNATURE_INVALID when the signature does not verify.
 */
export function verifyOcmfRecord(
  record: string,
  publicKey: MeterPublicKeyInput | undefined,
): VerifiedOcmfRecord {
  const parts = splitOcmfRecord(record);
  let signature = parseSignatureSection(parts.signatureText);
  if (publicKey === undefined)
    throw new EcarError('METER_KEY_INVALID', 'no meter public key to verify the record with');
  const key = parseMeterPublicKey(publicKey, signature.method.curve.name);
  if (signature.algorithmText === undefined && key.curve.name !== signature.method.curve.name) {
    // SA is absent: OCMF's default is secp256r1, but meters of other curves omit it too; a key that
    // names its curve (SPKI, PEM) decides, as in the transparency software.
    signature = withSignatureMethod(signature, signatureMethodFor(key.curve.name));
  }
  if (key.curve.name !== signature.method.curve.name) {
    throw new EcarError(
      'METER_KEY_INVALID',
      `the meter key is on ${key.curve.name} but the record is signed with ${signature.method.id}`,
      { keyCurve: key.curve.name, signatureMethod: signature.method.id },
    );
  }
  const p1363 = signatureToP1363(signature);
  let valid: boolean;
  try {
    valid = cryptoVerify(
      signature.method.hash,
      parts.payloadBytes,
      { key: key.key, dsaEncoding: 'ieee-p1363' },
      p1363,
    );
  } catch {
    valid = false;
  }
  if (!valid) {
    throw new EcarError('METER_SIGNATURE_INVALID', `the signature does not match the payload and meter key`, {
      signatureMethod: signature.method.id,
    });
  }
  return {
    payloadText: parts.payloadText,
    payload: parsePayloadOfValidSignature(parts.payloadText),
    signature,
    publicKey: key,
  };
}

/**
 * Parses a payload whose signature verified; a refusal says so in `details.signatureValid`, so a
 * report can tell "signed but unreadable" from "not signed".
 */
function parsePayloadOfValidSignature(payloadText: string): OcmfPayload {
  try {
    return parseOcmfPayload(payloadText);
  } catch (error) {
    if (!(error instanceof EcarError)) throw error;
    throw new EcarError(error.code, error.reason, { ...error.details, signatureValid: true });
  }
}

/** Reads what it can of a record without verifying it; never throws. Do not bill from this. */
export function inspectOcmfRecord(record: string): UnverifiedOcmfRecord {
  let parts;
  try {
    parts = splitOcmfRecord(record);
  } catch {
    return {};
  }
  return {
    ...attempt('payload', () => parseOcmfPayload(parts.payloadText)),
    ...attempt('signature', () => parseSignatureSection(parts.signatureText)),
  };
}

function attempt<K extends string, T>(key: K, read: () => T): Partial<Record<K, T>> {
  try {
    return { [key]: read() } as Partial<Record<K, T>>;
  } catch {
    return {};
  }
}
