// `ecar session`: ask whether a session could start, start one (hold, EVSE lock, frozen tariff),
// stop it with the wallbox's signed OCMF records, show and list sessions; `ecar cdr list` and
// `ecar rate` for what a settled session leaves.
import type { Command } from 'commander';
import type { JsonObject } from '../../../chaincode/src/protocol/json';
import { EcarError, isErrorCode } from '../../../chaincode/src/protocol/errors';
import { readSafeXml } from '../meter/safe-xml';
import {
  action,
  choice,
  collect,
  group,
  idArg,
  integerArg,
  leaf,
  newId,
  processDeps,
  tokensArg,
  usageError,
  type CliDeps,
  type GlobalOptions,
} from './context';
import { obj, str } from './format';
import { readTextFile } from './input-files';
import { listAnswer, showAnswer, submitAndShow } from './ledger-actions';
import { CommandFailed } from './output';
import { cdrFields, cdrTable, sessionFields, sessionTable } from './views';
import type { SessionStatus } from '../../../chaincode/src/protocol/records';

const SESSION_STATUSES = ['ACTIVE', 'COMPLETED', 'EXPIRED', 'INVALID'] as const;

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
  readonly status?: SessionStatus;
  readonly limit?: number;
}
interface RateOptions extends GlobalOptions {
  readonly session: string;
  readonly score: number;
  readonly comment?: string;
}

/** Records of one session: begin and end (one record may carry both). */
const MAX_METER_RECORDS = 2;

/** Registers `session authorize|start|stop|show|list`. */
export function registerSessionCommands(program: Command, deps: CliDeps = processDeps()): void {
  const session = group(program, 'session', 'Charging sessions');
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
      submitAndShow(
        deps,
        'startSession',
        (o: StartOptions) => ({
          sessionId: o.sessionId ?? newId('s'),
          stationId: o.station,
          evseUid: o.evse,
          connectorId: o.connector,
          holdAmount: o.hold,
        }),
        sessionFields,
      ),
    );
  registerStop(session, deps);
  leaf(session, 'show', 'Show one of your sessions', 'ecar session show --session s-3f2a9c01d4e5')
    .requiredOption('--session <id>', 'session id', idArg)
    .action(showAnswer(deps, 'getSession', (o: SessionOptions) => ({ sessionId: o.session }), sessionFields));
  leaf(session, 'list', 'List your sessions (as driver and as host)', 'ecar session list --status ACTIVE')
    .addOption(choice('--status <status>', 'only sessions in this status', SESSION_STATUSES))
    .option('--limit <n>', 'at most this many (1-500, default 100)', integerArg(1, 500))
    .action(
      listAnswer(
        deps,
        'mySessions',
        (o: ListOptions) => ({ status: o.status, limit: o.limit }),
        sessionTable,
      ),
    );
}

/** Registers `cdr list`. */
export function registerCdrCommands(program: Command, deps: CliDeps = processDeps()): void {
  const cdr = group(program, 'cdr', 'Charge detail records');
  leaf(cdr, 'list', 'List your charge detail records (and credit CDRs)', 'ecar cdr list --limit 20')
    .option('--limit <n>', 'at most this many (1-500, default 100)', integerArg(1, 500))
    .action(listAnswer(deps, 'myCdrs', (o: ListOptions) => ({ limit: o.limit }), cdrTable));
}

/** Registers `rate`. */
export function registerRateCommand(program: Command, deps: CliDeps = processDeps()): void {
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
      submitAndShow(
        deps,
        'rateSession',
        (o: RateOptions) => ({ sessionId: o.session, score: o.score, comment: o.comment }),
        (rating) =>
          `rated session ${str(rating, 'sessionId')} as ${str(rating, 'party')}: ${str(rating, 'score')}/5`,
      ),
    );
}

function startFlags(command: Command): Command {
  return command
    .requiredOption('--station <id>', 'station id', idArg)
    .requiredOption('--evse <uid>', 'EVSE uid', idArg)
    .requiredOption('--connector <id>', 'connector id', idArg)
    .option('--hold <tokens>', 'tokens to hold, e.g. 30.00 (default: the ledger’s holdDefault)', tokensArg);
}

function registerStop(session: Command, deps: CliDeps): void {
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
    .action(
      submitAndShow(
        deps,
        'stopSession',
        (o: StopOptions, command) => {
          const records = meterRecords(o, command);
          return { sessionId: o.session, ocmf: records.length === 0 ? undefined : records };
        },
        (result) => cdrFields(obj(result.cdr)),
      ),
    );
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

/** The OCMF records of a transparency export file, in document order (exit 2 when it is not one). */
function readXmlRecords(file: string, command: Command): string[] {
  const text = readTextFile(file, '--xml', command);
  try {
    return readSafeXml(text)
      .filter((v) => v.format.toUpperCase() === 'OCMF')
      .map((v) => v.signedData);
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
