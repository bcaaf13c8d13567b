// Bookings (OCPI 2.3 Bookings shape, reduced): a driver reserves an EVSE for a time slot; the
// station's no-show fee is held; free cancellation until `cancelBeforeMinutes` before the start;
// a late cancellation or a no-show pays the fee to the host (minus the platform fee).
//   booking/<bookingId>                          the booking
//   booking-slot/<stationId>/<evseUid>/<bookingId>  open bookings of an EVSE (overlap checks by range read)
//   account-booking/<driver>/<bookingId>         the driver's own index (booking list reads only this)
//   hold/<driver>/b:<bookingId>                  the held no-show fee
//   address-release/<driver>/<stationId>         when a driver last got a station's exact address (rate limit)
import { EcarError } from '../protocol/errors';
import {
  bookingHoldId,
  creditEarnings,
  decodeHold,
  keys,
  loadAccount,
  placeHold,
  saveAccount,
  type Hold,
} from './accounts';
import { recordDecoder, type Tx } from './context';
import { Forbidden, InvalidState, NotFound } from './errors';
import { hasRole, loadParams } from './params';
import { boolean, formatTime, id, oneOf, optionalInteger, parseArgs } from './parse';
import { isoTime } from '../protocol/wire-formats';
import { decodeIndexEntry, type IndexEntry } from './sessions';
import { loadAddress, loadStation, openThroughout } from './stations';
import type { Money } from '../protocol/units';
import { BOOKING_STATUSES, type BookingStatus } from '../protocol/vocabulary';
import type { Address, Booking, NewBooking, Params } from '../protocol/records';

export interface BookingSlot {
  readonly bookingId: string;
  readonly driver: string;
  readonly startAt: number;
  readonly endAt: number;
}

export const decodeBooking = recordDecoder<Booking>(['noShowFee']);
export const decodeSlot = recordDecoder<BookingSlot>([]);

export const bookingKeys = {
  booking: (bookingId: string) => `booking/${bookingId}`,
  bookings: () => 'booking/',
  slot: (stationId: string, evseUid: string, bookingId: string) =>
    `booking-slot/${stationId}/${evseUid}/${bookingId}`,
  slots: (stationId: string, evseUid: string) => `booking-slot/${stationId}/${evseUid}/`,
  stationSlots: (stationId: string) => `booking-slot/${stationId}/`,
  accountBooking: (driver: string, bookingId: string) => `account-booking/${driver}/${bookingId}`,
  accountBookings: (driver: string) => `account-booking/${driver}/`,
  addressRelease: (driver: string, stationId: string) => `address-release/${driver}/${stationId}`,
  addressReleases: (driver: string) => `address-release/${driver}/`,
} as const;

/** One address release to a driver, counted against addressReleasesPerDay. */
export interface AddressRelease {
  readonly stationId: string;
  readonly releasedAt: number;
}
const decodeRelease = recordDecoder<AddressRelease>([]);
const DAY_MS = 24 * 3600_000;

/** A driver may start a booked session from this long before the booked start. */
export const ARRIVAL_GRACE_MS = 15 * 60_000;
const MAX_ADVANCE_MS = 30 * 24 * 3600_000;

/** The EVSE's open bookings that matter for a session starting now (see bookingsAround). */
export interface BookingsAround {
  /** The driver's own booking whose window surely covers the transaction time. */
  readonly own?: BookingSlot;
  /** Someone else's booking whose window may cover it. */
  readonly other?: BookingSlot;
}

/**
 * The open bookings of an EVSE around the transaction time, judged under the skew window. Using
 * one's own booking refunds its no-show fee, so it must surely cover the time (with arrival
 * grace); someone else's booking blocks the EVSE unless the time surely lies outside it.
 */
export async function bookingsAround(
  tx: Tx,
  stationId: string,
  evseUid: string,
  driver: string,
): Promise<BookingsAround> {
  const slots = (await tx.scan(bookingKeys.slots(stationId, evseUid), decodeSlot)).map((s) => s.value);
  const own = slots.find(
    (s) => s.driver === driver && tx.surelyAfter(s.startAt - ARRIVAL_GRACE_MS) && tx.surelyBefore(s.endAt),
  );
  const other = slots.find(
    (s) => s.driver !== driver && !tx.surelyBefore(s.startAt - ARRIVAL_GRACE_MS) && !tx.surelyAfter(s.endAt),
  );
  return { ...(own ? { own } : {}), ...(other ? { other } : {}) };
}

export async function loadBooking(tx: Tx, bookingId: string): Promise<Booking> {
  const booking = await tx.read(bookingKeys.booking(bookingId), decodeBooking);
  if (!booking) throw new NotFound('booking', bookingId);
  return booking;
}

/** Closes an open booking: removes its slot and hold; the caller decides where the hold goes. */
async function closeBooking(
  tx: Tx,
  booking: Booking,
  status: BookingStatus,
  extra: Partial<Booking> = {},
): Promise<Hold> {
  const hold = await tx.read(keys.hold(booking.driver, bookingHoldId(booking.id)), decodeHold);
  if (!hold) throw new EcarError('INTERNAL', `booking '${booking.id}' has no hold`);
  await tx.remove(keys.hold(booking.driver, bookingHoldId(booking.id)));
  await tx.remove(bookingKeys.slot(booking.stationId, booking.evseUid, booking.id));
  await tx.write(bookingKeys.booking(booking.id), { ...booking, ...extra, status, closedAt: tx.now });
  return hold;
}

/**
 * Free cancellation lasts through `cancelUntil` (inclusive) and must hold even if the transaction
 * time runs early by the skew: a forged early time never makes a late cancellation free.
 */
export function freeToCancel(tx: Tx, booking: Booking): boolean {
  return tx.surelyBefore(booking.cancelUntil + 1);
}

/** Used by startSession: the booking becomes USED and its whole hold goes back to purchased. */
export async function useBooking(tx: Tx, bookingId: string, sessionId: string): Promise<Money> {
  const booking = await loadBooking(tx, bookingId);
  const hold = await closeBooking(tx, booking, 'USED', { sessionId });
  return hold.amount;
}

async function chargeFee(tx: Tx, params: Params, booking: Booking, hold: Hold): Promise<void> {
  // The host gets the fee (minus the platform fee) as an earning, locked like session earnings.
  await creditEarnings(
    tx,
    booking.host,
    `b:${booking.id}`,
    'NO_SHOW',
    hold.amount,
    params.feeBps,
    tx.now + params.disputeWindowSeconds * 1000,
  );
}

/**
 * createBooking (driver): holds the station's no-show fee and reserves the EVSE for the slot. The
 * slot must lie within the station's opening hours (its local time). A slot so close that free
 * cancellation is already over is refused unless the driver accepts that (acceptNoFreeCancellation),
 * as every other step that may cost the driver needs an explicit yes.
 */
export async function createBooking(tx: Tx, raw: unknown): Promise<NewBooking> {
  const f = parseArgs(raw, [
    'bookingId',
    'stationId',
    'evseUid',
    'startAt',
    'endAt',
    'acceptNoFreeCancellation',
  ]);
  const bookingId = id(f.bookingId, 'bookingId');
  const stationId = id(f.stationId, 'stationId');
  const evseUid = id(f.evseUid, 'evseUid');
  const startAt = isoTime(f.startAt, 'startAt');
  const endAt = isoTime(f.endAt, 'endAt');
  const acceptNoFree =
    f.acceptNoFreeCancellation === undefined
      ? false
      : boolean(f.acceptNoFreeCancellation, 'acceptNoFreeCancellation');
  await loadParams(tx);
  const driver = tx.caller;
  // The submitter writes the time: a start "in the future" must be so even if it runs late, and
  // "at most 30 days ahead" even if it runs early.
  if (!tx.surelyBefore(startAt))
    throw new EcarError('INVALID_ARGUMENT', 'startAt must be in the future', { field: 'startAt' });
  if (!tx.surelyAfter(startAt - MAX_ADVANCE_MS))
    throw new EcarError('INVALID_ARGUMENT', 'bookings open at most 30 days ahead', { field: 'startAt' });
  if (endAt <= startAt)
    throw new EcarError('INVALID_ARGUMENT', 'endAt must be after startAt', { field: 'endAt' });
  const station = await loadStation(tx, stationId);
  if (!station.bookingTerms)
    throw new EcarError('FEATURE_DISABLED', `station '${stationId}' does not take bookings`, { stationId });
  if (!station.evses.some((e) => e.uid === evseUid)) throw new NotFound('EVSE', `${stationId}/${evseUid}`);
  if (station.status !== 'AVAILABLE')
    throw new EcarError('STATION_UNAVAILABLE', `station '${stationId}' is ${station.status}`, { stationId });
  if (station.host === driver) throw new Forbidden('booking your own station', 'drivers other than the host');
  if (endAt - startAt > station.bookingTerms.maxDurationMinutes * 60_000) {
    throw new EcarError(
      'INVALID_ARGUMENT',
      `a booking at this station lasts at most ${station.bookingTerms.maxDurationMinutes} minutes`,
      { field: 'endAt' },
    );
  }
  if (!openThroughout(station, startAt, endAt)) {
    throw new EcarError(
      'OUTSIDE_OPENING_HOURS',
      `station '${stationId}' is not open for the whole slot ${formatTime(startAt)} to ${formatTime(endAt)} (its opening hours are in its local time, UTC${formatOffset(station.utcOffsetMinutes)}); pick a slot within them (ecar station show)`,
      { stationId, field: 'startAt' },
    );
  }
  if (await tx.exists(bookingKeys.booking(bookingId)))
    throw new EcarError('ALREADY_EXISTS', `booking '${bookingId}' already exists`, { bookingId });
  const slots = await tx.scan(bookingKeys.slots(stationId, evseUid), decodeSlot);
  const clash = slots.find(({ value }) => value.startAt < endAt && startAt < value.endAt);
  if (clash)
    throw new EcarError(
      'BOOKING_CONFLICT',
      'the EVSE is already booked for part of that time; pick another slot or EVSE',
      { stationId, evseUid },
    );
  const noShowFee = station.bookingTerms.noShowFee;
  const cancelUntil = startAt - station.bookingTerms.cancelBeforeMinutes * 60_000;
  // Judged as cancelBooking will judge it: free only if surely before the deadline.
  const freeCancellation = tx.surelyBefore(cancelUntil + 1);
  if (!freeCancellation && noShowFee > 0n && !acceptNoFree) {
    throw new EcarError(
      'NO_FREE_CANCELLATION',
      `free cancellation of this slot ended at ${formatTime(cancelUntil)} (${station.bookingTerms.cancelBeforeMinutes} minutes before the start): cancelling or not showing up costs the no-show fee of ${noShowFee.toString()} minor units; book again accepting that, or pick a later slot`,
      { stationId, cancelUntil: formatTime(cancelUntil), noShowFee: noShowFee.toString() },
    );
  }
  const booking: Booking = {
    id: bookingId,
    driver,
    host: station.host,
    stationId,
    evseUid,
    startAt,
    endAt,
    cancelUntil,
    noShowFee,
    status: 'CONFIRMED',
    createdAt: tx.now,
  };
  const account = await loadAccount(tx, driver);
  const hold: Hold = {
    account: driver,
    amount: noShowFee,
    expiresAt: endAt,
    kind: 'BOOKING',
    ref: bookingId,
  };
  await saveAccount(tx, driver, await placeHold(tx, driver, account, bookingHoldId(bookingId), hold));
  await tx.write(bookingKeys.booking(bookingId), booking);
  await tx.write(bookingKeys.slot(stationId, evseUid, bookingId), {
    bookingId,
    driver,
    startAt,
    endAt,
  } satisfies BookingSlot);
  await tx.write(bookingKeys.accountBooking(driver, bookingId), { id: bookingId } satisfies IndexEntry);
  tx.emit('BookingCreated', { bookingId, stationId });
  return { ...booking, freeCancellation };
}

/** "+01:00" for 60 minutes east of UTC. */
function formatOffset(minutes: number): string {
  const abs = Math.abs(minutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${minutes < 0 ? '-' : '+'}${hh}:${mm}`;
}

/** myBookings (driver): the caller's own bookings (own index only), optionally by status, newest first. */
export async function myBookings(tx: Tx, raw: unknown): Promise<Booking[]> {
  const f = parseArgs(raw, ['status', 'limit']);
  const status = f.status === undefined ? undefined : oneOf(f.status, 'status', BOOKING_STATUSES);
  const limit = optionalInteger(f.limit, 'limit', { min: 1, max: 500 }) ?? 100;
  const me = tx.caller;
  const bookings: Booking[] = [];
  for (const { value } of await tx.scan(bookingKeys.accountBookings(me), decodeIndexEntry)) {
    const booking = await tx.read(bookingKeys.booking(value.id), decodeBooking);
    if (booking === undefined) throw new EcarError('INTERNAL', `indexed booking '${value.id}' is missing`);
    if (booking.driver === me && (status === undefined || booking.status === status)) bookings.push(booking);
  }
  return bookings.sort(newestFirst).slice(0, limit);
}

/** getBooking: one booking, for its driver, its host or the operator. */
export async function getBooking(tx: Tx, raw: unknown): Promise<Booking> {
  const f = parseArgs(raw, ['bookingId']);
  const bookingId = id(f.bookingId, 'bookingId');
  const params = await loadParams(tx);
  const booking = await loadBooking(tx, bookingId);
  const me = tx.caller;
  if (booking.driver !== me && booking.host !== me && !hasRole(params, 'operator', me))
    throw new Forbidden('reading a booking', 'its driver, its host or the operator');
  return booking;
}

/** Newest first; the id breaks ties so every peer returns the same order (range order is by key). */
export function newestFirst(a: Booking, b: Booking): number {
  if (a.createdAt !== b.createdAt) return b.createdAt - a.createdAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** cancelBooking (driver or host): free until cancelUntil (always free when the host cancels), else the fee is charged. */
export async function cancelBooking(tx: Tx, raw: unknown): Promise<Booking> {
  const f = parseArgs(raw, ['bookingId']);
  const bookingId = id(f.bookingId, 'bookingId');
  const params = await loadParams(tx);
  const booking = await loadBooking(tx, bookingId);
  const byHost = booking.host === tx.caller;
  if (booking.driver !== tx.caller && !byHost)
    throw new Forbidden('cancelBooking', 'the driver or the host of the booking');
  if (booking.status !== 'CONFIRMED')
    throw new InvalidState('booking', bookingId, booking.status, 'CONFIRMED');
  // Exactly when settleNoShow may not yet run, so a booking is either cancellable or settleable.
  if (tx.surelyAfter(booking.endAt))
    throw new InvalidState('booking', bookingId, 'over', 'not yet over; settle it with settleNoShow');
  const late = !byHost && !freeToCancel(tx, booking);
  const hold = await closeBooking(tx, booking, 'CANCELLED', { feeCharged: late ? booking.noShowFee : 0n });
  if (late) {
    await chargeFee(tx, params, booking, hold);
  } else {
    const account = await loadAccount(tx, booking.driver);
    await saveAccount(tx, booking.driver, { ...account, purchased: account.purchased + hold.amount });
  }
  tx.emit('BookingCancelled', { bookingId });
  return { ...booking, status: 'CANCELLED', closedAt: tx.now, feeCharged: late ? booking.noShowFee : 0n };
}

/** settleNoShow (anyone, after the booked slot ended unused): the held fee goes to the host. */
export async function settleNoShow(tx: Tx, raw: unknown): Promise<Booking> {
  const f = parseArgs(raw, ['bookingId']);
  const bookingId = id(f.bookingId, 'bookingId');
  const params = await loadParams(tx);
  const booking = await loadBooking(tx, bookingId);
  if (booking.status !== 'CONFIRMED')
    throw new InvalidState('booking', bookingId, booking.status, 'CONFIRMED');
  if (!tx.surelyAfter(booking.endAt)) {
    throw new EcarError(
      'HOLD_NOT_EXPIRED',
      `booking '${bookingId}' runs until ${formatTime(booking.endAt)}; a no-show can be settled only after that`,
      { bookingId },
    );
  }
  const hold = await closeBooking(tx, booking, 'NO_SHOW', { feeCharged: booking.noShowFee });
  await chargeFee(tx, params, booking, hold);
  tx.emit('BookingNoShow', { bookingId });
  return { ...booking, status: 'NO_SHOW', closedAt: tx.now, feeCharged: booking.noShowFee };
}

/**
 * When a booked driver may read the exact address: `addressReleaseSeconds` before the start, or
 * as soon as cancelling costs the no-show fee, whichever comes first. Until then a driver could
 * book far ahead, read the address and cancel for free.
 */
export function addressReleaseAt(booking: Booking, params: Params): number {
  return Math.min(booking.startAt - params.addressReleaseSeconds * 1000, booking.cancelUntil + 1);
}

/** Throws unless the caller holds an open booking at the station whose address is released now. */
async function requireReleasedBooking(tx: Tx, params: Params, stationId: string): Promise<void> {
  const slots = await tx.scan(bookingKeys.stationSlots(stationId), decodeSlot);
  // The driver gains by a late time (earlier release) and by an early one (a booking not yet over).
  const open = slots.filter(({ value }) => value.driver === tx.caller && tx.surelyBefore(value.endAt));
  if (open.length === 0)
    throw new Forbidden(
      'reading the exact address',
      'the host or a driver with an open booking at this station',
    );
  let next = Infinity;
  for (const { value } of open) {
    const releaseAt = addressReleaseAt(await loadBooking(tx, value.bookingId), params);
    if (tx.surelyAfter(releaseAt)) return;
    next = Math.min(next, releaseAt);
  }
  throw new EcarError(
    'ADDRESS_NOT_RELEASED',
    `the exact address of station '${stationId}' is released at ${formatTime(next)} (${params.addressReleaseSeconds / 60} minutes before your booking starts, or when free cancellation ends)`,
    { stationId, availableAt: formatTime(next) },
  );
}

/**
 * Counts a release against the driver's addressReleasesPerDay (distinct stations in any 24 hours,
 * in state, so scraping many stations is refused). Reading the same station again is free; records
 * older than a day are removed as they are seen.
 */
async function countRelease(tx: Tx, params: Params, stationId: string): Promise<void> {
  const releases = await tx.scan(bookingKeys.addressReleases(tx.caller), decodeRelease);
  const recent: AddressRelease[] = [];
  for (const { key, value } of releases) {
    // A release rolls off only when a day has surely passed, so a forged late time gains nothing.
    if (tx.surelyAfter(value.releasedAt + DAY_MS)) await tx.remove(key);
    else recent.push(value);
  }
  if (recent.some((r) => r.stationId === stationId)) return;
  if (recent.length >= params.addressReleasesPerDay) {
    const retryAt = formatTime(Math.min(...recent.map((r) => r.releasedAt)) + DAY_MS);
    throw new EcarError(
      'RATE_LIMITED',
      `you received the exact addresses of ${recent.length} stations in the last 24 hours, the most allowed; try again after ${retryAt}`,
      { limit: params.addressReleasesPerDay, retryAt },
    );
  }
  await tx.write(bookingKeys.addressRelease(tx.caller, stationId), {
    stationId,
    releasedAt: tx.now,
  } satisfies AddressRelease);
}

/**
 * getStationAddress (a write: releases are counted): the exact address, for the host, or for a
 * driver with an open booking there once it is released (see addressReleaseAt), within the
 * driver's daily number of stations.
 */
export async function getStationAddress(tx: Tx, raw: unknown): Promise<Address & { stationId: string }> {
  const f = parseArgs(raw, ['stationId']);
  const stationId = id(f.stationId, 'stationId');
  const params = await loadParams(tx);
  const station = await loadStation(tx, stationId);
  if (station.host !== tx.caller) {
    await requireReleasedBooking(tx, params, stationId);
    await countRelease(tx, params, stationId);
  }
  return { stationId, ...(await loadAddress(tx, stationId)) };
}
