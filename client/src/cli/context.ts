// What the ledger commands share: the global options (--profile, --json, --verbose), the process
// dependencies (injectable for tests), the lazily opened profile and ledger session, and the runner
// that prints a result (table or JSON) or one line of error, and sets the exit code.
import { randomBytes } from 'node:crypto';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ACCOUNT_ID_HINT, isAccountId } from '../../../chaincode/src/protocol/account-id';
import { ID_PATTERN, isoTime } from '../../../chaincode/src/protocol/wire-formats';
import {
  parseMoney,
  parseTokenAmount,
  TOKEN_DECIMALS,
  TokenAmountError,
} from '../../../chaincode/src/protocol/units';
import {
  openLedgerSession,
  readAttestationStatus,
  type AttestationStatusReport,
  type LedgerSession,
  type WalletSource,
} from '../app/ledger-session';
import { ProgressLedgerClient } from '../app/progress-ledger';
import type { LedgerClient } from '../fabric/ledger-client';
import { ecarHome, loadProfile, type Profile } from '../profile/profile';
import {
  existingPassphrase,
  terminalPrompt,
  type PassphraseSource,
  type SecretPrompt,
} from '../wallet/passphrase';
import { WalletError } from '../wallet/wallet-error';
import { openWallet, RECOMMENDED_SCRYPT_LOG_N, type WalletInfo } from '../wallet/wallet-file';
import { explainError, firstLine, type ErrorContext, type ExplainedError } from './errors';
import { CommandFailed, toJson } from './output';

export interface GlobalOptions {
  readonly profile?: string;
  readonly json?: boolean;
  readonly verbose?: boolean;
  /** --passphrase-file: the wallet passphrase's file (first line). */
  readonly passphraseFile?: string;
  /** --passphrase-fd: an open descriptor to read the wallet passphrase from (first line). */
  readonly passphraseFd?: number;
}

/** Where this command takes the wallet passphrase from (see wallet/passphrase.ts for the order). */
export function passphraseSource(deps: CliDeps, options: GlobalOptions): PassphraseSource {
  return {
    env: deps.env,
    prompt: deps.prompt,
    warn: deps.stderr,
    ...(options.passphraseFile === undefined ? {} : { file: options.passphraseFile }),
    ...(options.passphraseFd === undefined ? {} : { fd: options.passphraseFd }),
  };
}

/** The hint after unlocking a wallet whose KDF cost is below the recommended one. */
export function upgradeHint(wallet: WalletInfo): string | undefined {
  if (!wallet.upgradeRecommended) return undefined;
  return `ecar: note: the wallet ${wallet.file} uses scrypt N=2^${Math.log2(wallet.kdf.N)}, below the recommended 2^${RECOMMENDED_SCRYPT_LOG_N}: run 'ecar wallet upgrade --file ${wallet.file}' to re-encrypt it\n`;
}

/** Everything a command needs from the process; tests pass fakes. */
export interface CliDeps {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly prompt: SecretPrompt;
  readonly openSession: (profile: Profile, wallet?: WalletSource) => Promise<LedgerSession>;
  readonly attestationStatus: (profile: Profile, now: Date) => Promise<AttestationStatusReport>;
  readonly now: () => Date;
  readonly setExitCode: (code: number) => void;
}

/** The real process: stdout/stderr, the terminal, the network. */
export function processDeps(): CliDeps {
  return {
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    prompt: terminalPrompt(),
    openSession: openLedgerSession,
    attestationStatus: readAttestationStatus,
    now: () => new Date(),
    setExitCode: (code) => {
      process.exitCode = code;
    },
  };
}

/** A command's view of the session: the profile and the ledger, each opened on first use. */
export class CommandContext {
  readonly deps: CliDeps;
  readonly options: GlobalOptions;
  #profile: Profile | undefined;
  #session: LedgerSession | undefined;

  constructor(deps: CliDeps, options: GlobalOptions) {
    this.deps = deps;
    this.options = options;
  }

  get home(): string {
    return ecarHome(this.deps.env);
  }

  /** The name asked for: --profile, else ECAR_PROFILE, else the config's default. */
  get profileName(): string | undefined {
    const fromEnv = this.deps.env.ECAR_PROFILE;
    return this.options.profile ?? (fromEnv === undefined || fromEnv === '' ? undefined : fromEnv);
  }

  profile(): Profile {
    this.#profile ??= loadProfile({
      home: this.home,
      ...(this.profileName === undefined ? {} : { name: this.profileName }),
    });
    return this.#profile;
  }

  /** The loaded profile, if one was loaded (for error sentences). */
  get loadedProfile(): Profile | undefined {
    return this.#profile;
  }

  /** Opens the ledger session (unlocking the wallet in confidential mode); progress on stderr. */
  async ledger(): Promise<LedgerClient> {
    if (this.#session === undefined) {
      const profile = this.profile();
      this.verbose(
        `profile '${profile.name}' (${profile.mode}) → ${profile.endpoint} ${profile.channel}/${profile.chaincode}`,
      );
      this.#session = await this.deps.openSession(profile, this.walletSource(profile));
    }
    const ledger = this.#session.ledger;
    return this.options.json ? ledger : new ProgressLedgerClient(ledger, this.deps.stderr);
  }

  /** How confidential mode unlocks the profile's wallet (asked for only then). */
  walletSource(profile: Profile): WalletSource {
    return async () => {
      const file = profile.wallet;
      if (file === undefined) {
        throw new WalletError(
          'WALLET_MISSING',
          `profile '${profile.name}' names no wallet: ecar init --profile ${profile.name} --wallet FILE`,
        );
      }
      const passphrase = await existingPassphrase(passphraseSource(this.deps, this.options), file);
      const opened = await openWallet(file, passphrase);
      const hint = upgradeHint(opened);
      if (hint !== undefined) this.deps.stderr(hint);
      return opened.keyPair;
    };
  }

  verbose(line: string): void {
    if (this.options.verbose) this.deps.stderr(`${line}\n`);
  }

  close(): void {
    this.#session?.close();
    this.#session = undefined;
  }

  errorContext(): ErrorContext {
    const p = this.#profile;
    return p === undefined
      ? {}
      : { endpoint: p.endpoint, profile: p.name, ...(p.policy === undefined ? {} : { policy: p.policy }) };
  }
}

/**
 * The action of a command: runs `body` with a context, prints `render(result)` (or JSON with
 * --json), closes the session, sets exit code 0; on failure prints one line (or {ok:false, code,
 * error, result} with --json, result being what a CommandFailed carries) and sets 1. `explain`
 * turns the error into code and sentence (ledger commands: explainError; offline checks:
 * explainOffline).
 */
export function action<O extends GlobalOptions, T>(
  deps: CliDeps,
  body: (ctx: CommandContext, options: O) => Promise<T>,
  render: (result: T, options: O) => string,
  explain: (error: unknown, context: ErrorContext) => ExplainedError = explainError,
): (options: O) => Promise<void> {
  return async (options) => {
    const ctx = new CommandContext(deps, options);
    try {
      const result = await body(ctx, options);
      deps.stdout(options.json ? `${toJson(result)}\n` : `${render(result, options)}\n`);
      deps.setExitCode(0);
    } catch (error) {
      const explained = explain(error, ctx.errorContext());
      if (options.json) {
        const result = error instanceof CommandFailed ? error.result : undefined;
        deps.stdout(`${toJson({ ok: false, code: explained.code, error: explained.message, result })}\n`);
      } else {
        deps.stderr(`ecar: ${firstLine(explained.message)}\n`);
      }
      if (options.verbose) {
        for (const line of explained.details) deps.stderr(`  ${line}\n`);
        if (error instanceof Error && error.stack) deps.stderr(`${error.stack}\n`);
      }
      deps.setExitCode(1);
    } finally {
      ctx.close();
    }
  };
}

/** The sub-command `name` of `parent`, created when it is not there yet (groups share parents). */
export function group(parent: Command, name: string, description: string): Command {
  return parent.commands.find((c) => c.name() === name) ?? parent.command(name).description(description);
}

/** A leaf command with the global options and an example in its --help. */
export function leaf(parent: Command, name: string, description: string, examples: string): Command {
  return parent
    .command(name)
    .description(description)
    .option('--profile <name>', 'profile to use (default: ECAR_PROFILE or the default profile)', profileArg)
    .option('--json', 'print JSON for machines (money as decimal strings of minor units)')
    .option('--verbose', 'show details on stderr (profile, endpoint, error details)')
    .option('--passphrase-file <file>', "read the wallet passphrase from this file's first line")
    .option(
      '--passphrase-fd <n>',
      'read the wallet passphrase from this open file descriptor (e.g. 3 with 3<secret-pipe)',
      integerArg(0, 1024),
    )
    .option('--minor-units', 'amounts you type are whole minor units of the token (3490 = 34.90)')
    .hook('preAction', (_leaf, command) => {
      resolveAmounts(command);
    })
    .addHelpText('after', `\n${exampleText(examples)}`);
}

/**
 * The examples of a --help, one per entry of `examples` (lines joined by '\n'); a line ending in
 * ' \\' continues the command, so only a command's first line gets the '$ ' prompt.
 */
export function exampleText(examples: string): string {
  const lines = examples.split('\n');
  const commands = lines.filter((_line, i) => i === 0 || !(lines[i - 1] ?? '').endsWith('\\')).length;
  let continued = false;
  const shown = lines.map((line) => {
    const text = continued ? `      ${line.trimStart()}` : `  $ ${line}`;
    continued = line.endsWith('\\');
    return text;
  });
  return `Example${commands > 1 ? 's' : ''}:\n${shown.join('\n')}`;
}

/** An option limited to a fixed list of values. */
export function choice(flags: string, description: string, values: readonly string[]): Option {
  return new Option(flags, description).choices(values);
}

// Argument parsers: a bad value is a usage error (exit 2) with a sentence saying what is expected.

function profileArg(value: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(value)) {
    throw new InvalidArgumentError('a profile name is 1-64 of A-Z a-z 0-9 . _ -');
  }
  return value;
}

/**
 * An amount as typed, kept until the action knows the unit: tokens with decimals ("34.90"), or whole
 * minor units when the command has --minor-units. resolveAmounts turns it into bigint minor units
 * before any action runs, so option types say bigint.
 */
class TypedAmount {
  constructor(readonly text: string) {}
}

/** An amount of tokens a person types (e.g. 34.90); exact minor units once resolved. */
export function tokensArg(value: string): bigint {
  if (!/^[0-9]+(?:\.[0-9]+)?$/.test(value)) {
    throw new InvalidArgumentError(
      `'${value}' is not an amount: tokens like 34.90 (or whole minor units like 3490 with --minor-units)`,
    );
  }
  return new TypedAmount(value) as unknown as bigint;
}

/** Turns the typed amounts of `command` into bigint minor units (exit 2 when one does not fit the unit). */
function resolveAmounts(command: Command): void {
  const minor = command.getOptionValue('minorUnits') === true;
  for (const option of command.options) {
    const key = option.attributeName();
    const value: unknown = command.getOptionValue(key);
    if (!(value instanceof TypedAmount)) continue;
    command.setOptionValue(key, amountOf(value.text, minor, option.long ?? key, command));
  }
}

function amountOf(text: string, minor: boolean, flag: string, command: Command): bigint {
  if (minor) {
    try {
      return parseMoney(text);
    } catch {
      return usageError(command, `${flag} ${text}: with --minor-units, give whole minor units like 3490`);
    }
  }
  try {
    return parseTokenAmount(text, TOKEN_DECIMALS);
  } catch (error) {
    if (error instanceof TokenAmountError) return usageError(command, `${flag}: ${error.message}`);
    throw error;
  }
}

/** A client-chosen id (stations, sessions, bookings, payouts). */
export function idArg(value: string): string {
  if (!ID_PATTERN.test(value))
    throw new InvalidArgumentError('expected an id of 1-36 characters A-Z a-z 0-9 . _ -');
  return value;
}

/** A ledger caller id (account). */
export function accountArg(value: string): string {
  if (!isAccountId(value)) {
    throw new InvalidArgumentError(`expected ${ACCOUNT_ID_HINT}`);
  }
  return value;
}

/** An RFC 3339 UTC time like 2026-05-01T18:30:00Z. */
export function isoArg(value: string): string {
  try {
    isoTime(value, 'time');
  } catch {
    throw new InvalidArgumentError('expected a UTC time like 2026-05-01T18:30:00Z');
  }
  return value;
}

/** A whole number within bounds. */
export function integerArg(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = /^-?[0-9]{1,16}$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

/** Collects a repeatable option into a list. */
export function collect(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/**
 * A random id for records the client names (sessions, bookings, payouts): prefix + 12 hex digits,
 * or more where ids are global and long-lived (stations: 12 bytes, so they never collide).
 */
export function newId(prefix: string, bytes = 6): string {
  return `${prefix}-${randomBytes(bytes).toString('hex')}`;
}

/** Exit 2 with a usage message (for combinations the option parsers cannot check). */
export function usageError(command: Command, message: string): never {
  return command.error(`error: ${message}`, { exitCode: 2, code: 'ecar.usage' });
}
