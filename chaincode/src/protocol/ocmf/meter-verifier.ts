// The domain's MeterVerifier port (chaincode/src/ports.ts) implemented with the real OCMF verifier:
// checks a record against the station's pinned meter; settlement then judges it by the billing rules.
import { createHash } from 'node:crypto';
import type { MeterVerifier, PinnedMeter, VerifiedMeterRecord } from './pinned-meter';
import { EcarError } from '../errors';
import { parseSignatureMethod } from './signature';
import { verifyOcmfRecord } from './verify';

/**
 * Verifies `raw` with the pinned meter's key, and requires the record to use the pinned signature
 * method. Nothing else is judged here: the meter serial, pagination and every pairing rule are
 * settlement's (domain/sessions with protocol/ocmf/billing), the same rules `ecar meter verify` uses.
 *
 * @throws EcarError METER_SIGNATURE_INVALID, METER_FORMAT_INVALID or METER_KEY_INVALID (also for a
 *   signature method other than the pinned one).
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
    return {
      payload: record.payload,
      publicKey: record.publicKey,
      payloadHash: createHash('sha256').update(record.payloadText, 'utf8').digest('hex'),
    };
  },
};
