// The billing rules, in one home for the chaincode (stopSession settles by them) and the client
// (`ecar meter verify` reports by them): the OCMF pairing rules, then the rules that judge the pair
// against its session and EVSE (absolute time, time span, power plausibility).
import { formatWh } from '../units';
import { EcarError } from '../errors';
import { NotBillable, pairReadings, type MeterPair, type PairableRecord } from './pairing';
import type { ReadingValue } from './reading-value';

/** The rules that need the session's context, in the order they are checked. */
export const SESSION_RULES = ['ABSOLUTE_TIME', 'SESSION_SPAN', 'POWER_PLAUSIBLE'] as const;
export type SessionRule = (typeof SESSION_RULES)[number];

/**
 * The consortium's defaults for the settlement parameters meterPowerToleranceBps and
 * meterClockSkewSeconds (domain/params), and what `ecar meter verify` assumes when not told.
 */
export const BILLING_DEFAULTS = { powerToleranceBps: 1_000, meterClockSkewSeconds: 300 } as const;

/** Basis points: 10 000 = 100 %. */
const BPS = 10_000n;
/** W × ms = mJ, and 1 mWh = 3600 mJ. */
const MILLIJOULES_PER_MILLIWH = 3_600n;
/** Meters resolve 1 Wh or finer; a value written without decimals ("RV":12 kWh) says nothing coarser. */
const MAX_STEP_MILLIWH = 1_000n;

/** What a settlement knows about the session the readings must belong to. */
export interface SessionContext {
  /** The most the session's connector can deliver, watts (OCPI maxElectricPower). */
  readonly maxPowerW: number;
  /** How much more energy than maxPowerW × duration is still accepted, basis points. */
  readonly powerToleranceBps: number;
  /** When the session started (its transaction time), epoch ms. */
  readonly sessionStartMs: number;
  /** When it settles (the transaction time), epoch ms. */
  readonly settledAtMs: number;
  /** How far the settlement time may be off (Clock.skewMs); the span keeps it as a margin. */
  readonly trustedTimeSkewMs: number;
  /** How far the meter's clock may be off the ledger's. */
  readonly meterClockSkewMs: number;
}

export interface BillingAssessment {
  readonly pair: MeterPair;
  /** The session rules that were not checked because no context was given; empty when they were. */
  readonly unchecked: readonly SessionRule[];
}

/**
 * Decides whether begin/end records are billable: every pairing rule ({@link pairReadings}), then,
 * given the session's context, each session rule. Without a context the pair is billable as far as
 * the records alone can tell, and `unchecked` names the rules a settlement will still apply.
 *
 * @example
 * const { pair } = assessBilling(begin, end, { maxPowerW: 11_000, powerToleranceBps: 1_000, ... });
 *
 * @throws NotBillable METER_READINGS_INVALID (a pairing rule, ABSOLUTE_TIME or SESSION_SPAN) or
 *   METER_READINGS_IMPLAUSIBLE (POWER_PLAUSIBLE), `details.rule` naming the rule, with its figures.
 */
export function assessBilling(
  begin: PairableRecord,
  end: PairableRecord | undefined,
  context?: SessionContext,
): BillingAssessment {
  const pair = pairReadings(begin, end);
  if (context === undefined) return { pair, unchecked: SESSION_RULES };
  requireAbsoluteTime(pair);
  requireWithinSession(pair, context);
  requirePlausibleEnergy(pair, context);
  return { pair, unchecked: [] };
}

/** Rule ABSOLUTE_TIME: the begin time is on a real clock (S or I), so it can be placed in the session. */
function requireAbsoluteTime(pair: MeterPair): void {
  const status = pair.begin.reading.time.status;
  if (status !== 'S' && status !== 'I') {
    throw new NotBillable(
      'METER_READINGS_INVALID',
      'ABSOLUTE_TIME',
      `the begin time is ${status === 'R' ? 'relative (R)' : `not on a set clock (${status})`}; it cannot be placed in the session`,
      { timeStatus: status },
    );
  }
}

/**
 * Rule SESSION_SPAN: the readings lie within the session, by the meter's clock tolerance: the begin
 * not before the session started, the end not after the settlement even if its transaction time
 * runs late by the trusted-time skew (the margin Tx.surelyAfter keeps).
 */
function requireWithinSession(pair: MeterPair, context: SessionContext): void {
  const beginMs = pair.begin.reading.time.epochMs;
  const endMs = pair.end.reading.time.epochMs;
  const figures = {
    sessionStartedAt: new Date(context.sessionStartMs).toISOString(),
    meterClockSkewSeconds: Math.floor(context.meterClockSkewMs / 1000),
  };
  if (beginMs < context.sessionStartMs - context.meterClockSkewMs) {
    throw new NotBillable(
      'METER_READINGS_INVALID',
      'SESSION_SPAN',
      `the begin reading (${pair.startedAt}) is older than the session (started ${figures.sessionStartedAt})`,
      { ...figures, beginAt: pair.startedAt },
    );
  }
  if (context.settledAtMs - context.trustedTimeSkewMs < endMs - context.meterClockSkewMs) {
    throw new NotBillable(
      'METER_READINGS_INVALID',
      'SESSION_SPAN',
      `the end reading (${pair.endedAt}) lies in the future`,
      { ...figures, endAt: pair.endedAt, settledAt: new Date(context.settledAtMs).toISOString() },
    );
  }
}

/**
 * Rule POWER_PLAUSIBLE: the energy is no more than the connector's maximum power over the readings'
 * duration, plus the tolerance, plus one step of the register (a register that just ticked over after
 * the begin reading shows up to one step more than was delivered).
 */
function requirePlausibleEnergy(pair: MeterPair, context: SessionContext): void {
  if (!Number.isSafeInteger(context.maxPowerW) || context.maxPowerW < 0) {
    throw new EcarError('INTERNAL', 'the maximum power of the session connector is not a whole number of W');
  }
  const durationMs = BigInt(pair.durationMs);
  const powered = BigInt(context.maxPowerW) * durationMs * (BPS + BigInt(context.powerToleranceBps));
  const step = registerStepMilliWh(pair.begin.reading.value, pair.end.reading.value);
  const maxMilliWh = powered / (BPS * MILLIJOULES_PER_MILLIWH) + step;
  if (pair.energyMilliWh > maxMilliWh) {
    throw new NotBillable(
      'METER_READINGS_IMPLAUSIBLE',
      'POWER_PLAUSIBLE',
      `${formatWh(pair.energyMilliWh)} Wh in ${formatSeconds(pair.durationMs)} s is more than a ` +
        `${context.maxPowerW} W connector delivers (at most ${formatWh(maxMilliWh)} Wh with the tolerance)`,
      {
        energyMilliWh: pair.energyMilliWh.toString(),
        maxMilliWh: maxMilliWh.toString(),
        maxPowerW: context.maxPowerW,
        durationMs: pair.durationMs,
        powerToleranceBps: context.powerToleranceBps,
      },
    );
  }
}

/** The register's resolution: the finer of the two readings' (0.2596 kWh → 100 mWh), at most 1 Wh. */
function registerStepMilliWh(...values: readonly (ReadingValue | undefined)[]): bigint {
  let step = MAX_STEP_MILLIWH;
  for (const value of values) {
    if (value === undefined) continue;
    const decimals = value.decimal.split('.')[1]?.length ?? 0;
    const exponent = (value.unit === 'kWh' ? 6 : 3) - decimals;
    const own = exponent > 0 ? 10n ** BigInt(exponent) : 1n;
    if (own < step) step = own;
  }
  return step;
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? String(ms / 1000) : (ms / 1000).toFixed(3).replace(/0+$/, '');
}
