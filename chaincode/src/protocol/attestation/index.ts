// The attestation API shared by the client and the enclaves: DCAP quote verification, the policy,
// the report_data binding and the trust anchors.
export { parseCollateral, type Collateral, type CollateralJson } from './collateral';
export { verifyEvidence, type AcceptedEvidence } from './evidence';
export {
  appraise,
  DEFAULT_POLICY,
  enforcePolicy,
  InvalidPolicyError,
  parsePolicy,
  pinsEnclaveCode,
  requirePinnedPolicy,
  trustAnchorsFor,
  type AppraisalExpectations,
  type AttestationPolicy,
  type PolicyFailure,
  type PolicyVerdict,
  type SignerRule,
} from './policy';
export { parseQuote, type Quote, type TeeType } from './quote';
export {
  checkEnclaveReportData,
  checkReportData,
  enclaveReportData,
  REPORT_DATA_DOMAIN,
  type EnclaveBinding,
} from './report-data';
export { TcbStatuses, type TcbStatus } from './tcb-status';
export { developmentRoot, INTEL_SGX_ROOT_CA, type TrustAnchor } from './trust-anchors';
export { verifyQuote, type VerifiedQuote, type VerifyQuoteOptions } from './verify';
