// OCPI 2.2.1 tariff pricing, exact. Prices are integer token minor units per unit: per kWh (ENERGY),
// per hour (TIME, PARKING_TIME), per session (FLAT). Quantities are exact (energy in mWh, time in
// ms); OCPI step_size rounding follows mod_cdrs ("step_size"): once per session for ENERGY and once
// for time, where a session with parking rounds only the parking time and otherwise the charging
// time, each with the step size of the last period of that dimension. Money is rounded once, at
// the end, down (in favour of the driver), after min_price/max_price are applied to the exact sum.
//
// Periods: the session is cut at every point where an element could switch (local times of day,
// midnights, duration and kWh thresholds, end of charging); energy is taken to flow at a constant
// rate between the signed begin and end readings. In each period every dimension is billed by the
// first element whose restrictions hold at the start of the period and that prices that dimension
// (OCPI rule). FLAT is billed once, by the first matching element at session start.
import { EcarError } from '../protocol/errors';
import { add, ceilToMultiple, cmp, div, floor, mul, rat, sub, ZERO, type Rat } from './rational';
import { localTime } from './stations';
import type { MilliWh, Money } from '../protocol/units';
import type {
  BilledDimension,
  Dimension,
  Price,
  PriceComponent,
  Restrictions,
  Tariff,
} from '../protocol/records';
import { DAYS_OF_WEEK, DIMENSIONS } from '../protocol/records';

/** What happened in a session, as established from signed meter readings and transaction times. */
export interface Usage {
  /** Charging (and the session) starts. */
  readonly startMs: number;
  /** Charging ends; parking (still plugged in) lasts until `endMs`. */
  readonly chargingEndMs: number;
  readonly endMs: number;
  readonly energy: MilliWh;
  readonly utcOffsetMinutes: number;
  /** Only when known; elements restricted by current never match without it. */
  readonly currentA?: number;
}

interface Period {
  readonly type: Dimension;
  quantity: Rat;
  readonly price: Money;
  readonly stepSize: number;
}

const MS_PER_HOUR = 3_600_000n;
const MILLIWH_PER_KWH = 1_000_000n;
const MS_PER_DAY = 86_400_000;
const MAX_SESSION_DAYS = 62;

interface State {
  readonly atMs: number;
  readonly offsetMs: Rat;
  readonly energy: Rat;
}

function matches(r: Restrictions | undefined, state: State, usage: Usage): boolean {
  if (!r) return true;
  return matchesClock(r, state, usage) && matchesQuantities(r, state) && matchesCurrent(r, usage);
}

/** OCPI day_of_week, start_time and end_time, in the station's local time (end exclusive; may wrap midnight). */
function matchesClock(r: Restrictions, state: State, usage: Usage): boolean {
  if (r.startTime === undefined && r.endTime === undefined && r.dayOfWeek === undefined) return true;
  const { weekday, minute } = localTime(state.atMs, usage.utcOffsetMinutes);
  if (r.dayOfWeek !== undefined && !r.dayOfWeek.includes(DAYS_OF_WEEK[weekday - 1] ?? 'MONDAY')) return false;
  const { startTime: s, endTime: e } = r;
  if (s !== undefined && e !== undefined)
    return s < e ? minute >= s && minute < e : minute >= s || minute < e;
  if (s !== undefined) return minute >= s;
  if (e !== undefined) return minute < e;
  return true;
}

/** OCPI min/max kWh and min/max duration: the lower bound inclusive, the upper exclusive. */
function matchesQuantities(r: Restrictions, state: State): boolean {
  const within = (value: Rat, min: bigint | undefined, max: bigint | undefined): boolean =>
    (min === undefined || cmp(value, rat(min)) >= 0) && (max === undefined || cmp(value, rat(max)) < 0);
  const ms = (seconds: number | undefined): bigint | undefined =>
    seconds === undefined ? undefined : BigInt(seconds) * 1000n;
  return (
    within(state.energy, r.minKwh, r.maxKwh) && within(state.offsetMs, ms(r.minDuration), ms(r.maxDuration))
  );
}

/** OCPI min/max current: an unknown current matches no current restriction. */
function matchesCurrent(r: Restrictions, usage: Usage): boolean {
  if (r.minCurrent === undefined && r.maxCurrent === undefined) return true;
  if (usage.currentA === undefined) return false;
  return (
    (r.minCurrent === undefined || usage.currentA >= r.minCurrent) &&
    (r.maxCurrent === undefined || usage.currentA < r.maxCurrent)
  );
}

function component(tariff: Tariff, type: Dimension, state: State, usage: Usage): PriceComponent | undefined {
  for (const element of tariff.elements) {
    const found = element.priceComponents.find((c) => c.type === type);
    if (found && matches(element.restrictions, state, usage)) return found;
  }
  return undefined;
}

/** Every point (offset from start, ms) where the applicable element may change. */
function breakpoints(tariff: Tariff, usage: Usage, total: number, charging: number): Rat[] {
  const points: Rat[] = [ZERO, rat(BigInt(charging)), rat(BigInt(total))];
  const inside = (p: Rat): boolean => cmp(p, ZERO) > 0 && cmp(p, rat(BigInt(total))) < 0;
  const minutes = new Set<number>();
  let byClock = false;
  for (const { restrictions: r } of tariff.elements) {
    if (!r) continue;
    if (r.startTime !== undefined) minutes.add(r.startTime);
    if (r.endTime !== undefined) minutes.add(r.endTime);
    if (r.startTime !== undefined || r.endTime !== undefined || r.dayOfWeek !== undefined) byClock = true;
    for (const seconds of [r.minDuration, r.maxDuration]) {
      if (seconds !== undefined) points.push(rat(BigInt(seconds) * 1000n));
    }
    if (charging > 0 && usage.energy > 0n) {
      for (const threshold of [r.minKwh, r.maxKwh]) {
        // Constant rate: the threshold is crossed at threshold / energy of the charging time.
        if (threshold !== undefined && threshold < usage.energy)
          points.push(rat(threshold * BigInt(charging), usage.energy));
      }
    }
  }
  if (byClock) {
    minutes.add(0);
    const localStart = usage.startMs + usage.utcOffsetMinutes * 60_000;
    const firstDay = Math.floor(localStart / MS_PER_DAY);
    const lastDay = Math.floor((localStart + total) / MS_PER_DAY);
    for (let day = firstDay; day <= lastDay; day += 1) {
      for (const minute of minutes) points.push(rat(BigInt(day * MS_PER_DAY + minute * 60_000 - localStart)));
    }
  }
  const sorted = points
    .filter((p) => inside(p) || cmp(p, ZERO) === 0 || cmp(p, rat(BigInt(total))) === 0)
    .sort(cmp);
  return sorted.filter((p, i) => i === 0 || cmp(p, sorted[i - 1] ?? ZERO) !== 0);
}

function roundSteps(periods: Period[], types: readonly Dimension[], unitPerStep: bigint): void {
  const used = periods.filter((p) => types.includes(p.type));
  const last = used[used.length - 1];
  if (!last) return;
  const total = used.reduce((acc, p) => add(acc, p.quantity), ZERO);
  const rounded = ceilToMultiple(total, BigInt(last.stepSize) * unitPerStep);
  last.quantity = add(last.quantity, sub(rounded, total));
}

function cost(period: Period): Rat {
  switch (period.type) {
    case 'ENERGY':
      return div(mul(rat(period.price), period.quantity), rat(MILLIWH_PER_KWH));
    case 'TIME':
    case 'PARKING_TIME':
      return div(mul(rat(period.price), period.quantity), rat(MS_PER_HOUR));
    case 'FLAT':
      return rat(period.price);
  }
}

/** Prices one session under one tariff version. */
export function priceSession(tariff: Tariff, usage: Usage): Price {
  const { total, charging } = checkUsage(usage);
  const periods = periodsOf(tariff, usage, total, charging);
  roundSteps(periods, ['ENERGY'], 1000n);
  const parks = periods.some((p) => p.type === 'PARKING_TIME');
  roundSteps(periods, parks ? ['PARKING_TIME'] : ['TIME'], 1000n);
  const start: State = { atMs: usage.startMs, offsetMs: ZERO, energy: ZERO };
  const flat = component(tariff, 'FLAT', start, usage);
  if (flat) periods.push({ type: 'FLAT', quantity: rat(1n), price: flat.price, stepSize: 1 });
  return totalOf(tariff, periods);
}

/** The session's total and charging durations (ms), once its times and energy are consistent. */
function checkUsage(usage: Usage): { total: number; charging: number } {
  const total = usage.endMs - usage.startMs;
  const charging = usage.chargingEndMs - usage.startMs;
  if (!(charging >= 0 && total >= charging)) {
    throw new EcarError(
      'METER_READINGS_INVALID',
      'a session must start, stop charging and end in that order',
    );
  }
  if (usage.energy < 0n) throw new EcarError('METER_READINGS_INVALID', 'energy cannot be negative');
  if (usage.energy > 0n && charging === 0) {
    throw new EcarError(
      'METER_READINGS_INVALID',
      'energy was delivered in no time: begin and end readings have the same time',
    );
  }
  if (total > MAX_SESSION_DAYS * MS_PER_DAY) {
    throw new EcarError(
      'INVALID_ARGUMENT',
      `a session longer than ${MAX_SESSION_DAYS} days cannot be priced`,
    );
  }
  return { total, charging };
}

/** The priced periods between breakpoints: energy and time while charging, parking time after. */
function periodsOf(tariff: Tariff, usage: Usage, total: number, charging: number): Period[] {
  const points = breakpoints(tariff, usage, total, charging);
  const periods: Period[] = [];
  const energyAt = (offset: Rat): Rat =>
    cmp(offset, rat(BigInt(charging))) >= 0
      ? rat(usage.energy)
      : div(mul(rat(usage.energy), offset), rat(BigInt(charging)));
  for (let i = 0; i + 1 < points.length; i += 1) {
    const a = points[i] ?? ZERO;
    const b = points[i + 1] ?? ZERO;
    const state: State = { atMs: usage.startMs + Number(floor(a)), offsetMs: a, energy: energyAt(a) };
    const isCharging = cmp(a, rat(BigInt(charging))) < 0;
    const dims: Dimension[] = isCharging ? ['ENERGY', 'TIME'] : ['PARKING_TIME'];
    for (const type of dims) {
      const found = component(tariff, type, state, usage);
      if (!found) continue;
      const quantity = type === 'ENERGY' ? sub(energyAt(b), energyAt(a)) : sub(b, a);
      periods.push({ type, quantity, price: found.price, stepSize: found.stepSize });
    }
  }
  return periods;
}

/** Per dimension its quantity and cost, and the total rounded once, within the tariff's min and max price. */
function totalOf(tariff: Tariff, periods: readonly Period[]): Price {
  const dimensions: Partial<Record<Dimension, BilledDimension>> = {};
  let exact = ZERO;
  for (const type of DIMENSIONS) {
    const mine = periods.filter((p) => p.type === type);
    if (mine.length === 0) continue;
    const quantity = mine.reduce((acc, p) => add(acc, p.quantity), ZERO);
    const sum = mine.reduce((acc, p) => add(acc, cost(p)), ZERO);
    exact = add(exact, sum);
    dimensions[type] = { quantity: floor(quantity), cost: floor(sum) };
  }
  if (tariff.minPrice !== undefined && cmp(exact, rat(tariff.minPrice)) < 0) exact = rat(tariff.minPrice);
  if (tariff.maxPrice !== undefined && cmp(exact, rat(tariff.maxPrice)) > 0) exact = rat(tariff.maxPrice);
  return { total: floor(exact), exact: { numerator: exact.n, denominator: exact.d }, dimensions };
}
