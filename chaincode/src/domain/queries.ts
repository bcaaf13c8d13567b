// Queries: station search on public fields, the caller's own stations, sessions, CDRs and the
// bookings on their stations, and the auditor's supply totals. Evaluate-only; scans are range reads
// over one record family.
import { decodeAccount, decodeEarning, decodeFee, decodeHold, decodePayout, decodeSupply } from './accounts';
import { bookingKeys, decodeBooking, newestFirst } from './bookings';
import type { JsonObject } from '../ports';
import { EcarError } from '../protocol/errors';
import type { Tx } from './context';
import { Forbidden } from './errors';
import { hasRole, loadParams, requireRole } from './params';
import { boolean, id, integer, oneOf, optionalInteger, optionalString, parseArgs } from './parse';
import { decodeCdr, decodeIndexEntry, decodeSession, sessionKeys } from './sessions';
import { decodeStation, loadStation, publicView, stationKeys } from './stations';
import type { Money } from '../protocol/units';
import { BOOKING_STATUSES, CONNECTOR_STANDARDS, POWER_TYPES } from '../protocol/vocabulary';
import type { Booking, Cdr, PublicStation, Session, SessionStatus, SupplyTotals } from '../protocol/records';

const SESSION_STATUSES: readonly SessionStatus[] = ['ACTIVE', 'COMPLETED', 'EXPIRED', 'INVALID'];

/** searchStations (anyone): filters on public fields only; results sorted by station id. */
export async function searchStations(tx: Tx, raw: unknown): Promise<PublicStation[]> {
  const f = parseArgs(raw, [
    'country',
    'city',
    'connectorStandard',
    'powerType',
    'minPowerW',
    'availableOnly',
    'limit',
  ]);
  const country = optionalString(f.country, 'country', {
    min: 2,
    max: 2,
    pattern: /^[A-Z]{2}$/,
    hint: 'an ISO 3166 alpha-2 code',
  });
  const city = optionalString(f.city, 'city', { max: 100 });
  const standard =
    f.connectorStandard === undefined
      ? undefined
      : oneOf(f.connectorStandard, 'connectorStandard', CONNECTOR_STANDARDS);
  const powerType = f.powerType === undefined ? undefined : oneOf(f.powerType, 'powerType', POWER_TYPES);
  const minPowerW = optionalInteger(f.minPowerW, 'minPowerW', { min: 0, max: 1_000_000 }) ?? 0;
  const availableOnly = f.availableOnly === undefined ? true : boolean(f.availableOnly, 'availableOnly');
  const limit = optionalInteger(f.limit, 'limit', { min: 1, max: 100 }) ?? 20;
  const stations = await tx.scan(stationKeys.stations(), decodeStation);
  return stations
    .map((s) => s.value)
    .filter(
      (s) =>
        (country === undefined || s.location.country === country) &&
        (city === undefined || s.location.city.toLowerCase() === city.toLowerCase()),
    )
    .filter((s) => !availableOnly || (s.status === 'AVAILABLE' && s.tariffVersion > 0))
    .filter((s) =>
      s.evses.some((e) =>
        e.connectors.some(
          (c) =>
            (standard === undefined || c.standard === standard) &&
            (powerType === undefined || c.powerType === powerType) &&
            c.maxElectricPower >= minPowerW,
        ),
      ),
    )
    .slice(0, limit)
    .map(publicView);
}

/** myStations: the stations the caller hosts. */
export async function myStations(tx: Tx, raw: unknown): Promise<PublicStation[]> {
  parseArgs(raw, []);
  const me = tx.caller;
  return (await tx.scan(stationKeys.stations(), decodeStation))
    .map((s) => s.value)
    .filter((s) => s.host === me)
    .map(publicView);
}

/** The records a per-account index names, in index (id) order; a missing record is an INTERNAL error. */
async function indexed<T>(
  tx: Tx,
  prefix: string,
  recordKey: (id: string) => string,
  decode: (json: JsonObject) => T,
  maxEntries = Infinity,
): Promise<T[]> {
  const entries = (await tx.scan(prefix, decodeIndexEntry)).slice(0, maxEntries);
  const records: T[] = [];
  for (const { value } of entries) {
    const record = await tx.read(recordKey(value.id), decode);
    if (record === undefined) throw new EcarError('INTERNAL', `indexed record '${value.id}' is missing`);
    records.push(record);
  }
  return records;
}

/**
 * mySessions: sessions where the caller is the driver or the host, optionally by status. Reads
 * the caller's own index (account-session/<me>/), never anyone else's sessions.
 */
export async function mySessions(tx: Tx, raw: unknown): Promise<(Session & { role: 'DRIVER' | 'HOST' })[]> {
  const f = parseArgs(raw, ['status', 'limit']);
  const status = f.status === undefined ? undefined : oneOf(f.status, 'status', SESSION_STATUSES);
  const limit = f.limit === undefined ? 100 : integer(f.limit, 'limit', { min: 1, max: 500 });
  const me = tx.caller;
  return (await indexed(tx, sessionKeys.accountSessions(me), sessionKeys.session, decodeSession))
    .filter((s) => (s.driver === me || s.host === me) && (status === undefined || s.status === status))
    .slice(0, limit)
    .map((s) => ({ ...s, role: s.driver === me ? ('DRIVER' as const) : ('HOST' as const) }));
}

/** myCdrs: charge detail records (and credit CDRs) where the caller is the driver or the host (own index). */
export async function myCdrs(tx: Tx, raw: unknown): Promise<Cdr[]> {
  const f = parseArgs(raw, ['limit']);
  const limit = f.limit === undefined ? 100 : integer(f.limit, 'limit', { min: 1, max: 500 });
  const me = tx.caller;
  return (await indexed(tx, sessionKeys.accountCdrs(me), sessionKeys.cdr, decodeCdr, limit)).filter(
    (c) => c.driver === me || c.host === me,
  );
}

/**
 * stationBookings: the bookings (every status) on the stations the caller hosts, or on one station
 * (its host, or the operator for any station), optionally by status, newest first.
 */
export async function stationBookings(tx: Tx, raw: unknown): Promise<Booking[]> {
  const f = parseArgs(raw, ['stationId', 'status', 'limit']);
  const stationId = f.stationId === undefined ? undefined : id(f.stationId, 'stationId');
  const status = f.status === undefined ? undefined : oneOf(f.status, 'status', BOOKING_STATUSES);
  const limit = optionalInteger(f.limit, 'limit', { min: 1, max: 500 }) ?? 100;
  const params = await loadParams(tx);
  const me = tx.caller;
  if (stationId !== undefined) {
    const station = await loadStation(tx, stationId);
    if (station.host !== me && !hasRole(params, 'operator', me)) {
      throw new Forbidden("reading a station's bookings", 'its host or the operator');
    }
  }
  // A booking records its station's host when it is made; a station never changes host.
  const wanted = (b: Booking): boolean =>
    (stationId === undefined ? b.host === me : b.stationId === stationId) &&
    (status === undefined || b.status === status);
  return (await tx.scan(bookingKeys.bookings(), decodeBooking))
    .map((b) => b.value)
    .filter(wanted)
    .sort(newestFirst)
    .slice(0, limit);
}

/** Totals every bucket and the supply deltas by range reads (no counters exist to read). */
export async function computeTotals(tx: Tx): Promise<SupplyTotals> {
  const sum = <T>(items: { value: T }[], pick: (v: T) => Money): Money =>
    items.reduce((acc, i) => acc + pick(i.value), 0n);
  const supply = await tx.scan('supply/', decodeSupply);
  const accounts = await tx.scan('account/', decodeAccount);
  const holds = await tx.scan('hold/', decodeHold);
  const earnings = await tx.scan('earning/', decodeEarning);
  const payouts = await tx.scan('payout/', decodePayout);
  const fees = await tx.scan('fee/', decodeFee);
  const minted = sum(supply, (s) => s.minted);
  const burned = sum(supply, (s) => s.burned);
  const purchased = sum(accounts, (a) => a.purchased);
  const earnedPayable = sum(accounts, (a) => a.earned);
  const earnedLocked = sum(earnings, (e) => e.amount);
  const platformFees = sum(fees, (e) => e.amount);
  const heldSessions = sum(holds, (h) => (h.kind === 'SESSION' ? h.amount : 0n));
  const heldBookings = sum(holds, (h) => (h.kind === 'BOOKING' ? h.amount : 0n));
  const pendingPayouts = sum(payouts, (p) => (p.status === 'PENDING' ? p.amount : 0n));
  const buckets =
    purchased + earnedPayable + earnedLocked + platformFees + heldSessions + heldBookings + pendingPayouts;
  return {
    minted,
    burned,
    purchased,
    earnedPayable,
    earnedLocked,
    platformFees,
    heldSessions,
    heldBookings,
    pendingPayouts,
    buckets,
    balanced: minted - burned === buckets,
  };
}

/** auditTotals (auditor or operator). */
export async function auditTotals(tx: Tx, raw: unknown): Promise<SupplyTotals> {
  parseArgs(raw, []);
  const params = await loadParams(tx);
  requireRole(params, tx.caller, 'auditTotals', 'auditor', 'operator');
  return computeTotals(tx);
}
