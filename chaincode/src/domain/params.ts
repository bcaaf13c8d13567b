// Roles and parameters: set once by `initialize` (the caller becomes the operator; in confidential
// mode only the operator wallet the founding orgs fixed at genesis may), changed only by the operator. Hosts and drivers need no registration: anyone who registers a station is its host,
// anyone who starts a session is its driver.
import type { JsonObject } from '../ports';
import { ACCOUNT_ID_HINT, ACCOUNT_ID_PATTERN } from '../protocol/account-id';
import { EcarError } from '../protocol/errors';
import { BILLING_DEFAULTS } from '../protocol/ocmf/billing';
import { recordDecoder, type Tx } from './context';
import { Forbidden } from './errors';
import { array, boolean, integer, money, oneOf, parseArgs, string, type Fields } from './parse';
import { KNOWN_SIGNATURE_METHODS } from '../protocol/vocabulary';
import type { Params } from '../protocol/records';

export const PARAMS_KEY = 'params';

export type Role = 'operator' | 'issuer' | 'auditor' | 'backend';

/** Fields added after the first release: a parameters record written before them reads their defaults. */
type LaterFields =
  | 'allowUnverifiedMeterKeys'
  | 'addressReleaseSeconds'
  | 'addressReleasesPerDay'
  | 'meterPowerToleranceBps'
  | 'mintMaximum';
const decodeParamsJson = recordDecoder<Omit<Params, LaterFields> & Partial<Pick<Params, LaterFields>>>([
  'holdDefault',
  'holdMinimum',
  'holdMaximum',
]);
const decodeParams = (json: JsonObject): Params => {
  const params = decodeParamsJson(json);
  const mintMaximum = json.mintMaximum;
  return {
    ...params,
    mintMaximum: typeof mintMaximum === 'string' ? BigInt(mintMaximum) : PARAM_DEFAULTS.mintMaximum,
    allowUnverifiedMeterKeys: params.allowUnverifiedMeterKeys ?? PARAM_DEFAULTS.allowUnverifiedMeterKeys,
    addressReleaseSeconds: params.addressReleaseSeconds ?? PARAM_DEFAULTS.addressReleaseSeconds,
    addressReleasesPerDay: params.addressReleasesPerDay ?? PARAM_DEFAULTS.addressReleasesPerDay,
    meterPowerToleranceBps: params.meterPowerToleranceBps ?? PARAM_DEFAULTS.meterPowerToleranceBps,
  };
};

const MAX_ROLE_HOLDERS = 20;
/** No parameter may allow a single top-up above this (10^12 minor units). */
const MINT_MAXIMUM_CEILING = 1_000_000_000_000n;
const SETTABLE = [
  'issuer',
  'auditors',
  'backends',
  'feeBps',
  'holdDefault',
  'holdMinimum',
  'holdMaximum',
  'holdExpirySeconds',
  'disputeWindowSeconds',
  'signatureMethods',
  'transfersEnabled',
  'meterClockSkewSeconds',
  'meterPowerToleranceBps',
  'allowUnverifiedMeterKeys',
  'addressReleaseSeconds',
  'addressReleasesPerDay',
  'mintMaximum',
] as const;

export const PARAM_DEFAULTS = {
  feeBps: 1000,
  holdExpirySeconds: 24 * 3600,
  disputeWindowSeconds: 7 * 24 * 3600,
  transfersEnabled: false,
  meterClockSkewSeconds: BILLING_DEFAULTS.meterClockSkewSeconds,
  meterPowerToleranceBps: BILLING_DEFAULTS.powerToleranceBps,
  allowUnverifiedMeterKeys: false,
  addressReleaseSeconds: 2 * 3600,
  addressReleasesPerDay: 5,
  /** 10,000.00 tokens at 2 decimals. */
  mintMaximum: 1_000_000n,
  signatureMethods: ['ECDSA-secp256r1-SHA256', 'ECDSA-brainpool256r1-SHA256', 'ECDSA-secp384r1-SHA256'],
} as const;

/** A role holder: an account id some caller can be (a typo would name a role no one holds). */
function callerId(value: unknown, path: string): string {
  return string(value, path, { max: 200, pattern: ACCOUNT_ID_PATTERN, hint: ACCOUNT_ID_HINT });
}

function callerIds(value: unknown, path: string): string[] {
  const ids = array(value, path, { max: MAX_ROLE_HOLDERS }).map((item, i) => callerId(item, `${path}[${i}]`));
  return [...new Set(ids)].sort();
}

type ParamFields = Omit<Params, 'operator' | 'version' | 'updatedAt'>;

/** Parses the settable fields present in `fields`, on top of `base`. */
function parseParamFields(fields: Fields, base: ParamFields): ParamFields {
  const pick = <K extends keyof ParamFields>(
    key: K,
    parse: (v: unknown, path: string) => ParamFields[K],
  ): ParamFields[K] => (fields[key] === undefined ? base[key] : parse(fields[key], key));
  const next: ParamFields = {
    issuer: pick('issuer', callerId),
    auditors: pick('auditors', callerIds),
    backends: pick('backends', callerIds),
    feeBps: pick('feeBps', (v, p) => integer(v, p, { min: 0, max: 10_000 })),
    holdDefault: pick('holdDefault', (v, p) => money(v, p)),
    holdMinimum: pick('holdMinimum', (v, p) => money(v, p)),
    holdMaximum: pick('holdMaximum', (v, p) => money(v, p, { min: 1n })),
    holdExpirySeconds: pick('holdExpirySeconds', (v, p) => integer(v, p, { min: 60, max: 30 * 24 * 3600 })),
    disputeWindowSeconds: pick('disputeWindowSeconds', (v, p) =>
      integer(v, p, { min: 0, max: 365 * 24 * 3600 }),
    ),
    signatureMethods: pick('signatureMethods', (v, p) =>
      [
        ...new Set(
          array(v, p, { min: 1, max: KNOWN_SIGNATURE_METHODS.length }).map((m, i) =>
            oneOf(m, `${p}[${i}]`, KNOWN_SIGNATURE_METHODS),
          ),
        ),
      ].sort(),
    ),
    transfersEnabled: pick('transfersEnabled', boolean),
    meterClockSkewSeconds: pick('meterClockSkewSeconds', (v, p) => integer(v, p, { min: 0, max: 3600 })),
    meterPowerToleranceBps: pick('meterPowerToleranceBps', (v, p) => integer(v, p, { min: 0, max: 10_000 })),
    allowUnverifiedMeterKeys: pick('allowUnverifiedMeterKeys', boolean),
    addressReleaseSeconds: pick('addressReleaseSeconds', (v, p) =>
      integer(v, p, { min: 0, max: 7 * 24 * 3600 }),
    ),
    addressReleasesPerDay: pick('addressReleasesPerDay', (v, p) => integer(v, p, { min: 1, max: 100 })),
    mintMaximum: pick('mintMaximum', (v, p) => money(v, p, { min: 1n, max: MINT_MAXIMUM_CEILING })),
  };
  if (!(next.holdMinimum <= next.holdDefault && next.holdDefault <= next.holdMaximum)) {
    throw new EcarError('INVALID_ARGUMENT', 'holds must satisfy holdMinimum <= holdDefault <= holdMaximum', {
      field: 'holdDefault',
    });
  }
  return next;
}

export async function loadParams(tx: Tx): Promise<Params> {
  const params = await tx.read(PARAMS_KEY, decodeParams);
  if (!params)
    throw new EcarError(
      'NOT_INITIALIZED',
      'the ledger has not been initialised; the operator must call initialize first',
    );
  return params;
}

export function hasRole(params: Params, role: Role, id: string): boolean {
  switch (role) {
    case 'operator':
      return params.operator === id;
    case 'issuer':
      return params.issuer === id;
    case 'auditor':
      return params.auditors.includes(id);
    case 'backend':
      return params.backends.includes(id);
  }
}

/** Throws Forbidden unless the caller holds one of the roles. */
export function requireRole(params: Params, caller: string, action: string, ...roles: Role[]): void {
  if (!roles.some((role) => hasRole(params, role, caller)))
    throw new Forbidden(action, `the ${roles.join(' or ')}`);
}

/**
 * initialize: the caller becomes the operator and sets every parameter; once only. Where the ports
 * carry a genesis, the caller must be the operator it fixed.
 */
export async function initialize(tx: Tx, raw: unknown): Promise<Params> {
  const fields = parseArgs(raw, SETTABLE);
  if (fields.issuer === undefined)
    throw new EcarError('INVALID_ARGUMENT', 'issuer is required', { field: 'issuer' });
  if (fields.holdDefault === undefined)
    throw new EcarError('INVALID_ARGUMENT', 'holdDefault is required', { field: 'holdDefault' });
  const operator = tx.caller;
  if (await tx.exists(PARAMS_KEY)) {
    throw new EcarError(
      'ALREADY_EXISTS',
      'the ledger is already initialised; the operator changes parameters with setParams',
    );
  }
  await requireGenesisOperator(tx, operator);
  const holdDefault = money(fields.holdDefault, 'holdDefault');
  const parsed = parseParamFields(fields, {
    ...PARAM_DEFAULTS,
    issuer: '',
    auditors: [],
    backends: [],
    holdDefault,
    holdMinimum: 0n,
    holdMaximum: holdDefault * 10n > 0n ? holdDefault * 10n : 1n,
    signatureMethods: [...PARAM_DEFAULTS.signatureMethods].sort(),
  });
  const params: Params = { ...parsed, operator, version: 1, updatedAt: tx.now };
  await tx.write(PARAMS_KEY, params);
  tx.emit('ParamsChanged', { version: '1' });
  return params;
}

async function requireGenesisOperator(tx: Tx, caller: string): Promise<void> {
  const genesis = tx.ports.genesis;
  if (genesis === undefined) return;
  const isOperator = await genesis.isOperator(caller);
  if (isOperator === undefined) {
    throw new EcarError(
      'NOT_INITIALIZED',
      'the founding orgs have not fixed the operator wallet yet: every founding org admin must approve the genesis',
    );
  }
  if (!isOperator)
    throw new Forbidden('initialize', 'the operator wallet the founding orgs fixed at genesis');
}

/** setParams: the operator changes any parameter or role holder, including handing over `operator`. */
export async function setParams(tx: Tx, raw: unknown): Promise<Params> {
  const fields = parseArgs(raw, [...SETTABLE, 'operator']);
  const current = await loadParams(tx);
  requireRole(current, tx.caller, 'setParams', 'operator');
  if (Object.keys(fields).length === 0)
    throw new EcarError('INVALID_ARGUMENT', 'name at least one parameter to change');
  const operator = fields.operator === undefined ? current.operator : callerId(fields.operator, 'operator');
  const next: Params = {
    ...parseParamFields(fields, current),
    operator,
    version: current.version + 1,
    updatedAt: tx.now,
  };
  await tx.write(PARAMS_KEY, next);
  tx.emit('ParamsChanged', { version: String(next.version) });
  return next;
}

/** getParams: public (fee, holds, windows and role holders are consortium policy). */
export async function getParams(tx: Tx, raw: unknown): Promise<Params> {
  parseArgs(raw, []);
  return loadParams(tx);
}
