// createSimulatedPlatform: development evidence in the real DCAP layout that the production verifier
// accepts only under a policy with allowSimulated and the development root key.
import { expect } from 'chai';
import {
  DEFAULT_POLICY,
  enclaveReportData,
  verifyEvidence,
  verifyQuote,
  type AttestationPolicy,
  type EnclaveBinding,
} from '../../../chaincode/src/protocol/attestation';
import { parseQuote } from '../../../chaincode/src/protocol/attestation/quote';
import {
  createSimulatedPlatform,
  type SimulatedPlatform,
} from '../../../chaincode/src/enclave/simulated-platform';
import { expectEcarError, flipByte, hex } from '../protocol/attestation/helpers';

const NOT_BEFORE = new Date('2026-01-01T00:00:00Z');
const AT = new Date('2026-01-10T12:00:00Z');
const MEASUREMENT = new Uint8Array(32).fill(0xab);
const BINDING: EnclaveBinding = {
  boxPub: new Uint8Array(32).fill(1),
  signPub: new Uint8Array(32).fill(2),
  channel: 'ecar',
  chaincode: 'ledger',
  mspId: 'Org1MSP',
};

describe('createSimulatedPlatform', () => {
  let platform: SimulatedPlatform;
  let policy: AttestationPolicy;
  before(() => {
    platform = createSimulatedPlatform({ notBefore: NOT_BEFORE });
    policy = {
      ...DEFAULT_POLICY,
      measurements: [hex(MEASUREMENT)],
      allowSimulated: true,
      simulatedRootKeys: [platform.rootPublicKeyHex],
    };
  });

  describe('quote', () => {
    it('writes the exact SGX DCAP v3 layout', () => {
      const quote = parseQuote(
        platform.quote({ measurement: MEASUREMENT, reportData: enclaveReportData(BINDING) }),
      );
      expect(quote.header).to.include({ version: 3, teeType: 'SGX', attestationKeyType: 2 });
      expect(hex(quote.body.report.reportData)).to.equal(hex(enclaveReportData(BINDING)));
      expect(quote.signature.pckChainPem).to.contain('-----BEGIN CERTIFICATE-----');
    });

    it('round-trips through verifyEvidence under a policy that allows simulated enclaves', () => {
      const quote = platform.quote({ measurement: MEASUREMENT, reportData: enclaveReportData(BINDING) });
      const { verified, verdict } = verifyEvidence(quote, platform.collateral(), policy, {
        at: AT,
        binding: BINDING,
      });
      expect(verified).to.include({
        teeType: 'SGX',
        tcbStatus: 'UpToDate',
        debug: false,
        fmspc: 'EC0A00000000',
      });
      expect(verified.trustAnchor.simulated).to.equal(true);
      expect(verified.trustAnchor.name).to.match(/development root .*NOT SGX/i);
      expect(hex(verified.measurement)).to.equal(hex(MEASUREMENT));
      expect(verdict.notes).to.contain('simulated enclave: the evidence proves nothing about hardware');
    });

    it('is rejected by a production policy: the development root is not trusted', () => {
      const quote = platform.quote({ measurement: MEASUREMENT, reportData: new Uint8Array(64) });
      const error = expectEcarError(
        () =>
          verifyEvidence(
            quote,
            platform.collateral(),
            { ...policy, allowSimulated: false, simulatedRootKeys: [] },
            { at: AT },
          ),
        'ATTESTATION_CHAIN_INVALID',
      );
      expect(error.reason).to.match(/simulated evidence is trusted only by a policy with allowSimulated/);
    });

    it('is rejected by a policy that lists the root key but does not allow simulated enclaves', () => {
      const quote = platform.quote({ measurement: MEASUREMENT, reportData: new Uint8Array(64) });
      expectEcarError(
        () => verifyEvidence(quote, platform.collateral(), { ...policy, allowSimulated: false }, { at: AT }),
        'ATTESTATION_CHAIN_INVALID',
      );
    });

    it('is rejected by the policy step when the verifier was handed the development root anyway', () => {
      const quote = platform.quote({ measurement: MEASUREMENT, reportData: new Uint8Array(64) });
      const verified = verifyQuote(quote, platform.collateral(), {
        at: AT,
        trustAnchors: [platform.trustAnchor],
      });
      expect(verified.trustAnchor.simulated).to.equal(true);
      const error = expectEcarError(
        () => verifyEvidence(quote, platform.collateral(), { ...policy, allowSimulated: false }, { at: AT }),
        'ATTESTATION_CHAIN_INVALID',
      );
      expect(error.details.chain).to.equal('PCK certificate chain');
    });

    it("is rejected by another platform's development root", () => {
      const other = createSimulatedPlatform({ notBefore: NOT_BEFORE });
      const quote = platform.quote({ measurement: MEASUREMENT, reportData: new Uint8Array(64) });
      expectEcarError(
        () =>
          verifyEvidence(
            quote,
            platform.collateral(),
            { ...policy, simulatedRootKeys: [other.rootPublicKeyHex] },
            { at: AT },
          ),
        'ATTESTATION_CHAIN_INVALID',
      );
    });

    it('fails the report_data binding for other keys', () => {
      const quote = platform.quote({ measurement: MEASUREMENT, reportData: enclaveReportData(BINDING) });
      const error = expectEcarError(
        () =>
          verifyEvidence(quote, platform.collateral(), policy, {
            at: AT,
            binding: { ...BINDING, mspId: 'Org2MSP' },
          }),
        'ATTESTATION_POLICY_REJECTED',
      );
      expect(error.details.rule).to.equal('report-data');
    });

    it('marks a debug enclave, which the policy rejects', () => {
      const quote = platform.quote({ measurement: MEASUREMENT, reportData: new Uint8Array(64), debug: true });
      const error = expectEcarError(
        () => verifyEvidence(quote, platform.collateral(), policy, { at: AT }),
        'ATTESTATION_POLICY_REJECTED',
      );
      expect(error.details.rule).to.equal('debug');
    });

    it('fails the quote signature when the report body is changed', () => {
      const quote = flipByte(
        platform.quote({ measurement: MEASUREMENT, reportData: new Uint8Array(64) }),
        48 + 64,
      );
      const error = expectEcarError(
        () => verifyEvidence(quote, platform.collateral(), policy, { at: AT }),
        'ATTESTATION_SIGNATURE_INVALID',
      );
      expect(error.details.item).to.equal('quote');
    });

    it('throws INVALID_ARGUMENT for a measurement that is not 32 bytes', () => {
      expectEcarError(
        () => platform.quote({ measurement: new Uint8Array(31), reportData: new Uint8Array(64) }),
        'INVALID_ARGUMENT',
      );
    });
  });

  describe('collateral', () => {
    it('expires after collateralDays', () => {
      const quote = platform.quote({ measurement: MEASUREMENT, reportData: new Uint8Array(64) });
      const error = expectEcarError(
        () => verifyEvidence(quote, platform.collateral(), policy, { at: new Date('2026-02-01T00:00:00Z') }),
        'ATTESTATION_COLLATERAL_EXPIRED',
      );
      expect(error.details.expired).to.equal('root CA CRL, PCK CRL, TCB info, QE identity');
    });

    it('revokes the PCK certificate when asked, giving ATTESTATION_REVOKED', () => {
      const quote = platform.quote({ measurement: MEASUREMENT, reportData: new Uint8Array(64) });
      const error = expectEcarError(
        () => verifyEvidence(quote, platform.collateral({ revokePckCertificate: true }), policy, { at: AT }),
        'ATTESTATION_REVOKED',
      );
      expect(error.details.crl).to.equal('PCK CRL');
    });

    it('reports the TCB status it was created with, which the default statuses reject when OutOfDate', () => {
      const outdated = createSimulatedPlatform({ notBefore: NOT_BEFORE, tcbStatus: 'OutOfDate' });
      const quote = outdated.quote({ measurement: MEASUREMENT, reportData: new Uint8Array(64) });
      const error = expectEcarError(
        () =>
          verifyEvidence(
            quote,
            outdated.collateral(),
            { ...policy, simulatedRootKeys: [outdated.rootPublicKeyHex] },
            { at: AT },
          ),
        'ATTESTATION_TCB_REJECTED',
      );
      expect(error.details.rule).to.equal('tcb-status');
    });
  });
});
