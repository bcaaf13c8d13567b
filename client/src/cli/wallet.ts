// `ecar wallet create|import|show|upgrade|export-public`: the encrypted Ed25519 wallet that the
// confidential ledger knows a user by. The secret is printed only by `export-public --secret --yes`.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadProfile } from '../profile/profile';
import { newPassphrase, existingPassphrase } from '../wallet/passphrase';
import { WalletError } from '../wallet/wallet-error';
import {
  createWallet,
  MIN_SCRYPT_LOG_N,
  openWallet,
  publicInfo,
  readWalletInfo,
  RECOMMENDED_SCRYPT_LOG_N,
  upgradeWallet,
  type UpgradeResult,
  type WalletInfo,
} from '../wallet/wallet-file';
import {
  action,
  group,
  integerArg,
  leaf,
  passphraseSource,
  processDeps,
  upgradeHint,
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
  readonly kdfCost?: number;
  readonly lowCostForTests?: boolean;
}
interface UpgradeOptions extends WalletOptions {
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

/** scrypt cost of a new wallet from --kdf-cost / --low-cost-for-tests (below 2^17 only with the latter). */
function costOptions(command: Command, o: CreateOptions): { logN: number; lowCostForTests: boolean } {
  const lowCostForTests = o.lowCostForTests === true;
  const logN = o.kdfCost ?? (lowCostForTests ? MIN_SCRYPT_LOG_N : RECOMMENDED_SCRYPT_LOG_N);
  if (logN < RECOMMENDED_SCRYPT_LOG_N && !lowCostForTests) {
    usageError(
      command,
      `--kdf-cost below ${RECOMMENDED_SCRYPT_LOG_N} needs --low-cost-for-tests (throw-away test wallets only)`,
    );
  }
  return { logN, lowCostForTests };
}

const KDF_COST_HELP = `scrypt cost as log2(N), ${MIN_SCRYPT_LOG_N}-20 (default ${RECOMMENDED_SCRYPT_LOG_N}: 128 MiB; below ${RECOMMENDED_SCRYPT_LOG_N} only with --low-cost-for-tests)`;
const LOW_COST_HELP = `allow a cost below 2^${RECOMMENDED_SCRYPT_LOG_N} (default then 2^${MIN_SCRYPT_LOG_N}), marked in the file: throw-away test wallets only`;

/** Registers `wallet create|import|show|upgrade|export-public`. */
export function registerWalletCommands(program: Command, deps: CliDeps = processDeps()): void {
  const wallet = group(
    program,
    'wallet',
    'Your wallet: the Ed25519 key the confidential ledger knows you by',
  );
  registerCreate(wallet, deps);
  registerImport(wallet, deps);
  registerUpgrade(wallet, deps);
  registerShow(wallet, deps);
  registerExportPublic(wallet, deps);
}

const fileOption = (command: Command): Command =>
  command.option('--file <file>', "wallet file (default: the profile's wallet)");

function registerCreate(wallet: Command, deps: CliDeps): void {
  const create = fileOption(
    leaf(
      wallet,
      'create',
      'Create a new wallet, encrypted with a passphrase (asked twice, or --passphrase-file/--passphrase-fd)',
      'ecar wallet create --profile driver',
    ),
  )
    .option('--kdf-cost <log2N>', KDF_COST_HELP, integerArg(MIN_SCRYPT_LOG_N, 20))
    .option('--low-cost-for-tests', LOW_COST_HELP);
  create.action(async (o: CreateOptions) => {
    const cost = costOptions(create, o); // a usage error (exit 2) before anything is asked or written
    await action(
      deps,
      async (ctx) => {
        const file = walletFile(ctx, o.file);
        const passphrase = await newPassphrase(passphraseSource(deps, o), file);
        return createWallet(file, passphrase, { ...cost, now: deps.now() });
      },
      (info: WalletInfo) =>
        `${infoFields(info)}\nwallet created; keep the passphrase safe: without it the wallet cannot be opened`,
    )(o);
  });
}

function registerImport(wallet: Command, deps: CliDeps): void {
  const importCommand = fileOption(
    leaf(
      wallet,
      'import',
      'Import an existing wallet secret (64 hex digits, from a file or - for stdin) into a new encrypted file',
      'ecar wallet import --from seed.hex --file ~/.config/ecar/wallets/driver.json',
    ),
  )
    .requiredOption('--from <file>', 'file holding the 32-byte secret as 64 hex digits, or - for stdin')
    .option('--kdf-cost <log2N>', KDF_COST_HELP, integerArg(MIN_SCRYPT_LOG_N, 20))
    .option('--low-cost-for-tests', LOW_COST_HELP);
  importCommand.action(async (o: ImportOptions) => {
    const cost = costOptions(importCommand, o);
    await action(
      deps,
      async (ctx) => {
        const file = walletFile(ctx, o.file);
        const seed = readSeed(o.from);
        const passphrase = await newPassphrase(passphraseSource(deps, o), file);
        try {
          return await createWallet(file, passphrase, { seed, ...cost, now: deps.now() });
        } finally {
          seed.fill(0);
        }
      },
      (info: WalletInfo) => `${infoFields(info)}\nwallet imported`,
    )(o);
  });
}

function registerUpgrade(wallet: Command, deps: CliDeps): void {
  fileOption(
    leaf(
      wallet,
      'upgrade',
      `Re-encrypt the wallet at the recommended scrypt cost (2^${RECOMMENDED_SCRYPT_LOG_N}) when its cost is lower; same key, same passphrase`,
      'ecar wallet upgrade --passphrase-file ~/.config/ecar/driver.pass',
    ),
  )
    .option(
      '--kdf-cost <log2N>',
      `scrypt cost as log2(N), ${RECOMMENDED_SCRYPT_LOG_N}-20`,
      integerArg(RECOMMENDED_SCRYPT_LOG_N, 20),
      RECOMMENDED_SCRYPT_LOG_N,
    )
    .action(
      action(
        deps,
        async (ctx, o: UpgradeOptions): Promise<UpgradeResult> => {
          const file = walletFile(ctx, o.file);
          const passphrase = await existingPassphrase(passphraseSource(deps, o), file);
          return upgradeWallet(file, passphrase, { logN: o.kdfCost });
        },
        (result) =>
          `${infoFields(result)}\n${
            result.upgraded
              ? `wallet re-encrypted (scrypt N was 2^${Math.log2(result.previousN)})`
              : 'the wallet already has this cost; nothing was changed'
          }`,
      ),
    );
}

function registerShow(wallet: Command, deps: CliDeps): void {
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
        const opened = await openWallet(file, await existingPassphrase(passphraseSource(deps, o), file));
        const hint = upgradeHint(opened);
        if (hint !== undefined) deps.stderr(hint);
        return publicInfo(opened);
      },
      (info) => infoFields(info),
    ),
  );
}

function registerExportPublic(wallet: Command, deps: CliDeps): void {
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
          const opened = await openWallet(file, await existingPassphrase(passphraseSource(deps, o), file));
          return { ...publicInfo(opened), secretSeed: Buffer.from(opened.keyPair.seed).toString('hex') };
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

function infoFields(info: WalletInfo): string {
  return fields([
    ['file', info.file],
    ['public key', info.publicKey],
    ['caller id', info.callerId],
    [
      'kdf',
      `${info.kdf.name} N=2^${Math.log2(info.kdf.N)} r=${info.kdf.r} p=${info.kdf.p}${
        info.lowCostForTests
          ? ' (low cost: test wallet)'
          : info.upgradeRecommended
            ? ' (below the recommended cost: ecar wallet upgrade)'
            : ''
      }`,
    ],
    ['created', info.createdAt],
  ]);
}
