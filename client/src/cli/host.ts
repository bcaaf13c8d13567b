// Host commands: register and manage a home station (EVSE, opening hours, booking terms, pinned
// OCMF meter), publish tariffs, follow sessions, bookings, earnings, claims and payouts, and answer
// disputes.
import { createPublicKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import type { JsonObject } from '../../../chaincode/src/protocol/json';
import {
  BOOKING_STATUSES,
  CONNECTOR_FORMATS,
  CONNECTOR_STANDARDS,
  DISPUTE_STATEMENT_MAX,
  KNOWN_SIGNATURE_METHODS,
  PARKING_TYPES,
  POWER_TYPES,
  STATION_STATUSES,
} from '../../../chaincode/src/protocol/vocabulary';
import type { LedgerArgs } from '../fabric/ledger-client';
import {
  action,
  choice,
  group,
  idArg,
  integerArg,
  leaf,
  tokensArg,
  newId,
  processDeps,
  usageError,
  type CliDeps,
  type GlobalOptions,
} from './context';
import { committedLine, list, obj, outcome, str, tokensExact } from './format';
import { fields } from './output';
import {
  bookingTable,
  disputeFields,
  sessionTable,
  stationFields,
  stationTable,
  tariffSummary,
  WEEKDAYS,
} from './views';

interface RegisterOptions extends GlobalOptions {
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
interface UpdateOptions extends GlobalOptions {
  readonly station: string;
  readonly status?: string;
  readonly name?: string;
  readonly hours?: string;
  readonly noshowFee?: bigint;
  readonly cancelBefore?: number;
  readonly maxDuration?: number;
}
interface PinOptions extends GlobalOptions {
  readonly station: string;
  readonly serial: string;
  readonly publicKey: string;
  readonly vendor: string;
  readonly model: string;
  readonly signatureMethod?: string;
}
interface StationOptions extends GlobalOptions {
  readonly station: string;
}
interface TariffSetOptions extends GlobalOptions {
  readonly station: string;
  readonly file?: string;
  readonly energy?: bigint;
  readonly time?: bigint;
  readonly flat?: bigint;
  readonly parking?: bigint;
  readonly minPrice?: bigint;
  readonly maxPrice?: bigint;
}
interface TariffShowOptions extends GlobalOptions {
  readonly station: string;
  readonly version?: number;
}
interface HostSessionsOptions extends GlobalOptions {
  readonly status?: string;
  readonly limit?: number;
}
interface HostBookingsOptions extends GlobalOptions {
  readonly station?: string;
  readonly status?: string;
  readonly limit?: number;
}
interface DisputeAnswerOptions extends GlobalOptions {
  readonly session: string;
  readonly statement: string;
}
interface PayoutOptions extends GlobalOptions {
  readonly amount: bigint;
  readonly payoutId?: string;
}
interface DestinationOptions extends GlobalOptions {
  readonly iban?: string;
  readonly reference?: string;
}

const REGISTER_EXAMPLES = [
  'ecar station register --name "Garage wallbox" --country DE --city Berlin --postal-code 10115 \\',
  '    --lat 52.53 --lon 13.38 --street Invalidenstr. --house-number 117 --max-power 11000 --hours 24/7',
  'ecar station register --file station.json',
].join('\n');

/**
 * Registers `station register|update|pin-meter|show|mine`, `tariff set|show`,
 * `host sessions|bookings|earnings|claim|payout` and `dispute answer`.
 */
export function registerHostCommands(program: Command, deps: CliDeps = processDeps()): void {
  const station = group(program, 'station', 'Charging stations: find, register and manage');
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
    .action(async (o: RegisterOptions, command: Command) => {
      const args = o.file === undefined ? stationFromFlags(o, command) : stationFromFile(o, command);
      await action(
        deps,
        async (ctx) => outcome(await (await ctx.ledger()).submit('registerStation', args)),
        (r) => `${stationFields(obj(r.result))}\n${committedLine(r)}`,
      )(o);
    });

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
    .action(async (o: UpdateOptions, command: Command) => {
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
      if (
        o.status === undefined &&
        o.name === undefined &&
        o.hours === undefined &&
        o.noshowFee === undefined
      ) {
        usageError(command, 'name something to change: --status, --name, --hours or the booking terms');
      }
      await action(
        deps,
        async (ctx) => outcome(await (await ctx.ledger()).submit('updateStation', args)),
        (r) => `${stationFields(obj(r.result))}\n${committedLine(r)}`,
      )(o);
    });

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
    .action(async (o: PinOptions, command: Command) => {
      const key = meterKey(o.publicKey, command);
      const signatureMethod = o.signatureMethod ?? key.method;
      if (signatureMethod === undefined)
        usageError(command, 'give --signature-method (the key curve is not known)');
      await action(
        deps,
        async (ctx) =>
          outcome(
            await (
              await ctx.ledger()
            ).submit('pinMeter', {
              stationId: o.station,
              meter: {
                vendor: o.vendor,
                model: o.model,
                serial: o.serial,
                publicKey: key.hex,
                signatureMethod,
              },
            }),
          ),
        (r) => `${stationFields(obj(r.result))}\n${committedLine(r)}`,
      )(o);
    });

  leaf(station, 'show', 'Show a station (public view: no address)', 'ecar station show --station home-42')
    .requiredOption('--station <id>', 'station id', idArg)
    .action(
      action(
        deps,
        async (ctx, o: StationOptions) =>
          obj(await (await ctx.ledger()).evaluate('getStation', { stationId: o.station })),
        (s) => stationFields(s),
      ),
    );
  leaf(station, 'mine', 'List the stations you host', 'ecar station mine').action(
    action(
      deps,
      async (ctx) => list(await (await ctx.ledger()).evaluate('myStations', {})),
      (stations) => stationTable(stations),
    ),
  );

  const tariff = group(program, 'tariff', 'Tariffs (OCPI price components) of your stations');
  leaf(
    tariff,
    'set',
    'Publish a new tariff version for your station (sessions keep the version they started with)',
    [
      'ecar tariff set --station home-42 --energy 0.35 --parking 1.20',
      'ecar tariff set --station home-42 --file tariff.json',
    ].join('\n'),
  )
    .requiredOption('--station <id>', 'station id', idArg)
    .option(
      '--file <file>',
      'the tariff as OCPI JSON {elements:[{price_components:[...]}], min_price, max_price}',
    )
    .option('--energy <tokens>', 'price per kWh in tokens, e.g. 0.35 (needs a pinned meter)', tokensArg)
    .option('--time <tokens>', 'price per hour of charging, in tokens', tokensArg)
    .option('--flat <tokens>', 'price per session, in tokens', tokensArg)
    .option('--parking <tokens>', 'price per hour parked after charging, in tokens', tokensArg)
    .option('--min-price <tokens>', 'minimum session price, in tokens', tokensArg)
    .option('--max-price <tokens>', 'maximum session price, in tokens', tokensArg)
    .action(async (o: TariffSetOptions, command: Command) => {
      const tariffArg =
        o.file === undefined ? tariffFromFlags(o, command) : readJsonFile(o.file, '--file', command);
      await action(
        deps,
        async (ctx) =>
          outcome(
            await (await ctx.ledger()).submit('setTariff', { stationId: o.station, tariff: tariffArg }),
          ),
        (r) => {
          const t = obj(r.result);
          return `${fields([
            ['station', str(t, 'stationId')],
            ['version', str(t, 'version')],
            ['prices', tariffSummary(t.tariff)],
          ])}\n${committedLine(r)}`;
        },
      )(o);
    });
  leaf(
    tariff,
    'show',
    'Show the current (or a given) tariff version of a station',
    'ecar tariff show --station home-42',
  )
    .requiredOption('--station <id>', 'station id', idArg)
    .option('--version <n>', 'tariff version', integerArg(1, 1_000_000_000))
    .action(
      action(
        deps,
        async (ctx, o: TariffShowOptions) =>
          obj(await (await ctx.ledger()).evaluate('getTariff', { stationId: o.station, version: o.version })),
        (t) => {
          const tariffBody = obj(t.tariff);
          return fields([
            ['station', str(t, 'stationId')],
            ['version', str(t, 'version')],
            ['prices', tariffSummary(tariffBody)],
            ['min price', tariffBody.min_price === undefined ? '-' : tokensExact(tariffBody.min_price)],
            ['max price', tariffBody.max_price === undefined ? '-' : tokensExact(tariffBody.max_price)],
          ]);
        },
      ),
    );

  const host = group(program, 'host', 'Hosting: your sessions, bookings, earnings, claims and payouts');
  leaf(host, 'sessions', 'List sessions at your stations', 'ecar host sessions --status COMPLETED')
    .addOption(
      choice('--status <status>', 'only sessions in this status', [
        'ACTIVE',
        'COMPLETED',
        'EXPIRED',
        'INVALID',
      ]),
    )
    .option('--limit <n>', 'look at most at this many of your sessions (1-500)', integerArg(1, 500))
    .action(
      action(
        deps,
        async (ctx, o: HostSessionsOptions) =>
          list(
            await (await ctx.ledger()).evaluate('mySessions', { status: o.status, limit: o.limit }),
          ).filter((s) => s.role === 'HOST'),
        (sessions) => sessionTable(sessions),
      ),
    );
  leaf(
    host,
    'bookings',
    'List the bookings at your stations, newest first',
    ['ecar host bookings', 'ecar host bookings --station home-42 --status CONFIRMED --limit 20'].join('\n'),
  )
    .option('--station <id>', 'only this station (default: every station you host)', idArg)
    .addOption(choice('--status <status>', 'only bookings in this status', BOOKING_STATUSES))
    .option('--limit <n>', 'at most this many (1-500, default 100)', integerArg(1, 500))
    .action(
      action(
        deps,
        async (ctx, o: HostBookingsOptions) =>
          list(
            await (
              await ctx.ledger()
            ).evaluate('stationBookings', { stationId: o.station, status: o.status, limit: o.limit }),
          ),
        (bookings) => bookingTable(bookings),
      ),
    );
  leaf(
    host,
    'earnings',
    'Show your earnings: payable, locked in the dispute window, frozen, paid out',
    'ecar host earnings',
  ).action(
    action(
      deps,
      async (ctx) => obj(await (await ctx.ledger()).evaluate('getBalance', {})),
      (b) => earningsFields(b),
    ),
  );
  leaf(
    host,
    'claim',
    'Move earnings whose dispute window closed into the payable bucket',
    'ecar host claim',
  ).action(
    action(
      deps,
      async (ctx) => outcome(await (await ctx.ledger()).submit('claimEarnings', {})),
      (r) => {
        const c = obj(r.result);
        return `${fields([
          ['claimed', tokensExact(c.claimed)],
          ['earnings claimed', str(c, 'count')],
          ['still locked', str(c, 'stillLocked')],
        ])}\n${committedLine(r)}`;
      },
    ),
  );
  const destination = group(
    host,
    'payout-destination',
    'Where the issuer pays your payouts (sealed; only the issuer reads it)',
  );
  leaf(
    destination,
    'set',
    'Set the IBAN (checksum-checked) or payment reference your payouts go to',
    'ecar host payout-destination set --iban "DE89 3704 0044 0532 0130 00"',
  )
    .option('--iban <iban>', 'your bank account (IBAN; spaces allowed)')
    .option(
      '--reference <ref>',
      'a payment provider reference instead of an IBAN (3-64 of A-Z a-z 0-9 . _ : @ + -)',
    )
    .action(async (o: DestinationOptions, command: Command) => {
      if ((o.iban === undefined) === (o.reference === undefined))
        usageError(command, 'give exactly one of --iban or --reference');
      await action(
        deps,
        async (ctx) =>
          outcome(
            await (
              await ctx.ledger()
            ).submit('setPayoutDestination', { iban: o.iban, reference: o.reference }),
          ),
        (r) => `${destinationFields(obj(r.result))}\n${committedLine(r)}`,
      )(o);
    });
  leaf(
    destination,
    'show',
    'Show your payout destination (masked)',
    'ecar host payout-destination show',
  ).action(
    action(
      deps,
      async (ctx) => await (await ctx.ledger()).evaluate('getPayoutDestination', {}),
      (d) =>
        d === null
          ? "no payout destination: set one with 'ecar host payout-destination set'"
          : destinationFields(obj(d)),
    ),
  );
  leaf(
    host,
    'payout',
    'Request a bank payout of payable earnings; earnings whose dispute window closed are claimed first (the issuer confirms it)',
    'ecar host payout --amount 25.00',
  )
    .requiredOption('--amount <tokens>', 'amount in tokens, e.g. 25.00', tokensArg)
    .option('--payout-id <id>', 'your id for the payout (default: a random one)', idArg)
    .action(
      action(
        deps,
        async (ctx, o: PayoutOptions) =>
          outcome(
            await (
              await ctx.ledger()
            ).submit('requestPayout', {
              payoutId: o.payoutId ?? newId('po'),
              amount: o.amount,
            }),
          ),
        (r) => {
          const p = obj(r.result);
          const claimed =
            p.claimedNow === undefined || p.claimedNow === '0'
              ? ''
              : `\n${fields([['claimed first', tokensExact(p.claimedNow)]])}`;
          return `${payoutFields(p)}${claimed}\n${committedLine(r)}`;
        },
      ),
    );

  const dispute = group(program, 'dispute', 'Disputes about settled sessions');
  leaf(
    dispute,
    'answer',
    'Give your side of a dispute about a session at your station (once, before the operator resolves it)',
    'ecar dispute answer --session s-3f2a9c01d4e5 --statement "the meter was calibrated in January"',
  )
    .requiredOption('--session <id>', 'session id', idArg)
    .requiredOption(
      '--statement <text>',
      `your side, for the driver and the operator (up to ${DISPUTE_STATEMENT_MAX} characters)`,
      statementArg,
    )
    .action(
      action(
        deps,
        async (ctx, o: DisputeAnswerOptions) =>
          outcome(
            await (
              await ctx.ledger()
            ).submit('answerDispute', { sessionId: o.session, statement: o.statement }),
          ),
        (r) => `${disputeFields(obj(r.result))}\n${committedLine(r)}`,
      ),
    );
}

/** A dispute statement: trimmed, 1 to DISPUTE_STATEMENT_MAX characters (the ledger checks it too). */
function statementArg(value: string): string {
  const text = value.trim();
  if (text.length === 0 || text.length > DISPUTE_STATEMENT_MAX) {
    throw new InvalidArgumentError(`expected 1 to ${DISPUTE_STATEMENT_MAX} characters of text`);
  }
  return text;
}

function destinationFields(d: JsonObject): string {
  return fields([
    ['payout destination', `${str(d, 'kind') === 'IBAN' ? 'IBAN' : 'reference'} ${str(d, 'masked')}`],
  ]);
}

export function payoutFields(p: JsonObject): string {
  return fields([
    ['payout', str(p, 'payoutId')],
    ['account', str(p, 'account')],
    ['amount', tokensExact(p.amount)],
    ['status', str(p, 'status')],
    ...(p.reason === undefined ? [] : [['reason', str(p, 'reason')] as const]),
  ]);
}

function earningsFields(b: JsonObject): string {
  const earned = obj(b.earned);
  const held = obj(b.held);
  return fields([
    ['account', str(b, 'account')],
    ['payable (ecar host payout)', tokensExact(earned.payable)],
    ['locked (dispute window)', tokensExact(earned.locked)],
    ['frozen (disputed)', tokensExact(earned.frozen)],
    ['pending payouts', tokensExact(held.payouts)],
  ]);
}

function stationFromFlags(o: RegisterOptions, command: Command): LedgerArgs {
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

function stationFromFile(o: RegisterOptions, command: Command): LedgerArgs {
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

function tariffFromFlags(o: TariffSetOptions, command: Command): LedgerArgs {
  const components: LedgerArgs[] = [];
  if (o.energy !== undefined) components.push({ type: 'ENERGY', price: o.energy, step_size: 1 });
  if (o.time !== undefined) components.push({ type: 'TIME', price: o.time, step_size: 60 });
  if (o.flat !== undefined) components.push({ type: 'FLAT', price: o.flat, step_size: 1 });
  if (o.parking !== undefined) components.push({ type: 'PARKING_TIME', price: o.parking, step_size: 60 });
  if (components.length === 0)
    usageError(command, 'give at least one of --energy, --time, --flat, --parking (or --file)');
  return { elements: [{ price_components: components }], min_price: o.minPrice, max_price: o.maxPrice };
}

/** The meter key as lowercase hex of the SPKI DER, and the OCMF method its curve implies. */
export function meterKey(input: string, command: Command): { hex: string; method?: string } {
  const text = existsSync(input) ? readFileSync(input, 'utf8') : input;
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]+$/.test(trimmed)) {
    return {
      hex: trimmed.toLowerCase(),
      ...curveMethod(() =>
        createPublicKey({ key: Buffer.from(trimmed, 'hex'), format: 'der', type: 'spki' }),
      ),
    };
  }
  try {
    const key = createPublicKey(trimmed);
    const der = key.export({ format: 'der', type: 'spki' });
    return { hex: der.toString('hex'), ...curveMethod(() => key) };
  } catch {
    return usageError(command, '--public-key must be a PEM file, PEM text or the hex of the SPKI DER');
  }
}

const CURVE_METHODS: Readonly<Record<string, string>> = {
  prime256v1: 'ECDSA-secp256r1-SHA256',
  secp384r1: 'ECDSA-secp384r1-SHA256',
  secp256k1: 'ECDSA-secp256k1-SHA256',
  brainpoolP256r1: 'ECDSA-brainpool256r1-SHA256',
};

function curveMethod(key: () => ReturnType<typeof createPublicKey>): { method?: string } {
  try {
    const curve = key().asymmetricKeyDetails?.namedCurve;
    const method = curve === undefined ? undefined : CURVE_METHODS[curve];
    return method === undefined ? {} : { method };
  } catch {
    return {};
  }
}

function readJsonFile(file: string, flag: string, command: Command): JsonObject {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const why = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    return usageError(command, `cannot read ${flag} ${file} (${why})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return usageError(command, `${flag} ${file} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return usageError(command, `${flag} ${file} must hold a JSON object`);
  }
  return value as JsonObject;
}
