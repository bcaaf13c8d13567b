// A fake OCMF verifier for domain tests: records are JSON "signed" with a hash over the content and
// the meter key, so a changed record or another key fails with METER_SIGNATURE_INVALID.
import { createHash } from 'node:crypto';
import type {
  MeterReadingType,
  MeterVerifier,
  PinnedMeter,
  VerifiedMeterRecord,
} from '../../chaincode/src/ports';
import { EcarError } from '../../chaincode/src/protocol/errors';

export interface FakeReading {
  readonly type: MeterReadingType;
  readonly timeMs: number;
  readonly valueMilliWh: bigint;
}

export interface FakeRecord {
  readonly meterSerial: string;
  readonly pagination: { readonly kind: 'T' | 'F'; readonly number: number };
  readonly readings: readonly FakeReading[];
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

function payload(record: FakeRecord): string {
  return JSON.stringify({
    meterSerial: record.meterSerial,
    pagination: record.pagination,
    readings: record.readings.map((r) => ({
      type: r.type,
      timeMs: r.timeMs,
      valueMilliWh: r.valueMilliWh.toString(),
    })),
  });
}

/** "Signs" a record with a meter key: `FAKE|<payload>|<sig>`. */
export function signFake(record: FakeRecord, publicKey: string): string {
  const body = payload(record);
  return `FAKE|${body}|${sha256(`${body}|${publicKey}`)}`;
}

/** Changes the energy of the last reading without re-signing. */
export function tamper(raw: string): string {
  return raw.replace(
    /"valueMilliWh":"(\d+)"\}\]/,
    (_m, value: string) => `"valueMilliWh":"${(BigInt(value) + 1000n).toString()}"}]`,
  );
}

interface ParsedPayload {
  meterSerial: string;
  pagination: { kind: 'T' | 'F'; number: number };
  readings: { type: MeterReadingType; timeMs: number; valueMilliWh: string }[];
}

export const fakeMeterVerifier: MeterVerifier = {
  verify(raw: string, meter: PinnedMeter): VerifiedMeterRecord {
    const match = /^FAKE\|(.*)\|([0-9a-f]{64})$/s.exec(raw);
    if (!match?.[1] || !match[2]) throw new EcarError('METER_FORMAT_INVALID', 'not a fake OCMF record');
    if (sha256(`${match[1]}|${meter.publicKey}`) !== match[2]) {
      throw new EcarError(
        'METER_SIGNATURE_INVALID',
        'the record signature does not verify with the pinned meter key',
      );
    }
    const parsed = JSON.parse(match[1]) as ParsedPayload;
    return {
      meterSerial: parsed.meterSerial,
      pagination: parsed.pagination,
      readings: parsed.readings.map((r) => ({
        type: r.type,
        timeMs: r.timeMs,
        valueMilliWh: BigInt(r.valueMilliWh),
      })),
      payloadHash: sha256(match[1]),
    };
  },
};
