// What `station register` and `station update` send, built from flags or a JSON file: the station
// record, opening hours from a short spec ("24/7", "mon-fri 08:00-20:00") and booking terms.
import type { Command } from 'commander';
import type { LedgerArgs } from '../fabric/ledger-client';
import { newId, usageError, type GlobalOptions } from './context';
import { readJsonFile } from './input-files';
import { WEEKDAYS } from './views';

export interface RegisterOptions extends GlobalOptions {
  readonly file?: string;
  readonly id?: string;
  readonly name?: string;
  readonly country?: string;
  readonly city?: string;
  readonly postalCode?: string;
  readonly lat?: string;
  readonly lon?: string;
  readonly street?: string;
  readonly houseNumber?: string;
  readonly directions?: string;
  readonly parking: string;
  readonly utcOffset?: number;
  readonly evse: string;
  readonly connectorId: string;
  readonly connector: string;
  readonly format: string;
  readonly powerType: string;
  readonly maxPower: number;
  readonly voltage: number;
  readonly amperage: number;
  readonly hours: string;
  readonly noshowFee?: bigint;
  readonly cancelBefore: number;
  readonly maxDuration: number;
}

/** The registerStation arguments from the flags (exit 2 naming the flags that are missing). */
export function stationFromFlags(o: RegisterOptions, command: Command): LedgerArgs {
  const required: [string, string | undefined][] = [
    ['--name', o.name],
    ['--country', o.country],
    ['--city', o.city],
    ['--postal-code', o.postalCode],
    ['--lat', o.lat],
    ['--lon', o.lon],
    ['--street', o.street],
    ['--house-number', o.houseNumber],
  ];
  const missing = required.filter(([, v]) => v === undefined).map(([flag]) => flag);
  if (missing.length > 0) usageError(command, `missing ${missing.join(', ')} (or give --file)`);
  return {
    stationId: o.id ?? newId('st', 12),
    name: o.name,
    location: {
      country: o.country,
      city: o.city,
      postalCode: o.postalCode,
      latitude: o.lat,
      longitude: o.lon,
    },
    address: {
      street: o.street,
      houseNumber: o.houseNumber,
      postalCode: o.postalCode,
      city: o.city,
      country: o.country,
      directions: o.directions,
    },
    parkingType: o.parking,
    utcOffsetMinutes: o.utcOffset,
    evses: [
      {
        uid: o.evse,
        connectors: [
          {
            id: o.connectorId,
            standard: o.connector,
            format: o.format,
            powerType: o.powerType,
            maxVoltage: o.voltage,
            maxAmperage: o.amperage,
            maxElectricPower: o.maxPower,
          },
        ],
      },
    ],
    openingHours: openingHours(o.hours, command),
    bookingTerms:
      o.noshowFee === undefined
        ? undefined
        : { noShowFee: o.noshowFee, cancelBeforeMinutes: o.cancelBefore, maxDurationMinutes: o.maxDuration },
  };
}

/** The registerStation arguments from --file; --id and --name override, a random id otherwise. */
export function stationFromFile(o: RegisterOptions, command: Command): LedgerArgs {
  const base = readJsonFile(o.file ?? '', '--file', command);
  return {
    ...base,
    ...(o.id === undefined
      ? base.stationId === undefined
        ? { stationId: newId('st', 12) }
        : {}
      : { stationId: o.id }),
    ...(o.name === undefined ? {} : { name: o.name }),
  };
}

/** "24/7" or "mon-fri 08:00-20:00, sat 10:00-14:00" (days also as 1-7, Monday = 1). */
export function openingHours(spec: string, command: Command): LedgerArgs {
  const text = spec.trim().toLowerCase();
  if (text === '24/7') return { twentyfourseven: true };
  const regularHours: LedgerArgs[] = [];
  for (const part of text.split(',').map((p) => p.trim())) {
    const match = /^([a-z0-9]+)(?:-([a-z0-9]+))?\s+([0-2][0-9]:[0-5][0-9])-([0-2][0-9]:[0-5][0-9])$/.exec(
      part,
    );
    const first = match ? weekday(match[1] ?? '') : undefined;
    const last = match ? (match[2] === undefined ? first : weekday(match[2])) : undefined;
    if (!match || first === undefined || last === undefined || last < first) {
      return usageError(
        command,
        `cannot read opening hours '${part}': use 24/7 or e.g. 'mon-fri 08:00-20:00, sat 10:00-14:00'`,
      );
    }
    for (let day = first; day <= last; day += 1) {
      regularHours.push({ weekday: day, periodBegin: match[3] ?? '', periodEnd: match[4] ?? '' });
    }
  }
  return { twentyfourseven: false, regularHours };
}

function weekday(token: string): number | undefined {
  if (/^[1-7]$/.test(token)) return Number(token);
  const index = (WEEKDAYS as readonly string[]).indexOf(token.slice(0, 3));
  return index < 0 ? undefined : index + 1;
}

export interface UpdateOptions extends GlobalOptions {
  readonly station: string;
  readonly status?: string;
  readonly name?: string;
  readonly hours?: string;
  readonly noshowFee?: bigint;
  readonly cancelBefore?: number;
  readonly maxDuration?: number;
}

/** The updateStation arguments: something to change, booking terms all or none (exit 2 otherwise). */
export function stationUpdate(o: UpdateOptions, command: Command): LedgerArgs {
  const terms = [o.noshowFee, o.cancelBefore, o.maxDuration];
  if (terms.some((t) => t !== undefined) && terms.some((t) => t === undefined)) {
    usageError(command, 'booking terms need all of --noshow-fee, --cancel-before and --max-duration');
  }
  const args: LedgerArgs = {
    stationId: o.station,
    status: o.status,
    name: o.name,
    openingHours: o.hours === undefined ? undefined : openingHours(o.hours, command),
    bookingTerms:
      o.noshowFee === undefined
        ? undefined
        : {
            noShowFee: o.noshowFee,
            cancelBeforeMinutes: o.cancelBefore,
            maxDurationMinutes: o.maxDuration,
          },
  };
  if (o.status === undefined && o.name === undefined && o.hours === undefined && o.noshowFee === undefined) {
    usageError(command, 'name something to change: --status, --name, --hours or the booking terms');
  }
  return args;
}
