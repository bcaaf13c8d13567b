// Real OCMF signing meters for domain tests: an EC P-256 key per name, generated once per run, so
// settlement in unit tests checks real signatures with the real verifier and the real billing rules.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { formatOcmfTime, signOcmfRecord, type TimeStatus } from '../../chaincode/src/protocol/ocmf';

export interface SigningMeter {
  readonly privateKey: KeyObject;
  /** DER SubjectPublicKeyInfo, lowercase hex: what a station pins. */
  readonly publicKeyHex: string;
}

const byName = new Map<string, SigningMeter>();
const byKey = new Map<string, SigningMeter>();

/** The meter called `name` (the same key for the whole run). */
export function signingMeter(name = 'default'): SigningMeter {
  const known = byName.get(name);
  if (known) return known;
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const meter = {
    privateKey,
    publicKeyHex: publicKey.export({ format: 'der', type: 'spki' }).toString('hex'),
  };
  byName.set(name, meter);
  byKey.set(meter.publicKeyHex, meter);
  return meter;
}

/** The meter whose public key is `publicKeyHex`; for any other text a meter of its own, whose records that key never verifies. */
export function meterForKey(publicKeyHex: string): SigningMeter {
  return byKey.get(publicKeyHex) ?? signingMeter(`unknown:${publicKeyHex}`);
}

export interface ReadingSpec {
  /** TX */
  readonly type: string;
  readonly timeMs: number;
  readonly milliWh: bigint;
  readonly timeStatus?: TimeStatus;
  /** ST, default G. */
  readonly status?: string;
  /** EF, default none. */
  readonly errorFlags?: string;
}

export interface RecordSpec {
  readonly serial: string;
  /** The transaction pagination counter (PG "T<page>"). */
  readonly page: number;
  readonly readings: readonly ReadingSpec[];
}

/** Exact kWh text with 6 decimals (1 mWh resolution) for a register value. */
export function kwhText(milliWh: bigint): string {
  return `${(milliWh / 1_000_000n).toString()}.${(milliWh % 1_000_000n).toString().padStart(6, '0')}`;
}

/** An OCMF record of a wallbox meter, signed with the key `publicKeyHex` names (see meterForKey). */
export function signMeterRecord(spec: RecordSpec, publicKeyHex: string): string {
  return signOcmfRecord(
    {
      FV: '1.0',
      GI: 'ECAR UNIT WALLBOX',
      GS: 'GW-UNIT',
      PG: `T${spec.page}`,
      MV: 'EMH',
      MM: 'eHZ',
      MS: spec.serial,
      IS: true,
      IL: 'TRUSTED',
      IT: 'ISO14443',
      ID: '04A1B2C3',
      RD: spec.readings.map((r) => ({
        TM: formatOcmfTime(r.timeMs, 0, r.timeStatus ?? 'S'),
        TX: r.type,
        RV: kwhText(r.milliWh),
        RI: '1-b:1.8.0',
        RU: 'kWh',
        ...(r.errorFlags === undefined ? {} : { EF: r.errorFlags }),
        ST: r.status ?? 'G',
      })),
    },
    meterForKey(publicKeyHex).privateKey,
  );
}

/** Raises the last reading's value by 1 Wh without re-signing. */
export function tamper(raw: string): string {
  const values = [...raw.matchAll(/"RV":([0-9]+)\.([0-9]{6})/g)];
  const last = values[values.length - 1];
  if (!last) throw new Error('no reading value to tamper with');
  const raised = kwhText(BigInt(`${last[1] ?? ''}${last[2] ?? ''}`) + 1_000n);
  return `${raw.slice(0, last.index)}"RV":${raised}${raw.slice(last.index + last[0].length)}`;
}
