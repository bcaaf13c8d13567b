// Where a wallet passphrase comes from, first match wins: --passphrase-fd N (a pipe the caller
// opened), --passphrase-file FILE, ECAR_WALLET_PASSPHRASE_FILE, ECAR_WALLET_PASSPHRASE (CI; other
// processes of the same user can read a process's environment, so a warning goes to stderr unless
// CI=true), else a hidden prompt on the terminal. Never echoed, never logged.
import { readFileSync } from 'node:fs';
import { WalletError } from './wallet-error';

export const PASSPHRASE_ENV = 'ECAR_WALLET_PASSPHRASE';
export const PASSPHRASE_FILE_ENV = 'ECAR_WALLET_PASSPHRASE_FILE';
/** New wallets need at least this many characters. */
export const MIN_PASSPHRASE_LENGTH = 8;
/** A passphrase file or descriptor is read up to this many bytes. */
const MAX_PASSPHRASE_BYTES = 4096;

/** Asks for a secret without echo; undefined when there is no terminal to ask on. */
export type SecretPrompt = (question: string) => Promise<string | undefined>;

export interface PassphraseSource {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly prompt: SecretPrompt;
  /** --passphrase-file: a file whose first line is the passphrase. */
  readonly file?: string;
  /** --passphrase-fd: an open descriptor (e.g. a pipe) whose first line is the passphrase. */
  readonly fd?: number;
  /** Receives the warning about a passphrase in the environment (stderr); none when omitted. */
  readonly warn?: (line: string) => void;
}

/** The warning printed when the passphrase comes from ECAR_WALLET_PASSPHRASE outside CI. */
export const ENV_PASSPHRASE_WARNING = `ecar: warning: ${PASSPHRASE_ENV} is readable by other processes of your user (/proc/<pid>/environ) and inherited by child processes; prefer --passphrase-file, --passphrase-fd or ${PASSPHRASE_FILE_ENV} (this warning is not shown when CI=true)`;

/**
 * The passphrase given without a terminal (descriptor, file, variable), or undefined.
 * @throws WalletError WALLET_PASSPHRASE when a named file or descriptor cannot be read or is empty.
 */
export function givenPassphrase(source: PassphraseSource, wallet: string): string | undefined {
  if (source.fd !== undefined) return readSecret(source.fd, `--passphrase-fd ${source.fd}`, wallet);
  if (source.file !== undefined) return readSecret(source.file, `--passphrase-file ${source.file}`, wallet);
  const envFile = source.env[PASSPHRASE_FILE_ENV];
  if (envFile !== undefined && envFile !== '')
    return readSecret(envFile, `${PASSPHRASE_FILE_ENV} ${envFile}`, wallet);
  const fromEnv = source.env[PASSPHRASE_ENV];
  if (fromEnv === undefined || fromEnv === '') return undefined;
  if (source.env.CI !== 'true') source.warn?.(`${ENV_PASSPHRASE_WARNING}\n`);
  return fromEnv;
}

/**
 * The passphrase of an existing wallet.
 * @throws WalletError WALLET_PASSPHRASE when no source gives one and there is no terminal.
 */
export async function existingPassphrase(source: PassphraseSource, file: string): Promise<string> {
  const given = givenPassphrase(source, file);
  if (given !== undefined) return given;
  const answer = await source.prompt(`Passphrase for ${file}: `);
  if (answer === undefined) throw noPassphrase(file);
  return answer;
}

/**
 * The passphrase for a new wallet: asked twice on a terminal; at least MIN_PASSPHRASE_LENGTH characters.
 * @throws WalletError WALLET_PASSPHRASE when missing, too short or the two entries differ.
 */
export async function newPassphrase(source: PassphraseSource, file: string): Promise<string> {
  let passphrase = givenPassphrase(source, file);
  if (passphrase === undefined) {
    const first = await source.prompt(`New passphrase for ${file}: `);
    if (first === undefined) throw noPassphrase(file);
    const second = await source.prompt('Repeat the passphrase: ');
    if (second !== first)
      throw new WalletError('WALLET_PASSPHRASE', 'the two passphrases differ; try again', file);
    passphrase = first;
  }
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
    throw new WalletError(
      'WALLET_PASSPHRASE',
      `the passphrase needs at least ${MIN_PASSPHRASE_LENGTH} characters`,
      file,
    );
  }
  return passphrase;
}

/** The first line of a file or descriptor (without its line end); the rest is ignored. */
function readSecret(from: string | number, what: string, wallet: string): string {
  let text: string;
  try {
    const bytes = readFileSync(from);
    text = bytes.subarray(0, MAX_PASSPHRASE_BYTES).toString('utf8');
    bytes.fill(0);
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    throw new WalletError('WALLET_PASSPHRASE', `cannot read the passphrase from ${what} (${code})`, wallet);
  }
  const [line = ''] = text.split(/\r?\n/, 1);
  if (line === '')
    throw new WalletError(
      'WALLET_PASSPHRASE',
      `${what} holds no passphrase (its first line is empty)`,
      wallet,
    );
  return line;
}

function noPassphrase(file: string): WalletError {
  return new WalletError(
    'WALLET_PASSPHRASE',
    `no passphrase for ${file}: run in a terminal, or give --passphrase-file FILE, --passphrase-fd N or ${PASSPHRASE_FILE_ENV} (or set ${PASSPHRASE_ENV})`,
    file,
  );
}

/** A hidden prompt on the process's terminal (raw mode, no echo); undefined when stdin is not a TTY. */
export function terminalPrompt(
  input: NodeJS.ReadStream = process.stdin,
  output: NodeJS.WriteStream = process.stderr,
): SecretPrompt {
  return (question) => {
    if (!input.isTTY) return Promise.resolve(undefined);
    return new Promise((resolveAnswer, reject) => {
      let answer = '';
      output.write(question);
      input.setRawMode(true);
      input.resume();
      input.setEncoding('utf8');
      const finish = (): void => {
        input.setRawMode(false);
        input.pause();
        input.removeListener('data', onData);
        output.write('\n');
      };
      const onData = (chunk: string): void => {
        for (const ch of chunk) {
          if (ch === '\r' || ch === '\n' || ch === '\u0004') {
            finish();
            resolveAnswer(answer);
            return;
          }
          if (ch === '\u0003') {
            finish();
            reject(new WalletError('WALLET_PASSPHRASE', 'cancelled'));
            return;
          }
          if (ch === '\u007f' || ch === '\b') answer = answer.slice(0, -1);
          else answer += ch;
        }
      };
      input.on('data', onData);
    });
  };
}
