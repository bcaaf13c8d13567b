// A signing wallbox meter for the demo and the tests: an EC P-256 key that signs OCMF records the
// way a calibration-law meter does, so settlement runs on real signed readings.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { signOcmfRecord } from '../../../chaincode/src/protocol/ocmf/sign';
import { formatOcmfTime } from '../../../chaincode/src/protocol/ocmf/time';

export interface DemoMeter {
  readonly serial: string;
  /** DER SubjectPublicKeyInfo, lowercase hex: what a station pins. */
  readonly publicKeyHex: string;
  readonly privateKey: KeyObject;
}

export interface MeterReadingSpec {
  readonly type: 'B' | 'E';
  readonly timeMs: number;
  /** Register value in kWh as an exact decimal string. */
  readonly kwh: string;
}

export function newDemoMeter(serial: string): DemoMeter {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    serial,
    publicKeyHex: publicKey.export({ format: 'der', type: 'spki' }).toString('hex'),
    privateKey,
  };
}

/** One signed OCMF record (pagination `T<page>`) holding the given readings. */
export function signReadings(meter: DemoMeter, page: number, readings: readonly MeterReadingSpec[]): string {
  return signOcmfRecord(
    {
      FV: '1.0',
      GI: 'ECAR DEMO WALLBOX',
      GS: 'GW-DEMO',
      GV: '1.0',
      PG: `T${page}`,
      MV: 'ecar',
      MM: 'demo-meter',
      MS: meter.serial,
      IS: false,
      IT: 'NONE',
      RD: readings.map((r) => ({
        TM: formatOcmfTime(r.timeMs, 60, 'S'),
        TX: r.type,
        RV: r.kwh,
        RI: '1-b:1.8.0',
        RU: 'kWh',
        ST: 'G',
      })),
    },
    meter.privateKey,
  );
}

/** The signed payload text of a record (between `OCMF|` and the signature section). */
export function ocmfPayloadText(record: string): string {
  return record.slice('OCMF|'.length, record.lastIndexOf('|'));
}
