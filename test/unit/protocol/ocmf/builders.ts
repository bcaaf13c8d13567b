// Test-data builders for OCMF: a signing test meter per curve and payload drafts with overrides.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import {
  CURVES,
  signOcmfRecord,
  verifyOcmfRecord,
  type CurveName,
  type OcmfPayloadDraft,
  type OcmfReadingDraft,
  type VerifiedOcmfRecord,
} from '../../../../chaincode/src/protocol/ocmf';

export interface TestMeter {
  readonly curve: CurveName;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** SubjectPublicKeyInfo DER as hex. */
  readonly publicKeyHex: string;
}

const meters = new Map<CurveName, TestMeter>();

/** A meter key pair on the curve, generated once per test run. */
export function testMeter(curve: CurveName = 'secp256r1'): TestMeter {
  const existing = meters.get(curve);
  if (existing) return existing;
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: CURVES[curve].nodeName });
  const meter = {
    curve,
    privateKey,
    publicKey,
    publicKeyHex: publicKey.export({ format: 'der', type: 'spki' }).toString('hex'),
  };
  meters.set(curve, meter);
  return meter;
}

export function reading(overrides: Partial<OcmfReadingDraft> = {}): OcmfReadingDraft {
  return {
    TM: '2024-05-01T10:00:00,000+0200 S',
    TX: 'B',
    RV: '100.000',
    RI: '1-b:1.8.0',
    RU: 'kWh',
    ST: 'G',
    ...overrides,
  };
}

/** A transaction record holding a begin and an end reading (like KEBA's T32). */
export function payload(overrides: Partial<OcmfPayloadDraft> = {}): OcmfPayloadDraft {
  return {
    FV: '1.0',
    GI: 'ECAR TEST METER',
    GS: 'GW-1',
    GV: '1.0',
    PG: 'T10',
    MV: 'ecar',
    MM: 'test',
    MS: 'METER-1',
    IS: true,
    IL: 'TRUSTED',
    IF: ['RFID_PLAIN'],
    IT: 'ISO14443',
    ID: '04A1B2C3',
    RD: [reading(), reading({ TM: '2024-05-01T10:30:00,000+0200 S', TX: 'E', RV: '101.250' })],
    ...overrides,
  };
}

export function beginRecord(overrides: Partial<OcmfPayloadDraft> = {}): OcmfPayloadDraft {
  return payload({ PG: 'T10', RD: [reading()], ...overrides });
}

export function endRecord(overrides: Partial<OcmfPayloadDraft> = {}): OcmfPayloadDraft {
  return payload({
    PG: 'T11',
    RD: [reading({ TM: '2024-05-01T10:30:00,000+0200 S', TX: 'E', RV: '101.250' })],
    ...overrides,
  });
}

/** Signs with the test meter of `curve` and verifies with its public key. */
export function signedAndVerified(
  draft: OcmfPayloadDraft | string,
  curve: CurveName = 'secp256r1',
): VerifiedOcmfRecord {
  const meter = testMeter(curve);
  return verifyOcmfRecord(signOcmfRecord(draft, meter.privateKey), meter.publicKey);
}
