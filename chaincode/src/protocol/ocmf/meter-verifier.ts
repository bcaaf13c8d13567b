// The domain's MeterVerifier port (chaincode/src/ports.ts) implemented with the real OCMF verifier:
// checks a record against the station's pinned meter and reduces it to what settlement needs.
import { createHash } from 'node:crypto';
import type { MeterReading, MeterVerifier, PinnedMeter, VerifiedMeterRecord } from '../../ports';
import { EcarError } from '../errors';
import { parseSignatureMethod } from './signature';
import { verifyOcmfRecord } from './verify';

/**
 * Verifies `raw` with the pinned meter's key, and requires the record to use the pinned signature
 * method. The record's meter serial is passed on unjudged: the domain refuses a record of another
 * meter (METER_MISMATCH), as it owns every pairing rule. Only energy readings (kWh/Wh) with a
 * transaction code are passed on; because the port carries no meter state, a record whose energy
 * readings report a meter error (ST not G) or unusable energy (EF contains E) is refused here.
 *
 * @throws EcarError METER_SIGNATURE_INVALID, METER_FORMAT_INVALID, METER_KEY_INVALID (also for a
 *   signature method other than the pinned one) or METER_READINGS_INVALID (unusable readings).
 */
export const ocmfMeterVerifier: MeterVerifier = {
  verify(raw: string, meter: PinnedMeter): VerifiedMeterRecord {
    const pinnedMethod = parseSignatureMethod(meter.signatureMethod);
    const record = verifyOcmfRecord(raw, meter.publicKey);
    if (record.signature.method.id !== pinnedMethod.id) {
      throw new EcarError(
        'METER_KEY_INVALID',
        `the record is signed with ${record.signature.method.id}, the meter is pinned with ${pinnedMethod.id}`,
      );
    }
    const payload = record.payload;
    const readings: MeterReading[] = [];
    for (const reading of payload.readings) {
      const milliWh = reading.value?.milliWh;
      if (reading.transaction === undefined || milliWh === undefined) continue;
      if (reading.status !== 'G' || reading.errorFlags.includes('E')) {
        throw new EcarError(
          'METER_READINGS_INVALID',
          `reading ${reading.index} is unusable (meter state ${reading.status}, error flags '${reading.errorFlags}')`,
          { rule: reading.status !== 'G' ? 'METER_STATUS' : 'ERROR_FLAGS' },
        );
      }
      readings.push({ type: reading.transaction, timeMs: reading.time.epochMs, valueMilliWh: milliWh });
    }
    return {
      meterSerial: payload.meter.serial,
      pagination: { kind: payload.pagination.context, number: payload.pagination.number },
      readings,
      payloadHash: createHash('sha256').update(record.payloadText, 'utf8').digest('hex'),
    };
  },
};
