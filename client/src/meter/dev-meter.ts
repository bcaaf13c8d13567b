// A development signing meter: an EC P-256 key that signs OCMF records the way a calibration-law
// meter does, for the demo, the tests and `ecar meter simulate`. It is not a calibrated meter and
// the consortium does not trust its key unless an operator approves it.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { splitOcmfRecord } from '../../../chaincode/src/protocol/ocmf/record';
import { signOcmfRecord } from '../../../chaincode/src/protocol/ocmf/sign';
import { formatOcmfTime } from '../../../chaincode/src/protocol/ocmf/time';

export interface DevMeter {
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

/** The gateway name every development record carries, so a reader can tell it from a wallbox's. */
export const DEV_METER_GATEWAY = 'ECAR DEVELOPMENT METER (not calibrated)';

export function newDevMeter(serial: string): DevMeter {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    serial,
    publicKeyHex: publicKey.export({ format: 'der', type: 'spki' }).toString('hex'),
    privateKey,
  };
}

/** A development meter from its private key (PEM) and serial. */
export function devMeterFromKey(serial: string, privateKeyPem: string): DevMeter {
  const privateKey = createPrivateKey(privateKeyPem);
  return {
    serial,
    publicKeyHex: createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).toString('hex'),
    privateKey,
  };
}

/** One signed OCMF record (pagination `T<page>`) holding the given readings. */
export function signReadings(meter: DevMeter, page: number, readings: readonly MeterReadingSpec[]): string {
  return signOcmfRecord(
    {
      FV: '1.0',
      GI: DEV_METER_GATEWAY,
      GS: 'GW-DEV',
      GV: '1.0',
      PG: `T${page}`,
      MV: 'ecar',
      MM: 'development-meter',
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
  return splitOcmfRecord(record).payloadText;
}
