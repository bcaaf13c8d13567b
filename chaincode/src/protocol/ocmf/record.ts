// The OCMF record frame `OCMF|<payload>|<signature>`: the signature covers the exact payload bytes
// between the first and the last '|'.
import { EcarError } from '../errors';

/** Records longer than this are refused before any parsing (a meter record is a few hundred bytes). */
export const MAX_RECORD_LENGTH = 64 * 1024;

// UTF-8 cannot encode these, so the signed bytes would be ambiguous.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export interface OcmfRecordParts {
  /** The payload section text, exactly as signed. */
  readonly payloadText: string;
  /** The payload section as the bytes the signature covers (UTF-8). */
  readonly payloadBytes: Uint8Array;
  /** The signature section text. */
  readonly signatureText: string;
}

/**
 * Splits a record into its sections; white space around the whole record is ignored, none inside.
 * @throws EcarError METER_FORMAT_INVALID when the header is not "OCMF" or a section is missing.
 */
export function splitOcmfRecord(record: string): OcmfRecordParts {
  if (record.length > MAX_RECORD_LENGTH) {
    throw formatError(`OCMF record is longer than ${MAX_RECORD_LENGTH} characters`);
  }
  const text = record.trim();
  const first = text.indexOf('|');
  const last = text.lastIndexOf('|');
  if (first < 0 || last === first) throw formatError("OCMF record must be 'OCMF|<payload>|<signature>'");
  if (text.slice(0, first) !== 'OCMF') throw formatError("OCMF record must start with the header 'OCMF|'");
  const payloadText = text.slice(first + 1, last);
  const signatureText = text.slice(last + 1);
  if (payloadText.trim() === '') throw formatError('OCMF payload section is empty');
  if (signatureText.trim() === '') throw formatError('OCMF signature section is empty');
  if (LONE_SURROGATE.test(payloadText)) {
    throw formatError('OCMF payload contains an unpaired surrogate');
  }
  return { payloadText, payloadBytes: new Uint8Array(Buffer.from(payloadText, 'utf8')), signatureText };
}

function formatError(message: string): EcarError {
  return new EcarError('METER_FORMAT_INVALID', message, { field: 'record' });
}
