// Profiles: how `ecar` reaches the ledger as one user. One JSON config file per user in $ECAR_HOME
// (default ~/.config/ecar/config.json) holds named profiles; each names the gateway, the Fabric
// identity, the channel and chaincode, the mode, the attestation policy and the wallet. Read once,
// validated field by field, relative paths resolved against the config file's folder.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { writePrivateFileAtomic } from '../app/private-file';
import { ProfileError } from './profile-error';

export type LedgerMode = 'confidential' | 'plaintext';
export const LEDGER_MODES: readonly LedgerMode[] = ['confidential', 'plaintext'];

/** The name of the config file inside $ECAR_HOME. */
export const CONFIG_FILE_NAME = 'config.json';
export const CONFIG_VERSION = 1;

/**
 * One profile as written in the config file. Paths may be absolute, `~/`-relative or relative to
 * the config file's folder.
 */
export interface ProfileSettings {
  /** host:port of a peer with the Fabric Gateway service. */
  readonly endpoint: string;
  /** PEM file of the CA that issued the peer's TLS certificate. */
  readonly tlsRootCert: string;
  /** TLS server name to expect when the endpoint address is not in the peer's certificate. */
  readonly tlsServerName?: string;
  readonly mspId: string;
  /** PEM file of the Fabric enrollment certificate. */
  readonly certificate: string;
  /** PEM file of the Fabric private key (never read except to sign). */
  readonly privateKey: string;
  readonly channel: string;
  readonly chaincode: string;
  /** Default 'confidential'. */
  readonly mode?: LedgerMode;
  /** Attestation policy JSON file; required in confidential mode. */
  readonly policy?: string;
  /** Encrypted wallet file (ecar wallet create); required in confidential mode. */
  readonly wallet?: string;
}

/** The config file. */
export interface ProfileConfig {
  readonly version: typeof CONFIG_VERSION;
  readonly defaultProfile?: string;
  readonly profiles: Readonly<Record<string, ProfileSettings>>;
}

/** A validated profile: every path absolute, mode decided. */
export interface Profile {
  readonly name: string;
  /** The config file it was read from. */
  readonly file: string;
  readonly endpoint: string;
  readonly tlsRootCert: string;
  readonly tlsServerName?: string;
  readonly mspId: string;
  readonly certificate: string;
  readonly privateKey: string;
  readonly channel: string;
  readonly chaincode: string;
  readonly mode: LedgerMode;
  readonly policy?: string;
  readonly wallet?: string;
}

/** What decides where the config lives: $ECAR_HOME, else ~/.config/ecar. */
export function ecarHome(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const home = env.ECAR_HOME;
  return home !== undefined && home !== '' ? resolve(expandHome(home)) : join(homedir(), '.config', 'ecar');
}

function configFilePath(home: string): string {
  return join(home, CONFIG_FILE_NAME);
}

const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const ENDPOINT = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):([0-9]{1,5})$/;
const MSP_ID = /^[A-Za-z0-9._-]{1,128}$/;
const CHANNEL = /^[a-z][a-z0-9.-]{0,248}$/;
const CHAINCODE = /^[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*$/;
const SERVER_NAME = /^[A-Za-z0-9.-]{1,253}$/;

const FIELDS: readonly (keyof ProfileSettings)[] = [
  'endpoint',
  'tlsRootCert',
  'tlsServerName',
  'mspId',
  'certificate',
  'privateKey',
  'channel',
  'chaincode',
  'mode',
  'policy',
  'wallet',
];
/** The `ecar init` flag of each field, for messages that say what to fix. */
const FIELD_FLAGS: Readonly<Record<keyof ProfileSettings, string>> = {
  endpoint: '--endpoint',
  tlsRootCert: '--tls-root-cert',
  tlsServerName: '--tls-server-name',
  mspId: '--msp-id',
  certificate: '--certificate',
  privateKey: '--private-key',
  channel: '--channel',
  chaincode: '--chaincode',
  mode: '--mode',
  policy: '--policy',
  wallet: '--wallet',
};

/** Checks a profile name (what --profile and `ecar init --profile` take). */
function isProfileName(name: string): boolean {
  return PROFILE_NAME.test(name);
}

/**
 * Validates one profile's settings (shape only: files are checked when the profile is loaded).
 * @throws ProfileError PROFILE_INVALID naming the field and the `ecar init` flag that fixes it.
 */
export function parseProfileSettings(
  value: unknown,
  where: { file: string; profile: string },
): ProfileSettings {
  const fail = (field: string, message: string): never => {
    const flag = (FIELD_FLAGS as Readonly<Record<string, string>>)[field];
    const fix = flag === undefined ? '' : `; fix it with: ecar init --profile ${where.profile} ${flag} ...`;
    throw new ProfileError(
      'PROFILE_INVALID',
      `profile '${where.profile}' in ${where.file}: ${message}${fix}`,
      {
        ...where,
        field,
      },
    );
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail('profile', 'must be a JSON object');
  }
  const record = value as Readonly<Record<string, unknown>>;
  for (const key of Object.keys(record)) {
    if (!(FIELDS as readonly string[]).includes(key)) {
      fail(key, `unknown field '${key.slice(0, 40)}' (known: ${FIELDS.join(', ')})`);
    }
  }
  const text = (field: keyof ProfileSettings, pattern?: RegExp, hint?: string): string | undefined => {
    const v = record[field];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v.trim() === '') return fail(field, `${field} must be a non-empty string`);
    if (pattern && !pattern.test(v))
      return fail(field, `${field} '${v.slice(0, 80)}' is not ${hint ?? 'valid'}`);
    return v;
  };
  const required = (field: keyof ProfileSettings, pattern?: RegExp, hint?: string): string =>
    text(field, pattern, hint) ?? fail(field, `${field} is missing`);

  const endpoint = required('endpoint', ENDPOINT, 'host:port (e.g. 127.0.0.1:7051)');
  const port = Number(ENDPOINT.exec(endpoint)?.[1]);
  if (!(port >= 1 && port <= 65535)) fail('endpoint', `endpoint port ${port} is not within 1-65535`);
  const modeText = text('mode');
  if (modeText !== undefined && !(LEDGER_MODES as readonly string[]).includes(modeText)) {
    fail('mode', `mode must be one of ${LEDGER_MODES.join(', ')}`);
  }
  const mode = (modeText ?? 'confidential') as LedgerMode;
  const tlsServerName = text('tlsServerName', SERVER_NAME, 'a DNS name');
  const policy = text('policy');
  const wallet = text('wallet');
  if (mode === 'confidential') {
    if (policy === undefined) fail('policy', 'confidential mode needs an attestation policy file (policy)');
    if (wallet === undefined) fail('wallet', 'confidential mode needs a wallet file (wallet)');
  }
  return {
    endpoint,
    tlsRootCert: required('tlsRootCert'),
    ...(tlsServerName === undefined ? {} : { tlsServerName }),
    mspId: required('mspId', MSP_ID, 'an MSP id (letters, digits, . _ -)'),
    certificate: required('certificate'),
    privateKey: required('privateKey'),
    channel: required('channel', CHANNEL, 'a Fabric channel name (lower case, digits, . -)'),
    chaincode: required('chaincode', CHAINCODE, 'a chaincode name (letters, digits, - _)'),
    mode,
    ...(policy === undefined ? {} : { policy }),
    ...(wallet === undefined ? {} : { wallet }),
  };
}

/**
 * Reads and validates the config file.
 * @throws ProfileError PROFILE_FILE_MISSING, PROFILE_FILE_INVALID or PROFILE_INVALID.
 */
function readProfileConfig(file: string): ProfileConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') {
      throw new ProfileError(
        'PROFILE_FILE_MISSING',
        `no ecar config at ${file}: create a profile with 'ecar init' (or set ECAR_HOME)`,
        { file },
      );
    }
    throw new ProfileError('PROFILE_FILE_INVALID', `cannot read ${file} (${errorCode(error)})`, { file });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ProfileError('PROFILE_FILE_INVALID', `${file} is not valid JSON: fix or remove it`, { file });
  }
  return parseConfig(raw, file);
}

function parseConfig(raw: unknown, file: string): ProfileConfig {
  const shape = (message: string): never => {
    throw new ProfileError('PROFILE_FILE_INVALID', `${file}: ${message}`, { file });
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return shape('must be a JSON object');
  const record = raw as Readonly<Record<string, unknown>>;
  for (const key of Object.keys(record)) {
    if (!['version', 'defaultProfile', 'profiles'].includes(key))
      shape(`unknown field '${key.slice(0, 40)}'`);
  }
  if (record.version !== CONFIG_VERSION) shape(`version must be ${CONFIG_VERSION}`);
  const profilesRaw = record.profiles;
  if (typeof profilesRaw !== 'object' || profilesRaw === null || Array.isArray(profilesRaw)) {
    return shape('profiles must be an object of named profiles');
  }
  const profiles: Record<string, ProfileSettings> = {};
  for (const [name, value] of Object.entries(profilesRaw as Readonly<Record<string, unknown>>)) {
    if (!isProfileName(name)) shape(`profile name '${name.slice(0, 40)}' must be 1-64 of A-Z a-z 0-9 . _ -`);
    profiles[name] = parseProfileSettings(value, { file, profile: name });
  }
  const defaultProfile = record.defaultProfile;
  if (defaultProfile !== undefined) {
    if (typeof defaultProfile !== 'string' || profiles[defaultProfile] === undefined) {
      shape(`defaultProfile names no profile of this file`);
    }
  }
  return {
    version: CONFIG_VERSION,
    ...(typeof defaultProfile === 'string' ? { defaultProfile } : {}),
    profiles,
  };
}

export interface LoadProfileOptions {
  /** $ECAR_HOME (see {@link ecarHome}). */
  readonly home: string;
  /** --profile; else ECAR_PROFILE, the config's default, or its only profile. */
  readonly name?: string;
  /** Check that the files the profile names exist (default true). The wallet may not exist yet. */
  readonly checkFiles?: boolean;
}

/**
 * Loads one profile: validated, every path absolute, files present.
 * @throws ProfileError with a message that says what to fix.
 */
export function loadProfile(options: LoadProfileOptions): Profile {
  const file = configFilePath(options.home);
  const config = readProfileConfig(file);
  const names = Object.keys(config.profiles);
  const name = options.name ?? config.defaultProfile ?? (names.length === 1 ? names[0] : undefined);
  if (name === undefined) {
    throw new ProfileError(
      'PROFILE_UNKNOWN',
      names.length === 0
        ? `${file} has no profiles: create one with 'ecar init'`
        : `no default profile in ${file}: pass --profile (one of ${names.join(', ')}) or run 'ecar init --profile NAME --default'`,
      { file },
    );
  }
  const settings = config.profiles[name];
  if (settings === undefined) {
    throw new ProfileError(
      'PROFILE_UNKNOWN',
      `no profile '${name}' in ${file} (known: ${names.join(', ') || 'none'}): create it with 'ecar init --profile ${name} ...'`,
      { file, profile: name },
    );
  }
  const profile = resolveProfile(name, settings, file);
  if (options.checkFiles !== false) checkProfileFiles(profile);
  return profile;
}

/** Resolves a profile's paths against the folder of its config file. */
export function resolveProfile(name: string, settings: ProfileSettings, file: string): Profile {
  const base = dirname(file);
  const path = (p: string): string => resolvePath(base, p);
  return {
    name,
    file,
    endpoint: settings.endpoint,
    tlsRootCert: path(settings.tlsRootCert),
    ...(settings.tlsServerName === undefined ? {} : { tlsServerName: settings.tlsServerName }),
    mspId: settings.mspId,
    certificate: path(settings.certificate),
    privateKey: path(settings.privateKey),
    channel: settings.channel,
    chaincode: settings.chaincode,
    mode: settings.mode ?? 'confidential',
    ...(settings.policy === undefined ? {} : { policy: path(settings.policy) }),
    ...(settings.wallet === undefined ? {} : { wallet: path(settings.wallet) }),
  };
}

function checkProfileFiles(profile: Profile): void {
  const files: [keyof ProfileSettings, string | undefined][] = [
    ['tlsRootCert', profile.tlsRootCert],
    ['certificate', profile.certificate],
    ['privateKey', profile.privateKey],
    ['policy', profile.policy],
  ];
  for (const [field, path] of files) {
    if (path === undefined) continue;
    let isFile = false;
    try {
      isFile = statSync(path).isFile();
    } catch {
      isFile = false;
    }
    if (!isFile) {
      throw new ProfileError(
        'PROFILE_INVALID',
        `profile '${profile.name}': ${field} file ${path} does not exist; fix it with: ecar init --profile ${profile.name} ${FIELD_FLAGS[field]} FILE`,
        { file: profile.file, profile: profile.name, field },
      );
    }
  }
}

export interface WriteProfileOptions {
  /** $ECAR_HOME: the folder of the config file (created 0700 when missing). */
  readonly home: string;
  /** Profile name, 1-64 of A-Z a-z 0-9 . _ - */
  readonly name: string;
  /** The whole profile (replaces an existing one of that name). Relative paths are kept relative to `home`. */
  readonly settings: ProfileSettings;
  /** Make it the default profile. Default: only when the config has no default yet. */
  readonly makeDefault?: boolean;
}

/**
 * Creates or replaces one profile in `<home>/config.json`, keeping the others; the write is atomic
 * and the file private (0600). Validates the settings' shape (not whether the files exist yet).
 *
 * @example
 * writeProfile({
 *   home: '/path/to/ecar-home',
 *   name: 'driver',
 *   settings: {
 *     endpoint: '127.0.0.1:7051', tlsServerName: 'localhost', tlsRootCert: 'org1/tlsca.pem',
 *     mspId: 'Org1MSP', certificate: 'org1/driver/cert.pem', privateKey: 'org1/driver/key.pem',
 *     channel: 'ecar', chaincode: 'ecar', mode: 'plaintext',
 *   },
 * });
 * @returns the config file path.
 * @throws ProfileError PROFILE_INVALID for bad settings, PROFILE_FILE_INVALID when the existing
 *   config file cannot be read (it is then left as it is).
 */
export function writeProfile(options: Readonly<WriteProfileOptions>): string {
  const file = configFilePath(options.home);
  if (!isProfileName(options.name)) {
    throw new ProfileError(
      'PROFILE_INVALID',
      `profile name '${options.name.slice(0, 40)}' must be 1-64 of A-Z a-z 0-9 . _ -`,
      {
        file,
        profile: options.name,
      },
    );
  }
  const settings = parseProfileSettings(options.settings, { file, profile: options.name });
  const current: ProfileConfig = existsSync(file)
    ? readProfileConfig(file)
    : { version: CONFIG_VERSION, profiles: {} };
  const makeDefault = options.makeDefault ?? current.defaultProfile === undefined;
  const next: ProfileConfig = {
    version: CONFIG_VERSION,
    ...(makeDefault
      ? { defaultProfile: options.name }
      : current.defaultProfile === undefined
        ? {}
        : { defaultProfile: current.defaultProfile }),
    profiles: { ...current.profiles, [options.name]: settings },
  };
  writePrivateFileAtomic(file, `${JSON.stringify(next, null, 2)}\n`, { replace: true });
  return file;
}

/** The settings of a profile as stored, if the config and the profile exist (for `ecar init` updates). */
export function storedProfileSettings(home: string, name: string): ProfileSettings | undefined {
  const file = configFilePath(home);
  if (!existsSync(file)) return undefined;
  return readProfileConfig(file).profiles[name];
}

function resolvePath(base: string, path: string): string {
  const expanded = expandHome(path);
  return isAbsolute(expanded) ? expanded : resolve(base, expanded);
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

function errorCode(error: unknown): string {
  return error instanceof Error && 'code' in error && typeof error.code === 'string'
    ? error.code
    : 'unreadable';
}
