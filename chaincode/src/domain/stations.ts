// Stations: an OCPI-shaped Location subset (EVSEs, connectors, parking type, opening hours) with a
// coarse public location, the exact address kept under its own key, and a pinned OCMF meter.
//   station/<stationId>            public record (host, EVSEs, tariff version, meter, terms)
//   station-address/<stationId>    exact address, released only to the host and booked drivers
//   meter-key/<publicKeyHex>       which station a meter key is bound to (one station per key)
//   meter-page/<publicKeyHex>      last pagination seen per counter kind (replay protection)
import type { JsonObject, PinnedMeter } from '../ports';
import { EcarError } from '../protocol/errors';
import { recordDecoder, type Tx } from './context';
import { Forbidden, NotFound } from './errors';
import { loadParams, requireRole } from './params';
import {
  array,
  boolean,
  formatHourMinute,
  hourMinute,
  id,
  integer,
  money,
  object,
  oneOf,
  optionalInteger,
  optionalString,
  parseArgs,
  string,
} from './parse';
import {
  PARKING_TYPES,
  CONNECTOR_STANDARDS,
  CONNECTOR_FORMATS,
  POWER_TYPES,
  STATION_STATUSES,
} from '../protocol/vocabulary';
import type {
  Address,
  BookingTerms,
  Connector,
  Evse,
  MeterVerification,
  Params,
  PublicLocation,
  PublicStation,
  StationStatus,
} from '../protocol/records';

/** OCPI RegularHours: weekday 1 = Monday ... 7 = Sunday; minutes after local midnight. */
export interface RegularHours {
  readonly weekday: number;
  readonly periodBegin: number;
  readonly periodEnd: number;
}
export interface OpeningHours {
  readonly twentyfourseven: boolean;
  readonly regularHours: readonly RegularHours[];
}
export interface Station {
  readonly id: string;
  readonly host: string;
  readonly name: string;
  readonly location: PublicLocation;
  readonly parkingType: (typeof PARKING_TYPES)[number];
  /** Fixed offset of the station's local time from UTC (tariff and opening hours; no DST rules). */
  readonly utcOffsetMinutes: number;
  readonly evses: readonly Evse[];
  readonly openingHours: OpeningHours;
  readonly status: StationStatus;
  readonly meter?: PinnedMeter;
  /** Set with the meter; a record without it (older ledgers) counts as UNVERIFIED. */
  readonly meterVerification?: MeterVerification;
  readonly bookingTerms?: BookingTerms;
  /** 0 until the first tariff is set. */
  readonly tariffVersion: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface MeterPages {
  readonly T?: number;
  readonly F?: number;
}

const decodeStationJson = recordDecoder<Station>([]);
const decodeTerms = recordDecoder<BookingTerms>(['noShowFee']);
export function decodeStation(json: JsonObject): Station {
  const station = decodeStationJson(json);
  const terms = json.bookingTerms;
  return terms && typeof terms === 'object' && !Array.isArray(terms)
    ? { ...station, bookingTerms: decodeTerms(terms as JsonObject) }
    : station;
}
const decodeAddress = recordDecoder<Address>([]);
const decodeBinding = recordDecoder<{ stationId: string }>([]);
export const decodeMeterPages = recordDecoder<MeterPages>([]);

export const stationKeys = {
  station: (stationId: string) => `station/${stationId}`,
  stations: () => 'station/',
  address: (stationId: string) => `station-address/${stationId}`,
  meterKey: (publicKey: string) => `meter-key/${publicKey}`,
  meterPages: (publicKey: string) => `meter-page/${publicKey}`,
} as const;

const TEXT = { max: 100 } as const;
const COORD = /^-?[0-9]{1,3}(\.[0-9]{1,15})?$/;

/**
 * A public coordinate: a decimal degree kept to at most 2 decimals (about 1 km). More decimals are
 * rounded (half away from zero, on the digits, no float), never stored: the exact spot is the
 * sealed address's business.
 */
export function coarseCoordinate(value: unknown, path: string): string {
  const text = string(value, path, {
    max: 20,
    pattern: COORD,
    hint: 'a decimal number of degrees, e.g. 52.53 (kept to 2 decimals, about 1 km)',
  });
  const [whole = '0', fraction = ''] = text.split('.');
  if (fraction.length <= 2) return text;
  const negative = whole.startsWith('-');
  const hundredths =
    BigInt(whole.replace('-', '') + fraction.slice(0, 2)) + (Number(fraction[2]) >= 5 ? 1n : 0n);
  const digits = hundredths.toString().padStart(3, '0');
  const rounded = `${digits.slice(0, -2)}.${digits.slice(-2)}`;
  return negative && hundredths > 0n ? `-${rounded}` : rounded;
}

function parseLocation(value: unknown): PublicLocation {
  const f = object(value, 'location', ['country', 'city', 'postalCode', 'latitude', 'longitude']);
  const latitude = coarseCoordinate(f.latitude, 'location.latitude');
  const longitude = coarseCoordinate(f.longitude, 'location.longitude');
  if (Math.abs(Number(latitude)) > 90)
    throw new EcarError('INVALID_ARGUMENT', 'location.latitude must be within -90..90', {
      field: 'location.latitude',
    });
  if (Math.abs(Number(longitude)) > 180)
    throw new EcarError('INVALID_ARGUMENT', 'location.longitude must be within -180..180', {
      field: 'location.longitude',
    });
  const postalCode = optionalString(f.postalCode, 'location.postalCode', { max: 10 });
  return {
    country: string(f.country, 'location.country', {
      min: 2,
      max: 2,
      pattern: /^[A-Z]{2}$/,
      hint: 'an ISO 3166 alpha-2 code',
    }),
    city: string(f.city, 'location.city', TEXT),
    ...(postalCode === undefined ? {} : { postalCode }),
    latitude,
    longitude,
  };
}

function parseAddress(value: unknown): Address {
  const f = object(value, 'address', [
    'street',
    'houseNumber',
    'postalCode',
    'city',
    'country',
    'directions',
  ]);
  const directions = optionalString(f.directions, 'address.directions', { max: 500 });
  return {
    street: string(f.street, 'address.street', TEXT),
    houseNumber: string(f.houseNumber, 'address.houseNumber', { max: 20 }),
    postalCode: string(f.postalCode, 'address.postalCode', { max: 10 }),
    city: string(f.city, 'address.city', TEXT),
    country: string(f.country, 'address.country', {
      min: 2,
      max: 2,
      pattern: /^[A-Z]{2}$/,
      hint: 'an ISO 3166 alpha-2 code',
    }),
    ...(directions === undefined ? {} : { directions }),
  };
}

function parseConnector(value: unknown, path: string): Connector {
  const f = object(value, path, [
    'id',
    'standard',
    'format',
    'powerType',
    'maxVoltage',
    'maxAmperage',
    'maxElectricPower',
  ]);
  return {
    id: string(f.id, `${path}.id`, {
      max: 36,
      pattern: /^[A-Za-z0-9._-]+$/,
      hint: 'an id of A-Z a-z 0-9 . _ -',
    }),
    standard: oneOf(f.standard, `${path}.standard`, CONNECTOR_STANDARDS),
    format: oneOf(f.format, `${path}.format`, CONNECTOR_FORMATS),
    powerType: oneOf(f.powerType, `${path}.powerType`, POWER_TYPES),
    maxVoltage: integer(f.maxVoltage, `${path}.maxVoltage`, { min: 1, max: 1500 }),
    maxAmperage: integer(f.maxAmperage, `${path}.maxAmperage`, { min: 1, max: 1000 }),
    maxElectricPower: integer(f.maxElectricPower, `${path}.maxElectricPower`, { min: 1, max: 1_000_000 }),
  };
}

function parseEvses(value: unknown): Evse[] {
  const evses = array(value, 'evses', { min: 1, max: 8 }).map((item, i) => {
    const f = object(item, `evses[${i}]`, ['uid', 'connectors']);
    const connectors = array(f.connectors, `evses[${i}].connectors`, { min: 1, max: 4 }).map((c, j) =>
      parseConnector(c, `evses[${i}].connectors[${j}]`),
    );
    if (new Set(connectors.map((c) => c.id)).size !== connectors.length) {
      throw new EcarError('INVALID_ARGUMENT', `evses[${i}] has duplicate connector ids`, {
        field: `evses[${i}].connectors`,
      });
    }
    return { uid: id(f.uid, `evses[${i}].uid`), connectors };
  });
  if (new Set(evses.map((e) => e.uid)).size !== evses.length) {
    throw new EcarError('INVALID_ARGUMENT', 'evses have duplicate uids', { field: 'evses' });
  }
  return evses;
}

function parseOpeningHours(value: unknown): OpeningHours {
  const f = object(value, 'openingHours', ['twentyfourseven', 'regularHours']);
  const twentyfourseven = boolean(f.twentyfourseven, 'openingHours.twentyfourseven');
  const regular =
    f.regularHours === undefined ? [] : array(f.regularHours, 'openingHours.regularHours', { max: 14 });
  const regularHours = regular.map((item, i) => {
    const path = `openingHours.regularHours[${i}]`;
    const r = object(item, path, ['weekday', 'periodBegin', 'periodEnd']);
    const periodBegin = hourMinute(r.periodBegin, `${path}.periodBegin`);
    const periodEnd = hourMinute(r.periodEnd, `${path}.periodEnd`);
    if (periodEnd <= periodBegin)
      throw new EcarError('INVALID_ARGUMENT', `${path}.periodEnd must be after periodBegin`, {
        field: `${path}.periodEnd`,
      });
    return { weekday: integer(r.weekday, `${path}.weekday`, { min: 1, max: 7 }), periodBegin, periodEnd };
  });
  if (twentyfourseven === regularHours.length > 0) {
    throw new EcarError(
      'INVALID_ARGUMENT',
      'openingHours needs either twentyfourseven: true or regularHours, not both',
      { field: 'openingHours' },
    );
  }
  return { twentyfourseven, regularHours };
}

const HEX_KEY = /^[0-9a-f]{40,400}$/;

export function parseMeter(value: unknown, params: Params): PinnedMeter {
  const f = object(value, 'meter', ['vendor', 'model', 'serial', 'publicKey', 'signatureMethod']);
  const publicKey = string(f.publicKey, 'meter.publicKey', { min: 40, max: 400 }).toLowerCase();
  if (!HEX_KEY.test(publicKey)) {
    throw new EcarError(
      'METER_KEY_INVALID',
      'meter.publicKey must be the hex encoding of the meter public key (40-400 hex digits)',
      { field: 'meter.publicKey' },
    );
  }
  const signatureMethod = string(f.signatureMethod, 'meter.signatureMethod', { max: 40 });
  if (!params.signatureMethods.includes(signatureMethod)) {
    throw new EcarError(
      'METER_KEY_INVALID',
      `meter.signatureMethod must be one of ${params.signatureMethods.join(', ')}`,
      { field: 'meter.signatureMethod' },
    );
  }
  return {
    vendor: string(f.vendor, 'meter.vendor', { max: 50 }),
    model: string(f.model, 'meter.model', { max: 50 }),
    serial: string(f.serial, 'meter.serial', {
      max: 64,
      pattern: /^[\x21-\x7e]+$/,
      hint: 'printable characters without spaces',
    }),
    publicKey,
    signatureMethod,
  };
}

function parseBookingTerms(value: unknown): BookingTerms {
  const f = object(value, 'bookingTerms', ['noShowFee', 'cancelBeforeMinutes', 'maxDurationMinutes']);
  return {
    noShowFee: money(f.noShowFee, 'bookingTerms.noShowFee'),
    cancelBeforeMinutes: integer(f.cancelBeforeMinutes, 'bookingTerms.cancelBeforeMinutes', {
      min: 0,
      max: 7 * 24 * 60,
    }),
    maxDurationMinutes: integer(f.maxDurationMinutes, 'bookingTerms.maxDurationMinutes', {
      min: 15,
      max: 24 * 60,
    }),
  };
}

export async function loadStation(tx: Tx, stationId: string): Promise<Station> {
  const station = await tx.read(stationKeys.station(stationId), decodeStation);
  if (!station) throw new NotFound('station', stationId);
  return station;
}

export function requireHost(station: Station, caller: string, action: string): void {
  if (station.host !== caller) throw new Forbidden(action, `the host of station '${station.id}'`);
}

/** The verification state of a station's meter (no meter, or an older record: UNVERIFIED). */
export function meterVerification(station: Station): MeterVerification {
  return station.meter === undefined ? 'UNVERIFIED' : (station.meterVerification ?? 'UNVERIFIED');
}

/**
 * Throws METER_UNVERIFIED unless the station's meter may settle an energy-priced session: a key
 * the host typed in would let the host sign its own readings.
 */
export function requireTrustedMeter(params: Params, station: Station): void {
  if (meterVerification(station) !== 'UNVERIFIED' || (station.meter && params.allowUnverifiedMeterKeys))
    return;
  throw new EcarError(
    'METER_UNVERIFIED',
    station.meter
      ? `the meter of station '${station.id}' was pinned by its host and is not verified; energy-priced charging needs a meter pinned by the charging backend or approved by the operator`
      : `station '${station.id}' has no pinned meter for its energy price`,
    { stationId: station.id },
  );
}

async function isBusy(tx: Tx, stationId: string): Promise<boolean> {
  return (await tx.ports.store.range(`evse-active/${stationId}/`)).length > 0;
}

/**
 * Binds a meter key to one station. A verified pin (backend or operator) takes a key over from a
 * station where its host had typed it in unverified (a host cannot squat a real meter's public
 * key); that station loses its meter. Any other existing binding is a CONFLICT.
 */
async function bindMeter(
  tx: Tx,
  stationId: string,
  meter: PinnedMeter,
  verification: MeterVerification,
): Promise<void> {
  const binding = await tx.read(stationKeys.meterKey(meter.publicKey), decodeBinding);
  if (binding && binding.stationId !== stationId) {
    const holder = await tx.read(stationKeys.station(binding.stationId), decodeStation);
    const squatted =
      verification !== 'UNVERIFIED' &&
      holder !== undefined &&
      holder.meter?.publicKey === meter.publicKey &&
      meterVerification(holder) === 'UNVERIFIED' &&
      !(await isBusy(tx, holder.id));
    if (!squatted) {
      throw new EcarError(
        'CONFLICT',
        'this meter key is already bound to another station; a meter can be pinned to one station only',
        { field: 'meter.publicKey' },
      );
    }
    const unpinned: Station = { ...holder, updatedAt: tx.now };
    delete (unpinned as { meter?: PinnedMeter }).meter;
    delete (unpinned as { meterVerification?: MeterVerification }).meterVerification;
    await tx.write(stationKeys.station(holder.id), unpinned);
    tx.emit('MeterUnpinned', { stationId: holder.id });
  }
  await tx.write(stationKeys.meterKey(meter.publicKey), { stationId });
}

/** registerStation (anyone; the caller becomes its host). */
export async function registerStation(tx: Tx, raw: unknown): Promise<PublicStation> {
  const f = parseArgs(raw, [
    'stationId',
    'name',
    'location',
    'address',
    'parkingType',
    'utcOffsetMinutes',
    'evses',
    'openingHours',
    'meter',
    'bookingTerms',
  ]);
  const params = await loadParams(tx);
  const stationId = id(f.stationId, 'stationId');
  const address = parseAddress(f.address);
  const meter = f.meter === undefined ? undefined : parseMeter(f.meter, params);
  const bookingTerms = f.bookingTerms === undefined ? undefined : parseBookingTerms(f.bookingTerms);
  const station: Station = {
    id: stationId,
    host: tx.caller,
    name: string(f.name, 'name', TEXT),
    location: parseLocation(f.location),
    parkingType: oneOf(f.parkingType, 'parkingType', PARKING_TYPES),
    utcOffsetMinutes: optionalInteger(f.utcOffsetMinutes, 'utcOffsetMinutes', { min: -720, max: 840 }) ?? 0,
    evses: parseEvses(f.evses),
    openingHours: parseOpeningHours(f.openingHours),
    status: 'AVAILABLE',
    ...(meter === undefined ? {} : { meter, meterVerification: 'UNVERIFIED' as const }),
    ...(bookingTerms === undefined ? {} : { bookingTerms }),
    tariffVersion: 0,
    createdAt: tx.now,
    updatedAt: tx.now,
  };
  if (await tx.exists(stationKeys.station(stationId))) {
    throw new EcarError('ALREADY_EXISTS', `station '${stationId}' already exists; choose another id`, {
      stationId,
    });
  }
  if (meter) await bindMeter(tx, stationId, meter, 'UNVERIFIED');
  await tx.write(stationKeys.station(stationId), station);
  await tx.write(stationKeys.address(stationId), address);
  tx.emit('StationRegistered', { stationId });
  return publicView(station);
}

/** updateStation (host): status, opening hours, booking terms, name. */
export async function updateStation(tx: Tx, raw: unknown): Promise<PublicStation> {
  const f = parseArgs(raw, ['stationId', 'status', 'openingHours', 'bookingTerms', 'name']);
  await loadParams(tx);
  const stationId = id(f.stationId, 'stationId');
  const changes: Partial<Station> = {
    ...(f.status === undefined ? {} : { status: oneOf(f.status, 'status', STATION_STATUSES) }),
    ...(f.openingHours === undefined ? {} : { openingHours: parseOpeningHours(f.openingHours) }),
    ...(f.bookingTerms === undefined ? {} : { bookingTerms: parseBookingTerms(f.bookingTerms) }),
    ...(f.name === undefined ? {} : { name: string(f.name, 'name', TEXT) }),
  };
  if (Object.keys(changes).length === 0)
    throw new EcarError(
      'INVALID_ARGUMENT',
      'name at least one field to change: status, openingHours, bookingTerms, name',
    );
  const station = await loadStation(tx, stationId);
  requireHost(station, tx.caller, 'updateStation');
  const next: Station = { ...station, ...changes, updatedAt: tx.now };
  await tx.write(stationKeys.station(stationId), next);
  tx.emit('StationUpdated', { stationId });
  return publicView(next);
}

/** Pins a (replacement) meter with its verification state; the old key is released. Not during a session. */
async function pin(
  tx: Tx,
  station: Station,
  meter: PinnedMeter,
  verification: MeterVerification,
): Promise<PublicStation> {
  if (await isBusy(tx, station.id))
    throw new EcarError(
      'EVSE_OCCUPIED',
      'a meter cannot be replaced during a charging session; stop the session first',
      { stationId: station.id },
    );
  if (station.meter && station.meter.publicKey !== meter.publicKey)
    await tx.remove(stationKeys.meterKey(station.meter.publicKey));
  await bindMeter(tx, station.id, meter, verification);
  const next: Station = { ...station, meter, meterVerification: verification, updatedAt: tx.now };
  await tx.write(stationKeys.station(station.id), next);
  tx.emit('MeterPinned', { stationId: station.id });
  return publicView(next);
}

/** pinMeter (host): pins a meter key the host typed in; it stays UNVERIFIED until approved. */
export async function pinMeter(tx: Tx, raw: unknown): Promise<PublicStation> {
  const f = parseArgs(raw, ['stationId', 'meter']);
  const params = await loadParams(tx);
  const stationId = id(f.stationId, 'stationId');
  const meter = parseMeter(f.meter, params);
  const station = await loadStation(tx, stationId);
  requireHost(station, tx.caller, 'pinMeter');
  return pin(tx, station, meter, 'UNVERIFIED');
}

/**
 * pinMeterFromBackend (a charging backend): pins the meter key the backend read from the wallbox
 * itself (OCPP), so it is verified (BACKEND).
 */
export async function pinMeterFromBackend(tx: Tx, raw: unknown): Promise<PublicStation> {
  const f = parseArgs(raw, ['stationId', 'meter']);
  const params = await loadParams(tx);
  requireRole(params, tx.caller, 'pinMeterFromBackend', 'backend');
  const stationId = id(f.stationId, 'stationId');
  const meter = parseMeter(f.meter, params);
  return pin(tx, await loadStation(tx, stationId), meter, 'BACKEND');
}

/**
 * approveMeter (operator): approves the meter key pinned on a station (OPERATOR). The key is
 * named so an approval never covers a key the host swapped in after the operator checked it.
 */
export async function approveMeter(tx: Tx, raw: unknown): Promise<PublicStation> {
  const f = parseArgs(raw, ['stationId', 'publicKey']);
  const params = await loadParams(tx);
  requireRole(params, tx.caller, 'approveMeter', 'operator');
  const stationId = id(f.stationId, 'stationId');
  const publicKey = string(f.publicKey, 'publicKey', { min: 40, max: 400 }).toLowerCase();
  const station = await loadStation(tx, stationId);
  if (!station.meter) throw new NotFound('pinned meter of station', stationId);
  if (station.meter.publicKey !== publicKey) {
    throw new EcarError(
      'METER_MISMATCH',
      `the meter pinned on station '${stationId}' has another key than the one approved; check the station again`,
      { stationId },
    );
  }
  const next: Station = { ...station, meterVerification: 'OPERATOR', updatedAt: tx.now };
  await tx.write(stationKeys.station(stationId), next);
  tx.emit('MeterApproved', { stationId });
  return publicView(next);
}

/** What anyone may see: no address. */
export function publicView(station: Station): PublicStation {
  return {
    id: station.id,
    name: station.name,
    host: station.host,
    location: station.location,
    parkingType: station.parkingType,
    utcOffsetMinutes: station.utcOffsetMinutes,
    evses: station.evses,
    openingHours: {
      twentyfourseven: station.openingHours.twentyfourseven,
      regularHours: station.openingHours.regularHours.map((r) => ({
        weekday: r.weekday,
        periodBegin: formatHourMinute(r.periodBegin),
        periodEnd: formatHourMinute(r.periodEnd),
      })),
    },
    status: station.status,
    ...(station.meter === undefined
      ? {}
      : { meter: station.meter, meterVerification: meterVerification(station) }),
    ...(station.bookingTerms === undefined ? {} : { bookingTerms: station.bookingTerms }),
    tariffVersion: station.tariffVersion,
  };
}

/** getStation (anyone): the public view. */
export async function getStation(tx: Tx, raw: unknown): Promise<PublicStation> {
  const f = parseArgs(raw, ['stationId']);
  return publicView(await loadStation(tx, id(f.stationId, 'stationId')));
}

export async function loadAddress(tx: Tx, stationId: string): Promise<Address> {
  const address = await tx.read(stationKeys.address(stationId), decodeAddress);
  if (!address) throw new NotFound('station address', stationId);
  return address;
}

/** Local weekday (1 = Monday ... 7 = Sunday) and minute of day at `ms` for a fixed UTC offset. */
export function localTime(ms: number, utcOffsetMinutes: number): { weekday: number; minute: number } {
  const local = ms + utcOffsetMinutes * 60_000;
  const day = Math.floor(local / 86_400_000);
  const minute = Math.floor((local - day * 86_400_000) / 60_000);
  // 1970-01-01 was a Thursday (weekday 4).
  const weekday = ((((day + 3) % 7) + 7) % 7) + 1;
  return { weekday, minute };
}

export function isOpen(station: Station, ms: number): boolean {
  if (station.openingHours.twentyfourseven) return true;
  const { weekday, minute } = localTime(ms, station.utcOffsetMinutes);
  return station.openingHours.regularHours.some(
    (r) => r.weekday === weekday && minute >= r.periodBegin && minute < r.periodEnd,
  );
}

/**
 * Whether the station is open for the whole of [startMs, endMs): its opening hours are in its
 * local time, a fixed offset from UTC (utcOffsetMinutes; no daylight-saving rules, so a host
 * updates the offset when the clocks change). Hours change only on minute boundaries, so the start
 * and every whole minute after it are checked (a booking lasts at most a day).
 */
export function openThroughout(station: Station, startMs: number, endMs: number): boolean {
  if (station.openingHours.twentyfourseven) return true;
  if (!isOpen(station, startMs)) return false;
  for (let t = (Math.floor(startMs / 60_000) + 1) * 60_000; t < endMs; t += 60_000) {
    if (!isOpen(station, t)) return false;
  }
  return true;
}
