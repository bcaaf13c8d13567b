// The file of a development meter (`ecar meter simulate`): its private key, serial, the next OCMF
// page and its energy register, so successive simulated sessions read like one real meter's
// (pagination increasing, register counting up). Private to its owner (0600), never a real meter.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { devMeterFromKey, newDevMeter, type DevMeter } from './dev-meter';

const FORMAT = 'ecar-development-meter/v1';

export interface DevMeterState {
  readonly meter: DevMeter;
  /** The page the next begin record gets (its end record gets the one after). */
  readonly nextPage: number;
  /** The energy register in milliwatt-hours. */
  readonly registerMilliWh: bigint;
}

/** A development meter's file could not be read, or is not one. */
export class DevMeterFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DevMeterFileError';
  }
}

/** A serial that says what it is: DEV- and 8 hex digits. */
export function devSerial(): string {
  return `DEV-${randomBytes(4).toString('hex').toUpperCase()}`;
}

/** Creates a new meter file (refuses to overwrite one: its key may be pinned on the ledger). */
export function createDevMeterFile(file: string, serial: string): DevMeterState {
  if (existsSync(file)) {
    throw new DevMeterFileError(
      `${file} exists: a meter key is never replaced in place; choose another --file`,
    );
  }
  const state: DevMeterState = { meter: newDevMeter(serial), nextPage: 1, registerMilliWh: 0n };
  saveDevMeterFile(file, state, 'wx');
  return state;
}

export function loadDevMeterFile(file: string): DevMeterState {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const why = error instanceof Error && 'code' in error ? String(error.code) : 'not JSON';
    throw new DevMeterFileError(
      `cannot read the development meter ${file} (${why}); create one with 'ecar meter simulate new'`,
    );
  }
  const o = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const { serial, privateKeyPem, nextPage, registerMilliWh } = o;
  if (
    o.format !== FORMAT ||
    typeof serial !== 'string' ||
    typeof privateKeyPem !== 'string' ||
    typeof nextPage !== 'number' ||
    !Number.isSafeInteger(nextPage) ||
    nextPage < 1 ||
    typeof registerMilliWh !== 'string' ||
    !/^[0-9]{1,20}$/.test(registerMilliWh)
  ) {
    throw new DevMeterFileError(`${file} is not a development meter file of 'ecar meter simulate new'`);
  }
  return {
    meter: devMeterFromKey(serial, privateKeyPem),
    nextPage,
    registerMilliWh: BigInt(registerMilliWh),
  };
}

export function saveDevMeterFile(file: string, state: DevMeterState, flag: 'w' | 'wx' = 'w'): void {
  const body = {
    format: FORMAT,
    developmentOnly: true,
    serial: state.meter.serial,
    publicKeyHex: state.meter.publicKeyHex,
    privateKeyPem: state.meter.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    nextPage: state.nextPage,
    registerMilliWh: state.registerMilliWh.toString(),
  };
  writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600, flag });
}
