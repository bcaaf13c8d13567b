// Driver commands: balance, finding stations and their address, bookings, charging sessions
// (authorise, start, stop with the wallbox's OCMF export), CDRs, disputes and ratings.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { JsonObject } from '../../../chaincode/src/protocol/json';
import {
  BOOKING_STATUSES,
  CONNECTOR_STANDARDS,
  POWER_TYPES,
} from '../../../chaincode/src/protocol/vocabulary';
import { EcarError, isErrorCode } from '../../../chaincode/src/protocol/errors';
import { readSafeXml } from '../meter/safe-xml';
import {
  action,
  choice,
  collect,
  group,
  idArg,
  integerArg,
  isoArg,
  leaf,
  tokensArg,
  newId,
  processDeps,
  usageError,
  type CliDeps,
  type GlobalOptions,
} from './context';
import { committedLine, list, obj, outcome, str, type SubmitOutcome } from './format';
import { CommandFailed, fields } from './output';
import {
  balanceFields,
  bookingFields,
  bookingTable,
  cdrFields,
  cdrTable,
  sessionFields,
  sessionTable,
  stationTable,
  tariffSummary,
  disputeFields,
} from './views';

const SESSION_STATUSES = ['ACTIVE', 'COMPLETED', 'EXPIRED', 'INVALID'] as const;

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
interface BookingCreateOptions extends GlobalOptions {
  readonly station: string;
  readonly evse: string;
  readonly from: string;
  readonly to: string;
  readonly bookingId?: string;
  readonly acceptNoFreeCancel?: boolean;
}
interface BookingOptions extends GlobalOptions {
  readonly booking: string;
}
interface BookingListOptions extends GlobalOptions {
  readonly status?: string;
  readonly limit?: number;
}
interface StartOptions extends GlobalOptions {
  readonly station: string;
  readonly evse: string;
  readonly connector: string;
  readonly hold?: bigint;
  readonly sessionId?: string;
}
interface StopOptions extends GlobalOptions {
  readonly session: string;
  readonly ocmf?: readonly string[];
  readonly xml?: string;
  readonly unmetered?: boolean;
}
interface SessionOptions extends GlobalOptions {
  readonly session: string;
}
interface ListOptions extends GlobalOptions {
  readonly status?: string;
  readonly limit?: number;
}
interface DisputeOptions extends GlobalOptions {
  readonly session: string;
  readonly reason: string;
}
interface RateOptions extends GlobalOptions {
  readonly session: string;
  readonly score: number;
  readonly comment?: string;
}

/** Registers `ecar balance`, `station search|address`, `booking`, `session`, `cdr`, `dispute`, `rate`. */
export function registerDriverCommands(program: Command, deps: CliDeps = processDeps()): void {
  leaf(
    program,
    'balance',
    'Show your token buckets: purchased, earned, held',
    'ecar balance --profile driver',
  ).action(
    action(
      deps,
      async (ctx) => obj(await (await ctx.ledger()).evaluate('getBalance', {})),
      (balance) => balanceFields(balance),
    ),
  );

  const station = group(program, 'station', 'Charging stations: find, register and manage');
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
          obj((await (await ctx.ledger()).submit('getStationAddress', { stationId: o.station })).result),
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

  const booking = group(program, 'booking', 'Bookings: reserve an EVSE for a time slot');
  leaf(
    booking,
    'create',
    "Book an EVSE for a time slot; the station's no-show fee is held",
    'ecar booking create --station home-42 --evse EVSE-1 --from 2026-05-01T18:00:00Z --to 2026-05-01T20:00:00Z',
  )
    .requiredOption('--station <id>', 'station id', idArg)
    .requiredOption('--evse <uid>', 'EVSE uid', idArg)
    .requiredOption('--from <time>', 'start, UTC, e.g. 2026-05-01T18:00:00Z', isoArg)
    .requiredOption('--to <time>', 'end, UTC', isoArg)
    .option('--booking-id <id>', 'your id for the booking (default: a random one)', idArg)
    .option(
      '--accept-no-free-cancel',
      'book even when free cancellation is already over (cancelling or not showing up then costs the no-show fee)',
    )
    .hook('preAction', (_create, command) => {
      const o = command.opts<BookingCreateOptions>();
      if (Date.parse(o.to) <= Date.parse(o.from)) usageError(command, '--to must be after --from');
    })
    .action(
      action(
        deps,
        async (ctx, o: BookingCreateOptions) =>
          outcome(
            await (
              await ctx.ledger()
            ).submit('createBooking', {
              bookingId: o.bookingId ?? newId('bk'),
              stationId: o.station,
              evseUid: o.evse,
              startAt: o.from,
              endAt: o.to,
              acceptNoFreeCancellation: o.acceptNoFreeCancel === true ? true : undefined,
            }),
          ),
        (r) => `${bookingFields(obj(r.result))}\n${committedLine(r)}`,
      ),
    );
  leaf(
    booking,
    'list',
    'List your bookings, newest first (ids for booking cancel and show)',
    'ecar booking list --status CONFIRMED',
  )
    .addOption(choice('--status <status>', 'only bookings in this status', BOOKING_STATUSES))
    .option('--limit <n>', 'at most this many (1-500, default 100)', integerArg(1, 500))
    .action(
      action(
        deps,
        async (ctx, o: BookingListOptions) =>
          list(await (await ctx.ledger()).evaluate('myBookings', { status: o.status, limit: o.limit })),
        (bookings) => bookingTable(bookings),
      ),
    );
  leaf(
    booking,
    'show',
    'Show one booking (yours, or one at a station you host)',
    'ecar booking show --booking bk-3f2a9c01d4e5',
  )
    .requiredOption('--booking <id>', 'booking id', idArg)
    .action(
      action(
        deps,
        async (ctx, o: BookingOptions) =>
          obj(await (await ctx.ledger()).evaluate('getBooking', { bookingId: o.booking })),
        (b) => bookingFields(b),
      ),
    );
  leaf(
    booking,
    'cancel',
    'Cancel a booking (free until the station’s cancellation deadline)',
    'ecar booking cancel --booking bk-3f2a9c01d4e5',
  )
    .requiredOption('--booking <id>', 'booking id', idArg)
    .action(
      action(
        deps,
        async (ctx, o: BookingOptions) =>
          outcome(await (await ctx.ledger()).submit('cancelBooking', { bookingId: o.booking })),
        (r) => `${bookingFields(obj(r.result))}\n${committedLine(r)}`,
      ),
    );

  const session = group(program, 'session', 'Charging sessions');
  const startFlags = (command: Command): Command =>
    command
      .requiredOption('--station <id>', 'station id', idArg)
      .requiredOption('--evse <uid>', 'EVSE uid', idArg)
      .requiredOption('--connector <id>', 'connector id', idArg)
      .option('--hold <tokens>', 'tokens to hold, e.g. 30.00 (default: the ledger’s holdDefault)', tokensArg);
  startFlags(
    leaf(
      session,
      'authorize',
      'Ask whether a session could start now (OCPP authorisation status), without starting it',
      'ecar session authorize --station home-42 --evse EVSE-1 --connector 1 --hold 30',
    ),
  ).action(
    action(
      deps,
      async (ctx, o: StartOptions) => {
        const answer = obj(
          await (
            await ctx.ledger()
          ).evaluate('canAuthorize', {
            stationId: o.station,
            evseUid: o.evse,
            connectorId: o.connector,
            holdAmount: o.hold,
          }),
        );
        if (str(answer, 'status') !== 'Accepted') throw authorizationRefused(answer);
        return answer;
      },
      () => 'Accepted',
    ),
  );
  startFlags(
    leaf(
      session,
      'start',
      'Start charging: places the hold, locks the EVSE, freezes the tariff version',
      'ecar session start --station home-42 --evse EVSE-1 --connector 1 --hold 30',
    ),
  )
    .option('--session-id <id>', 'your id for the session (default: a random one)', idArg)
    .action(
      action(
        deps,
        async (ctx, o: StartOptions) =>
          outcome(
            await (
              await ctx.ledger()
            ).submit('startSession', {
              sessionId: o.sessionId ?? newId('s'),
              stationId: o.station,
              evseUid: o.evse,
              connectorId: o.connector,
              holdAmount: o.hold,
            }),
          ),
        (r) => `${sessionFields(obj(r.result))}\n${committedLine(r)}`,
      ),
    );
  leaf(
    session,
    'stop',
    "Stop charging and settle from the wallbox's signed OCMF meter records",
    [
      'ecar session stop --session s-3f2a9c01d4e5 --xml wallbox-export.xml',
      "ecar session stop --session s-3f2a9c01d4e5 --ocmf 'OCMF|{...B...}|{...}' --ocmf 'OCMF|{...E...}|{...}'",
      'ecar session stop --session s-3f2a9c01d4e5 --unmetered      # a station priced by time only',
    ].join('\n'),
  )
    .requiredOption('--session <id>', 'session id', idArg)
    .option(
      '--ocmf <record>',
      "a signed OCMF record 'OCMF|{payload}|{signature}' (repeat for begin and end)",
      collect,
    )
    .option('--xml <file>', 'the S.A.F.E. transparency XML export of the wallbox')
    .option('--unmetered', 'the station has no pinned meter: settle by time, flat and parking prices')
    .action(async (o: StopOptions, command: Command) => {
      const records = meterRecords(o, command);
      await action(
        deps,
        async (ctx, opts: StopOptions) =>
          outcome(
            await (
              await ctx.ledger()
            ).submit('stopSession', {
              sessionId: opts.session,
              ocmf: records.length === 0 ? undefined : records,
            }),
          ),
        (r: SubmitOutcome) => {
          const result = obj(r.result);
          return `${cdrFields(obj(result.cdr))}\n${committedLine(r)}`;
        },
      )(o);
    });
  leaf(session, 'show', 'Show one of your sessions', 'ecar session show --session s-3f2a9c01d4e5')
    .requiredOption('--session <id>', 'session id', idArg)
    .action(
      action(
        deps,
        async (ctx, o: SessionOptions) =>
          obj(await (await ctx.ledger()).evaluate('getSession', { sessionId: o.session })),
        (s) => sessionFields(s),
      ),
    );
  listFlags(
    leaf(session, 'list', 'List your sessions (as driver and as host)', 'ecar session list --status ACTIVE'),
  ).action(
    action(
      deps,
      async (ctx, o: ListOptions) =>
        list(await (await ctx.ledger()).evaluate('mySessions', { status: o.status, limit: o.limit })),
      (sessions) => sessionTable(sessions),
    ),
  );

  const cdr = group(program, 'cdr', 'Charge detail records');
  leaf(cdr, 'list', 'List your charge detail records (and credit CDRs)', 'ecar cdr list --limit 20')
    .option('--limit <n>', 'at most this many (1-500, default 100)', integerArg(1, 500))
    .action(
      action(
        deps,
        async (ctx, o: ListOptions) =>
          list(await (await ctx.ledger()).evaluate('myCdrs', { limit: o.limit })),
        (cdrs) => cdrTable(cdrs),
      ),
    );

  const dispute = group(program, 'dispute', 'Disputes about settled sessions');
  leaf(
    dispute,
    'open',
    "Dispute a settled session within the dispute window (freezes the host's earning)",
    'ecar dispute open --session s-3f2a9c01d4e5 --reason "charged for 40 kWh, car got 12"',
  )
    .requiredOption('--session <id>', 'session id', idArg)
    .requiredOption('--reason <text>', 'what is wrong (up to 500 characters)')
    .action(
      action(
        deps,
        async (ctx, o: DisputeOptions) =>
          outcome(
            await (await ctx.ledger()).submit('openDispute', { sessionId: o.session, reason: o.reason }),
          ),
        (r) => `${disputeFields(obj(r.result))}\n${committedLine(r)}`,
      ),
    );
  leaf(dispute, 'show', 'Show the dispute of a session', 'ecar dispute show --session s-3f2a9c01d4e5')
    .requiredOption('--session <id>', 'session id', idArg)
    .action(
      action(
        deps,
        async (ctx, o: SessionOptions) =>
          obj(await (await ctx.ledger()).evaluate('getDispute', { sessionId: o.session })),
        (d) => disputeFields(d),
      ),
    );

  leaf(
    program,
    'rate',
    'Rate a completed session once (drivers rate the station, hosts the driver)',
    'ecar rate --session s-3f2a9c01d4e5 --score 5 --comment "easy to find"',
  )
    .requiredOption('--session <id>', 'session id', idArg)
    .requiredOption('--score <1-5>', 'score from 1 to 5', integerArg(1, 5))
    .option('--comment <text>', 'up to 280 characters')
    .action(
      action(
        deps,
        async (ctx, o: RateOptions) =>
          outcome(
            await (
              await ctx.ledger()
            ).submit('rateSession', {
              sessionId: o.session,
              score: o.score,
              comment: o.comment,
            }),
          ),
        (r) => {
          const rating = obj(r.result);
          return `rated session ${str(rating, 'sessionId')} as ${str(rating, 'party')}: ${str(rating, 'score')}/5\n${committedLine(r)}`;
        },
      ),
    );
}

function listFlags(command: Command): Command {
  return command
    .addOption(choice('--status <status>', 'only sessions in this status', SESSION_STATUSES))
    .option('--limit <n>', 'at most this many (1-500, default 100)', integerArg(1, 500));
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

function readXmlFile(file: string, command: Command): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const why = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    return usageError(command, `cannot read --xml ${file} (${why})`);
  }
}

/** The OCMF records of a transparency export, in document order. */
function ocmfRecordsFromXml(xml: string): string[] {
  return readSafeXml(xml)
    .filter((v) => v.format.toUpperCase() === 'OCMF')
    .map((v) => v.signedData);
}

/** The meter records session stop sends, checked before any network work (exit 2 when unusable). */
function meterRecords(o: StopOptions, command: Command): readonly string[] {
  const given = [o.ocmf, o.xml, o.unmetered].filter((g) => g !== undefined).length;
  if (given === 0) {
    return usageError(
      command,
      "give the wallbox's meter data: --xml FILE (its S.A.F.E. export) or --ocmf RECORD twice (begin and end), or --unmetered for a station without a pinned meter",
    );
  }
  if (given > 1) return usageError(command, 'give one of --xml, --ocmf or --unmetered');
  if (o.unmetered === true) return [];
  const records = o.xml === undefined ? (o.ocmf ?? []) : readXmlRecords(o.xml, command);
  if (records.length === 0) {
    return usageError(command, `--xml ${o.xml ?? ''} holds no OCMF records: is it the wallbox's export?`);
  }
  if (records.length > MAX_METER_RECORDS) {
    return usageError(
      command,
      `${records.length} OCMF records given: a session settles from its begin and end records (at most ${MAX_METER_RECORDS})`,
    );
  }
  return records;
}

/** Records of one session: begin and end (one record may carry both). */
const MAX_METER_RECORDS = 2;

function readXmlRecords(file: string, command: Command): string[] {
  const text = readXmlFile(file, command);
  try {
    return ocmfRecordsFromXml(text);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return usageError(command, `--xml ${file} is not a S.A.F.E. transparency export (${why})`);
  }
}

/** A canAuthorize answer other than Accepted, as the failure every command reports (exit 1, --json envelope). */
function authorizationRefused(answer: JsonObject): CommandFailed {
  const status = str(answer, 'status');
  const code = str(answer, 'code');
  const reason = str(answer, 'reason');
  if (!isErrorCode(code)) return new CommandFailed(`${status}: ${reason}`, answer);
  return new CommandFailed(`not authorized (${status})`, answer, new EcarError(code, reason));
}
