// The readings (RD) of an OCMF record: one typed object per reading, with the fields OCMF lets a meter
// omit when they equal the previous reading of the same record filled in from that reading.
import { EcarError } from '../errors';
import { isJsonObject, JsonNumber, type JsonObject, type JsonValue } from './json';
import { isReadingUnit, readingValue, type ReadingUnit, type ReadingValue } from './reading-value';
import { parseOcmfTime, type OcmfTime } from './time';

/**
 * Why a reading was taken (TX): B begin, C charging, X exception (energy/time no longer usable from
 * here), E end, L/R end by local/remote stop, A aborted by error, P power failure, S suspended,
 * T tariff change. Absent for fiscal readings.
 */
export const TRANSACTION_CODES = ['B', 'C', 'X', 'E', 'L', 'R', 'A', 'P', 'S', 'T'] as const;
export type TransactionCode = (typeof TRANSACTION_CODES)[number];

/** The codes that end a transaction. */
export const END_CODES: readonly TransactionCode[] = ['E', 'L', 'R', 'A', 'P'];

/** Meter state (ST, OCMF table 10); only G means the meter worked correctly. */
export const METER_STATUSES = ['N', 'G', 'T', 'D', 'R', 'M', 'X', 'I', 'O', 'S', 'E', 'F'] as const;
export type MeterStatus = (typeof METER_STATUSES)[number];

/** Reading fields that a reading inherits from the previous reading of the same record when omitted. */
export const INHERITED_FIELDS = ['TM', 'TX', 'RI', 'RU', 'RT', 'EF', 'ST'] as const;
export type InheritedField = (typeof INHERITED_FIELDS)[number];

export interface OcmfReading {
  /** Position in RD, from 0. */
  readonly index: number;
  /** TM */
  readonly time: OcmfTime;
  /** TX; absent for fiscal readings. */
  readonly transaction?: TransactionCode;
  /** RV with RU; absent for a reading that only reports an event. */
  readonly value?: ReadingValue;
  /** RU (also present when RV is absent but the unit was given or inherited). */
  readonly unit?: ReadingUnit;
  /** RI: the OBIS code of the register read. */
  readonly obis?: string;
  /** RT: AC or DC (other strings kept as given). */
  readonly currentType?: string;
  /** CL: cumulated loss, exact text, same unit as RV. */
  readonly cumulatedLoss?: string;
  /** EF: quantities no longer usable ("E" energy, "t" time); "" when none. */
  readonly errorFlags: string;
  /** ST */
  readonly status: MeterStatus;
  /** EI: event counter of early OCMF versions, exact text. */
  readonly eventCounter?: string;
  /** The fields this reading took from the previous reading. */
  readonly inherited: readonly InheritedField[];
}

type Draft = Partial<Record<InheritedField, string>>;

/**
 * Parses RD.
 * @throws EcarError METER_FORMAT_INVALID when RD is not a non-empty array of objects, a mandatory field
 *   (TM, ST, RU with RV) is missing from the first reading, or a value has the wrong type or is unknown.
 */
export function parseReadings(rd: JsonValue | undefined): OcmfReading[] {
  if (!Array.isArray(rd) || rd.length === 0)
    throw formatError('RD must be a non-empty array of readings', 'RD');
  const readings: OcmfReading[] = [];
  let previous: Draft = {};
  (rd as readonly JsonValue[]).forEach((item, index) => {
    if (!isJsonObject(item)) throw formatError(`reading ${index} is not an object`, 'RD');
    const own = ownFields(item, index);
    const draft: Draft = { ...previous, ...own };
    const inherited = INHERITED_FIELDS.filter((f) => own[f] === undefined && previous[f] !== undefined);
    readings.push(buildReading(item, draft, index, inherited));
    previous = draft;
  });
  return readings;
}

function ownFields(item: JsonObject, index: number): Draft {
  const draft: Draft = {};
  for (const field of INHERITED_FIELDS) {
    const value = item.get(field);
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') throw formatError(`reading ${index}: ${field} must be a string`, field);
    draft[field] = value;
  }
  return draft;
}

function buildReading(
  item: JsonObject,
  draft: Draft,
  index: number,
  inherited: readonly InheritedField[],
): OcmfReading {
  const where = `reading ${index}`;
  if (draft.TM === undefined) throw formatError(`${where}: TM (time) is missing`, 'TM');
  const time = parseOcmfTime(draft.TM);
  if (draft.ST === undefined) throw formatError(`${where}: ST (meter status) is missing`, 'ST');
  if (!isOneOf(METER_STATUSES, draft.ST))
    throw formatError(`${where}: unknown meter status ST '${draft.ST}'`, 'ST');
  let transaction: TransactionCode | undefined;
  if (draft.TX !== undefined) {
    if (!isOneOf(TRANSACTION_CODES, draft.TX)) throw formatError(`${where}: unknown TX '${draft.TX}'`, 'TX');
    transaction = draft.TX;
  }
  let unit: ReadingUnit | undefined;
  if (draft.RU !== undefined) {
    if (!isReadingUnit(draft.RU)) throw formatError(`${where}: unknown unit RU '${draft.RU}'`, 'RU');
    unit = draft.RU;
  }
  const rv = numberText(item, 'RV', where);
  let value: ReadingValue | undefined;
  if (rv !== undefined) {
    if (unit === undefined) throw formatError(`${where}: RV has no unit RU`, 'RU');
    value = readingValue(rv, unit);
  }
  return {
    index,
    time,
    ...(transaction === undefined ? {} : { transaction }),
    ...(value === undefined ? {} : { value }),
    ...(unit === undefined ? {} : { unit }),
    ...(draft.RI === undefined ? {} : { obis: draft.RI }),
    ...(draft.RT === undefined ? {} : { currentType: draft.RT }),
    ...optionalNumberText(item, 'CL', where, 'cumulatedLoss'),
    errorFlags: draft.EF ?? '',
    status: draft.ST,
    ...optionalNumberText(item, 'EI', where, 'eventCounter'),
    inherited,
  };
}

function optionalNumberText<K extends string>(
  item: JsonObject,
  field: string,
  where: string,
  key: K,
): Partial<Record<K, string>> {
  const text = numberText(item, field, where);
  return (text === undefined ? {} : { [key]: text }) as Partial<Record<K, string>>;
}

/**
 * A numeric field's exact text. OCMF's examples write JSON numbers; many meters (ISA, DZG gateways,
 * Compleo) write the same digits as a JSON string ("RV":"0.0", "RV":"00000000.000"), which the
 * transparency software accepts too. Padding and signs are handled by `plainDecimal`.
 */
function numberText(item: JsonObject, field: string, where: string): string | undefined {
  const value = item.get(field);
  if (value === undefined || value === null) return undefined;
  if (value instanceof JsonNumber) return value.text;
  if (typeof value === 'string') return value.trim();
  throw formatError(`${where}: ${field} must be a number (or a number in a string)`, field);
}

function isOneOf<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}

export function isEndCode(code: TransactionCode | undefined): boolean {
  return code !== undefined && END_CODES.includes(code);
}

function formatError(message: string, field: string): EcarError {
  return new EcarError('METER_FORMAT_INVALID', message, { field });
}
