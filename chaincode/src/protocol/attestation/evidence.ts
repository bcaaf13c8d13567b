// One call for "is this enclave's evidence acceptable": Intel's checks at a time, then the policy
// (trust anchors derived from it), then the report_data binding. Used by clients and enclaves alike.
import {
  enforcePolicy,
  requirePinnedPolicy,
  trustAnchorsFor,
  type AppraisalExpectations,
  type AttestationPolicy,
  type PolicyVerdict,
} from './policy';
import type { Quote } from './quote';
import { verifyQuote, type VerifiedQuote } from './verify';

export interface AcceptedEvidence {
  readonly verified: VerifiedQuote;
  readonly verdict: PolicyVerdict;
}

/**
 * Verifies a quote with its collateral at `at` and enforces the policy, which must pin the enclave
 * code (an enclave never accepts "any code").
 *
 * @throws InvalidPolicyError when the policy pins no measurement or signer; EcarError with an
 *   ATTESTATION_* code from verification or from the policy (details.rule).
 */
export function verifyEvidence(
  quote: Uint8Array | Quote,
  collateral: unknown,
  policy: AttestationPolicy,
  options: AppraisalExpectations & { readonly at: Date },
): AcceptedEvidence {
  requirePinnedPolicy(policy);
  const verified = verifyQuote(quote, collateral, { at: options.at, trustAnchors: trustAnchorsFor(policy) });
  return { verified, verdict: enforcePolicy(verified, policy, options) };
}
