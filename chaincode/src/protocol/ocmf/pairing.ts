// Billing from OCMF: pairs a verified begin reading with a verified end reading of the same meter and
// transaction and returns the exact energy between them, or says which rule the pair breaks.
import type { MilliWh } from '../units';
import { EcarError, type ErrorDetails } from '../errors';
import type { SessionRule } from './billing';
import { IDENTIFICATION_ERROR_LEVELS, type OcmfPayload } from './payload';
import { isEndCode, type OcmfReading } from './reading';
import {
  compareExact,
  floorMilliWh,
  isEnergyUnit,
  subtractExact,
  type EnergyUnit,
  type ExactDecimal,
} from './reading-value';
import type { VerifiedOcmfRecord } from './verify';

/** What pairing reads of a verified record: the signed payload and the key it was verified with. */
export interface PairableRecord {
  readonly payload: VerifiedOcmfRecord['payload'];
  readonly publicKey: { readonly spki: VerifiedOcmfRecord['publicKey']['spki'] };
}

/** The rule a refused pair breaks, in `EcarError.details.rule`. */
export type PairingRule =
  | 'SAME_METER'
  | 'SAME_KEY'
  | 'TRANSACTION_CONTEXT'
  | 'BEGIN_READING'
  | 'END_READING'
  | 'READING_ORDER'
  | 'PAGINATION_CONSECUTIVE'
  | 'VALUE_PRESENT'
  | 'ENERGY_UNIT'
  | 'SAME_UNIT'
  | 'METER_STATUS'
  | 'ERROR_FLAGS'
  | 'EXCEPTION'
  | 'IDENTIFICATION'
  | 'EVENT_COUNTER'
  | 'TIME_ORDER'
  | 'TIME_SYNC'
  | 'END_BELOW_BEGIN';

export interface PairEnd {
  /** PG of the record the reading is in. */
  readonly pagination: string;
  readonly reading: OcmfReading;
}

export interface MeterPair {
  readonly meterSerial: string;
  /** True when begin and end are in one record (e.g. KEBA "T32" with B and E). */
  readonly singleRecord: boolean;
  readonly begin: PairEnd;
  readonly end: PairEnd;
  /** RI of the register billed, when the meter names it. */
  readonly obis?: string;
  readonly unit: EnergyUnit;
  /** end - begin in milli-Wh, rounded down once from `energyWh` (exact unless the meter resolves below 1 mWh). */
  readonly energyMilliWh: MilliWh;
  /** end - begin in Wh, exact at the meter's resolution. */
  readonly energyWh: ExactDecimal;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly durationMs: number;
}

/**
 * A pair that breaks a billing rule: METER_READINGS_INVALID (the readings do not form a billable
 * pair) or METER_READINGS_IMPLAUSIBLE (they do, but not at this session and EVSE); `rule` names it.
 */
export class NotBillable extends EcarError {
  constructor(
    code: 'METER_READINGS_INVALID' | 'METER_READINGS_IMPLAUSIBLE',
    readonly rule: PairingRule | SessionRule,
    message: string,
    details: ErrorDetails = {},
  ) {
    super(code, `not billable as a pair: ${message}`, { ...details, rule });
    this.name = 'NotBillable';
  }
}

/**
 * Pairs the begin (TX=B) and end (TX=E, or L/R/A/P) readings of one charging transaction. With one
 * record, that record must hold both; with two, `begin` holds the begin reading, `end` the end reading,
 * both from the same meter and key, and the end record's pagination must directly follow the begin
 * record's (OCMF: no record may be missing or added between them). The readings must carry energy in
 * the same unit and register, the meter state must be G, no reading from begin to end may report an
 * exception (TX=X) or an energy error flag, the meter clock must be set (not U) and time must not run
 * backwards, and end >= begin. The rules that need the session and its EVSE are in `assessBilling`.
 *
 * @example
 * const pair = pairReadings(verifyOcmfRecord(startText, key), verifyOcmfRecord(stopText, key));
 * billableWh(pair.energyMilliWh);
 *
 * @throws NotBillable METER_READINGS_INVALID with `details.rule` naming the broken {@link PairingRule}.
 */
export function pairReadings(begin: PairableRecord, end?: PairableRecord): MeterPair {
  const single = end === undefined || end === begin;
  const b = begin.payload;
  const e = single ? b : end.payload;
  if (!single) {
    if (
      b.meter.serial !== e.meter.serial ||
      (b.gateway.serial ?? e.gateway.serial) !== (e.gateway.serial ?? b.gateway.serial)
    ) {
      fail('SAME_METER', `begin is from meter ${b.meter.serial}, end from meter ${e.meter.serial}`);
    }
    if (!Buffer.from(begin.publicKey.spki).equals(Buffer.from(end.publicKey.spki))) {
      fail('SAME_KEY', 'begin and end were verified with different meter keys');
    }
  }
  for (const payload of single ? [b] : [b, e]) {
    if (payload.pagination.context !== 'T') {
      fail(
        'TRANSACTION_CONTEXT',
        `record ${payload.pagination.text} is a fiscal reading, not part of a transaction`,
      );
    }
  }
  const { beginIndex, endIndex } = single ? locateInOne(b) : locateInTwo(b, e);
  const beginReading = b.readings[beginIndex] as OcmfReading;
  const endReading = e.readings[endIndex] as OcmfReading;
  if (!single && e.pagination.number !== b.pagination.number + 1) {
    fail(
      'PAGINATION_CONSECUTIVE',
      `end record ${e.pagination.text} does not directly follow begin record ${b.pagination.text}` +
        (e.pagination.number <= b.pagination.number
          ? ' (it is not even later)'
          : ' (records are missing between them)'),
    );
  }
  const span = single
    ? b.readings.slice(beginIndex, endIndex + 1)
    : [...b.readings.slice(beginIndex), ...e.readings.slice(0, endIndex + 1)];
  return checkPair(b, e, single, beginReading, endReading, span);
}

function locateInOne(payload: OcmfPayload): { beginIndex: number; endIndex: number } {
  const beginIndex = payload.readings.findIndex((r) => r.transaction === 'B');
  if (beginIndex < 0) fail('BEGIN_READING', `record ${payload.pagination.text} has no begin (B) reading`);
  const beginReading = payload.readings[beginIndex] as OcmfReading;
  const endIndex = payload.readings.findIndex(
    (r, i) => i > beginIndex && isEndCode(r.transaction) && sameRegister(r, beginReading),
  );
  if (endIndex < 0) {
    if (payload.readings.some((r, i) => i < beginIndex && isEndCode(r.transaction))) {
      fail('READING_ORDER', `record ${payload.pagination.text} has its end reading before its begin reading`);
    }
    fail('END_READING', `record ${payload.pagination.text} has no end reading after its begin reading`);
  }
  return { beginIndex, endIndex };
}

function locateInTwo(b: OcmfPayload, e: OcmfPayload): { beginIndex: number; endIndex: number } {
  const beginIndex = b.readings.findIndex((r) => r.transaction === 'B');
  if (beginIndex < 0) fail('BEGIN_READING', `begin record ${b.pagination.text} has no begin (B) reading`);
  if (b.readings.some((r) => isEndCode(r.transaction))) {
    fail('READING_ORDER', `begin record ${b.pagination.text} already ends a transaction`);
  }
  if (e.readings.some((r) => r.transaction === 'B')) {
    fail('READING_ORDER', `end record ${e.pagination.text} begins a transaction`);
  }
  const beginReading = b.readings[beginIndex] as OcmfReading;
  const endIndex = e.readings.findIndex((r) => isEndCode(r.transaction) && sameRegister(r, beginReading));
  if (endIndex < 0)
    fail('END_READING', `end record ${e.pagination.text} has no end reading for the begin register`);
  return { beginIndex, endIndex };
}

function checkPair(
  b: OcmfPayload,
  e: OcmfPayload,
  singleRecord: boolean,
  beginReading: OcmfReading,
  endReading: OcmfReading,
  span: readonly OcmfReading[],
): MeterPair {
  const beginValue = beginReading.value;
  const endValue = endReading.value;
  if (beginValue === undefined || endValue === undefined) {
    return fail('VALUE_PRESENT', 'the begin or end reading carries no value');
  }
  if (beginValue.unit !== endValue.unit) {
    fail('SAME_UNIT', `begin is in ${beginValue.unit}, end in ${endValue.unit}`);
  }
  const beginWh = beginValue.wh;
  const endWh = endValue.wh;
  if (!isEnergyUnit(beginValue.unit) || beginWh === undefined || endWh === undefined) {
    return fail('ENERGY_UNIT', `readings in ${beginValue.unit} are not energy`);
  }
  checkMeterState(singleRecord ? [b] : [b, e], beginReading, endReading, span);
  checkTimes(beginReading, endReading);
  if (compareExact(endWh, beginWh) < 0) {
    fail(
      'END_BELOW_BEGIN',
      `end value ${endValue.text} ${endValue.unit} is below begin value ${beginValue.text} ${beginValue.unit}`,
    );
  }
  const energyWh = subtractExact(endWh, beginWh);
  return {
    meterSerial: b.meter.serial,
    singleRecord,
    begin: { pagination: b.pagination.text, reading: beginReading },
    end: { pagination: e.pagination.text, reading: endReading },
    ...(beginReading.obis === undefined ? {} : { obis: beginReading.obis }),
    unit: beginValue.unit,
    energyMilliWh: floorMilliWh(energyWh),
    energyWh,
    startedAt: beginReading.time.iso,
    endedAt: endReading.time.iso,
    durationMs: endReading.time.epochMs - beginReading.time.epochMs,
  };
}

/** Rules METER_STATUS, ERROR_FLAGS, EXCEPTION, IDENTIFICATION and EVENT_COUNTER: the meter vouches for the energy. */
function checkMeterState(
  records: readonly OcmfPayload[],
  beginReading: OcmfReading,
  endReading: OcmfReading,
  span: readonly OcmfReading[],
): void {
  if (beginReading.status !== 'G' || endReading.status !== 'G') {
    fail(
      'METER_STATUS',
      `meter state is ${beginReading.status} at begin and ${endReading.status} at end, not G (OK)`,
    );
  }
  const flagged = span.find((r) => r.errorFlags.includes('E'));
  if (flagged)
    fail('ERROR_FLAGS', `reading ${flagged.index} flags the energy as unusable (EF=${flagged.errorFlags})`);
  const exception = span.find((r) => r.transaction === 'X');
  if (exception) fail('EXCEPTION', `reading ${exception.index} reports an error during charging (TX=X)`);
  for (const payload of records) {
    const level = payload.identification?.level;
    if (level !== undefined && IDENTIFICATION_ERROR_LEVELS.includes(level)) {
      fail(
        'IDENTIFICATION',
        `record ${payload.pagination.text} reports a user assignment error (IL=${level})`,
      );
    }
  }
  if (
    beginReading.eventCounter !== undefined &&
    endReading.eventCounter !== undefined &&
    beginReading.eventCounter !== endReading.eventCounter
  ) {
    fail(
      'EVENT_COUNTER',
      `the meter's event counter changed from ${beginReading.eventCounter} to ${endReading.eventCounter}`,
    );
  }
}

/** Rules TIME_ORDER and TIME_SYNC: the readings' times are in order and can be trusted. */
function checkTimes(beginReading: OcmfReading, endReading: OcmfReading): void {
  if (endReading.time.epochMs < beginReading.time.epochMs) {
    fail('TIME_ORDER', `end time ${endReading.time.iso} is before begin time ${beginReading.time.iso}`);
  }
  const unset = [beginReading, endReading].find((r) => r.time.status === 'U');
  if (unset) {
    fail(
      'TIME_SYNC',
      `the meter clock is not set (U) at reading ${unset.index}: its times cannot be trusted`,
    );
  }
  if (beginReading.time.status === 'R' && endReading.time.status !== 'R') {
    fail('TIME_SYNC', 'begin time is relative (R) but end time is not');
  }
}

function sameRegister(a: OcmfReading, b: OcmfReading): boolean {
  return a.obis === undefined || b.obis === undefined || a.obis === b.obis;
}

function fail(rule: PairingRule, message: string): never {
  throw new NotBillable('METER_READINGS_INVALID', rule, message);
}
