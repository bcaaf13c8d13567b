// Consortium operator commands: initialise the ledger (roles and parameters), show and change the
// parameters, and resolve disputes.
import type { Command } from 'commander';
import { KNOWN_SIGNATURE_METHODS } from '../../../chaincode/src/protocol/vocabulary';
import type { JsonObject } from '../../../chaincode/src/protocol/json';
import { isAccountId } from '../../../chaincode/src/protocol/account-id';
import type { ArgsOf } from '../../../chaincode/src/protocol/transactions';
import {
  accountArg,
  collect,
  group,
  idArg,
  integerArg,
  leaf,
  tokensArg,
  processDeps,
  usageError,
  type CliDeps,
  type GlobalOptions,
} from './context';
import { obj, str, tokensExact } from './format';
import { noArgs, showAnswer, submitAndShow } from './ledger-actions';
import { meterKey } from './meter-key';
import { fields } from './output';
import { stationFields } from './views';

interface ParamOptions extends GlobalOptions {
  readonly operator?: string;
  readonly issuer?: string;
  readonly auditor?: readonly string[];
  readonly backend?: readonly string[];
  readonly feeBps?: number;
  readonly holdDefault?: bigint;
  readonly holdMin?: bigint;
  readonly holdMax?: bigint;
  readonly holdExpiry?: number;
  readonly disputeWindow?: number;
  readonly signatureMethod?: readonly string[];
  readonly transfers?: string;
  readonly meterSkew?: number;
  readonly meterPowerTolerance?: number;
  readonly unverifiedMeters?: string;
  readonly addressRelease?: number;
  readonly addressesPerDay?: number;
  readonly mintMax?: bigint;
}
interface ApproveMeterOptions extends GlobalOptions {
  readonly station: string;
  readonly publicKey: string;
}
interface ResolveOptions extends GlobalOptions {
  readonly session: string;
  readonly refund: bigint;
}

function paramFlags(command: Command): Command {
  return command
    .option('--issuer <id>', 'account id of the token issuer', accountArg)
    .option('--auditor <id>', 'account id of an auditor (repeat for more; replaces the list)', collect)
    .option('--backend <id>', 'account id of an OCPP charging backend (repeat; replaces the list)', collect)
    .option('--fee-bps <n>', 'platform fee in basis points (0-10000)', integerArg(0, 10_000))
    .option('--hold-default <tokens>', 'default session hold, in tokens', tokensArg)
    .option('--hold-min <tokens>', 'smallest hold a driver may choose, in tokens', tokensArg)
    .option('--hold-max <tokens>', 'largest hold a driver may choose, in tokens', tokensArg)
    .option(
      '--hold-expiry <seconds>',
      'holds may be released by anyone this long after start',
      integerArg(60, 2_592_000),
    )
    .option(
      '--dispute-window <seconds>',
      'earnings stay locked and disputable this long',
      integerArg(0, 31_536_000),
    )
    .option(
      '--signature-method <method>',
      `accepted OCMF signature method (repeat; replaces the list): ${KNOWN_SIGNATURE_METHODS.join(', ')}`,
      collect,
    )
    .option('--transfers <on|off>', 'allow peer-to-peer token transfers')
    .option('--meter-skew <seconds>', 'tolerated meter clock skew', integerArg(0, 3600))
    .option(
      '--meter-power-tolerance <bps>',
      "energy a settlement accepts beyond the connector's max power × the readings' duration, basis points",
      integerArg(0, 10_000),
    )
    .option('--unverified-meters <on|off>', 'let host-typed meter keys settle prices per kWh (default off)')
    .option(
      '--address-release <seconds>',
      'a booked driver gets the exact address this long before the slot',
      integerArg(0, 604_800),
    )
    .option(
      '--addresses-per-day <n>',
      'distinct station addresses a driver may get in 24 hours',
      integerArg(1, 100),
    )
    .option('--mint-max <tokens>', 'largest single top-up the issuer may mint, in tokens', tokensArg);
}

function paramArgs(o: ParamOptions, command: Command): ArgsOf<'setParams'> {
  for (const method of o.signatureMethod ?? []) {
    if (!(KNOWN_SIGNATURE_METHODS as readonly string[]).includes(method)) {
      usageError(
        command,
        `unknown --signature-method ${method}; known: ${KNOWN_SIGNATURE_METHODS.join(', ')}`,
      );
    }
  }
  for (const id of [...(o.auditor ?? []), ...(o.backend ?? [])]) {
    if (!isAccountId(id))
      usageError(command, `'${id.slice(0, 40)}' is not an account id (see 'ecar whoami')`);
  }
  if (o.transfers !== undefined && o.transfers !== 'on' && o.transfers !== 'off') {
    usageError(command, '--transfers takes on or off');
  }
  if (o.unverifiedMeters !== undefined && o.unverifiedMeters !== 'on' && o.unverifiedMeters !== 'off') {
    usageError(command, '--unverified-meters takes on or off');
  }
  return {
    operator: o.operator,
    issuer: o.issuer,
    auditors: o.auditor,
    backends: o.backend,
    feeBps: o.feeBps,
    holdDefault: o.holdDefault,
    holdMinimum: o.holdMin,
    holdMaximum: o.holdMax,
    holdExpirySeconds: o.holdExpiry,
    disputeWindowSeconds: o.disputeWindow,
    signatureMethods: o.signatureMethod,
    transfersEnabled: o.transfers === undefined ? undefined : o.transfers === 'on',
    meterClockSkewSeconds: o.meterSkew,
    meterPowerToleranceBps: o.meterPowerTolerance,
    allowUnverifiedMeterKeys: o.unverifiedMeters === undefined ? undefined : o.unverifiedMeters === 'on',
    addressReleaseSeconds: o.addressRelease,
    addressReleasesPerDay: o.addressesPerDay,
    mintMaximum: o.mintMax,
  };
}

function paramsFields(p: JsonObject): string {
  const ids = (key: string): string => {
    const value = p[key];
    return Array.isArray(value) && value.length > 0 ? value.join(', ') : '-';
  };
  return fields([
    ['version', str(p, 'version')],
    ['operator', str(p, 'operator')],
    ['issuer', str(p, 'issuer')],
    ['auditors', ids('auditors')],
    ['backends', ids('backends')],
    ['fee', `${str(p, 'feeBps')} bps`],
    ['hold default', tokensExact(p.holdDefault)],
    ['hold minimum', tokensExact(p.holdMinimum)],
    ['hold maximum', tokensExact(p.holdMaximum)],
    ['hold expiry', `${str(p, 'holdExpirySeconds')} s`],
    ['dispute window', seconds(str(p, 'disputeWindowSeconds'))],
    ['signature methods', ids('signatureMethods')],
    ['transfers', p.transfersEnabled === true ? 'on' : 'off'],
    ['meter clock skew', `${str(p, 'meterClockSkewSeconds')} s`],
    ['power tolerance', `${str(p, 'meterPowerToleranceBps')} bps over max power × duration`],
    // labels no longer than 'signature methods', so the column stays where scripts expect it
    ['unverified meters', p.allowUnverifiedMeterKeys === true ? 'allowed' : 'refused for prices per kWh'],
    ['address release', `${str(p, 'addressReleaseSeconds')} s before the slot`],
    ['addresses per day', str(p, 'addressReleasesPerDay')],
    ['mint maximum', p.mintMaximum === undefined ? '-' : tokensExact(p.mintMaximum)],
  ]);
}

/** Seconds, with the minutes, hours or days they make when that reads better ("900 s (15 min)"). */
function seconds(text: string): string {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 60) return `${text} s`;
  const [unit, size] = n % 86_400 === 0 ? ['d', 86_400] : n % 3600 === 0 ? ['h', 3600] : ['min', 60];
  return `${text} s (${Math.round((n / size) * 10) / 10} ${unit})`;
}

/** Registers `operator init`, `operator params show|set`, `operator approve-meter`, `operator dispute resolve`. */
export function registerOperatorCommands(program: Command, deps: CliDeps = processDeps()): void {
  const operator = group(program, 'operator', 'Consortium operator: ledger roles and parameters');
  paramFlags(
    leaf(
      operator,
      'init',
      'Initialise the ledger once: you become the operator; names the issuer and sets the parameters',
      'ecar operator init --issuer x509:AbC... --auditor x509:DeF... --hold-default 30.00 --fee-bps 1000',
    ),
  ).action(
    submitAndShow(
      deps,
      'initialize',
      (o: ParamOptions, command) => {
        const { issuer, holdDefault } = o;
        if (issuer === undefined || holdDefault === undefined)
          return usageError(command, 'operator init needs --issuer and --hold-default');
        return { ...paramArgs(o, command), issuer, holdDefault };
      },
      paramsFields,
    ),
  );

  const params = group(operator, 'params', 'Ledger parameters');
  leaf(params, 'show', 'Show the parameters and role holders', 'ecar operator params show').action(
    showAnswer(deps, 'getParams', noArgs, paramsFields),
  );
  paramFlags(
    leaf(
      params,
      'set',
      'Change parameters or role holders (only the operator)',
      'ecar operator params set --fee-bps 800 --dispute-window 259200',
    ),
  )
    .option('--operator <id>', 'hand the operator role to this account', accountArg)
    .action(
      submitAndShow(
        deps,
        'setParams',
        (o: ParamOptions, command) => {
          const args = paramArgs(o, command);
          if (Object.values(args as Record<string, unknown>).every((v) => v === undefined))
            usageError(command, 'name at least one parameter to change');
          return args;
        },
        paramsFields,
      ),
    );

  leaf(
    operator,
    'approve-meter',
    'Approve the meter key pinned on a station (after checking it against the wallbox), so it settles prices per kWh',
    'ecar operator approve-meter --station home-42 --public-key meter.pem',
  )
    .requiredOption('--station <id>', 'station id', idArg)
    .requiredOption('--public-key <key>', 'the key you checked: a PEM file, PEM text or SPKI DER hex')
    .action(
      submitAndShow(
        deps,
        'approveMeter',
        (o: ApproveMeterOptions, command) => ({
          stationId: o.station,
          publicKey: meterKey(o.publicKey, command).hex,
        }),
        stationFields,
      ),
    );

  const dispute = group(operator, 'dispute', 'Disputes');
  leaf(
    dispute,
    'resolve',
    "Resolve an open dispute: refund part or all of the host's earning to the driver",
    'ecar operator dispute resolve --session s-3f2a9c01d4e5 --refund 12.00',
  )
    .requiredOption('--session <id>', 'session id', idArg)
    .requiredOption('--refund <tokens>', 'refund to the driver in tokens (0 = none)', tokensArg)
    .action(
      submitAndShow(
        deps,
        'resolveDispute',
        (o: ResolveOptions) => ({ sessionId: o.session, refund: o.refund }),
        (result) => {
          const d = obj(result.dispute);
          return fields([
            ['session', str(d, 'sessionId')],
            ['status', str(d, 'status')],
            ['refund', tokensExact(d.refund)],
            ['credit CDR', str(d, 'creditCdrId')],
          ]);
        },
      ),
    );
}
