// The attestation policy an application connects with: parsed and required to pin enclave code, the
// same rule the CLI applies to a profile's policy file.
import {
  parsePolicy,
  requirePinnedPolicy,
  type AttestationPolicy,
} from '../../chaincode/src/protocol/attestation';

/**
 * Parses a policy (JSON text or an already parsed value) for a confidential connection.
 *
 * @example
 * const policy = loadAttestationPolicy(readFileSync('policy.json', 'utf8'));
 * @throws InvalidPolicyError naming the field when the policy is malformed or pins no enclave code
 *   (no `measurements` and no `signers`): such a policy would trust any enclave.
 */
export function loadAttestationPolicy(policy: unknown): AttestationPolicy {
  return requirePinnedPolicy(parsePolicy(policy));
}
