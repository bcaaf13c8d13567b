// parsePolicy / appraise / enforcePolicy / verifyEvidence: which verified enclaves the policy accepts.
import { expect } from 'chai';
import {
  appraise,
  DEFAULT_POLICY,
  enforcePolicy,
  InvalidPolicyError,
  parsePolicy,
  requirePinnedPolicy,
  trustAnchorsFor,
  verifyEvidence,
  verifyQuote,
  type AttestationPolicy,
  type VerifiedQuote,
} from '../../../../chaincode/src/protocol/attestation';
import { collateralText, expectEcarError, INSIDE_SGX_WINDOW, quoteBytes } from './helpers';

const SGX_MRENCLAVE = '33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb';
const SGX_MRSIGNER = '815f42f11cf64430c30bab7816ba596a1da0130c3b028b673133a66cf9a3e0e6';
/** The advisories the shared testdata README says sgx-v3 carries. */
const SGX_ADVISORIES = ['INTEL-SA-00289', 'INTEL-SA-00615'];

function verifiedSgx(overrides: Partial<VerifiedQuote> = {}): VerifiedQuote {
  return {
    ...verifyQuote(quoteBytes('sgx-v3'), collateralText('sgx-v3'), { at: INSIDE_SGX_WINDOW }),
    ...overrides,
  };
}

/** The default policy naming the advisories of sgx-v3, so each test changes only what it is about. */
function policy(overrides: Partial<AttestationPolicy> = {}): AttestationPolicy {
  return { ...DEFAULT_POLICY, allowedAdvisoryIds: SGX_ADVISORIES, ...overrides };
}

function expectInvalidPolicy(input: unknown, field: string): void {
  try {
    parsePolicy(input);
  } catch (error) {
    expect(error).to.be.instanceOf(InvalidPolicyError);
    expect((error as InvalidPolicyError).code).to.equal('INVALID_ARGUMENT');
    expect((error as InvalidPolicyError).field).to.equal(field);
    return;
  }
  throw new Error('expected InvalidPolicyError');
}

describe('parsePolicy', () => {
  it('fills absent fields from the default policy', () => {
    expect(parsePolicy('{}')).to.deep.equal(DEFAULT_POLICY);
  });

  it('reads every field', () => {
    const parsed = parsePolicy({
      version: 1,
      measurements: [SGX_MRENCLAVE.toUpperCase()],
      signers: [{ mrSigner: SGX_MRSIGNER, productId: 0, minSvn: 0 }],
      allowedTcbStatuses: ['UpToDate'],
      allowedAdvisoryIds: ['INTEL-SA-00615'],
      minTcbEvaluationDataNumber: 17,
      teeTypes: ['SGX'],
      allowDebug: true,
      allowSimulated: true,
      simulatedRootKeys: [`04${'11'.repeat(64)}`],
      minOrgs: 2,
    });
    expect(parsed).to.deep.equal({
      measurements: [SGX_MRENCLAVE],
      signers: [{ mrSigner: SGX_MRSIGNER, productId: 0, minSvn: 0 }],
      allowedTcbStatuses: ['UpToDate'],
      allowedAdvisoryIds: ['INTEL-SA-00615'],
      minTcbEvaluationDataNumber: 17,
      teeTypes: ['SGX'],
      allowDebug: true,
      allowSimulated: true,
      simulatedRootKeys: [`04${'11'.repeat(64)}`],
      minOrgs: 2,
    });
  });

  it('throws InvalidPolicyError for a file that is not JSON', () => {
    expectInvalidPolicy('{', 'policy');
  });
  it('throws InvalidPolicyError for an unknown (misspelt) field', () => {
    expectInvalidPolicy({ allowdebug: true }, 'policy.allowdebug');
  });
  it('throws InvalidPolicyError for an unknown TCB status', () => {
    expectInvalidPolicy({ allowedTcbStatuses: ['UpToDate', 'Fine'] }, 'policy.allowedTcbStatuses[1]');
  });
  it('throws InvalidPolicyError for a measurement that is not 32 or 48 bytes of hex', () => {
    expectInvalidPolicy({ measurements: ['abcd'] }, 'policy.measurements[0]');
  });
  it('throws InvalidPolicyError for a non-boolean allowDebug', () => {
    expectInvalidPolicy({ allowDebug: 'no' }, 'policy.allowDebug');
  });
  it('throws InvalidPolicyError for a signer without product id', () => {
    expectInvalidPolicy({ signers: [{ mrSigner: SGX_MRSIGNER, minSvn: 0 }] }, 'policy.signers[0].productId');
  });
  it('throws InvalidPolicyError for minOrgs 0', () => {
    expectInvalidPolicy({ minOrgs: 0 }, 'policy.minOrgs');
  });
  it('throws InvalidPolicyError for another version', () => {
    expectInvalidPolicy({ version: 2 }, 'policy.version');
  });
  it('throws InvalidPolicyError for a negative minTcbEvaluationDataNumber', () => {
    expectInvalidPolicy({ minTcbEvaluationDataNumber: -1 }, 'policy.minTcbEvaluationDataNumber');
  });
  it('names no advisory by default', () => {
    expect(parsePolicy('{}').allowedAdvisoryIds).to.deep.equal([]);
  });
});

describe('requirePinnedPolicy', () => {
  it('refuses a policy that pins neither measurements nor signers, saying what to add', () => {
    for (const unpinned of [DEFAULT_POLICY, parsePolicy({ allowSimulated: true })]) {
      try {
        requirePinnedPolicy(unpinned);
        expect.fail('expected InvalidPolicyError');
      } catch (error) {
        expect(error).to.be.instanceOf(InvalidPolicyError);
        expect((error as InvalidPolicyError).field).to.equal('policy.measurements');
        expect((error as InvalidPolicyError).message)
          .to.contain('pins no enclave code')
          .and.contain('add "measurements"')
          .and.contain('"signers"');
      }
    }
  });

  it('accepts a policy that pins a measurement, or a signer and product id', () => {
    const byMeasurement = policy({ measurements: [SGX_MRENCLAVE] });
    expect(requirePinnedPolicy(byMeasurement)).to.equal(byMeasurement);
    const bySigner = policy({ signers: [{ mrSigner: SGX_MRSIGNER, productId: 0, minSvn: 0 }] });
    expect(requirePinnedPolicy(bySigner)).to.equal(bySigner);
  });
});

describe('appraise', () => {
  it('accepts sgx-v3 (ConfigurationAndSWHardeningNeeded) when the policy names its advisories, noting that no measurement is pinned', () => {
    const verdict = appraise(verifiedSgx(), policy());
    expect(verdict.accepted).to.equal(true);
    expect(verdict.notes).to.deep.equal(['the policy pins no measurement: any enclave code is accepted']);
  });

  it('rejects sgx-v3 under the default policy, naming the advisories it does not name', () => {
    const verdict = appraise(verifiedSgx(), DEFAULT_POLICY);
    expect(verdict.accepted).to.equal(false);
    expect(verdict.failures.map((f) => [f.code, f.rule])).to.deep.equal([
      ['ATTESTATION_TCB_REJECTED', 'advisory'],
    ]);
    expect(verdict.failures[0]?.reason)
      .to.contain('ConfigurationAndSWHardeningNeeded')
      .and.contain('INTEL-SA-00289, INTEL-SA-00615');
  });

  it('rejects a debug enclave unless the policy allows debug', () => {
    const verified = verifyQuote(quoteBytes('sgx-v3-debug'), collateralText('sgx-v3'), {
      at: INSIDE_SGX_WINDOW,
    });
    const verdict = appraise(verified, policy());
    expect(verdict.accepted).to.equal(false);
    expect(verdict.failures).to.deep.equal([
      {
        code: 'ATTESTATION_POLICY_REJECTED',
        rule: 'debug',
        reason: 'debug enclave: its memory is readable by the host',
      },
    ]);
    expect(appraise(verified, policy({ allowDebug: true })).accepted).to.equal(true);
  });

  it('accepts an allowed MRENCLAVE and rejects when MRENCLAVE is not in the list', () => {
    expect(appraise(verifiedSgx(), policy({ measurements: [SGX_MRENCLAVE] })).accepted).to.equal(true);
    const verdict = appraise(verifiedSgx(), policy({ measurements: ['00'.repeat(32)] }));
    expect(verdict.failures.map((f) => f.rule)).to.deep.equal(['measurement']);
    expect(verdict.failures[0]?.reason).to.contain(`MRENCLAVE ${SGX_MRENCLAVE} is not allowed`);
  });

  it('accepts by MRSIGNER + product id + minimum SVN, and rejects a lower SVN or another product', () => {
    const rule = { mrSigner: SGX_MRSIGNER, productId: 0, minSvn: 0 };
    expect(appraise(verifiedSgx(), policy({ signers: [rule] })).accepted).to.equal(true);
    expect(appraise(verifiedSgx(), policy({ signers: [{ ...rule, minSvn: 1 }] })).accepted).to.equal(false);
    expect(appraise(verifiedSgx(), policy({ signers: [{ ...rule, productId: 7 }] })).accepted).to.equal(
      false,
    );
  });

  it('rejects a TCB status the policy does not allow with ATTESTATION_TCB_REJECTED', () => {
    const verdict = appraise(
      verifiedSgx(),
      policy({ allowedTcbStatuses: ['UpToDate', 'SWHardeningNeeded'] }),
    );
    expect(verdict.failures).to.have.length(1);
    expect(verdict.failures[0]).to.include({ code: 'ATTESTATION_TCB_REJECTED', rule: 'tcb-status' });
  });

  it('rejects OutOfDate under the default policy', () => {
    expect(appraise(verifiedSgx({ tcbStatus: 'OutOfDate' }), DEFAULT_POLICY).failures[0]?.rule).to.equal(
      'tcb-status',
    );
  });

  it('rejects an advisory outside allowedAdvisoryIds, naming only that one', () => {
    const verdict = appraise(verifiedSgx(), policy({ allowedAdvisoryIds: ['INTEL-SA-00615'] }));
    expect(verdict.failures).to.have.length(1);
    expect(verdict.failures[0]).to.include({ code: 'ATTESTATION_TCB_REJECTED', rule: 'advisory' });
    expect(verdict.failures[0]?.reason).to.contain(': INTEL-SA-00289 (').and.not.contain('00615');
  });

  it('rejects collateral older than minTcbEvaluationDataNumber and accepts it at that number', () => {
    const verified = verifiedSgx();
    const evaluated = verified.collateral.tcbEvaluationDataNumber;
    expect(evaluated).to.be.above(0);
    expect(appraise(verified, policy({ minTcbEvaluationDataNumber: evaluated })).accepted).to.equal(true);
    const verdict = appraise(verified, policy({ minTcbEvaluationDataNumber: evaluated + 1 }));
    expect(verdict.failures.map((f) => [f.code, f.rule])).to.deep.equal([
      ['ATTESTATION_TCB_REJECTED', 'tcb-evaluation'],
    ]);
    expect(verdict.failures[0]?.reason).to.contain(`number ${evaluated} is below the policy's minimum`);
  });

  it('rejects report_data that does not match the expectation', () => {
    const expected = new Uint8Array(64);
    expected.set(Buffer.from('Hello, world!'));
    expect(appraise(verifiedSgx(), policy(), { reportData: expected }).accepted).to.equal(true);
    expected[0] = 0x68; // "hello"
    const verdict = appraise(verifiedSgx(), policy(), { reportData: expected });
    expect(verdict.failures[0]).to.include({ code: 'ATTESTATION_POLICY_REJECTED', rule: 'report-data' });
  });

  it('rejects simulated evidence unless allowSimulated', () => {
    const simulated = verifiedSgx({ trustAnchor: { name: 'dev', simulated: true } });
    expect(appraise(simulated, policy()).failures[0]?.rule).to.equal('simulated');
    expect(appraise(simulated, policy({ allowSimulated: true })).accepted).to.equal(true);
  });

  it('rejects a TEE type the policy does not list', () => {
    expect(appraise(verifiedSgx(), policy({ teeTypes: ['TDX'] })).failures[0]?.rule).to.equal('tee-type');
  });

  it('collects every failing rule', () => {
    const verdict = appraise(
      verifiedSgx({ debug: true }),
      policy({ measurements: ['00'.repeat(32)], allowedTcbStatuses: ['UpToDate'] }),
    );
    expect(verdict.failures.map((f) => f.rule)).to.deep.equal(['debug', 'measurement', 'tcb-status']);
  });
});

describe('enforcePolicy', () => {
  it('throws the first failure as an EcarError naming every rule', () => {
    const error = expectEcarError(
      () => enforcePolicy(verifiedSgx({ debug: true }), policy({ allowedTcbStatuses: ['UpToDate'] })),
      'ATTESTATION_POLICY_REJECTED',
    );
    expect(error.details).to.include({ rule: 'debug', rules: 'debug,tcb-status' });
  });
});

describe('trustAnchorsFor', () => {
  it('adds development roots only when allowSimulated', () => {
    const key = `04${'11'.repeat(64)}`;
    expect(trustAnchorsFor(policy({ simulatedRootKeys: [key] }))).to.have.length(1);
    const anchors = trustAnchorsFor(policy({ simulatedRootKeys: [key], allowSimulated: true }));
    expect(anchors.map((a) => a.simulated)).to.deep.equal([false, true]);
  });
});

describe('verifyEvidence', () => {
  it('returns the verified quote and verdict for sgx-v3 under a policy pinning its MRENCLAVE and naming its advisories', () => {
    const { verified, verdict } = verifyEvidence(
      quoteBytes('sgx-v3'),
      collateralText('sgx-v3'),
      policy({ measurements: [SGX_MRENCLAVE] }),
      { at: INSIDE_SGX_WINDOW },
    );
    expect(verified.tcbStatus).to.equal('ConfigurationAndSWHardeningNeeded');
    expect(verified.advisoryIds).to.deep.equal(SGX_ADVISORIES);
    expect(verdict.accepted).to.equal(true);
    expect(verdict.notes).to.deep.equal([]);
  });

  it('refuses a policy that pins no code (an enclave never accepts any code)', () => {
    expect(() =>
      verifyEvidence(quoteBytes('sgx-v3'), collateralText('sgx-v3'), policy(), { at: INSIDE_SGX_WINDOW }),
    ).to.throw(InvalidPolicyError, 'pins no enclave code');
  });

  it('throws ATTESTATION_POLICY_REJECTED for the debug quote', () => {
    const error = expectEcarError(
      () =>
        verifyEvidence(
          quoteBytes('sgx-v3-debug'),
          collateralText('sgx-v3'),
          policy({ measurements: [SGX_MRENCLAVE] }),
          { at: INSIDE_SGX_WINDOW },
        ),
      'ATTESTATION_POLICY_REJECTED',
    );
    expect(error.details.rule).to.equal('debug');
  });
});
