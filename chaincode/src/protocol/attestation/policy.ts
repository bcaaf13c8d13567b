// The attestation policy: which verified enclaves a client or an enclave accepts. JSON-loadable,
// validated field by field; the default is what the `ecar attest verify` CLI applies.
import { EcarError, type ErrorCode } from '../errors';
import { bytesEqual, toHex } from './bytes';
import { JsonReader } from './json-reader';
import type { TeeType } from './quote';
import { checkReportData, enclaveReportData, type EnclaveBinding } from './report-data';
import { isTcbStatus, TcbStatuses, type TcbStatus } from './tcb-status';
import { developmentRoot, INTEL_SGX_ROOT_CA, type TrustAnchor } from './trust-anchors';
import type { VerifiedQuote } from './verify';

/** An SGX signer rule: enclaves signed by MRSIGNER with this product id and at least this SVN. */
export interface SignerRule {
  /** MRSIGNER, 64 hex digits. */
  readonly mrSigner: string;
  /** ISVPRODID. */
  readonly productId: number;
  /** Minimum ISVSVN. */
  readonly minSvn: number;
}

/**
 * An attestation policy. As JSON, every field is optional and defaults to DEFAULT_POLICY's value;
 * unknown fields are an error (a misspelt "allowDebug" must not be silently ignored).
 *
 * @example
 * {
 *   "measurements": ["33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb"],
 *   "allowedTcbStatuses": ["UpToDate", "SWHardeningNeeded"],
 *   "allowedAdvisoryIds": ["INTEL-SA-00615"],
 *   "minTcbEvaluationDataNumber": 17,
 *   "allowDebug": false,
 *   "minOrgs": 2
 * }
 */
export interface AttestationPolicy {
  /**
   * Accepted measurements, hex: MRENCLAVE (SGX) or MRTD (TDX). An enclave is accepted when it matches
   * one of these or one of `signers`. When both lists are empty the policy pins no code: appraising one
   * quote then passes with a note (inspecting a quote), but a confidential client or an enclave refuses
   * such a policy (requirePinnedPolicy).
   */
  readonly measurements: readonly string[];
  /** Accepted SGX signers (MRSIGNER + product id + minimum SVN), see `measurements`. */
  readonly signers: readonly SignerRule[];
  /** TCB statuses accepted (Revoked never is: the verifier already rejects it). */
  readonly allowedTcbStatuses: readonly TcbStatus[];
  /**
   * The advisories accepted: every advisory id of the verified TCB must be in this list, or the
   * enclave is rejected naming the ids. Default none, so a status that carries advisories
   * (SWHardeningNeeded, ConfigurationAndSWHardeningNeeded, ...) passes only when its ids are named.
   */
  readonly allowedAdvisoryIds: readonly string[];
  /**
   * When given, collateral whose TCB evaluation data number (the lower of the TCB info's and the QE
   * identity's tcbEvaluationDataNumber) is below this is rejected: it predates an Intel TCB recovery.
   */
  readonly minTcbEvaluationDataNumber?: number;
  /** TEE types accepted. Default: SGX and TDX. */
  readonly teeTypes: readonly TeeType[];
  /** Accept enclaves with the DEBUG attribute (their memory is readable by the host). Default false. */
  readonly allowDebug: boolean;
  /**
   * Accept evidence of the `simulated` provider, chained to one of `simulatedRootKeys` instead of
   * Intel's root. Development networks only. Default false.
   */
  readonly allowSimulated: boolean;
  /** Development root public keys (hex, 65-byte uncompressed P-256 points) trusted when allowSimulated. */
  readonly simulatedRootKeys: readonly string[];
  /**
   * Minimum number of organisations with attested enclaves before a client trusts the chaincode keys
   * (used by key provisioning and the client's registry check, not by the single-quote appraisal).
   */
  readonly minOrgs: number;
}

/**
 * The default policy: Intel's checks must pass, no debug enclaves, no simulated evidence, no advisory
 * accepted unless named, and no measurement pinned (fine for `ecar attest verify` on one quote; a
 * confidential client or an enclave refuses it until it pins measurements or signers). TCB statuses:
 * those where the platform's microcode and firmware are current: UpToDate, SWHardeningNeeded,
 * ConfigurationNeeded and ConfigurationAndSWHardeningNeeded. The last three mean "patched, but an
 * advisory remains that the enclave software or the platform configuration must address", so they
 * pass only when the policy names their advisory ids (allowedAdvisoryIds): a deployment decides
 * which advisories its enclaves mitigate. OutOfDate / OutOfDateConfigurationNeeded mean known
 * vulnerable microcode or firmware and are rejected; Revoked always is.
 */
export const DEFAULT_POLICY: AttestationPolicy = Object.freeze<AttestationPolicy>({
  measurements: [],
  signers: [],
  allowedTcbStatuses: [
    'UpToDate',
    'SWHardeningNeeded',
    'ConfigurationNeeded',
    'ConfigurationAndSWHardeningNeeded',
  ],
  allowedAdvisoryIds: [],
  teeTypes: ['SGX', 'TDX'],
  allowDebug: false,
  allowSimulated: false,
  simulatedRootKeys: [],
  minOrgs: 1,
});

/** A policy file or value that is not a valid policy; `field` is the JSON path of the problem. */
export class InvalidPolicyError extends EcarError {
  readonly field: string;

  constructor(message: string, field: string) {
    super('INVALID_ARGUMENT', `invalid attestation policy: ${message}`, { field });
    this.name = 'InvalidPolicyError';
    this.field = field;
  }
}

const POLICY_FIELDS: ReadonlySet<string> = new Set([
  'version',
  'measurements',
  'signers',
  'allowedTcbStatuses',
  'allowedAdvisoryIds',
  'minTcbEvaluationDataNumber',
  'teeTypes',
  'allowDebug',
  'allowSimulated',
  'simulatedRootKeys',
  'minOrgs',
]);

const policyFail = (_code: ErrorCode, message: string, field: string): Error =>
  new InvalidPolicyError(message, field);

/**
 * Parses a policy from JSON text or a parsed JSON value, filling absent fields from DEFAULT_POLICY.
 *
 * @throws InvalidPolicyError naming the bad field.
 */
export function parsePolicy(input: unknown): AttestationPolicy {
  const json =
    typeof input === 'string'
      ? JsonReader.parse(input, 'policy', 'INVALID_ARGUMENT', policyFail)
      : new JsonReader(input, 'policy', 'INVALID_ARGUMENT', policyFail);
  for (const key of json.keys()) {
    if (!POLICY_FIELDS.has(key))
      throw json.fail(key, `is not a policy field (known: ${[...POLICY_FIELDS].join(', ')})`);
  }
  if (json.has('version') && json.integer('version') !== 1) throw json.fail('version', 'must be 1');
  const hexList = (key: string, lengths: readonly number[]): string[] =>
    json.has(key)
      ? json.strings(key).map((text, i) => {
          const clean = text.toLowerCase();
          if (!/^[0-9a-f]*$/.test(clean) || !lengths.includes(clean.length / 2)) {
            throw new InvalidPolicyError(
              `${json.field(key)}[${i}] must be hex of ${lengths.join(' or ')} bytes`,
              `${json.field(key)}[${i}]`,
            );
          }
          return clean;
        })
      : [];
  const statuses = json.has('allowedTcbStatuses')
    ? json.strings('allowedTcbStatuses')
    : DEFAULT_POLICY.allowedTcbStatuses;
  statuses.forEach((status, i) => {
    if (!isTcbStatus(status)) {
      throw new InvalidPolicyError(
        `policy.allowedTcbStatuses[${i}] "${status}" is not a TCB status (${TcbStatuses.join(', ')})`,
        `policy.allowedTcbStatuses[${i}]`,
      );
    }
  });
  const teeTypes = json.has('teeTypes') ? json.strings('teeTypes') : DEFAULT_POLICY.teeTypes;
  teeTypes.forEach((type, i) => {
    if (type !== 'SGX' && type !== 'TDX') {
      throw new InvalidPolicyError(
        `policy.teeTypes[${i}] "${type}" is not SGX or TDX`,
        `policy.teeTypes[${i}]`,
      );
    }
  });
  return {
    measurements: hexList('measurements', [32, 48]),
    signers: json.has('signers')
      ? json.objects('signers').map((rule) => {
          const mrSigner = rule.string('mrSigner').toLowerCase();
          if (!/^[0-9a-f]{64}$/.test(mrSigner)) throw rule.fail('mrSigner', 'must be 64 hex digits');
          return {
            mrSigner,
            productId: rule.integer('productId', 0, 65535),
            minSvn: rule.integer('minSvn', 0, 65535),
          };
        })
      : [],
    allowedTcbStatuses: statuses as TcbStatus[],
    allowedAdvisoryIds: json.has('allowedAdvisoryIds') ? json.strings('allowedAdvisoryIds') : [],
    ...(json.has('minTcbEvaluationDataNumber')
      ? { minTcbEvaluationDataNumber: json.integer('minTcbEvaluationDataNumber', 0, 2 ** 31 - 1) }
      : {}),
    teeTypes: teeTypes as TeeType[],
    allowDebug: json.has('allowDebug') ? json.boolean('allowDebug') : DEFAULT_POLICY.allowDebug,
    allowSimulated: json.has('allowSimulated')
      ? json.boolean('allowSimulated')
      : DEFAULT_POLICY.allowSimulated,
    simulatedRootKeys: hexList('simulatedRootKeys', [65]),
    minOrgs: json.has('minOrgs') ? json.integer('minOrgs', 1, 1000) : DEFAULT_POLICY.minOrgs,
  };
}

/** The policy pins the enclave code: MRENCLAVE/MRTD measurements, or MRSIGNER + product id rules. */
export function pinsEnclaveCode(policy: AttestationPolicy): boolean {
  return policy.measurements.length > 0 || policy.signers.length > 0;
}

/**
 * What a confidential client, an enclave and the ledger's policy require: a policy that pins the code.
 *
 * @throws InvalidPolicyError (field policy.measurements) saying what to add.
 */
export function requirePinnedPolicy(policy: AttestationPolicy): AttestationPolicy {
  if (pinsEnclaveCode(policy)) return policy;
  throw new InvalidPolicyError(
    'it pins no enclave code, so any enclave would be trusted: add "measurements" (the MRENCLAVE hex of the build you run) or "signers" ([{"mrSigner": "<64 hex digits>", "productId": N, "minSvn": N}])',
    'policy.measurements',
  );
}

/** The roots a verifier should accept under this policy: Intel's, plus the development roots if allowed. */
export function trustAnchorsFor(policy: AttestationPolicy): TrustAnchor[] {
  return [
    INTEL_SGX_ROOT_CA,
    ...(policy.allowSimulated ? policy.simulatedRootKeys.map((key) => developmentRoot(key)) : []),
  ];
}

/** What the enclave must additionally prove: exact report_data, or the keys it must bind. */
export interface AppraisalExpectations {
  /** The expected 64 bytes of report_data. */
  readonly reportData?: Uint8Array;
  /** The identity keys and deployment the report_data must bind (DESIGN.md section 4). */
  readonly binding?: EnclaveBinding;
}

export interface PolicyFailure {
  readonly code: Extract<ErrorCode, 'ATTESTATION_POLICY_REJECTED' | 'ATTESTATION_TCB_REJECTED'>;
  /** simulated, tee-type, debug, measurement, tcb-status, advisory, tcb-evaluation, report-data. */
  readonly rule: string;
  readonly reason: string;
}

export interface PolicyVerdict {
  readonly accepted: boolean;
  /** Every rule the enclave breaks (empty when accepted). */
  readonly failures: readonly PolicyFailure[];
  /** Things a person should know even when accepted (e.g. no measurement pinned). */
  readonly notes: readonly string[];
}

/** Appraises verified evidence against the policy; collects every failing rule. */
export function appraise(
  verified: VerifiedQuote,
  policy: AttestationPolicy,
  expectations: AppraisalExpectations = {},
): PolicyVerdict {
  const failures: PolicyFailure[] = [];
  const notes: string[] = [];
  const reject = (
    rule: string,
    reason: string,
    code: PolicyFailure['code'] = 'ATTESTATION_POLICY_REJECTED',
  ): void => {
    failures.push({ code, rule, reason });
  };

  if (verified.trustAnchor.simulated) {
    if (!policy.allowSimulated)
      reject('simulated', `simulated enclave (chained to "${verified.trustAnchor.name}", not Intel)`);
    else notes.push('simulated enclave: the evidence proves nothing about hardware');
  }
  if (!policy.teeTypes.includes(verified.teeType))
    reject('tee-type', `TEE type ${verified.teeType} is not allowed`);
  if (verified.debug && !policy.allowDebug)
    reject('debug', 'debug enclave: its memory is readable by the host');

  const measurement = toHex(verified.measurement);
  if (!pinsEnclaveCode(policy)) {
    notes.push('the policy pins no measurement: any enclave code is accepted');
  } else if (
    !policy.measurements.includes(measurement) &&
    !policy.signers.some((rule) => signerMatches(rule, verified))
  ) {
    const name = verified.teeType === 'SGX' ? 'MRENCLAVE' : 'MRTD';
    reject(
      'measurement',
      `${name} ${measurement} is not allowed by the policy (nor is its signer, product id and SVN)`,
    );
  }

  if (!policy.allowedTcbStatuses.includes(verified.tcbStatus)) {
    reject(
      'tcb-status',
      `TCB status ${verified.tcbStatus} is not allowed (allowed: ${policy.allowedTcbStatuses.join(', ')})`,
      'ATTESTATION_TCB_REJECTED',
    );
  }
  const unnamed = verified.advisoryIds.filter((id) => !policy.allowedAdvisoryIds.includes(id));
  if (unnamed.length > 0) {
    reject(
      'advisory',
      `TCB status ${verified.tcbStatus} carries advisories the policy does not name: ${unnamed.join(', ')} (accept them only by listing them in allowedAdvisoryIds)`,
      'ATTESTATION_TCB_REJECTED',
    );
  }
  const minimum = policy.minTcbEvaluationDataNumber;
  const evaluated = verified.collateral.tcbEvaluationDataNumber;
  if (minimum !== undefined && evaluated < minimum) {
    reject(
      'tcb-evaluation',
      `the collateral's TCB evaluation data number ${evaluated} is below the policy's minimum ${minimum}: fetch current collateral from the PCCS`,
      'ATTESTATION_TCB_REJECTED',
    );
  }

  const expected =
    expectations.reportData ?? (expectations.binding && enclaveReportData(expectations.binding));
  if (expected) {
    try {
      checkReportData(verified.reportData, expected);
    } catch (error) {
      reject('report-data', error instanceof EcarError ? error.reason : String(error));
    }
  }
  return { accepted: failures.length === 0, failures, notes };
}

/**
 * Appraises and throws on the first failing rule.
 *
 * @throws EcarError ATTESTATION_POLICY_REJECTED or ATTESTATION_TCB_REJECTED, details.rule naming it.
 */
export function enforcePolicy(
  verified: VerifiedQuote,
  policy: AttestationPolicy,
  expectations: AppraisalExpectations = {},
): PolicyVerdict {
  const verdict = appraise(verified, policy, expectations);
  const [first] = verdict.failures;
  if (first) {
    throw new EcarError(first.code, verdict.failures.map((f) => f.reason).join('; '), {
      rule: first.rule,
      rules: verdict.failures.map((f) => f.rule).join(','),
    });
  }
  return verdict;
}

function signerMatches(rule: SignerRule, verified: VerifiedQuote): boolean {
  return (
    verified.mrSigner !== undefined &&
    bytesEqual(Buffer.from(rule.mrSigner, 'hex'), verified.mrSigner) &&
    verified.productId === rule.productId &&
    (verified.svn ?? -1) >= rule.minSvn
  );
}
