// `ecar wallet create|import|show|export-public`: the encrypted Ed25519 wallet that the confidential
// ledger knows a user by. The secret is printed only by `export-public --secret --yes`.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadProfile } from '../profile/profile';
import { newPassphrase, existingPassphrase } from '../wallet/passphrase';
import { WalletError } from '../wallet/wallet-error';
import { createWallet, openWallet, readWalletInfo, type WalletInfo } from '../wallet/wallet-file';
import {
  action,
  group,
  integerArg,
  leaf,
  processDeps,
  usageError,
  type CliDeps,
  type CommandContext,
  type GlobalOptions,
} from './context';
import { fields } from './output';

interface WalletOptions extends GlobalOptions {
  readonly file?: string;
}
interface CreateOptions extends WalletOptions {
  readonly kdfCost: number;
}
interface ImportOptions extends CreateOptions {
  readonly from: string;
}
interface ExportOptions extends WalletOptions {
  readonly secret?: boolean;
  readonly yes?: boolean;
}

/** What `wallet export-public --secret --yes` prints. */
interface ExportedSecret extends WalletInfo {
  readonly secretSeed: string;
}

/** Registers `wallet create|import|show|export-public`. */
export function registerWalletCommands(program: Command, deps: CliDeps = processDeps()): void {
  const wallet = group(
    program,
    'wallet',
    'Your wallet: the Ed25519 key the confidential ledger knows you by',
  );
  const fileOption = (command: Command): Command =>
    command.option('--file <file>', "wallet file (default: the profile's wallet)");

  fileOption(
    leaf(
      wallet,
      'create',
      'Create a new wallet, encrypted with a passphrase (asked twice, or ECAR_WALLET_PASSPHRASE)',
      'ecar wallet create --profile driver',
    ),
  )
    .option(
      '--kdf-cost <log2N>',
      'scrypt cost as log2(N), 15-20 (default 15: 32 MiB)',
      integerArg(15, 20),
      15,
    )
    .action(
      action(
        deps,
        async (ctx, o: CreateOptions) => {
          const file = walletFile(ctx, o.file);
          const passphrase = await newPassphrase({ env: deps.env, prompt: deps.prompt }, file);
          return createWallet(file, passphrase, { logN: o.kdfCost, now: deps.now() });
        },
        (info) =>
          `${infoFields(info)}\nwallet created; keep the passphrase safe: without it the wallet cannot be opened`,
      ),
    );

  fileOption(
    leaf(
      wallet,
      'import',
      'Import an existing wallet secret (64 hex digits, from a file or - for stdin) into a new encrypted file',
      'ecar wallet import --from seed.hex --file ~/.config/ecar/wallets/driver.json',
    ),
  )
    .requiredOption('--from <file>', 'file holding the 32-byte secret as 64 hex digits, or - for stdin')
    .option('--kdf-cost <log2N>', 'scrypt cost as log2(N), 15-20', integerArg(15, 20), 15)
    .action(
      action(
        deps,
        async (ctx, o: ImportOptions) => {
          const file = walletFile(ctx, o.file);
          const seed = readSeed(o.from);
          const passphrase = await newPassphrase({ env: deps.env, prompt: deps.prompt }, file);
          try {
            return await createWallet(file, passphrase, { seed, logN: o.kdfCost, now: deps.now() });
          } finally {
            seed.fill(0);
          }
        },
        (info) => `${infoFields(info)}\nwallet imported`,
      ),
    );

  fileOption(
    leaf(
      wallet,
      'show',
      'Open the wallet and show its public key and ledger caller id (never the secret)',
      'ecar wallet show',
    ),
  ).action(
    action(
      deps,
      async (ctx, o: WalletOptions) => {
        const file = walletFile(ctx, o.file);
        const opened = await openWallet(
          file,
          await existingPassphrase({ env: deps.env, prompt: deps.prompt }, file),
        );
        return publicPart(opened);
      },
      (info) => infoFields(info),
    ),
  );

  fileOption(
    leaf(
      wallet,
      'export-public',
      'Print the public key and caller id (no passphrase needed); the secret only with --secret --yes',
      ['ecar wallet export-public --json', 'ecar wallet export-public --secret --yes > backup-seed.hex'].join(
        '\n',
      ),
    ),
  )
    .option('--secret', 'also print the secret seed (hex): anyone with it can spend your tokens')
    .option('--yes', 'confirm printing the secret')
    .action(async (o: ExportOptions, command: Command) => {
      if (o.secret === true && o.yes !== true)
        usageError(command, 'printing the secret needs --secret --yes');
      if (o.yes === true && o.secret !== true) usageError(command, '--yes only confirms --secret');
      await action(
        deps,
        async (ctx): Promise<WalletInfo | ExportedSecret> => {
          const file = walletFile(ctx, o.file);
          if (o.secret !== true) return readWalletInfo(file);
          const opened = await openWallet(
            file,
            await existingPassphrase({ env: deps.env, prompt: deps.prompt }, file),
          );
          return { ...publicPart(opened), secretSeed: Buffer.from(opened.keyPair.seed).toString('hex') };
        },
        (result) =>
          'secretSeed' in result
            ? result.secretSeed
            : `${result.publicKey}\n${fields([['caller id', result.callerId]])}`,
      )(o);
    });
}

/** --file (relative to the working folder), else the profile's wallet. */
function walletFile(ctx: CommandContext, file: string | undefined): string {
  if (file !== undefined) return resolve(file);
  const profile = loadProfile({
    home: ctx.home,
    ...(ctx.profileName === undefined ? {} : { name: ctx.profileName }),
    checkFiles: false,
  });
  if (profile.wallet === undefined) {
    throw new WalletError(
      'WALLET_MISSING',
      `profile '${profile.name}' names no wallet: give --file or run 'ecar init --profile ${profile.name} --wallet FILE'`,
    );
  }
  return profile.wallet;
}

function readSeed(from: string): Uint8Array {
  let text: string;
  try {
    text = readFileSync(from === '-' ? 0 : from, 'utf8');
  } catch (error) {
    const why = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    throw new WalletError('WALLET_INVALID', `cannot read --from ${from} (${why})`);
  }
  const hex = text.trim().replace(/^0x/i, '');
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new WalletError('WALLET_INVALID', 'the wallet secret to import must be 64 hex digits (32 bytes)');
  }
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** The wallet without its key pair. */
function publicPart(wallet: WalletInfo): WalletInfo {
  return {
    file: wallet.file,
    publicKey: wallet.publicKey,
    callerId: wallet.callerId,
    kdf: wallet.kdf,
    createdAt: wallet.createdAt,
  };
}

function infoFields(info: WalletInfo): string {
  return fields([
    ['file', info.file],
    ['public key', info.publicKey],
    ['caller id', info.callerId],
    ['kdf', `${info.kdf.name} N=2^${Math.log2(info.kdf.N)} r=${info.kdf.r} p=${info.kdf.p}`],
    ['created', info.createdAt],
  ]);
}
