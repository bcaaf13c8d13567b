// Tariffs: OCPI-shaped price components per station, versioned (every change is a new version; a
// session freezes the version it started with).
//   tariff/<stationId>/<version, 10 digits>   immutable, in the wire shape (re-parsed on read)
// Wire shape (OCPI names): { elements: [{ price_components: [{ type, price, step_size }],
// restrictions?: { start_time, end_time, day_of_week, min_kwh, max_kwh, min_duration,
// max_duration } }], min_price?, max_price? } with prices as decimal strings of token minor units
// per kWh / per hour / per session and kWh as decimal strings.
import type { JsonObject } from '../ports';
import { EcarError } from '../protocol/errors';
import type { Tx } from './context';
import { NotFound } from './errors';
import { toJsonObject } from '../protocol/json';
import { loadParams } from './params';
import {
  array,
  formatHourMinute,
  hourMinute,
  id,
  integer,
  object,
  oneOf,
  optionalInteger,
  optionalMoney,
  parseArgs,
  money,
} from './parse';
import { loadStation, requireHost, stationKeys } from './stations';
import { decimalToMilliWh } from '../protocol/units';
import type { PriceComponent, Restrictions, Tariff, TariffElement } from '../protocol/records';
import { DAYS_OF_WEEK, DIMENSIONS } from '../protocol/records';

export interface TariffVersion {
  readonly stationId: string;
  readonly version: number;
  readonly createdAt: number;
  readonly tariff: Tariff;
}

export const tariffKeys = {
  version: (stationId: string, version: number) => `tariff/${stationId}/${String(version).padStart(10, '0')}`,
  versions: (stationId: string) => `tariff/${stationId}/`,
} as const;

export interface TariffParseOptions {
  /** Current restrictions cannot be verified from OCMF readings; the ledger refuses them by default. */
  readonly allowCurrentRestrictions?: boolean;
}

function kwh(value: unknown, path: string): bigint {
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof text !== 'string')
    throw new EcarError('INVALID_ARGUMENT', `${path} must be a decimal string of kWh`, { field: path });
  try {
    return decimalToMilliWh(text, 'kWh');
  } catch {
    throw new EcarError(
      'INVALID_ARGUMENT',
      `${path} must be a decimal string of kWh with at most 6 decimals`,
      { field: path },
    );
  }
}

function parseRestrictions(value: unknown, path: string, options: TariffParseOptions): Restrictions {
  const allowed = [
    'start_time',
    'end_time',
    'day_of_week',
    'min_kwh',
    'max_kwh',
    'min_duration',
    'max_duration',
  ];
  const f = object(
    value,
    path,
    options.allowCurrentRestrictions ? [...allowed, 'min_current', 'max_current'] : allowed,
  );
  const duration = { min: 0, max: 62 * 24 * 3600 };
  const r: Restrictions = {
    ...(f.start_time === undefined ? {} : { startTime: hourMinute(f.start_time, `${path}.start_time`) }),
    ...(f.end_time === undefined ? {} : { endTime: hourMinute(f.end_time, `${path}.end_time`) }),
    ...(f.day_of_week === undefined
      ? {}
      : {
          dayOfWeek: array(f.day_of_week, `${path}.day_of_week`, { min: 1, max: 7 }).map((d, i) =>
            oneOf(d, `${path}.day_of_week[${i}]`, DAYS_OF_WEEK),
          ),
        }),
    ...(f.min_kwh === undefined ? {} : { minKwh: kwh(f.min_kwh, `${path}.min_kwh`) }),
    ...(f.max_kwh === undefined ? {} : { maxKwh: kwh(f.max_kwh, `${path}.max_kwh`) }),
    ...(f.min_duration === undefined
      ? {}
      : { minDuration: integer(f.min_duration, `${path}.min_duration`, duration) }),
    ...(f.max_duration === undefined
      ? {}
      : { maxDuration: integer(f.max_duration, `${path}.max_duration`, duration) }),
    ...(f.min_current === undefined
      ? {}
      : { minCurrent: integer(f.min_current, `${path}.min_current`, { min: 0, max: 1000 }) }),
    ...(f.max_current === undefined
      ? {}
      : { maxCurrent: integer(f.max_current, `${path}.max_current`, { min: 0, max: 1000 }) }),
  };
  if (r.minKwh !== undefined && r.maxKwh !== undefined && r.minKwh >= r.maxKwh) {
    throw new EcarError('INVALID_ARGUMENT', `${path}.min_kwh must be below max_kwh`, {
      field: `${path}.min_kwh`,
    });
  }
  if (r.minDuration !== undefined && r.maxDuration !== undefined && r.minDuration >= r.maxDuration) {
    throw new EcarError('INVALID_ARGUMENT', `${path}.min_duration must be below max_duration`, {
      field: `${path}.min_duration`,
    });
  }
  return r;
}

function parseComponent(value: unknown, path: string): PriceComponent {
  const f = object(value, path, ['type', 'price', 'step_size']);
  const type = oneOf(f.type, `${path}.type`, DIMENSIONS);
  return {
    type,
    price: money(f.price, `${path}.price`, { max: 10n ** 15n }),
    stepSize: optionalInteger(f.step_size, `${path}.step_size`, { min: 1, max: 24 * 3600 }) ?? 1,
  };
}

/** Parses a tariff in its wire shape. */
export function parseTariff(value: unknown, options: TariffParseOptions = {}): Tariff {
  const f = object(value, 'tariff', ['elements', 'min_price', 'max_price']);
  const elements = array(f.elements, 'tariff.elements', { min: 1, max: 16 }).map((item, i): TariffElement => {
    const path = `tariff.elements[${i}]`;
    const e = object(item, path, ['price_components', 'restrictions']);
    const priceComponents = array(e.price_components, `${path}.price_components`, { min: 1, max: 4 }).map(
      (c, j) => parseComponent(c, `${path}.price_components[${j}]`),
    );
    if (new Set(priceComponents.map((c) => c.type)).size !== priceComponents.length) {
      throw new EcarError('INVALID_ARGUMENT', `${path} prices a dimension twice`, {
        field: `${path}.price_components`,
      });
    }
    return e.restrictions === undefined
      ? { priceComponents }
      : { priceComponents, restrictions: parseRestrictions(e.restrictions, `${path}.restrictions`, options) };
  });
  const minPrice = optionalMoney(f.min_price, 'tariff.min_price');
  const maxPrice = optionalMoney(f.max_price, 'tariff.max_price');
  if (minPrice !== undefined && maxPrice !== undefined && minPrice > maxPrice) {
    throw new EcarError('INVALID_ARGUMENT', 'tariff.min_price must not exceed max_price', {
      field: 'tariff.min_price',
    });
  }
  return {
    elements,
    ...(minPrice === undefined ? {} : { minPrice }),
    ...(maxPrice === undefined ? {} : { maxPrice }),
  };
}

/** The wire shape of a parsed tariff (what is stored and returned). */
export function tariffToWire(tariff: Tariff): JsonObject {
  return toJsonObject({
    elements: tariff.elements.map((e) => ({
      price_components: e.priceComponents.map((c) => ({
        type: c.type,
        price: c.price,
        step_size: c.stepSize,
      })),
      restrictions: e.restrictions && {
        start_time:
          e.restrictions.startTime === undefined ? undefined : formatHourMinute(e.restrictions.startTime),
        end_time: e.restrictions.endTime === undefined ? undefined : formatHourMinute(e.restrictions.endTime),
        day_of_week: e.restrictions.dayOfWeek,
        min_kwh: e.restrictions.minKwh === undefined ? undefined : decimalKwh(e.restrictions.minKwh),
        max_kwh: e.restrictions.maxKwh === undefined ? undefined : decimalKwh(e.restrictions.maxKwh),
        min_duration: e.restrictions.minDuration,
        max_duration: e.restrictions.maxDuration,
        min_current: e.restrictions.minCurrent,
        max_current: e.restrictions.maxCurrent,
      },
    })),
    min_price: tariff.minPrice,
    max_price: tariff.maxPrice,
  });
}

function decimalKwh(milliWh: bigint): string {
  const whole = milliWh / 1_000_000n;
  const fraction = (milliWh % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '');
  return fraction === '' ? whole.toString() : `${whole.toString()}.${fraction}`;
}

export function usesEnergy(tariff: Tariff): boolean {
  return tariff.elements.some((e) => e.priceComponents.some((c) => c.type === 'ENERGY'));
}

interface StoredTariff {
  readonly stationId: string;
  readonly version: number;
  readonly createdAt: number;
  readonly tariff: JsonObject;
}

export async function loadTariff(tx: Tx, stationId: string, version: number): Promise<TariffVersion> {
  const stored = await tx.read(
    tariffKeys.version(stationId, version),
    (json) => json as unknown as StoredTariff,
  );
  if (!stored) throw new NotFound('tariff version', `${stationId}/${String(version)}`);
  // Re-parsed with current restrictions allowed: what was accepted when written stays priceable.
  return {
    stationId,
    version,
    createdAt: stored.createdAt,
    tariff: parseTariff(stored.tariff, { allowCurrentRestrictions: true }),
  };
}

/** setTariff (host): publishes a new tariff version for the station. */
export async function setTariff(
  tx: Tx,
  raw: unknown,
): Promise<{ stationId: string; version: number; tariff: JsonObject }> {
  const f = parseArgs(raw, ['stationId', 'tariff']);
  await loadParams(tx);
  const stationId = id(f.stationId, 'stationId');
  const tariff = parseTariff(f.tariff);
  const station = await loadStation(tx, stationId);
  requireHost(station, tx.caller, 'setTariff');
  if (usesEnergy(tariff) && !station.meter) {
    throw new EcarError(
      'INVALID_ARGUMENT',
      'an ENERGY price needs a pinned OCMF meter on the station; pin one with pinMeter first',
      { field: 'tariff' },
    );
  }
  const version = station.tariffVersion + 1;
  const wire = tariffToWire(tariff);
  const stored: StoredTariff = { stationId, version, createdAt: tx.now, tariff: wire };
  await tx.write(tariffKeys.version(stationId, version), stored);
  await tx.write(stationKeys.station(stationId), { ...station, tariffVersion: version, updatedAt: tx.now });
  tx.emit('TariffPublished', { stationId, version: String(version) });
  return { stationId, version, tariff: wire };
}

/** getTariff (anyone): the current version, or the one named. */
export async function getTariff(
  tx: Tx,
  raw: unknown,
): Promise<{ stationId: string; version: number; tariff: JsonObject }> {
  const f = parseArgs(raw, ['stationId', 'version']);
  const stationId = id(f.stationId, 'stationId');
  const station = await loadStation(tx, stationId);
  const version =
    optionalInteger(f.version, 'version', { min: 1, max: 1_000_000_000 }) ?? station.tariffVersion;
  if (version === 0) throw new NotFound('tariff for station', stationId);
  const loaded = await loadTariff(tx, stationId, version);
  return { stationId, version, tariff: tariffToWire(loaded.tariff) };
}
