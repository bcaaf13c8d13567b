// The report_data binding of an enclave's identity keys (DESIGN.md section 4): what an ecar enclave
// writes into its quote, and the check a verifier runs before it trusts those keys.
import { createHash } from 'node:crypto';
import { EcarError } from '../errors';
import { bytesEqual, toHex } from './bytes';

/** Domain separation tag, the first bytes hashed. */
export const REPORT_DATA_DOMAIN = 'ecar/enclave/v1';

/** What an enclave's report_data binds: its identity keys and where it serves. */
export interface EnclaveBinding {
  /** X25519 box public key (32 bytes). */
  readonly boxPub: Uint8Array;
  /** Ed25519 signing public key (32 bytes). */
  readonly signPub: Uint8Array;
  readonly channel: string;
  readonly chaincode: string;
  readonly mspId: string;
}

/**
 * report_data = SHA-256(preimage) || 32 zero bytes, where the preimage is
 *
 *   "ecar/enclave/v1" (15 ASCII bytes)
 *   || boxPub (exactly 32 bytes) || signPub (exactly 32 bytes)
 *   || u32be(len) || channel || u32be(len) || chaincode || u32be(len) || mspId
 *
 * with the strings as UTF-8 and each length the byte length of the string after it. The keys have a
 * fixed size and the strings a length prefix, so no two different bindings share a preimage. The
 * hash fills the first 32 bytes (the part Azure Attestation's runtime-data rule checks).
 *
 * @throws EcarError INVALID_ARGUMENT when a key is not 32 bytes or a string is empty.
 */
export function enclaveReportData(binding: EnclaveBinding): Uint8Array {
  const hash = createHash('sha256').update(REPORT_DATA_DOMAIN, 'ascii');
  for (const [name, key] of [
    ['boxPub', binding.boxPub],
    ['signPub', binding.signPub],
  ] as const) {
    if (key.length !== 32)
      throw new EcarError('INVALID_ARGUMENT', `${name} must be 32 bytes, got ${key.length}`);
    hash.update(key);
  }
  for (const [name, text] of [
    ['channel', binding.channel],
    ['chaincode', binding.chaincode],
    ['mspId', binding.mspId],
  ] as const) {
    if (text.length === 0) throw new EcarError('INVALID_ARGUMENT', `${name} must not be empty`);
    const bytes = Buffer.from(text, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length).update(bytes);
  }
  const out = new Uint8Array(64);
  out.set(hash.digest(), 0);
  return out;
}

/**
 * Checks that a quote's report_data binds exactly these keys and this deployment.
 *
 * @throws EcarError ATTESTATION_POLICY_REJECTED (details.rule = "report-data") when it does not.
 */
export function checkEnclaveReportData(reportData: Uint8Array, binding: EnclaveBinding): void {
  checkReportData(reportData, enclaveReportData(binding));
}

/** Compares report_data with the expected 64 bytes. */
export function checkReportData(reportData: Uint8Array, expected: Uint8Array): void {
  if (!bytesEqual(reportData, expected)) {
    throw new EcarError(
      'ATTESTATION_POLICY_REJECTED',
      `report_data does not bind the expected enclave keys (expected ${toHex(expected)}, quote has ${toHex(reportData)})`,
      { rule: 'report-data' },
    );
  }
}
