// Human views of ledger records that several command groups print: stations, sessions, CDRs,
// balances, bookings, disputes. Tables and key/value fields via output.ts; money as tokens.
import type { JsonObject, JsonValue } from '../../../chaincode/src/protocol/json';
import { fields, table } from './output';
import { kwh, list, obj, showTokens, str, time, tokens, tokensExact } from './format';

/** Who vouches for a station's meter key, in words. */
function meterVerificationText(value: JsonValue | undefined): string {
  switch (value) {
    case 'BACKEND':
      return 'verified: pinned by the charging backend';
    case 'OPERATOR':
      return 'verified: approved by the operator';
    default:
      return 'unverified: typed in by the host (no prices per kWh until verified)';
  }
}

/** "IEC_62196_T2 11 kW AC_3_PHASE" per connector of every EVSE. */
function connectors(station: JsonObject): string {
  const parts: string[] = [];
  for (const evse of list(station.evses)) {
    for (const c of list(evse.connectors)) {
      const watts = c.maxElectricPower;
      const kw = typeof watts === 'number' ? `${(watts / 1000).toFixed(1)} kW` : '?';
      parts.push(`${str(evse, 'uid')}/${str(c, 'id')} ${str(c, 'standard')} ${kw}`);
    }
  }
  return parts.join(', ');
}

function area(station: JsonObject): string {
  const l = obj(station.location);
  return `${str(l, 'city')} ${str(l, 'country')} (${str(l, 'latitude')}, ${str(l, 'longitude')})`;
}

export function stationTable(stations: readonly JsonObject[], prices?: ReadonlyMap<string, string>): string {
  if (stations.length === 0) return 'no stations';
  const header = ['station', 'name', 'area', 'status', 'connectors'];
  if (prices) header.push('price');
  const rows = stations.map((s) => {
    const row = [str(s, 'id'), str(s, 'name'), area(s), str(s, 'status'), connectors(s)];
    if (prices) row.push(prices.get(str(s, 'id')) ?? '-');
    return row;
  });
  return table([header, ...rows]);
}

/** OCPI weekdays 1..7, as `station register --hours` reads them. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/**
 * Regular hours the way `--hours` takes them: consecutive days with the same period joined
 * ("sat-sun 09:00-20:00, mon 08:00-12:00"), in the station's local time.
 */
export function regularHoursText(regularHours: readonly JsonObject[]): string {
  const parts: string[] = [];
  let run: { first: number; last: number; period: string } | undefined;
  const flush = (): void => {
    if (run === undefined) return;
    const first = WEEKDAYS[run.first - 1] ?? String(run.first);
    const last = WEEKDAYS[run.last - 1] ?? String(run.last);
    parts.push(`${run.first === run.last ? first : `${first}-${last}`} ${run.period}`);
  };
  for (const r of regularHours) {
    const weekday = Number(r.weekday);
    const period = `${str(r, 'periodBegin')}-${str(r, 'periodEnd')}`;
    if (run !== undefined && run.period === period && weekday === run.last + 1) {
      run.last = weekday;
      continue;
    }
    flush();
    run = { first: weekday, last: weekday, period };
  }
  flush();
  return parts.join(', ');
}

/** "UTC+01:00" for an offset of 60 minutes. */
export function utcOffsetText(minutes: number): string {
  const abs = Math.abs(minutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `UTC${minutes < 0 ? '-' : '+'}${hh}:${mm}`;
}

export function stationFields(station: JsonObject): string {
  const hours = obj(station.openingHours);
  const regular = regularHoursText(list(hours.regularHours));
  const offset = typeof station.utcOffsetMinutes === 'number' ? station.utcOffsetMinutes : 0;
  const localHours = regular === '' ? '-' : `${regular} (station local time, ${utcOffsetText(offset)})`;
  const terms = station.bookingTerms === undefined ? undefined : obj(station.bookingTerms);
  const meter = station.meter === undefined ? undefined : obj(station.meter);
  return fields([
    ['station', str(station, 'id')],
    ['name', str(station, 'name')],
    ['host', str(station, 'host')],
    ['area', area(station)],
    ['parking', str(station, 'parkingType')],
    ['status', str(station, 'status')],
    ['connectors', connectors(station)],
    ['opening hours', hours.twentyfourseven === true ? '24/7' : localHours],
    [
      'bookings',
      terms === undefined
        ? 'not taken'
        : `no-show fee ${tokens(terms, 'noShowFee')}, free cancel until ${str(terms, 'cancelBeforeMinutes')} min before, max ${str(terms, 'maxDurationMinutes')} min`,
    ],
    [
      'meter',
      meter === undefined
        ? 'none pinned'
        : `${str(meter, 'vendor')} ${str(meter, 'model')} ${str(meter, 'serial')} (${str(meter, 'signatureMethod')}), ${meterVerificationText(station.meterVerification)}`,
    ],
    ['tariff version', str(station, 'tariffVersion')],
  ]);
}

/** A tariff's price components in words: "ENERGY 0.35/kWh, TIME 1.20/h". */
export function tariffSummary(tariff: JsonValue | undefined): string {
  const parts: string[] = [];
  for (const element of list(obj(tariff).elements)) {
    for (const c of list(element.price_components)) {
      const type = str(c, 'type');
      const unit = type === 'ENERGY' ? '/kWh' : type === 'TIME' || type === 'PARKING_TIME' ? '/h' : '';
      parts.push(`${type} ${tokens(c, 'price')}${unit}`);
    }
  }
  return parts.join(', ') || '-';
}

export function sessionTable(sessions: readonly JsonObject[]): string {
  if (sessions.length === 0) return 'no sessions';
  return table([
    ['session', 'role', 'station', 'evse', 'status', 'started', 'hold'],
    ...sessions.map((s) => [
      str(s, 'id'),
      str(s, 'role'),
      str(s, 'stationId'),
      str(s, 'evseUid'),
      str(s, 'status'),
      time(s, 'startedAt'),
      tokens(s, 'holdAmount'),
    ]),
  ]);
}

export function sessionFields(session: JsonObject): string {
  return fields([
    ['session', str(session, 'id')],
    ['status', str(session, 'status')],
    [
      'station',
      `${str(session, 'stationId')} evse ${str(session, 'evseUid')} connector ${str(session, 'connectorId')}`,
    ],
    ['driver', str(session, 'driver')],
    ['host', str(session, 'host')],
    ['tariff version', str(session, 'tariffVersion')],
    ['hold', tokensExact(session.holdAmount)],
    ['hold expires', time(session, 'holdExpiresAt')],
    ['started', time(session, 'startedAt')],
    ['ended', time(session, 'endedAt')],
    ['booking', str(session, 'bookingId')],
    ['cdr', str(session, 'cdrId')],
    ...(session.reason === undefined ? [] : [['reason', str(session, 'reason')] as const]),
  ]);
}

export function cdrTable(cdrs: readonly JsonObject[]): string {
  if (cdrs.length === 0) return 'no charge detail records';
  return table([
    ['cdr', 'station', 'start', 'energy', 'cost', 'captured', 'host earning', 'dispute until'],
    ...cdrs.map((c) => [
      str(c, 'id'),
      str(c, 'stationId'),
      str(c, 'startDateTime'),
      kwh(c, 'totalEnergyMilliWh'),
      tokens(c, 'totalCost'),
      tokens(c, 'captured'),
      tokens(c, 'hostEarning'),
      time(c, 'disputeUntil'),
    ]),
  ]);
}

export function cdrFields(cdr: JsonObject): string {
  return fields([
    ['cdr', str(cdr, 'id')],
    ['energy', kwh(cdr, 'totalEnergyMilliWh')],
    ['total cost', tokensExact(cdr.totalCost)],
    ['captured', tokensExact(cdr.captured)],
    ['uncollected', tokensExact(cdr.uncollected)],
    ['platform fee', tokensExact(cdr.platformFee)],
    ['host earning', tokensExact(cdr.hostEarning)],
    ['meter', str(cdr, 'meterSerial')],
    ['dispute until', time(cdr, 'disputeUntil')],
  ]);
}

export function balanceFields(balance: JsonObject): string {
  const earned = obj(balance.earned);
  const held = obj(balance.held);
  return fields([
    ['account', str(balance, 'account')],
    ['purchased (spendable)', tokensExact(balance.purchased)],
    ['earned, payable', tokensExact(earned.payable)],
    ['earned, locked', tokensExact(earned.locked)],
    ['earned, frozen (disputed)', tokensExact(earned.frozen)],
    ['held by sessions', tokensExact(held.sessions)],
    ['held by bookings', tokensExact(held.bookings)],
    ['pending payouts', tokensExact(held.payouts)],
    ['total', tokensExact(balance.total)],
  ]);
}

export function bookingFields(booking: JsonObject): string {
  return fields([
    ['booking', str(booking, 'id')],
    ['status', str(booking, 'status')],
    ['station', `${str(booking, 'stationId')} evse ${str(booking, 'evseUid')}`],
    ['from', time(booking, 'startAt')],
    ['to', time(booking, 'endAt')],
    ['free cancel until', time(booking, 'cancelUntil')],
    ...(booking.freeCancellation === false
      ? [['free cancellation', 'not available: cancelling or a no-show costs the fee'] as const]
      : []),
    ['no-show fee (held)', tokensExact(booking.noShowFee)],
    ...(booking.feeCharged === undefined ? [] : [['fee charged', showTokens(booking.feeCharged)] as const]),
  ]);
}

export function bookingTable(bookings: readonly JsonObject[]): string {
  if (bookings.length === 0) return 'no bookings';
  return table([
    ['booking', 'station', 'evse', 'status', 'from', 'to', 'no-show fee', 'fee charged'],
    ...bookings.map((b) => [
      str(b, 'id'),
      str(b, 'stationId'),
      str(b, 'evseUid'),
      str(b, 'status'),
      time(b, 'startAt'),
      time(b, 'endAt'),
      tokens(b, 'noShowFee'),
      tokens(b, 'feeCharged'),
    ]),
  ]);
}

/** A dispute with both sides: the driver's reason and, once given, the host's answer. */
export function disputeFields(d: JsonObject): string {
  return fields([
    ['session', str(d, 'sessionId')],
    ['status', str(d, 'status')],
    ['reason', str(d, 'reason')],
    ['opened', time(d, 'openedAt')],
    ['host answer', str(d, 'answer')],
    ['answered', time(d, 'answeredAt')],
    ['resolved', time(d, 'resolvedAt')],
    ['refund', d.refund === undefined ? '-' : tokensExact(d.refund)],
  ]);
}
