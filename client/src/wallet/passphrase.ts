// Where a wallet passphrase comes from: ECAR_WALLET_PASSPHRASE (scripts, CI) or a hidden prompt on
// the terminal. Never echoed, never logged.
import { WalletError } from './wallet-error';

export const PASSPHRASE_ENV = 'ECAR_WALLET_PASSPHRASE';
/** New wallets need at least this many characters. */
export const MIN_PASSPHRASE_LENGTH = 8;

/** Asks for a secret without echo; undefined when there is no terminal to ask on. */
export type SecretPrompt = (question: string) => Promise<string | undefined>;

export interface PassphraseSource {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly prompt: SecretPrompt;
}

/**
 * The passphrase of an existing wallet.
 * @throws WalletError WALLET_PASSPHRASE when there is neither the variable nor a terminal.
 */
export async function existingPassphrase(source: PassphraseSource, file: string): Promise<string> {
  const fromEnv = source.env[PASSPHRASE_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const answer = await source.prompt(`Passphrase for ${file}: `);
  if (answer === undefined) throw noPassphrase(file);
  return answer;
}

/**
 * The passphrase for a new wallet: asked twice on a terminal; at least MIN_PASSPHRASE_LENGTH characters.
 * @throws WalletError WALLET_PASSPHRASE when missing, too short or the two entries differ.
 */
export async function newPassphrase(source: PassphraseSource, file: string): Promise<string> {
  let passphrase = source.env[PASSPHRASE_ENV];
  if (passphrase === undefined || passphrase === '') {
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

function noPassphrase(file: string): WalletError {
  return new WalletError(
    'WALLET_PASSPHRASE',
    `no passphrase for ${file}: run in a terminal or set ${PASSPHRASE_ENV}`,
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
