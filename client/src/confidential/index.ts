// The confidential client's modules for the CLI, the demo and the tests (applications: client/src/index.ts).
export { attestationStatus, type AttestationTarget } from './attestation-status';
export {
  ConfidentialLedgerClient,
  DEFAULT_REQUEST_LIFETIME_MS,
  type ConfidentialLedgerClientOptions,
  type EvaluateOptions,
  type WalletKey,
} from './confidential-client';
export {
  assessEnclaveSet,
  DEFAULT_MAX_TRUST_AGE_MS,
  DEFAULT_MIN_ORGS,
  verifyEnclaveSet,
  type AttestationReport,
  type EnclaveSetInput,
  type EnclaveStatus,
  type EnclaveTrust,
  type KeyRecordStatus,
  type TrustedKeys,
} from './enclave-verifier';
export type { NetworkPort } from './gateway-ports';
export {
  changePolicy,
  provision,
  ProvisioningError,
  registerEvidence,
  rotateKeys,
  shareKeysTo,
  type EnclaveHandover,
  type PolicyChangeOptions,
  type PolicyChangeReport,
  type ProvisionOptions,
  type ProvisionReport,
  type ProvisionStep,
  type ProvisioningOrg,
} from './provisioning';
export { TrustCache, type TrustBasis } from './trust-cache';
export { EnclaveTrustError, type TrustFailure } from './trust-error';
