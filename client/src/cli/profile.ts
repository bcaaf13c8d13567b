// `ecar init` (create or update a profile from flags) and `ecar whoami` (the account id the ledger
// knows the profile's user by, computed offline; --ledger asks the ledger).
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { fabricCallerId } from '../../../chaincode/src/protocol/caller-id';
import {
  ecarHome,
  LEDGER_MODES,
  resolveProfile,
  storedProfileSettings,
  writeProfile,
  type LedgerMode,
  type Profile,
  type ProfileSettings,
} from '../profile/profile';
import { WalletError } from '../wallet/wallet-error';
import { readWalletInfo } from '../wallet/wallet-file';
import { action, choice, leaf, processDeps, usageError, type CliDeps, type GlobalOptions } from './context';
import { fields } from './output';

interface InitOptions extends GlobalOptions {
  readonly endpoint?: string;
  readonly tlsRootCert?: string;
  readonly tlsServerName?: string;
  readonly mspId?: string;
  readonly certificate?: string;
  readonly privateKey?: string;
  readonly channel?: string;
  readonly chaincode?: string;
  readonly mode?: LedgerMode;
  readonly policy?: string;
  readonly wallet?: string;
  readonly default?: boolean;
}
interface WhoamiOptions extends GlobalOptions {
  readonly ledger?: boolean;
  readonly id?: boolean;
}

interface InitResult {
  readonly file: string;
  readonly profile: Profile;
  readonly default: boolean;
}
interface WhoamiResult {
  readonly profile: string;
  readonly mode: LedgerMode;
  readonly callerId: string;
  readonly ledgerCallerId?: string;
}

const INIT_EXAMPLE = [
  'ecar init --profile driver --endpoint peer0.org1.example.com:7051 --tls-root-cert tlsca.pem \\',
  '    --msp-id Org1MSP --certificate cert.pem --private-key key.pem --policy policy.json',
  'ecar init --profile driver --mode plaintext      # change one field of an existing profile',
].join('\n');

/** Registers `init` and `whoami`. */
export function registerProfileCommands(program: Command, deps: CliDeps = processDeps()): void {
  registerInitCommand(program, deps);
  registerWhoamiCommand(program, deps);
}

function registerInitCommand(program: Command, deps: CliDeps): void {
  leaf(program, 'init', 'Create or update a profile in $ECAR_HOME/config.json', INIT_EXAMPLE)
    .option('--endpoint <host:port>', 'peer gateway endpoint')
    .option('--tls-root-cert <file>', "PEM of the CA that issued the peer's TLS certificate")
    .option(
      '--tls-server-name <name>',
      "the DNS name in the peer's TLS certificate (needed for an IP endpoint, e.g. localhost)",
    )
    .option('--msp-id <id>', 'your organisation MSP id, e.g. Org1MSP')
    .option('--certificate <file>', 'your Fabric enrollment certificate (PEM)')
    .option('--private-key <file>', 'your Fabric private key (PEM)')
    .option('--channel <name>', 'channel (default ecar)')
    .option('--chaincode <name>', 'chaincode (default ecar)')
    .addOption(choice('--mode <mode>', 'confidential (default) or plaintext', LEDGER_MODES))
    .option('--policy <file>', 'attestation policy JSON (confidential mode)')
    .option('--wallet <file>', 'wallet file (confidential mode; default $ECAR_HOME/wallets/<profile>.json)')
    .option('--default', 'make this the default profile')
    .hook('preAction', (_init, command) => {
      requireTlsNameForIp(command, deps);
    })
    .action(
      action(
        deps,
        (ctx, o: InitOptions): Promise<InitResult> =>
          Promise.resolve(initProfile(ctx.home, ctx.profileName, o)),
        (r) =>
          fields([
            ['profile', `${r.profile.name}${r.default ? ' (default)' : ''}`],
            ['config', r.file],
            [
              'endpoint',
              `${r.profile.endpoint}${r.profile.tlsServerName === undefined ? '' : ` (TLS name ${r.profile.tlsServerName})`}`,
            ],
            ['identity', `${r.profile.mspId} ${r.profile.certificate}`],
            ['ledger', `${r.profile.channel}/${r.profile.chaincode} (${r.profile.mode})`],
            ['policy', r.profile.policy ?? '-'],
            ['wallet', r.profile.wallet ?? '-'],
          ]),
      ),
    );
}

function registerWhoamiCommand(program: Command, deps: CliDeps): void {
  leaf(
    program,
    'whoami',
    'Show the account id the ledger knows you by (share it with the issuer for top-ups)',
    [
      'ecar whoami --profile driver',
      'ecar issuer mint --account "$(ecar whoami --profile driver --id)" ...',
    ].join('\n'),
  )
    .option('--ledger', 'also ask the ledger (needs the network)')
    .option('--id', 'print only the account id (for scripts)')
    .action(
      action(
        deps,
        async (ctx, o: WhoamiOptions): Promise<WhoamiResult> => {
          const profile = ctx.profile();
          const callerId = localCallerId(profile);
          if (o.ledger !== true) return { profile: profile.name, mode: profile.mode, callerId };
          const ledgerCallerId = await (await ctx.ledger()).whoami();
          return { profile: profile.name, mode: profile.mode, callerId, ledgerCallerId };
        },
        (r, o) =>
          o.id === true
            ? r.callerId
            : fields([
                ['account', r.callerId],
                ['profile', `${r.profile} (${r.mode})`],
                ...(r.ledgerCallerId === undefined
                  ? []
                  : [
                      [
                        'ledger says',
                        r.ledgerCallerId === r.callerId ? 'the same' : r.ledgerCallerId,
                      ] as const,
                    ]),
              ]),
      ),
    );
}

/** Writes the profile: the options given over what it had, with the defaults of a new one. */
function initProfile(home: string, profileName: string | undefined, o: InitOptions): InitResult {
  const name = profileName ?? 'default';
  const current = storedProfileSettings(home, name);
  const path = (p: string | undefined): string | undefined => (p === undefined ? undefined : resolve(p));
  const mode = o.mode ?? current?.mode ?? 'confidential';
  const wallet =
    path(o.wallet) ??
    current?.wallet ??
    (mode === 'confidential' ? join('wallets', `${name}.json`) : undefined);
  const merged = {
    ...current,
    ...defined({
      endpoint: o.endpoint,
      tlsRootCert: path(o.tlsRootCert),
      tlsServerName: o.tlsServerName,
      mspId: o.mspId,
      certificate: path(o.certificate),
      privateKey: path(o.privateKey),
      channel: o.channel ?? current?.channel ?? 'ecar',
      chaincode: o.chaincode ?? current?.chaincode ?? 'ecar',
      mode,
      policy: path(o.policy),
      wallet,
    }),
  } as ProfileSettings;
  const file = writeProfile({
    home,
    name,
    settings: merged,
    ...(o.default === true ? { makeDefault: true } : {}),
  });
  return { file, profile: resolveProfile(name, merged, file), default: o.default === true };
}

/** The caller id computed offline: the wallet's in confidential mode, the X.509 identity's in plaintext. */
function localCallerId(profile: Profile): string {
  if (profile.mode === 'confidential') {
    if (profile.wallet === undefined)
      throw new WalletError('WALLET_MISSING', `profile '${profile.name}' names no wallet`);
    return readWalletInfo(profile.wallet).callerId;
  }
  return fabricCallerId(profile.mspId, readFileSync(profile.certificate));
}

/**
 * An IP endpoint needs the DNS name of the peer's TLS certificate: TLS sends no IP as server name
 * (RFC 6066; Node warns), so the certificate is checked against that name (exit 2 without one).
 */
function requireTlsNameForIp(command: Command, deps: CliDeps): void {
  const o = command.opts<InitOptions>();
  if (o.endpoint === undefined || o.tlsServerName !== undefined) return;
  const host = /^\[?([^\]]*?)\]?:[0-9]+$/.exec(o.endpoint)?.[1] ?? o.endpoint;
  if (isIP(host) === 0) return;
  const fromEnv = deps.env.ECAR_PROFILE;
  const name = o.profile ?? (fromEnv === undefined || fromEnv === '' ? 'default' : fromEnv);
  if (storedProfileSettings(ecarHome(deps.env), name)?.tlsServerName !== undefined) return;
  usageError(
    command,
    `--endpoint ${o.endpoint} is an IP address: add --tls-server-name NAME, the DNS name in the peer's TLS certificate (on the local network: localhost)`,
  );
}

function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
