// `ecar station`: find stations and show their address (drivers); register, update, pin a meter,
// show and list the stations you host (hosts).
import type { Command } from 'commander';
import type { JsonObject } from '../../../chaincode/src/protocol/json';
import {
  CONNECTOR_FORMATS,
  CONNECTOR_STANDARDS,
  KNOWN_SIGNATURE_METHODS,
  PARKING_TYPES,
  POWER_TYPES,
  STATION_STATUSES,
} from '../../../chaincode/src/protocol/vocabulary';
import {
  action,
  choice,
  group,
  idArg,
  integerArg,
  leaf,
  processDeps,
  tokensArg,
  usageError,
  type CliDeps,
  type GlobalOptions,
} from './context';
import { list, obj, str } from './format';
import { listAnswer, noArgs, showAnswer, submitAndShow } from './ledger-actions';
import { meterKey } from './meter-key';
import { fields } from './output';
import {
  stationFromFile,
  stationFromFlags,
  stationUpdate,
  type RegisterOptions,
  type UpdateOptions,
} from './station-input';
import { stationFields, stationTable, tariffSummary } from './views';

interface SearchOptions extends GlobalOptions {
  readonly country?: string;
  readonly city?: string;
  readonly connector?: string;
  readonly powerType?: string;
  readonly minPower?: number;
  readonly maxPriceKwh?: bigint;
  readonly prices?: boolean;
  readonly all?: boolean;
  readonly limit?: number;
}
interface StationOptions extends GlobalOptions {
  readonly station: string;
}
interface PinOptions extends GlobalOptions {
  readonly station: string;
  readonly serial: string;
  readonly publicKey: string;
  readonly vendor: string;
  readonly model: string;
  readonly signatureMethod?: string;
}

const REGISTER_EXAMPLES = [
  'ecar station register --name "Garage wallbox" --country DE --city Berlin --postal-code 10115 \\',
  '    --lat 52.53 --lon 13.38 --street Invalidenstr. --house-number 117 --max-power 11000 --hours 24/7',
  'ecar station register --file station.json',
].join('\n');

const stationId = (o: StationOptions): { stationId: string } => ({ stationId: o.station });

/** Registers `station search|address|register|update|pin-meter|show|mine`. */
export function registerStationCommands(program: Command, deps: CliDeps = processDeps()): void {
  const station = group(program, 'station', 'Charging stations: find, register and manage');
  registerSearch(station, deps);
  registerAddress(station, deps);
  registerRegister(station, deps);
  registerUpdate(station, deps);
  registerPinMeter(station, deps);
  leaf(station, 'show', 'Show a station (public view: no address)', 'ecar station show --station home-42')
    .requiredOption('--station <id>', 'station id', idArg)
    .action(showAnswer(deps, 'getStation', stationId, stationFields));
  leaf(station, 'mine', 'List the stations you host', 'ecar station mine').action(
    listAnswer(deps, 'myStations', noArgs, (rows) => stationTable(rows)),
  );
}

function registerSearch(station: Command, deps: CliDeps): void {
  leaf(
    station,
    'search',
    'Find available stations by area, connector, power and price',
    'ecar station search --country DE --city Berlin --connector IEC_62196_T2 --min-power 11000 --max-price-kwh 0.40',
  )
    .option('--country <CC>', 'ISO 3166 alpha-2 country code, e.g. DE')
    .option('--city <name>', 'city (exact, case-insensitive)')
    .addOption(choice('--connector <standard>', 'connector standard', CONNECTOR_STANDARDS))
    .addOption(choice('--power-type <type>', 'power type', POWER_TYPES))
    .option('--min-power <watts>', 'minimum connector power in W, e.g. 11000', integerArg(0, 1_000_000))
    .option(
      '--max-price-kwh <tokens>',
      'highest ENERGY price per kWh in tokens, e.g. 0.40 (shows prices)',
      tokensArg,
    )
    .option('--prices', 'show each station’s current tariff (one more query per station)')
    .option('--all', 'include stations that are not available or have no tariff yet')
    .option('--limit <n>', 'at most this many stations (1-100, default 20)', integerArg(1, 100))
    .action(
      action(
        deps,
        async (ctx, o: SearchOptions) => {
          const ledger = await ctx.ledger();
          const stations = list(
            await ledger.evaluate('searchStations', {
              country: o.country,
              city: o.city,
              connectorStandard: o.connector,
              powerType: o.powerType,
              minPowerW: o.minPower,
              availableOnly: o.all === true ? false : undefined,
              limit: o.limit,
            }),
          );
          if (o.maxPriceKwh === undefined && o.prices !== true) return stations;
          const priced: JsonObject[] = [];
          for (const s of stations) {
            const tariff =
              Number(s.tariffVersion) > 0
                ? obj(obj(await ledger.evaluate('getTariff', { stationId: str(s, 'id') })).tariff)
                : undefined;
            if (o.maxPriceKwh !== undefined && !energyPriceAtMost(tariff, o.maxPriceKwh)) continue;
            priced.push(tariff === undefined ? s : { ...s, tariff });
          }
          return priced;
        },
        (stations, o) => {
          const withPrices = o.maxPriceKwh !== undefined || o.prices === true;
          const prices = withPrices
            ? new Map(stations.map((s) => [str(s, 'id'), tariffSummary(s.tariff)]))
            : undefined;
          return stationTable(stations, prices);
        },
      ),
    );
}

function registerAddress(station: Command, deps: CliDeps): void {
  leaf(
    station,
    'address',
    'Show the exact address of a station you booked (or host): from 2 hours before the booking, or once cancelling costs the fee; a few stations a day',
    'ecar station address --station home-42',
  )
    .requiredOption('--station <id>', 'station id', idArg)
    .action(
      action(
        deps,
        async (ctx, o: StationOptions) =>
          // A write: the chaincode counts address releases per driver and day.
          obj((await (await ctx.ledger()).submit('getStationAddress', stationId(o))).result),
        (a) =>
          fields([
            ['station', str(a, 'stationId')],
            [
              'address',
              `${str(a, 'street')} ${str(a, 'houseNumber')}, ${str(a, 'postalCode')} ${str(a, 'city')}, ${str(a, 'country')}`,
            ],
            ['directions', str(a, 'directions')],
          ]),
      ),
    );
}

function registerRegister(station: Command, deps: CliDeps): void {
  leaf(station, 'register', 'Register your station; you become its host', REGISTER_EXAMPLES)
    .option('--file <file>', 'the registerStation arguments as JSON (--id and --name override)')
    .option(
      '--id <id>',
      'station id (default: a random one, which says nothing about you; the ledger refuses an id already taken)',
      idArg,
    )
    .option('--name <text>', 'the label drivers and you see (not unique; the id is)')
    .option('--country <CC>', 'ISO 3166 alpha-2, e.g. DE')
    .option('--city <name>', 'city (public)')
    .option('--postal-code <code>', 'postal code (public, and part of the sealed address)')
    .option('--lat <deg>', 'latitude; public, rounded to 2 decimals (about 1 km)')
    .option('--lon <deg>', 'longitude; public, rounded to 2 decimals (about 1 km)')
    .option('--street <name>', 'street (sealed: only booked drivers see it)')
    .option('--house-number <no>', 'house number (sealed)')
    .option('--directions <text>', 'how to find the wallbox (sealed)')
    .addOption(choice('--parking <type>', 'parking type', PARKING_TYPES).default('ON_DRIVEWAY'))
    .option('--utc-offset <minutes>', 'local time offset from UTC, e.g. 60', integerArg(-720, 840))
    .option('--evse <uid>', 'EVSE uid', idArg, 'EVSE-1')
    .option('--connector-id <id>', 'connector id', idArg, '1')
    .addOption(
      choice('--connector <standard>', 'connector standard', CONNECTOR_STANDARDS).default('IEC_62196_T2'),
    )
    .addOption(choice('--format <format>', 'socket or attached cable', CONNECTOR_FORMATS).default('SOCKET'))
    .addOption(choice('--power-type <type>', 'power type', POWER_TYPES).default('AC_3_PHASE'))
    .option('--max-power <watts>', 'maximum power in W', integerArg(1, 1_000_000), 11000)
    .option('--voltage <volts>', 'maximum voltage', integerArg(1, 1500), 230)
    .option('--amperage <amps>', 'maximum current', integerArg(1, 1000), 16)
    .option('--hours <spec>', "opening hours: 24/7 or e.g. 'mon-fri 08:00-20:00, sat 10:00-14:00'", '24/7')
    .option('--noshow-fee <tokens>', 'take bookings with this no-show fee in tokens, e.g. 5.00', tokensArg)
    .option(
      '--cancel-before <minutes>',
      'free cancellation until this long before a booking',
      integerArg(0, 10080),
      60,
    )
    .option('--max-duration <minutes>', 'longest booking', integerArg(15, 1440), 240)
    .action(
      submitAndShow(
        deps,
        'registerStation',
        (o: RegisterOptions, command) =>
          o.file === undefined ? stationFromFlags(o, command) : stationFromFile(o, command),
        stationFields,
      ),
    );
}

function registerUpdate(station: Command, deps: CliDeps): void {
  leaf(
    station,
    'update',
    'Change status, name, opening hours or booking terms of your station',
    'ecar station update --station home-42 --status INOPERATIVE',
  )
    .requiredOption('--station <id>', 'station id', idArg)
    .addOption(choice('--status <status>', 'availability', STATION_STATUSES))
    .option('--name <text>', 'name drivers see')
    .option('--hours <spec>', "opening hours: 24/7 or e.g. 'mon-fri 08:00-20:00'")
    .option(
      '--noshow-fee <tokens>',
      'booking no-show fee in tokens (with --cancel-before and --max-duration)',
      tokensArg,
    )
    .option(
      '--cancel-before <minutes>',
      'free cancellation until this long before a booking',
      integerArg(0, 10080),
    )
    .option('--max-duration <minutes>', 'longest booking', integerArg(15, 1440))
    .action(
      submitAndShow(
        deps,
        'updateStation',
        (o: UpdateOptions, command) => stationUpdate(o, command),
        stationFields,
      ),
    );
}

function registerPinMeter(station: Command, deps: CliDeps): void {
  leaf(
    station,
    'pin-meter',
    "Pin your wallbox's OCMF signing meter; the key stays unverified (no prices per kWh) until the charging backend pins it or the operator approves it",
    'ecar station pin-meter --station home-42 --vendor KEBA --model KC-P30 --serial 17619300 --public-key meter.pem',
  )
    .requiredOption('--station <id>', 'station id', idArg)
    .requiredOption('--vendor <name>', 'meter vendor')
    .requiredOption('--model <name>', 'meter model')
    .requiredOption('--serial <serial>', 'meter serial as in its OCMF records (MS)')
    .requiredOption('--public-key <key>', 'the meter public key: a PEM file, PEM text or SPKI DER hex')
    .addOption(
      choice(
        '--signature-method <method>',
        'OCMF signature method (default: from the key curve)',
        KNOWN_SIGNATURE_METHODS,
      ),
    )
    .action(
      submitAndShow(
        deps,
        'pinMeter',
        (o: PinOptions, command) => {
          const key = meterKey(o.publicKey, command);
          const signatureMethod = o.signatureMethod ?? key.method;
          if (signatureMethod === undefined)
            usageError(command, 'give --signature-method (the key curve is not known)');
          return {
            stationId: o.station,
            meter: {
              vendor: o.vendor,
              model: o.model,
              serial: o.serial,
              publicKey: key.hex,
              signatureMethod,
            },
          };
        },
        stationFields,
      ),
    );
}

/** True when every ENERGY price of the tariff is at most `max` minor units per kWh. */
function energyPriceAtMost(tariff: JsonObject | undefined, max: bigint): boolean {
  if (tariff === undefined) return false;
  for (const element of list(tariff.elements)) {
    for (const c of list(element.price_components)) {
      const price = c.price;
      if (c.type === 'ENERGY' && typeof price === 'string' && BigInt(price) > max) return false;
    }
  }
  return true;
}
