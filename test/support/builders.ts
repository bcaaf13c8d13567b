// Test-data builders with Partial<T> overrides, the cast of actors, and a ready-made ledger.
import { expect } from 'chai';
import type { JsonObject, JsonValue } from '../../chaincode/src/protocol/json';
import { EcarError, type ErrorCode } from '../../chaincode/src/protocol/errors';
import { signingMeter, signMeterRecord, type ReadingSpec } from './signing-meter';
import { TestLedger } from './ledger';
import type {
  ArgsOf,
  ConnectorArgs,
  MeterArgs,
  ParamsArgs,
  RegisterStationArgs,
} from '../../chaincode/src/protocol/transactions';

/** The argument types are the protocol's (one home); the builders fill them with the test cast. */
export type { MeterArgs, ParamsArgs } from '../../chaincode/src/protocol/transactions';
export type StationArgs = RegisterStationArgs;
export type StartArgs = ArgsOf<'startSession'>;

/**
 * A wallet-shaped account id (`w:` + 64 hex digits, as the ledger requires) that still says whose
 * it is: the hex of the name, zero-padded. Distinct names give distinct ids.
 */
export function testAccount(name: string): string {
  const hex = Buffer.from(name, 'utf8').toString('hex');
  if (hex.length > 64) throw new Error(`test account name '${name}' is longer than 32 bytes`);
  return `w:${hex.padEnd(64, '0')}`;
}

export const OPERATOR = testAccount('op-consortium');
export const ISSUER = testAccount('issuer-bank');
export const AUDITOR = testAccount('auditor-1');
export const BACKEND = testAccount('ocpp-backend');
export const HOST = testAccount('host-anna');
export const HOST2 = testAccount('host-carl');
export const DRIVER = testAccount('driver-ben');
export const DRIVER2 = testAccount('driver-dora');

/** The public key of the stations' test meter (a real P-256 key that signs the records below). */
export const METER_KEY = signingMeter().publicKeyHex;
export const METER_SERIAL = 'EMH-0001';
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

export function paramsArgs(overrides: ParamsArgs = {}): ParamsArgs & ArgsOf<'initialize'> {
  return {
    issuer: ISSUER,
    auditors: [AUDITOR],
    backends: [BACKEND],
    feeBps: 1000,
    holdDefault: '20000',
    holdMinimum: '1000',
    holdMaximum: '100000',
    holdExpirySeconds: 12 * 3600,
    disputeWindowSeconds: 3 * 24 * 3600,
    transfersEnabled: false,
    ...overrides,
  };
}

export function meterArgs(overrides: Partial<MeterArgs> = {}): MeterArgs {
  return {
    vendor: 'EMH',
    model: 'eHZ',
    serial: METER_SERIAL,
    publicKey: METER_KEY,
    signatureMethod: 'ECDSA-secp256r1-SHA256',
    ...overrides,
  };
}

export function connectorArgs(overrides: Partial<ConnectorArgs> = {}): ConnectorArgs {
  return {
    id: '1',
    standard: 'IEC_62196_T2',
    format: 'SOCKET',
    powerType: 'AC_3_PHASE',
    maxVoltage: 400,
    maxAmperage: 16,
    maxElectricPower: 11000,
    ...overrides,
  };
}

export function stationArgs(overrides: Partial<StationArgs> = {}): StationArgs {
  return {
    stationId: 'st-1',
    name: 'Driveway wallbox',
    location: { country: 'DE', city: 'Berlin', postalCode: '10115', latitude: '52.53', longitude: '13.38' },
    address: {
      street: 'Invalidenstrasse',
      houseNumber: '117',
      postalCode: '10115',
      city: 'Berlin',
      country: 'DE',
    },
    parkingType: 'ON_DRIVEWAY',
    utcOffsetMinutes: 0,
    evses: [
      { uid: 'evse-1', connectors: [connectorArgs()] },
      { uid: 'evse-2', connectors: [connectorArgs()] },
    ],
    openingHours: { twentyfourseven: true },
    meter: meterArgs(),
    bookingTerms: { noShowFee: '3000', cancelBeforeMinutes: 60, maxDurationMinutes: 240 },
    ...overrides,
  };
}

/** 0.25 EUR/kWh in milli-euro minor units: the OCPI simple tariff. */
export function energyTariff(pricePerKwh = '250'): JsonObject {
  return { elements: [{ price_components: [{ type: 'ENERGY', price: pricePerKwh, step_size: 1 }] }] };
}

export function startArgs(overrides: Partial<StartArgs> = {}): StartArgs {
  return { sessionId: 'sess-1', stationId: 'st-1', evseUid: 'evse-1', connectorId: '1', ...overrides };
}

export interface RecordsOptions {
  beginMs: number;
  endMs: number;
  beginMilliWh: bigint;
  energyMilliWh: bigint;
  page: number;
  /** The key to sign with (a test meter's, see signing-meter); another text signs with a key no station pins. */
  publicKey: string;
  serial: string;
  /** One record with B and E (default) or two records. */
  split: boolean;
}

/** Signed OCMF begin/end records for a session (secp256r1, kWh with 1 mWh resolution, clock synchronised). */
export function meterRecords(
  overrides: Partial<RecordsOptions> & Pick<RecordsOptions, 'beginMs' | 'endMs'>,
): string[] {
  const o: RecordsOptions = {
    beginMilliWh: 1_000_000n,
    energyMilliWh: 10_000_000n,
    page: 1,
    publicKey: METER_KEY,
    serial: METER_SERIAL,
    split: false,
    ...overrides,
  };
  const begin: ReadingSpec = { type: 'B', timeMs: o.beginMs, milliWh: o.beginMilliWh };
  const end: ReadingSpec = { type: 'E', timeMs: o.endMs, milliWh: o.beginMilliWh + o.energyMilliWh };
  if (!o.split)
    return [signMeterRecord({ serial: o.serial, page: o.page, readings: [begin, end] }, o.publicKey)];
  return [
    signMeterRecord({ serial: o.serial, page: o.page, readings: [begin] }, o.publicKey),
    signMeterRecord({ serial: o.serial, page: o.page + 1, readings: [end] }, o.publicKey),
  ];
}

/** A ledger with parameters, one host station with a pinned meter and an energy tariff, and funded drivers. */
export async function readyLedger(
  options: {
    params?: Partial<ParamsArgs>;
    station?: Partial<StationArgs>;
    tariff?: JsonObject;
    fund?: string;
    /** Who vouches for the station's meter key (default: the charging backend pins it). */
    meterPinnedBy?: 'backend' | 'host';
  } = {},
): Promise<TestLedger> {
  const ledger = new TestLedger();
  await ledger.submit(OPERATOR, 'initialize', paramsArgs(options.params));
  const station = stationArgs(options.station);
  await ledger.submit(HOST, 'registerStation', station);
  if (station.meter && options.meterPinnedBy !== 'host') {
    await ledger.submit(BACKEND, 'pinMeterFromBackend', {
      stationId: station.stationId,
      meter: station.meter,
    });
  }
  await ledger.submit(HOST, 'setTariff', {
    stationId: options.station?.stationId ?? 'st-1',
    tariff: options.tariff ?? energyTariff(),
  });
  const fund = options.fund ?? '100000';
  await ledger.submit(ISSUER, 'mint', { account: DRIVER, amount: fund, paymentRef: 'pay-driver-1' });
  await ledger.submit(ISSUER, 'mint', { account: DRIVER2, amount: fund, paymentRef: 'pay-driver-2' });
  return ledger;
}

/**
 * The one settled ledger of the tests: readyLedger, then DRIVER's session sess-1 at HOST's st-1
 * charging 10 kWh in one hour (signed records from minute 1 to 61), stopped at minute 62. The host
 * has 2250 minor units earned, locked for the dispute window; the driver paid 2500 of its hold.
 */
export async function settledLedger(options: Parameters<typeof readyLedger>[0] = {}): Promise<TestLedger> {
  const ledger = await readyLedger(options);
  await ledger.submit(DRIVER, 'startSession', startArgs());
  const ocmf = meterRecords({ beginMs: ledger.nowMs + MINUTE, endMs: ledger.nowMs + 61 * MINUTE });
  ledger.advance(62 * MINUTE);
  await ledger.submit(DRIVER, 'stopSession', { sessionId: 'sess-1', ocmf });
  return ledger;
}

/** Asserts that a promise fails with an EcarError of the code (and details), and that nothing was committed. */
export async function expectError(
  ledger: TestLedger,
  promise: () => Promise<unknown>,
  code: ErrorCode,
  details: Record<string, string> = {},
): Promise<EcarError> {
  const before = ledger.store.snapshot();
  let caught: unknown;
  try {
    await promise();
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected ${code}`).to.be.instanceOf(EcarError);
  const error = caught as EcarError;
  expect(error.code, error.message).to.equal(code);
  expect(error.message.slice(0, `${code}: `.length)).to.equal(`${code}: `);
  for (const [key, value] of Object.entries(details)) expect(error.details[key], key).to.equal(value);
  expect(ledger.store.snapshot(), 'nothing is written on error').to.equal(before);
  return error;
}

/** Reads a field of a JSON result object. */
export function field(result: JsonValue, ...path: string[]): JsonValue {
  let value: JsonValue = result;
  for (const key of path) value = (value as JsonObject)[key] ?? null;
  return value;
}
