// The production attestation provider inside Gramine (gramine-sgx, sgx.remote_attestation = "dcap"):
// report_data goes to /dev/attestation/user_report_data, the DCAP quote comes from
// /dev/attestation/quote. Gramine provides no collateral: the operator fetches it from the PCCS for
// this platform (FMSPC) and keeps the file ECAR_COLLATERAL_FILE fresh (before its nextUpdate), see
// network/enclave/README.md. The file is read on every call, so a refreshed file is used at once.
import { readFileSync, writeFileSync } from 'node:fs';
import { EcarError } from '../protocol/errors';
import type { AttestationProvider, ProviderEvidence } from './attestation-provider';

export const GRAMINE_ATTESTATION = {
  type: '/dev/attestation/attestation_type',
  userReportData: '/dev/attestation/user_report_data',
  quote: '/dev/attestation/quote',
} as const;

export interface GramineProviderOptions {
  readonly collateralFile: string;
  /** Where Gramine's pseudo-files are (tests point this at a folder of fakes). */
  readonly files?: Readonly<Record<keyof typeof GRAMINE_ATTESTATION, string>>;
}

export function gramineProvider(options: GramineProviderOptions): AttestationProvider {
  const files = options.files ?? GRAMINE_ATTESTATION;
  return {
    name: 'gramine',
    evidence(reportData: Uint8Array): ProviderEvidence {
      if (reportData.length !== 64) throw new EcarError('INTERNAL', 'report_data must be 64 bytes');
      let type: string;
      try {
        type = readFileSync(files.type, 'utf8').trim();
      } catch {
        throw new EcarError(
          'INTERNAL',
          `${files.type} is missing: the chaincode is not running inside Gramine`,
        );
      }
      if (type !== 'dcap') {
        throw new EcarError(
          'INTERNAL',
          `Gramine attestation type is '${type}', not 'dcap': set sgx.remote_attestation = "dcap" in the manifest`,
        );
      }
      writeFileSync(files.userReportData, reportData);
      const quote = new Uint8Array(readFileSync(files.quote));
      let collateral: string;
      try {
        collateral = readFileSync(options.collateralFile, 'utf8');
      } catch {
        throw new EcarError(
          'INTERNAL',
          `cannot read the collateral file ECAR_COLLATERAL_FILE (${options.collateralFile}): fetch it from the PCCS`,
        );
      }
      return { provider: 'gramine', quote, collateral };
    },
  };
}
