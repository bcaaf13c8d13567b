// What `station register` and `station update` send, built from flags or a JSON file: the station
// record, opening hours from a short spec ("24/7", "mon-fri 08:00-20:00") and booking terms.
import type { Command } from 'commander';
import type { ArgsOf, OpeningHoursArgs } from '../../../chaincode/src/protocol/transactions';
import type {
  CONNECTOR_FORMATS,
  CONNECTOR_STANDARDS,
  PARKING_TYPES,
  POWER_TYPES,
  STATION_STATUSES,
} from '../../../chaincode/src/protocol/vocabulary';
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
  readonly parking: (typeof PARKING_TYPES)[number];
  readonly utcOffset?: number;
  readonly evse: string;
  readonly connectorId: string;
  readonly connector: (typeof CONNECTOR_STANDARDS)[number];
  readonly format: (typeof CONNECTOR_FORMATS)[number];
  readonly powerType: (typeof POWER_TYPES)[number];
  readonly maxPower: number;
  readonly voltage: number;
  readonly amperage: number;
  readonly hours: string;
  readonly noshowFee?: bigint;
  readonly cancelBefore: number;
  readonly maxDuration: number;
}

/** The registerStation arguments from the flags (exit 2 naming the flags that are missing). */
export function stationFromFlags(o: RegisterOptions, command: Command): ArgsOf<'registerStation'> {
  const { name, country, city, postalCode, lat, lon, street, houseNumber } = o;
  if (
    name === undefined ||
    country === undefined ||
    city === undefined ||
    postalCode === undefined ||
    lat === undefined ||
    lon === undefined ||
    street === undefined ||
    houseNumber === undefined
  ) {
    const required: [string, string | undefined][] = [
      ['--name', name],
      ['--country', country],
      ['--city', city],
      ['--postal-code', postalCode],
      ['--lat', lat],
      ['--lon', lon],
      ['--street', street],
      ['--house-number', houseNumber],
    ];
    const missing = required.filter(([, v]) => v === undefined).map(([flag]) => flag);
    return usageError(command, `missing ${missing.join(', ')} (or give --file)`);
  }
  return {
    stationId: o.id ?? newId('st', 12),
    name,
    location: { country, city, postalCode, latitude: lat, longitude: lon },
    address: { street, houseNumber, postalCode, city, country, directions: o.directions },
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
export function stationFromFile(o: RegisterOptions, command: Command): ArgsOf<'registerStation'> {
  const base = readJsonFile(o.file ?? '', '--file', command);
  // the file is the user's JSON: the ledger checks every field of it and names the bad one
  return {
    ...base,
    ...(o.id === undefined
      ? base.stationId === undefined
        ? { stationId: newId('st', 12) }
        : {}
      : { stationId: o.id }),
    ...(o.name === undefined ? {} : { name: o.name }),
  } as unknown as ArgsOf<'registerStation'>;
}

/** "24/7" or "mon-fri 08:00-20:00, sat 10:00-14:00" (days also as 1-7, Monday = 1). */
export function openingHours(spec: string, command: Command): OpeningHoursArgs {
  const text = spec.trim().toLowerCase();
  if (text === '24/7') return { twentyfourseven: true };
  const regularHours: { weekday: number; periodBegin: string; periodEnd: string }[] = [];
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
  readonly status?: (typeof STATION_STATUSES)[number];
  readonly name?: string;
  readonly hours?: string;
  readonly noshowFee?: bigint;
  readonly cancelBefore?: number;
  readonly maxDuration?: number;
}

/** The updateStation arguments: something to change, booking terms all or none (exit 2 otherwise). */
export function stationUpdate(o: UpdateOptions, command: Command): ArgsOf<'updateStation'> {
  const { noshowFee, cancelBefore, maxDuration } = o;
  const terms = [noshowFee, cancelBefore, maxDuration];
  if (terms.some((t) => t !== undefined) && terms.some((t) => t === undefined)) {
    usageError(command, 'booking terms need all of --noshow-fee, --cancel-before and --max-duration');
  }
  const args: ArgsOf<'updateStation'> = {
    stationId: o.station,
    status: o.status,
    name: o.name,
    openingHours: o.hours === undefined ? undefined : openingHours(o.hours, command),
    bookingTerms:
      noshowFee === undefined || cancelBefore === undefined || maxDuration === undefined
        ? undefined
        : { noShowFee: noshowFee, cancelBeforeMinutes: cancelBefore, maxDurationMinutes: maxDuration },
  };
  if (o.status === undefined && o.name === undefined && o.hours === undefined && o.noshowFee === undefined) {
    usageError(command, 'name something to change: --status, --name, --hours or the booking terms');
  }
  return args;
}
