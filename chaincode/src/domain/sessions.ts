// Charging sessions: authorise (OCPP 2.0.1 AuthorizationStatus), start with a hold, settle from
// OCMF signed meter readings into a CDR, expire, invalidate.
//   session/<sessionId>              the session (frozen tariff version, hold amount and expiry)
//   hold/<driver>/s:<sessionId>      its hold (escrow), one key per session
//   evse-active/<stationId>/<evse>   the one active session of an EVSE (no overwrite on a busy charger)
//   driver-active/<driver>           the one active session of a driver (ConcurrentTx)
//   cdr/<cdrId>                      charge detail records (cdrId = sessionId; credit CDRs <sessionId>-C)
//   account-session/<account>/<sessionId>  index: the sessions of a driver and of a host
//   account-cdr/<account>/<cdrId>          index: the CDRs of a driver and of a host
import type { VerifiedMeterRecord } from '../ports';
import { EcarError } from '../protocol/errors';
import { assessBilling, type SessionContext } from '../protocol/ocmf/billing';
import {
  creditEarnings,
  decodeHold,
  keys,
  loadAccount,
  placeHold,
  saveAccount,
  sessionHoldId,
  type Account,
  type Hold,
} from './accounts';
import { bookingsAround, useBooking } from './bookings';
import { recordDecoder, type Tx } from './context';
import { Forbidden, InvalidState, NotFound, SettlementExceedsHold } from './errors';
import { hasRole, loadParams, requireRole } from './params';
import { array, formatTime, id, optionalMoney, parseArgs, string, type Fields } from './parse';
import { priceSession, type Usage } from './pricing';
import {
  decodeMeterPages,
  decodeStation,
  isOpen,
  loadStation,
  requireTrustedMeter,
  stationKeys,
  type MeterPages,
  type Station,
} from './stations';
import { loadTariff, usesEnergy } from './tariffs';
import type { Money } from '../protocol/units';
import type { AuthorizationStatus, Cdr, Params, Price, Session, SessionStatus } from '../protocol/records';

export const decodeSession = recordDecoder<Session>(['holdAmount']);
export const decodeCdr = recordDecoder<Cdr>([
  'totalEnergyMilliWh',
  'totalCost',
  'captured',
  'uncollected',
  'platformFee',
  'hostEarning',
]);
const decodeActive = recordDecoder<{ sessionId: string }>([]);

export const sessionKeys = {
  session: (sessionId: string) => `session/${sessionId}`,
  sessions: () => 'session/',
  evseActive: (stationId: string, evseUid: string) => `evse-active/${stationId}/${evseUid}`,
  driverActive: (driver: string) => `driver-active/${driver}`,
  cdr: (cdrId: string) => `cdr/${cdrId}`,
  cdrs: () => 'cdr/',
  accountSession: (account: string, sessionId: string) => `account-session/${account}/${sessionId}`,
  accountSessions: (account: string) => `account-session/${account}/`,
  accountCdr: (account: string, cdrId: string) => `account-cdr/${account}/${cdrId}`,
  accountCdrs: (account: string) => `account-cdr/${account}/`,
} as const;

/** One entry of a per-account index: which record, so a listing reads only the caller's own. */
export interface IndexEntry {
  readonly id: string;
}
export const decodeIndexEntry = recordDecoder<IndexEntry>([]);

/** Writes a CDR and indexes it under its driver and its host. */
export async function writeCdr(tx: Tx, cdr: Cdr): Promise<void> {
  await tx.write(sessionKeys.cdr(cdr.id), cdr);
  for (const account of new Set([cdr.driver, cdr.host]))
    await tx.write(sessionKeys.accountCdr(account, cdr.id), { id: cdr.id } satisfies IndexEntry);
}

export async function loadSession(tx: Tx, sessionId: string): Promise<Session> {
  const session = await tx.read(sessionKeys.session(sessionId), decodeSession);
  if (!session) throw new NotFound('session', sessionId);
  return session;
}

interface StartRequest {
  readonly stationId: string;
  readonly evseUid: string;
  readonly connectorId: string;
  readonly holdAmount: Money;
}

function parseStartRequest(f: Fields, params: Params): StartRequest {
  const holdAmount =
    optionalMoney(f.holdAmount, 'holdAmount', { min: params.holdMinimum, max: params.holdMaximum }) ??
    params.holdDefault;
  return {
    stationId: id(f.stationId, 'stationId'),
    evseUid: id(f.evseUid, 'evseUid'),
    connectorId: string(f.connectorId, 'connectorId', {
      max: 36,
      pattern: /^[A-Za-z0-9._-]+$/,
      hint: 'a connector id of A-Z a-z 0-9 . _ -',
    }),
    holdAmount,
  };
}

type Decision =
  | {
      readonly status: 'Accepted';
      readonly station: Station;
      readonly account: Account;
      readonly bookingId?: string;
      readonly bookingHold: Money;
    }
  | { readonly status: Exclude<AuthorizationStatus, 'Accepted'>; readonly error: EcarError };

const refuse = (status: Exclude<AuthorizationStatus, 'Accepted'>, error: EcarError): Decision => ({
  status,
  error,
});

/** The rules both canAuthorize and startSession apply, in the order a driver would fix them. */
async function decide(tx: Tx, params: Params, request: StartRequest, driver: string): Promise<Decision> {
  const loaded = await tx.read(stationKeys.station(request.stationId), decodeStation);
  if (!loaded) return refuse('Unknown', new NotFound('station', request.stationId));
  const evse = loaded.evses.find((e) => e.uid === request.evseUid);
  if (!evse)
    return refuse('NotAtThisLocation', new NotFound('EVSE', `${request.stationId}/${request.evseUid}`));
  const refused = placeRefusal(loaded, evse, request, driver) ?? (await serviceRefusal(tx, params, loaded));
  if (refused) return refused;
  const occupancy = await occupancyOf(tx, loaded, evse.uid, driver);
  if ('refused' in occupancy) return occupancy.refused;
  return creditDecision(tx, loaded, request, driver, occupancy.booking);
}

/** The driver's own booking on this EVSE right now, if any. */
type OwnBooking = Awaited<ReturnType<typeof bookingsAround>>['own'];

/** The connector exists, the driver is not the host, and the station is available with a tariff. */
function placeRefusal(
  loaded: Station,
  evse: Station['evses'][number],
  request: StartRequest,
  driver: string,
): Decision | undefined {
  if (!evse.connectors.some((c) => c.id === request.connectorId)) {
    return refuse(
      'NotAllowedTypeEVSE',
      new NotFound('connector', `${request.stationId}/${request.evseUid}/${request.connectorId}`),
    );
  }
  if (loaded.host === driver)
    return refuse('Blocked', new Forbidden('charging at your own station', 'drivers other than the host'));
  if (loaded.status !== 'AVAILABLE') {
    return refuse(
      'NotAtThisLocation',
      new EcarError('STATION_UNAVAILABLE', `station '${loaded.id}' is ${loaded.status}`, {
        stationId: loaded.id,
      }),
    );
  }
  if (loaded.tariffVersion === 0) {
    return refuse(
      'NotAtThisLocation',
      new EcarError('STATION_UNAVAILABLE', `station '${loaded.id}' has no tariff yet`, {
        stationId: loaded.id,
      }),
    );
  }
  return undefined;
}

/** An energy tariff needs a trusted meter; the station is open at both ends of the skew window. */
async function serviceRefusal(tx: Tx, params: Params, loaded: Station): Promise<Decision | undefined> {
  if (usesEnergy((await loadTariff(tx, loaded.id, loaded.tariffVersion)).tariff)) {
    try {
      requireTrustedMeter(params, loaded);
    } catch (error) {
      if (error instanceof EcarError) return refuse('NotAtThisLocation', error);
      throw error;
    }
  }
  // Open at both ends of the skew window, so a forged time cannot start a session when closed.
  if (!isOpen(loaded, tx.now - tx.skewMs) || !isOpen(loaded, tx.now + tx.skewMs)) {
    return refuse(
      'NotAtThisTime',
      new EcarError('STATION_UNAVAILABLE', `station '${loaded.id}' is closed now; see its opening hours`, {
        stationId: loaded.id,
      }),
    );
  }
  return undefined;
}

/** The EVSE is free, the driver has no other session, and no one else's booking holds the EVSE now. */
async function occupancyOf(
  tx: Tx,
  loaded: Station,
  evseUid: string,
  driver: string,
): Promise<{ refused: Decision } | { booking: OwnBooking }> {
  if (await tx.exists(sessionKeys.evseActive(loaded.id, evseUid))) {
    return {
      refused: refuse(
        'NotAtThisTime',
        new EcarError(
          'EVSE_OCCUPIED',
          `EVSE '${evseUid}' already has an active session; choose another EVSE`,
          {
            stationId: loaded.id,
            evseUid,
          },
        ),
      ),
    };
  }
  if (await tx.exists(sessionKeys.driverActive(driver))) {
    return {
      refused: refuse(
        'ConcurrentTx',
        new EcarError(
          'CONCURRENT_SESSION',
          'you already have an active session; stop it before starting another',
        ),
      ),
    };
  }
  const { own: booking, other } = await bookingsAround(tx, loaded.id, evseUid, driver);
  if (!booking && other) {
    return {
      refused: refuse(
        'NotAtThisTime',
        new EcarError('BOOKING_CONFLICT', 'this EVSE is booked by someone else right now', {
          stationId: loaded.id,
          evseUid,
        }),
      ),
    };
  }
  return { booking };
}

/** The hold fits the driver's purchased tokens plus the hold of their booking here, if any. */
async function creditDecision(
  tx: Tx,
  loaded: Station,
  request: StartRequest,
  driver: string,
  booking: OwnBooking,
): Promise<Decision> {
  const account = await loadAccount(tx, driver);
  let bookingHold = 0n;
  if (booking) {
    const hold = await tx.read(keys.hold(driver, `b:${booking.bookingId}`), decodeHold);
    bookingHold = hold?.amount ?? 0n;
  }
  if (account.purchased + bookingHold < request.holdAmount) {
    return refuse(
      'NoCredit',
      new EcarError(
        'INSUFFICIENT_FUNDS',
        `the hold needs ${request.holdAmount.toString()} purchased minor units; top up first`,
        {
          bucket: 'purchased',
          needed: request.holdAmount.toString(),
          available: (account.purchased + bookingHold).toString(),
        },
      ),
    );
  }
  return {
    status: 'Accepted',
    station: loaded,
    account,
    bookingHold,
    ...(booking ? { bookingId: booking.bookingId } : {}),
  };
}

/** canAuthorize (evaluate, any driver): would startSession accept? Answers an OCPP status and the error code. */
export async function canAuthorize(
  tx: Tx,
  raw: unknown,
): Promise<{ status: AuthorizationStatus; code?: string; reason?: string }> {
  const f = parseArgs(raw, ['stationId', 'evseUid', 'connectorId', 'holdAmount']);
  const params = await loadParams(tx);
  const decision = await decide(tx, params, parseStartRequest(f, params), tx.caller);
  return decision.status === 'Accepted'
    ? { status: 'Accepted' }
    : { status: decision.status, code: decision.error.code, reason: decision.error.reason };
}

/** startSession (driver): places the hold, locks the EVSE and the driver, freezes the tariff version. */
export async function startSession(tx: Tx, raw: unknown): Promise<Session> {
  const f = parseArgs(raw, ['sessionId', 'stationId', 'evseUid', 'connectorId', 'holdAmount']);
  const params = await loadParams(tx);
  const sessionId = id(f.sessionId, 'sessionId');
  const request = parseStartRequest(f, params);
  const driver = tx.caller;
  if (await tx.exists(sessionKeys.session(sessionId))) {
    throw new EcarError(
      'ALREADY_EXISTS',
      `session '${sessionId}' already exists; session ids are never reused`,
      { sessionId },
    );
  }
  const decision = await decide(tx, params, request, driver);
  if (decision.status !== 'Accepted') throw decision.error;
  const { station } = decision;
  let account = decision.account;
  if (decision.bookingId !== undefined) {
    await useBooking(tx, decision.bookingId, sessionId);
    account = { ...account, purchased: account.purchased + decision.bookingHold };
  }
  const holdExpiresAt = tx.now + params.holdExpirySeconds * 1000;
  const hold: Hold = {
    account: driver,
    amount: request.holdAmount,
    expiresAt: holdExpiresAt,
    kind: 'SESSION',
    ref: sessionId,
  };
  account = await placeHold(tx, driver, account, sessionHoldId(sessionId), hold);
  await saveAccount(tx, driver, account);
  const session: Session = {
    id: sessionId,
    driver,
    host: station.host,
    stationId: station.id,
    evseUid: request.evseUid,
    connectorId: request.connectorId,
    tariffVersion: station.tariffVersion,
    ...(decision.bookingId === undefined ? {} : { bookingId: decision.bookingId }),
    holdAmount: request.holdAmount,
    holdExpiresAt,
    startedAt: tx.now,
    status: 'ACTIVE',
  };
  await tx.write(sessionKeys.session(sessionId), session);
  for (const account of new Set([driver, station.host]))
    await tx.write(sessionKeys.accountSession(account, sessionId), { id: sessionId } satisfies IndexEntry);
  await tx.write(sessionKeys.evseActive(station.id, request.evseUid), { sessionId });
  await tx.write(sessionKeys.driverActive(driver), { sessionId });
  tx.emit('SessionStarted', { sessionId, stationId: station.id });
  return session;
}

/** Ends an active session: drops its hold and locks, returns `refund` to the driver's purchased bucket. */
async function closeSession(
  tx: Tx,
  session: Session,
  status: SessionStatus,
  refund: Money,
  extra: Partial<Session>,
): Promise<Session> {
  const holdKey = keys.hold(session.driver, sessionHoldId(session.id));
  if (!(await tx.exists(holdKey))) throw new EcarError('INTERNAL', `session '${session.id}' has no hold`);
  await tx.remove(holdKey);
  await tx.remove(sessionKeys.evseActive(session.stationId, session.evseUid));
  const active = await tx.read(sessionKeys.driverActive(session.driver), decodeActive);
  if (active?.sessionId === session.id) await tx.remove(sessionKeys.driverActive(session.driver));
  if (refund > 0n) {
    const account = await loadAccount(tx, session.driver);
    await saveAccount(tx, session.driver, { ...account, purchased: account.purchased + refund });
  }
  const closed: Session = { ...session, ...extra, status, endedAt: tx.now };
  await tx.write(sessionKeys.session(session.id), closed);
  return closed;
}

/**
 * A hold is valid through `holdExpiresAt` (inclusive); it counts as expired only when that has
 * passed even if the transaction time runs early by the skew, so no one (the driver least) can
 * release a hold mid-session with a forged late time.
 */
export function holdExpired(tx: Tx, session: Session): boolean {
  return tx.surelyAfter(session.holdExpiresAt + 1);
}

function requireActive(session: Session): void {
  if (session.status !== 'ACTIVE') throw new InvalidState('session', session.id, session.status, 'ACTIVE');
}

interface MeteredUsage {
  readonly usage: Usage;
  readonly serial?: string;
  readonly hashes: readonly string[];
  readonly pages?: { readonly key: string; readonly value: MeterPages };
}

/** The most the session's connector delivers, W: what the readings' energy is judged against. */
function sessionMaxPowerW(station: Station, session: Session): number {
  const evse = station.evses.find((e) => e.uid === session.evseUid);
  const connector = evse?.connectors.find((c) => c.id === session.connectorId);
  if (!connector) {
    throw new EcarError(
      'INTERNAL',
      `session '${session.id}' names a connector station '${station.id}' does not have`,
    );
  }
  return connector.maxElectricPower;
}

/** What the billing rules need to know about the session (protocol/ocmf/billing). */
function sessionContext(tx: Tx, params: Params, session: Session, station: Station): SessionContext {
  return {
    maxPowerW: sessionMaxPowerW(station, session),
    powerToleranceBps: params.meterPowerToleranceBps,
    sessionStartMs: session.startedAt,
    settledAtMs: tx.now,
    trustedTimeSkewMs: tx.skewMs,
    meterClockSkewMs: params.meterClockSkewSeconds * 1000,
  };
}

/**
 * Establishes usage from the signed OCMF records, the only source of billed energy: from the pinned
 * meter, never seen before (pagination after the last settled), and billable by the same rules
 * `ecar meter verify` reports with (assessBilling), judged against this session and its connector.
 */
function meteredUsage(
  tx: Tx,
  params: Params,
  session: Session,
  station: Station,
  raws: readonly string[],
  pages: MeterPages,
): MeteredUsage {
  const meter = station.meter;
  if (!meter) {
    if (raws.length > 0)
      throw new EcarError(
        'INVALID_ARGUMENT',
        `station '${station.id}' has no pinned meter; send no ocmf records`,
        { field: 'ocmf' },
      );
    return {
      usage: {
        startMs: session.startedAt,
        chargingEndMs: tx.now,
        endMs: tx.now,
        energy: 0n,
        utcOffsetMinutes: station.utcOffsetMinutes,
      },
      hashes: [],
    };
  }
  if (raws.length === 0)
    throw new EcarError(
      'INVALID_ARGUMENT',
      'ocmf must hold the signed begin and end records of the session',
      { field: 'ocmf' },
    );
  if (!params.signatureMethods.includes(meter.signatureMethod)) {
    throw new EcarError(
      'METER_KEY_INVALID',
      `the station meter's signature method ${meter.signatureMethod} is no longer accepted`,
    );
  }
  const records: VerifiedMeterRecord[] = raws.map((raw) => tx.ports.meter.verify(raw, meter));
  for (const record of records) {
    if (record.payload.meter.serial !== meter.serial) {
      throw new EcarError(
        'METER_MISMATCH',
        `a record comes from meter '${record.payload.meter.serial.slice(0, 64)}', not the station's pinned meter`,
        { stationId: station.id },
      );
    }
  }
  const [first, second] = records;
  if (!first) throw new EcarError('INTERNAL', 'no records');
  const kind = first.payload.pagination.context;
  let previous = pages[kind] ?? -1;
  for (const { payload } of records) {
    if (payload.pagination.context !== kind || payload.pagination.number <= previous) {
      throw new EcarError(
        'METER_REPLAY',
        `meter pagination ${payload.pagination.text} is not after ${kind}${previous}: readings cannot be replayed`,
        { stationId: station.id },
      );
    }
    previous = payload.pagination.number;
  }
  const { pair } = assessBilling(first, second, sessionContext(tx, params, session, station));
  const startMs = pair.begin.reading.time.epochMs;
  const chargingEndMs = pair.end.reading.time.epochMs;
  return {
    usage: {
      startMs,
      chargingEndMs,
      endMs: Math.max(tx.now, chargingEndMs),
      energy: pair.energyMilliWh,
      utcOffsetMinutes: station.utcOffsetMinutes,
    },
    serial: meter.serial,
    hashes: records.map((r) => r.payloadHash),
    pages: { key: stationKeys.meterPages(meter.publicKey), value: { ...pages, [kind]: previous } },
  };
}

/** Splits a price against a hold: what is captured never exceeds the hold, nothing goes negative. */
export function capture(
  sessionId: string,
  price: Money,
  hold: Money,
): { captured: Money; uncollected: Money; refund: Money } {
  const captured = price < hold ? price : hold;
  const refund = hold - captured;
  if (captured > hold || refund < 0n || captured < 0n)
    throw new SettlementExceedsHold(sessionId, captured, hold);
  return { captured, uncollected: price - captured, refund };
}

/** stopSession (driver or charging backend): settles from OCMF records and writes the CDR. */
export async function stopSession(
  tx: Tx,
  raw: unknown,
): Promise<{ session: Session; cdr: Cdr; price: Price }> {
  const f = parseArgs(raw, ['sessionId', 'ocmf']);
  const sessionId = id(f.sessionId, 'sessionId');
  const raws = (f.ocmf === undefined ? [] : array(f.ocmf, 'ocmf', { max: 2 })).map((r, i) =>
    string(r, `ocmf[${i}]`, { max: 16_384 }),
  );
  const params = await loadParams(tx);
  const session = await loadSession(tx, sessionId);
  if (session.driver !== tx.caller && !hasRole(params, 'backend', tx.caller)) {
    throw new Forbidden('stopSession', 'the driver of the session or a charging backend');
  }
  requireActive(session);
  // Exactly when releaseExpiredHold may not yet run, so a hold is either settled or released.
  if (holdExpired(tx, session)) {
    throw new EcarError(
      'HOLD_EXPIRED',
      `the hold of session '${sessionId}' expired at ${formatTime(session.holdExpiresAt)}; release it with releaseExpiredHold`,
      { sessionId },
    );
  }
  const station = await loadStation(tx, session.stationId);
  const pages = station.meter
    ? ((await tx.read(stationKeys.meterPages(station.meter.publicKey), decodeMeterPages)) ?? {})
    : {};
  const { tariff } = await loadTariff(tx, session.stationId, session.tariffVersion);
  // Checked again at settlement (the parameter may have been turned off during the session), and
  // before any signature is verified: an untrusted meter costs the endorsers no ECDSA work.
  if (usesEnergy(tariff)) requireTrustedMeter(params, station);
  const metered = meteredUsage(tx, params, session, station, raws, pages);
  const price = priceSession(tariff, metered.usage);
  const { captured, uncollected, refund } = capture(sessionId, price.total, session.holdAmount);
  const disputeUntil = tx.now + params.disputeWindowSeconds * 1000;
  const split = await creditEarnings(
    tx,
    session.host,
    `s:${sessionId}`,
    'SESSION',
    captured,
    params.feeBps,
    disputeUntil,
  );
  const cdr: Cdr = {
    id: sessionId,
    sessionId,
    credit: false,
    driver: session.driver,
    host: session.host,
    stationId: session.stationId,
    evseUid: session.evseUid,
    tariffVersion: session.tariffVersion,
    startDateTime: formatTime(metered.usage.startMs),
    endDateTime: formatTime(metered.usage.endMs),
    chargingEndDateTime: formatTime(metered.usage.chargingEndMs),
    totalEnergyMilliWh: metered.usage.energy,
    totalTimeMs: metered.usage.chargingEndMs - metered.usage.startMs,
    totalParkingTimeMs: metered.usage.endMs - metered.usage.chargingEndMs,
    totalCost: price.total,
    captured,
    uncollected,
    platformFee: split.fee,
    hostEarning: split.host,
    ...(metered.serial === undefined ? {} : { meterSerial: metered.serial }),
    meterPayloadHashes: metered.hashes,
    disputeUntil,
    createdAt: tx.now,
  };
  await writeCdr(tx, cdr);
  if (metered.pages) await tx.write(metered.pages.key, metered.pages.value);
  const closed = await closeSession(tx, session, 'COMPLETED', refund, { cdrId: cdr.id });
  tx.emit('SessionSettled', {
    sessionId,
    cdrId: cdr.id,
    meterPayloadHash: metered.hashes[metered.hashes.length - 1] ?? '',
  });
  return { session: closed, cdr, price };
}

/** releaseExpiredHold (anyone): after the hold expired, the session ends and the whole hold returns to the driver. */
export async function releaseExpiredHold(tx: Tx, raw: unknown): Promise<Session> {
  const f = parseArgs(raw, ['sessionId']);
  const sessionId = id(f.sessionId, 'sessionId');
  await loadParams(tx);
  const session = await loadSession(tx, sessionId);
  requireActive(session);
  if (!holdExpired(tx, session)) {
    throw new EcarError(
      'HOLD_NOT_EXPIRED',
      `the hold of session '${sessionId}' expires at ${formatTime(session.holdExpiresAt)}`,
      { sessionId },
    );
  }
  const closed = await closeSession(tx, session, 'EXPIRED', session.holdAmount, {});
  tx.emit('HoldReleased', { sessionId });
  return closed;
}

/** invalidateSession (operator or charging backend): ends an active session without charge. */
export async function invalidateSession(tx: Tx, raw: unknown): Promise<Session> {
  const f = parseArgs(raw, ['sessionId', 'reason']);
  const sessionId = id(f.sessionId, 'sessionId');
  const reason = string(f.reason, 'reason', { max: 200 });
  const params = await loadParams(tx);
  requireRole(params, tx.caller, 'invalidateSession', 'operator', 'backend');
  const session = await loadSession(tx, sessionId);
  requireActive(session);
  const closed = await closeSession(tx, session, 'INVALID', session.holdAmount, { reason });
  tx.emit('SessionInvalidated', { sessionId });
  return closed;
}

/** getSession: for its driver and host, the operator, auditors and backends. */
export async function getSession(tx: Tx, raw: unknown): Promise<Session> {
  const f = parseArgs(raw, ['sessionId']);
  const sessionId = id(f.sessionId, 'sessionId');
  const params = await loadParams(tx);
  const session = await loadSession(tx, sessionId);
  const me = tx.caller;
  if (
    session.driver !== me &&
    session.host !== me &&
    !hasRole(params, 'operator', me) &&
    !hasRole(params, 'auditor', me) &&
    !hasRole(params, 'backend', me)
  ) {
    throw new Forbidden('reading a session', 'its driver, its host, the operator, an auditor or a backend');
  }
  return session;
}
