// Where an enclave's evidence comes from: a quote over given report_data, and the collateral a
// verifier needs to check it (PCCS JSON shape).
import type { EnclaveProvider } from '../protocol/confidential/api';

export interface ProviderEvidence {
  readonly provider: EnclaveProvider;
  /** DCAP quote bytes. */
  readonly quote: Uint8Array;
  /** Collateral JSON text (the shape of shared/testdata/attestation/*.collateral.json). */
  readonly collateral: string;
}

export interface AttestationProvider {
  readonly name: EnclaveProvider;
  /**
   * A quote whose report_data is exactly `reportData` (64 bytes), with its collateral.
   *
   * @throws EcarError INTERNAL when the platform cannot produce a quote.
   */
  evidence(reportData: Uint8Array): ProviderEvidence;
}
