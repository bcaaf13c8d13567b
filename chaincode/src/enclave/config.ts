// The enclave's configuration, read once from the environment into a typed, validated object.
import { isAbsolute, resolve } from 'node:path';
import type { EnclaveProvider } from '../protocol/confidential/api';
import { EcarError } from '../protocol/errors';
import { DEFAULT_CLOCK_SKEW_MS, MAX_CLOCK_SKEW_MS, MIN_CLOCK_SKEW_MS } from './trusted-time';

export interface EnclaveConfig {
  /** ECAR_ENCLAVE_PROVIDER: `simulated` (development, default) or `gramine` (SGX via Gramine). */
  readonly provider: EnclaveProvider;
  /** ECAR_ENCLAVE_DIR: this enclave instance's folder for its sealed files (identity, keys). */
  readonly enclaveDir: string;
  /** ECAR_SIMULATED_PLATFORM: the persisted development attestation platform (simulated only). */
  readonly simulatedPlatformFile: string | undefined;
  /** ECAR_SIMULATED_CPU_SECRET: this host's simulated CPU sealing secret (simulated only). */
  readonly simulatedCpuSecretFile: string | undefined;
  /** ECAR_SIMULATED_DEBUG=1: quote with the DEBUG attribute (tests build a debug enclave with it). */
  readonly simulatedDebug: boolean;
  /** ECAR_COLLATERAL_FILE: PCCS collateral JSON for this platform (gramine only; the operator refreshes it). */
  readonly collateralFile: string | undefined;
  /** ECAR_MSP_ID, ECAR_CHANNEL, ECAR_CHAINCODE: where this enclave serves. */
  readonly mspId: string;
  readonly channel: string;
  readonly chaincode: string;
  /** ECAR_PLAINTEXT=1: the plain 'ledger' contract answers (benchmarks, development). */
  readonly plaintext: boolean;
  /** ECAR_CODE_ROOT: project root whose built chaincode is measured (simulated provider). */
  readonly codeRoot: string;
  /**
   * ECAR_CLOCK_SKEW_MS: how far a transaction time may lie from this enclave's clock (default 60000,
   * 1000..300000). The consortium agrees on one value: it is also the margin on every deadline.
   */
  readonly clockSkewMs: number;
  /**
   * ECAR_FOUNDING_ORGS (comma-separated MSP ids, sorted here): the orgs that must all approve the
   * genesis (first policy and operator wallet) and always count in the consortium's majority.
   * Undefined when unset: the enclave then refuses governance (see requireFoundingOrgs).
   */
  readonly foundingOrgs: readonly string[] | undefined;
}

export type Environment = Readonly<Record<string, string | undefined>>;

/** The project root relative to this file once compiled (dist/chaincode/src/enclave). */
export const DEFAULT_CODE_ROOT = resolve(__dirname, '..', '..', '..', '..');

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,248}$/;

/** A configuration problem: names the variable so an operator can fix it. */
export class EnclaveConfigError extends EcarError {
  readonly variable: string;

  constructor(variable: string, problem: string) {
    super('INTERNAL', `enclave configuration: ${variable} ${problem}`, { variable });
    this.name = 'EnclaveConfigError';
    this.variable = variable;
  }
}

/**
 * Reads and validates the enclave configuration.
 *
 * @throws EnclaveConfigError naming the first missing or invalid variable.
 */
export function readEnclaveConfig(env: Environment = process.env): EnclaveConfig {
  const provider = env.ECAR_ENCLAVE_PROVIDER ?? 'simulated';
  if (provider !== 'simulated' && provider !== 'gramine') {
    throw new EnclaveConfigError(
      'ECAR_ENCLAVE_PROVIDER',
      `must be 'simulated' or 'gramine', not '${provider}'`,
    );
  }
  const simulated = provider === 'simulated';
  return {
    provider,
    enclaveDir: path(env, 'ECAR_ENCLAVE_DIR'),
    simulatedPlatformFile: simulated ? path(env, 'ECAR_SIMULATED_PLATFORM') : undefined,
    simulatedCpuSecretFile: simulated ? path(env, 'ECAR_SIMULATED_CPU_SECRET') : undefined,
    simulatedDebug: simulated && flag(env, 'ECAR_SIMULATED_DEBUG'),
    collateralFile: simulated ? undefined : path(env, 'ECAR_COLLATERAL_FILE'),
    mspId: name(env, 'ECAR_MSP_ID'),
    channel: name(env, 'ECAR_CHANNEL'),
    chaincode: name(env, 'ECAR_CHAINCODE'),
    plaintext: flag(env, 'ECAR_PLAINTEXT'),
    codeRoot: env.ECAR_CODE_ROOT === undefined ? DEFAULT_CODE_ROOT : path(env, 'ECAR_CODE_ROOT'),
    clockSkewMs: clockSkew(env),
    foundingOrgs: foundingOrgs(env),
  };
}

/**
 * The founding orgs, or a refusal naming what to configure (governance fails closed without them).
 *
 * @throws EcarError NOT_CONFIGURED when ECAR_FOUNDING_ORGS was not set.
 */
export function requireFoundingOrgs(config: Pick<EnclaveConfig, 'foundingOrgs'>): readonly string[] {
  if (config.foundingOrgs === undefined) {
    throw new EcarError(
      'NOT_CONFIGURED',
      'this enclave has no founding org list: set ECAR_FOUNDING_ORGS (for example Org1MSP,Org2MSP, the same on every org) for its chaincode server',
      { variable: 'ECAR_FOUNDING_ORGS' },
    );
  }
  return config.foundingOrgs;
}

function foundingOrgs(env: Environment): readonly string[] | undefined {
  const value = env.ECAR_FOUNDING_ORGS;
  if (value === undefined || value.trim() === '') return undefined;
  const orgs = value.split(',').map((org) => org.trim());
  if (orgs.length > 100 || !orgs.every((org) => NAME_PATTERN.test(org))) {
    throw new EnclaveConfigError(
      'ECAR_FOUNDING_ORGS',
      'must be a comma-separated list of MSP ids (letters, digits, dots, dashes, underscores)',
    );
  }
  return [...new Set(orgs)].sort();
}

/** Only ECAR_PLAINTEXT, for the plain contract's guard (it needs none of the enclave's settings). */
export function readPlaintextMode(env: Environment = process.env): boolean {
  return flag(env, 'ECAR_PLAINTEXT');
}

function clockSkew(env: Environment): number {
  const value = env.ECAR_CLOCK_SKEW_MS;
  if (value === undefined || value.trim() === '') return DEFAULT_CLOCK_SKEW_MS;
  const ms = /^[0-9]{1,9}$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!(ms >= MIN_CLOCK_SKEW_MS && ms <= MAX_CLOCK_SKEW_MS)) {
    throw new EnclaveConfigError(
      'ECAR_CLOCK_SKEW_MS',
      `must be milliseconds between ${MIN_CLOCK_SKEW_MS} and ${MAX_CLOCK_SKEW_MS}, not '${value}'`,
    );
  }
  return ms;
}

function required(env: Environment, variable: string): string {
  const value = env[variable];
  if (value === undefined || value.trim() === '') throw new EnclaveConfigError(variable, 'is not set');
  return value.trim();
}

function path(env: Environment, variable: string): string {
  const value = required(env, variable);
  if (value.includes('\0')) throw new EnclaveConfigError(variable, 'is not a usable path');
  return isAbsolute(value) ? value : resolve(value);
}

function name(env: Environment, variable: string): string {
  const value = required(env, variable);
  if (!NAME_PATTERN.test(value)) {
    throw new EnclaveConfigError(variable, 'must be 1-249 letters, digits, dots, dashes or underscores');
  }
  return value;
}

function flag(env: Environment, variable: string): boolean {
  const value = env[variable];
  if (value === undefined || value === '' || value === '0') return false;
  if (value === '1') return true;
  throw new EnclaveConfigError(variable, `must be '1' (on) or '0' (off), not '${value}'`);
}
