// A station's pinned signing meter and the verifier port that checks OCMF records against it: the
// domain's MeterVerifier (re-exported by chaincode/src/ports.ts), implemented in meter-verifier.ts.
import type { PairableRecord } from './pairing';

/** An OCMF signature method name (OCMF `SA` field, e.g. `ECDSA-secp256r1-SHA256`). */
export type SignatureMethod = string;

/** A station's pinned signing meter: the only source of billed energy for that station. */
export interface PinnedMeter {
  readonly vendor: string;
  readonly model: string;
  readonly serial: string;
  /** The meter's public key, lowercase hex of its DER SubjectPublicKeyInfo (or raw point). */
  readonly publicKey: string;
  readonly signatureMethod: SignatureMethod;
}

/**
 * A signature-checked OCMF record: its signed payload, parsed, the key it was verified with, and the
 * hash that goes into the CDR. Settlement judges it by the shared billing rules (protocol/ocmf/billing).
 */
export interface VerifiedMeterRecord extends PairableRecord {
  /** Hex SHA-256 of the signed payload; goes into the CDR and events. */
  readonly payloadHash: string;
}

/**
 * Verifies one raw OCMF record (`OCMF|{payload}|{signature}`) against a pinned meter: its signature
 * with the pinned key and its signature method. Throws an `EcarError` with METER_SIGNATURE_INVALID
 * (tampered or wrong key), METER_FORMAT_INVALID or METER_KEY_INVALID; never
 * returns an unverified record. Every billing rule — the record's meter serial against the pinned one,
 * pagination, begin/end, meter state — belongs to settlement, not to the verifier.
 */
export interface MeterVerifier {
  verify(rawOcmfRecord: string, meter: PinnedMeter): VerifiedMeterRecord;
}
