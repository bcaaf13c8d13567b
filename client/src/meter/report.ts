// Verifies a batch of OCMF records (one --ocmf record or a transparency XML export) and reports, per
// record and per begin/end pair, what a person or a machine needs to decide whether to trust the bill.
// Pairs are judged by assessBilling, the function stopSession settles by, so both always agree.
import { EcarError } from '../../../chaincode/src/protocol/errors';
import {
  assessBilling,
  formatExact,
  inspectOcmfRecord,
  isEndCode,
  meterPublicKeyHex,
  parseMeterPublicKey,
  verifyOcmfRecord,
  type CurveName,
  type MeterPair,
  type MeterPublicKeyInput,
  type OcmfPayload,
  type OcmfReading,
  type SessionContext,
  type SessionRule,
  type VerifiedOcmfRecord,
} from '../../../chaincode/src/protocol/ocmf';
import { meterStatusText, timeStatusText } from './status-text';

/** One record to verify, with the key its source carried (if any). */
export interface MeterRecordInput {
  readonly signedData: string;
  /** The format the source declares (the XML `format` attribute); only OCMF is verified. */
  readonly format?: string;
  readonly transactionId?: string;
  readonly context?: string;
  /** The key embedded in the export; reading it may throw METER_KEY_INVALID. */
  readonly embeddedKey?: () => MeterPublicKeyInput;
}

export interface ErrorReport {
  readonly code: string;
  readonly reason: string;
  /** The billing rule broken, for pair errors; null otherwise. */
  readonly rule: string | null;
  /** The figures the refusal names (the same details a settlement's sealed answer carries). */
  readonly details: Readonly<Record<string, string | number | boolean>>;
}

export interface ReadingReport {
  readonly index: number;
  /** TX, null for fiscal readings. */
  readonly type: string | null;
  readonly time: string;
  readonly timeText: string;
  readonly timeStatus: string;
  /** RV exactly as signed, null for event-only readings. */
  readonly value: string | null;
  readonly unit: string | null;
  /** The value in Wh, exact at the meter's resolution, for kWh/Wh readings; null otherwise. */
  readonly valueWh: string | null;
  readonly obis: string | null;
  /** RT: AC or DC, as written. */
  readonly currentType: string | null;
  /** ST, and what it means ("G": "OK"). */
  readonly meterStatus: string;
  readonly meterStatusText: string;
  readonly timeStatusText: string;
  /** EF: "E" energy, "t" time no longer usable; "" when none. */
  readonly errorFlags: string;
}

/** What the signature check found: valid, not valid, or not reached (no key, unreadable record). */
export type SignatureResult = 'valid' | 'invalid' | 'not checked';

export interface IdentificationReport {
  /** IS */
  readonly assigned: boolean;
  readonly level: string | null;
  readonly type: string | null;
  readonly flags: readonly string[];
  readonly data: string | null;
}

export interface RecordReport {
  readonly index: number;
  readonly valid: boolean;
  readonly error: ErrorReport | null;
  /** Whether the fields below were read from a verified record; false means "as claimed, unverified". */
  readonly verified: boolean;
  readonly transactionId: string | null;
  readonly context: string | null;
  /** pinned: --public-key; embedded: the export's key; none: no key was available. */
  readonly keySource: 'pinned' | 'embedded' | 'none';
  readonly publicKey: string | null;
  readonly meterSerial: string | null;
  readonly meterVendor: string | null;
  readonly meterModel: string | null;
  readonly meterFirmware: string | null;
  readonly formatVersion: string | null;
  readonly gatewaySerial: string | null;
  readonly pagination: string | null;
  readonly signatureMethod: string | null;
  readonly curve: string | null;
  readonly signature: SignatureResult;
  /** How SD was written: DER or raw r||s, hex or base64. */
  readonly signatureForm: 'der' | 'raw' | null;
  readonly signatureEncoding: string | null;
  /** SHA-256 of the key's SubjectPublicKeyInfo, upper-case hex, for the key the record verified with. */
  readonly keyFingerprint: string | null;
  readonly identification: IdentificationReport | null;
  readonly readings: readonly ReadingReport[];
  /** Energy between the begin and end reading of this record, when it holds both and they pair. */
  readonly energyWh: string | null;
  /** Whether a billable pair includes this record. */
  readonly billable: boolean;
  /** Why no billable pair includes this record; null when one does. */
  readonly notBillableReason: string | null;
}

export interface PairReport {
  /** The record indexes: one when a record holds begin and end, two for consecutive records. */
  readonly records: readonly number[];
  readonly billable: boolean;
  readonly error: ErrorReport | null;
  readonly meterSerial: string | null;
  readonly begin: { readonly pagination: string; readonly time: string; readonly value: string } | null;
  readonly end: { readonly pagination: string; readonly time: string; readonly value: string } | null;
  readonly unit: string | null;
  readonly energyWh: string | null;
  readonly energyMilliWh: string | null;
  readonly durationMs: number | null;
  /**
   * The session rules not checked because no session context was given: a settlement applies them
   * (empty when the context was given, or when the pair is refused anyway).
   */
  readonly unchecked: readonly SessionRule[];
}

export interface MeterVerifyReport {
  /** True when every record is valid (pairs may still be not billable). */
  readonly ok: boolean;
  readonly recordCount: number;
  readonly validCount: number;
  readonly records: readonly RecordReport[];
  readonly pairs: readonly PairReport[];
}

interface Outcome {
  readonly verified?: VerifiedOcmfRecord;
  /** Verified payload, or the unverified one for display. */
  readonly payload?: OcmfPayload;
  readonly error?: EcarError;
}

/**
 * Verifies every record with the pinned key when given, else with the key its source embeds, and
 * checks each record that holds begin and end, and each begin record followed by an end record, as a
 * billing pair; with the session's context (its connector's power, start and settlement time) by
 * every rule a settlement applies, without it by the rules the records alone decide.
 */
export function verifyMeterRecords(
  inputs: readonly MeterRecordInput[],
  pinnedKey?: MeterPublicKeyInput,
  context?: SessionContext,
): MeterVerifyReport {
  const outcomes = inputs.map((input) => verifyOne(input, pinnedKey));
  const records = inputs.map((input, index) =>
    recordReport(input, index, outcomes[index] as Outcome, pinnedKey),
  );
  const pairs = pairReports(outcomes, context);
  const withEnergy = records.map((record) => {
    const single = pairs.find((pair) => pair.records.length === 1 && pair.records[0] === record.index);
    const billing = billingOf(record, pairs, outcomes[record.index]?.payload);
    return { ...record, ...billing, ...(single?.billable ? { energyWh: single.energyWh } : {}) };
  });
  const validCount = records.filter((r) => r.valid).length;
  return {
    ok: validCount === records.length,
    recordCount: records.length,
    validCount,
    records: withEnergy,
    pairs,
  };
}

function verifyOne(input: MeterRecordInput, pinnedKey: MeterPublicKeyInput | undefined): Outcome {
  try {
    if (input.format !== undefined && input.format !== 'OCMF') {
      throw new EcarError('METER_FORMAT_INVALID', `signed data in format '${input.format}' is not OCMF`);
    }
    const key = pinnedKey ?? input.embeddedKey?.();
    const verified = verifyOcmfRecord(input.signedData, key);
    return { verified, payload: verified.payload };
  } catch (error) {
    const ecar = error instanceof EcarError ? error : new EcarError('INTERNAL', String(error));
    const payload = inspectOcmfRecord(input.signedData).payload;
    return { error: ecar, ...(payload === undefined ? {} : { payload }) };
  }
}

function recordReport(
  input: MeterRecordInput,
  index: number,
  outcome: Outcome,
  pinnedKey: MeterPublicKeyInput | undefined,
): RecordReport {
  const verified = outcome.verified;
  return {
    index,
    valid: verified !== undefined,
    error: outcome.error === undefined ? null : errorReport(outcome.error),
    verified: verified !== undefined,
    transactionId: input.transactionId ?? null,
    context: input.context ?? null,
    keySource: pinnedKey !== undefined ? 'pinned' : input.embeddedKey !== undefined ? 'embedded' : 'none',
    publicKey: verified === undefined ? null : meterPublicKeyHex(verified.publicKey),
    ...payloadFields(outcome.payload),
    ...signatureFields(input, outcome, pinnedKey),
    energyWh: null,
    billable: false,
    notBillableReason: null,
  };
}

/** What the record's payload says about the meter, its identification and its readings. */
function payloadFields(
  payload: OcmfPayload | undefined,
): Pick<
  RecordReport,
  | 'meterSerial'
  | 'meterVendor'
  | 'meterModel'
  | 'meterFirmware'
  | 'formatVersion'
  | 'gatewaySerial'
  | 'pagination'
  | 'identification'
  | 'readings'
> {
  if (payload === undefined) {
    return {
      meterSerial: null,
      meterVendor: null,
      meterModel: null,
      meterFirmware: null,
      formatVersion: null,
      gatewaySerial: null,
      pagination: null,
      identification: null,
      readings: [],
    };
  }
  const identification = payload.identification;
  return {
    meterSerial: payload.meter.serial,
    meterVendor: payload.meter.vendor ?? null,
    meterModel: payload.meter.model ?? null,
    meterFirmware: payload.meter.firmware ?? null,
    formatVersion: payload.formatVersion ?? null,
    gatewaySerial: payload.gateway.serial ?? null,
    pagination: payload.pagination.text,
    identification:
      identification === undefined
        ? null
        : {
            assigned: identification.assigned,
            level: identification.level ?? null,
            type: identification.type ?? null,
            flags: identification.flags,
            data: identification.data ?? null,
          },
    readings: payload.readings.map(readingReport),
  };
}

/** The signature's method, form and result, and the fingerprint of the key it was checked with. */
function signatureFields(
  input: MeterRecordInput,
  outcome: Outcome,
  pinnedKey: MeterPublicKeyInput | undefined,
): Pick<
  RecordReport,
  'signatureMethod' | 'curve' | 'signature' | 'signatureForm' | 'signatureEncoding' | 'keyFingerprint'
> {
  const verified = outcome.verified;
  const signature = verified?.signature ?? inspectOcmfRecord(input.signedData).signature;
  return {
    signatureMethod: signature?.method.id ?? null,
    curve: signature?.method.curve.name ?? null,
    signature: signatureResult(outcome),
    signatureForm: signature?.form ?? null,
    signatureEncoding: signature?.encoding ?? null,
    keyFingerprint:
      verified?.publicKey.fingerprint ??
      keyFingerprint(pinnedKey ?? input.embeddedKey, signature?.method.curve.name),
  };
}

/** The fingerprint of the key a record came with, also when the record did not verify; null if unreadable. */
function keyFingerprint(
  key: MeterPublicKeyInput | (() => MeterPublicKeyInput) | undefined,
  curve: CurveName | undefined,
): string | null {
  if (key === undefined) return null;
  try {
    return parseMeterPublicKey(typeof key === 'function' ? key() : key, curve).fingerprint;
  } catch {
    return null;
  }
}

function signatureResult(outcome: Outcome): SignatureResult {
  if (outcome.verified !== undefined || outcome.error?.details.signatureValid === true) return 'valid';
  return outcome.error?.code === 'METER_SIGNATURE_INVALID' ? 'invalid' : 'not checked';
}

function readingReport(reading: OcmfReading): ReadingReport {
  const wh = reading.value?.wh;
  return {
    index: reading.index,
    type: reading.transaction ?? null,
    time: reading.time.iso,
    timeText: reading.time.text,
    timeStatus: reading.time.status,
    value: reading.value?.text ?? null,
    unit: reading.value?.unit ?? reading.unit ?? null,
    valueWh: wh === undefined ? null : formatExact(wh),
    obis: reading.obis ?? null,
    currentType: reading.currentType ?? null,
    meterStatus: reading.status,
    meterStatusText: meterStatusText(reading.status),
    timeStatusText: timeStatusText(reading.time.status),
    errorFlags: reading.errorFlags,
  };
}

/** Whether a billable pair covers the record, and if not, the reason a person can act on. */
function billingOf(
  record: RecordReport,
  pairs: readonly PairReport[],
  payload: OcmfPayload | undefined,
): Pick<RecordReport, 'billable' | 'notBillableReason'> {
  const mine = pairs.filter((pair) => pair.records.includes(record.index));
  if (mine.some((pair) => pair.billable)) return { billable: true, notBillableReason: null };
  const refused = mine.find((pair) => pair.error !== null);
  if (refused?.error) return { billable: false, notBillableReason: refused.error.reason };
  if (!record.valid) {
    return { billable: false, notBillableReason: 'the record is not valid, so nothing in it can be billed' };
  }
  const why =
    payload?.pagination.context === 'F'
      ? 'a fiscal reading (pagination F), outside any transaction'
      : shapeOf(payload) === 'begin'
        ? 'a begin record without the end record directly after it'
        : shapeOf(payload) === 'end'
          ? 'an end record without the begin record directly before it'
          : 'the record has no begin (B) or end reading';
  return { billable: false, notBillableReason: why };
}

/** Records holding begin and end pair on their own; a begin-only record pairs with the next end-only record. */
function pairReports(outcomes: readonly Outcome[], context: SessionContext | undefined): PairReport[] {
  const pairs: PairReport[] = [];
  outcomes.forEach((outcome, index) => {
    const shape = shapeOf(outcome.payload);
    if (shape === 'complete') pairs.push(pairReport([index], [outcome], context));
    const next = outcomes[index + 1];
    if (shape === 'begin' && next !== undefined && shapeOf(next.payload) === 'end') {
      pairs.push(pairReport([index, index + 1], [outcome, next], context));
    }
  });
  return pairs;
}

function shapeOf(payload: OcmfPayload | undefined): 'complete' | 'begin' | 'end' | 'other' {
  if (payload === undefined) return 'other';
  const begins = payload.readings.some((r) => r.transaction === 'B');
  const ends = payload.readings.some((r) => isEndCode(r.transaction));
  if (begins && ends) return 'complete';
  if (begins) return 'begin';
  return ends ? 'end' : 'other';
}

function pairReport(
  indexes: readonly number[],
  outcomes: readonly Outcome[],
  context: SessionContext | undefined,
): PairReport {
  const invalid = indexes.find((_, i) => outcomes[i]?.verified === undefined);
  if (invalid !== undefined) {
    return notBillable(indexes, {
      code: 'METER_READINGS_INVALID',
      rule: 'RECORD_INVALID',
      reason: `not billable as a pair: record ${invalid} is not valid`,
      details: { rule: 'RECORD_INVALID' },
    });
  }
  const [begin, end] = outcomes.map((o) => o.verified as VerifiedOcmfRecord);
  try {
    const { pair, unchecked } = assessBilling(begin as VerifiedOcmfRecord, end, context);
    return billable(indexes, pair, unchecked);
  } catch (error) {
    if (!(error instanceof EcarError)) throw error;
    return notBillable(indexes, errorReport(error));
  }
}

function billable(
  records: readonly number[],
  pair: MeterPair,
  unchecked: readonly SessionRule[],
): PairReport {
  const end = (side: MeterPair['begin']) => ({
    pagination: side.pagination,
    time: side.reading.time.iso,
    value: side.reading.value?.text ?? '',
  });
  return {
    records,
    billable: true,
    error: null,
    meterSerial: pair.meterSerial,
    begin: end(pair.begin),
    end: end(pair.end),
    unit: pair.unit,
    energyWh: formatExact(pair.energyWh),
    energyMilliWh: pair.energyMilliWh.toString(),
    durationMs: pair.durationMs,
    unchecked,
  };
}

function notBillable(records: readonly number[], error: ErrorReport): PairReport {
  return {
    records,
    billable: false,
    error,
    meterSerial: null,
    begin: null,
    end: null,
    unit: null,
    energyWh: null,
    energyMilliWh: null,
    durationMs: null,
    unchecked: [],
  };
}

function errorReport(error: EcarError): ErrorReport {
  const rule = error.details.rule;
  return {
    code: error.code,
    reason: error.reason,
    rule: typeof rule === 'string' ? rule : null,
    details: error.details,
  };
}
