// The payload section of an OCMF record, parsed into a typed value: gateway and meter identification,
// pagination, user assignment, charge point and readings.
import { EcarError } from '../errors';
import { isJsonObject, JsonNumber, parseExactJson, type JsonObject, type JsonValue } from './json';
import { parsePagination, type Pagination } from './pagination';
import { parseReadings, type OcmfReading } from './reading';

/** Identification levels (IL, OCMF table 11) that report an error in the user assignment. */
export const IDENTIFICATION_ERROR_LEVELS: readonly string[] = ['MISMATCH', 'INVALID', 'OUTDATED', 'UNKNOWN'];

/** Identification types (IT, OCMF table 17). */
export const IDENTIFICATION_TYPES = [
  'NONE',
  'DENIED',
  'UNDEFINED',
  'ISO14443',
  'ISO15693',
  'EMAID',
  'EVCCID',
  'EVCOID',
  'ISO7812',
  'CARD_TXN_NR',
  'CENTRAL',
  'CENTRAL_1',
  'CENTRAL_2',
  'LOCAL',
  'LOCAL_1',
  'LOCAL_2',
  'PHONE_NUMBER',
  'KEY_CODE',
] as const;
export type IdentificationType = (typeof IDENTIFICATION_TYPES)[number];

export interface OcmfGateway {
  /** GI */
  readonly identification?: string;
  /** GS */
  readonly serial?: string;
  /** GV */
  readonly version?: string;
}

export interface OcmfMeter {
  /** MS, or GS when the record identifies its signing component by the gateway serial only. */
  readonly serial: string;
  /** Which field the serial came from. */
  readonly serialField: 'MS' | 'GS';
  /** MV */
  readonly vendor?: string;
  /** MM */
  readonly model?: string;
  /** MF */
  readonly firmware?: string;
}

export interface OcmfIdentification {
  /** IS: whether a user was assigned. */
  readonly assigned: boolean;
  /** IL */
  readonly level?: string;
  /** IF */
  readonly flags: readonly string[];
  /** IT; absent when the record gives IS without IT (KEBA KCP30 writes `"IS":false` alone). */
  readonly type?: IdentificationType;
  /** ID */
  readonly data?: string;
  /** TT: tariff text. */
  readonly tariffText?: string;
}

export interface OcmfChargePoint {
  /** CT: EVSEID or CBIDC. */
  readonly type?: string;
  /** CI */
  readonly id?: string;
}

export interface OcmfPayload {
  /** FV */
  readonly formatVersion?: string;
  readonly gateway: OcmfGateway;
  /** PG */
  readonly pagination: Pagination;
  readonly meter: OcmfMeter;
  /** IS/IL/IF/IT/ID/TT; present exactly when the record refers to a transaction. */
  readonly identification?: OcmfIdentification;
  /** CT/CI */
  readonly chargePoint?: OcmfChargePoint;
  /** CF: charge controller firmware. */
  readonly chargeControllerFirmware?: string;
  /** RD, with omitted fields carried forward from the previous reading. */
  readonly readings: readonly OcmfReading[];
  /** Top-level keys this parser does not interpret (LC, vendor extensions U..Z, ...). */
  readonly otherFields: readonly string[];
}

/** The payload's header fields in the order OCMF lists them (signers write them in this order). */
export const OCMF_HEADER_FIELDS = [
  'FV',
  'GI',
  'GS',
  'GV',
  'PG',
  'MV',
  'MM',
  'MS',
  'MF',
  'IS',
  'IL',
  'IF',
  'IT',
  'ID',
  'TT',
  'CT',
  'CI',
] as const;

const KNOWN_FIELDS = new Set<string>([...OCMF_HEADER_FIELDS, 'CF', 'RD']);

/**
 * Parses the payload section text (the exact bytes that were signed).
 * @throws EcarError METER_FORMAT_INVALID naming the missing or malformed field.
 */
export function parseOcmfPayload(payloadText: string): OcmfPayload {
  const json = parseExactJson(payloadText, 'OCMF payload');
  if (!isJsonObject(json)) throw formatError('OCMF payload is not a JSON object', 'payload');
  const text = (key: string): string | undefined => optionalString(json, key);

  const pg = text('PG');
  if (pg === undefined) throw formatError('pagination PG is missing', 'PG');
  const pagination = parsePagination(pg);

  const ms = text('MS');
  const gs = text('GS');
  let meter: OcmfMeter;
  if (ms !== undefined && ms !== '') meter = { serial: ms, serialField: 'MS' };
  else if (gs !== undefined && gs !== '') meter = { serial: gs, serialField: 'GS' };
  else throw formatError('meter serial MS (or gateway serial GS) is missing', 'MS');
  meter = { ...meter, ...defined({ vendor: text('MV'), model: text('MM'), firmware: text('MF') }) };

  const identification = parseIdentification(json);
  const ct = text('CT');
  const ci = text('CI');
  const chargePoint = ct === undefined && ci === undefined ? undefined : defined({ type: ct, id: ci });

  return {
    ...defined({ formatVersion: text('FV') }),
    gateway: defined({ identification: text('GI'), serial: gs, version: text('GV') }),
    pagination,
    meter,
    ...(identification === undefined ? {} : { identification }),
    ...(chargePoint === undefined ? {} : { chargePoint }),
    ...defined({ chargeControllerFirmware: text('CF') }),
    readings: parseReadings(json.get('RD')),
    otherFields: [...json.keys()].filter((key) => !KNOWN_FIELDS.has(key)),
  };
}

function parseIdentification(json: JsonObject): OcmfIdentification | undefined {
  // OCMF calls IS and IT mandatory. The transparency software reads records without either (its
  // model has both as nullable fields), pyocmf without IT; KEBA KCP30 writes IS without IT. Such a
  // record claims no user assignment, which billing does not need, so it is read, not refused. The
  // other identification fields still count without IS: an IL reporting an error keeps the record
  // from billing (pyocmf refuses it too).
  const is = json.get('IS');
  const absent = (key: string) => json.get(key) === undefined || json.get(key) === null;
  if ((is === undefined || is === null) && ['IL', 'IF', 'IT', 'ID', 'TT'].every(absent)) return undefined;
  if (is !== undefined && is !== null && typeof is !== 'boolean')
    throw formatError('identification status IS must be true or false', 'IS');
  const it = optionalString(json, 'IT');
  if (it !== undefined && !(IDENTIFICATION_TYPES as readonly string[]).includes(it)) {
    throw formatError(`unknown identification type IT '${it}'`, 'IT');
  }
  const flags = json.get('IF');
  const flagList: string[] = [];
  if (flags !== undefined && flags !== null) {
    if (!Array.isArray(flags)) throw formatError('identification flags IF must be an array of strings', 'IF');
    for (const flag of flags as readonly JsonValue[]) {
      if (typeof flag !== 'string')
        throw formatError('identification flags IF must be an array of strings', 'IF');
      flagList.push(flag);
    }
  }
  return {
    assigned: is === true,
    ...defined({ level: optionalString(json, 'IL') }),
    flags: flagList,
    ...(it === undefined ? {} : { type: it as IdentificationType }),
    ...defined({ data: optionalString(json, 'ID'), tariffText: optionalString(json, 'TT') }),
  };
}

/**
 * A text field. OCMF types these as strings; some gateways write numbers (`"FV":1.0`, `"CT":0`), which
 * the transparency software shows as written, so a number is kept as its exact source text.
 */
function optionalString(json: JsonObject, key: string): string | undefined {
  const value: JsonValue | undefined = json.get(key);
  if (value === undefined || value === null) return undefined;
  if (value instanceof JsonNumber) return value.text;
  if (typeof value !== 'string') throw formatError(`${key} must be a string`, key);
  return value;
}

/** The entries whose value is not undefined (keeps optional properties truly absent). */
function defined<T extends Record<string, string | undefined>>(entries: T): { [K in keyof T]?: string } {
  const out: { [K in keyof T]?: string } = {};
  for (const key of Object.keys(entries) as (keyof T)[]) {
    const value = entries[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function formatError(message: string, field: string): EcarError {
  return new EcarError('METER_FORMAT_INVALID', message, { field });
}
