// The package entry point for consortium operators (`import { provision } from 'ecar/provisioning'`):
// genesis, enclave registration, key creation, sharing and rotation, policy changes.
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
  type ProvisionAction,
  type ProvisionOptions,
  type ProvisionReport,
  type ProvisionStep,
  type ProvisioningOrg,
} from './confidential/provisioning';
export type { NetworkPort } from './confidential/gateway-ports';
export type { AttestationReport } from './confidential/enclave-verifier';
export type { AttestationPolicy } from '../../chaincode/src/protocol/attestation';
