// verifyQuote against the shared DCAP vectors (shared/testdata/README.md, attestation table) and the
// mutations of them the README asks for.
import { expect } from 'chai';
import { verifyQuote, type VerifiedQuote } from '../../../../chaincode/src/protocol/attestation';
import { parseQuote } from '../../../../chaincode/src/protocol/attestation/quote';
import {
  collateralJson,
  collateralText,
  expectEcarError,
  flipByte,
  flipHexByte,
  hex,
  INSIDE_SGX_WINDOW,
  quoteBytes,
} from './helpers';

const at = (iso: string): { at: Date } => ({ at: new Date(iso) });

function verifySgx(iso: string): VerifiedQuote {
  return verifyQuote(quoteBytes('sgx-v3'), collateralText('sgx-v3'), at(iso));
}

function verifyTdx(iso: string): VerifiedQuote {
  return verifyQuote(quoteBytes('tdx-v4'), collateralText('tdx-v4'), at(iso));
}

describe('verifyQuote', () => {
  describe('sgx-v3.quote.bin with sgx-v3.collateral.json', () => {
    for (const iso of ['2025-06-19T10:56:11Z', '2025-07-01T00:00:00Z', '2025-07-19T10:01:18Z']) {
      it(`accepts it at ${iso} with ConfigurationAndSWHardeningNeeded and its advisories`, () => {
        const verified = verifySgx(iso);
        expect(verified).to.include({
          teeType: 'SGX',
          quoteVersion: 3,
          tcbStatus: 'ConfigurationAndSWHardeningNeeded',
          debug: false,
          fmspc: '00A067110000',
          productId: 0,
          svn: 0,
          qeTcbStatus: 'UpToDate',
        });
        expect(verified.advisoryIds).to.deep.equal(['INTEL-SA-00289', 'INTEL-SA-00615']);
        expect(hex(verified.measurement)).to.equal(
          '33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb',
        );
        expect(Buffer.from(verified.reportData).toString('latin1')).to.equal(
          `Hello, world!${'\0'.repeat(51)}`,
        );
        expect(verified.trustAnchor).to.deep.equal({ name: 'Intel SGX Root CA', simulated: false });
      });
    }

    it('reports the earliest expiry and the latest start of the collateral used', () => {
      const { collateral } = verifySgx('2025-07-01T00:00:00Z');
      expect(collateral.validFrom.toISOString()).to.equal('2025-06-19T10:56:11.000Z');
      expect(collateral.validUntil.toISOString()).to.equal('2025-07-19T10:01:18.000Z');
      expect(collateral.expiresFirst).to.equal('QE identity');
      expect(collateral.tcbEvaluationDataNumber).to.equal(17);
    });

    it('rejects it at 2025-06-19T10:56:10Z because the TCB info is not yet valid', () => {
      const error = expectEcarError(
        () => verifySgx('2025-06-19T10:56:10Z'),
        'ATTESTATION_COLLATERAL_EXPIRED',
      );
      expect(error.details).to.include({ notYetValid: 'TCB info', expired: '' });
      expect(error.reason).to.match(/not yet valid/);
    });

    it('rejects it at 2025-07-19T10:01:19Z because the QE identity expired', () => {
      const error = expectEcarError(
        () => verifySgx('2025-07-19T10:01:19Z'),
        'ATTESTATION_COLLATERAL_EXPIRED',
      );
      expect(error.details).to.include({ notYetValid: '', expired: 'QE identity' });
    });

    it('rejects it at 2025-09-01 naming the expired CRL, TCB info and QE identity', () => {
      const error = expectEcarError(
        () => verifySgx('2025-09-01T00:00:00Z'),
        'ATTESTATION_COLLATERAL_EXPIRED',
      );
      expect(error.details.expired).to.equal('PCK CRL, TCB info, QE identity');
    });

    it('compares in whole seconds, so a time inside the last second still verifies', () => {
      expect(verifySgx('2025-07-19T10:01:18.999Z').tcbStatus).to.equal('ConfigurationAndSWHardeningNeeded');
    });
  });

  describe('tdx-v4.quote.bin with tdx-v4.collateral.json', () => {
    for (const iso of ['2025-06-19T10:32:27Z', '2025-07-01T00:00:00Z', '2025-07-19T10:00:35Z']) {
      it(`accepts it at ${iso} as UpToDate with no advisories`, () => {
        const verified = verifyTdx(iso);
        expect(verified).to.include({
          teeType: 'TDX',
          quoteVersion: 4,
          tcbStatus: 'UpToDate',
          debug: false,
          fmspc: 'B0C06F000000',
          tdxModuleTcbStatus: 'UpToDate',
        });
        expect(verified.advisoryIds).to.deep.equal([]);
        expect(verified.measurement).to.have.length(48);
        expect(verified.mrSigner).to.equal(undefined);
      });
    }

    it('rejects it one second before and one second after the collateral window', () => {
      expectEcarError(() => verifyTdx('2025-06-19T10:32:26Z'), 'ATTESTATION_COLLATERAL_EXPIRED');
      const error = expectEcarError(
        () => verifyTdx('2025-07-19T10:00:36Z'),
        'ATTESTATION_COLLATERAL_EXPIRED',
      );
      expect(error.details.expired).to.equal('PCK CRL');
    });

    it('tolerates the 70 zero bytes after the signature data', () => {
      const bytes = quoteBytes('tdx-v4');
      expect(bytes.length).to.equal(5006);
      expect(() => parseQuote(bytes)).not.to.throw();
      expect(() => parseQuote(bytes.subarray(0, bytes.length - 70))).not.to.throw();
    });
  });

  describe('sgx-v3-debug.quote.bin with sgx-v3.collateral.json', () => {
    it('passes Intel checks and reports the debug attribute for the policy to reject', () => {
      const verified = verifyQuote(quoteBytes('sgx-v3-debug'), collateralText('sgx-v3'), {
        at: INSIDE_SGX_WINDOW,
      });
      expect(verified.debug).to.equal(true);
      expect(verified.tcbStatus).to.equal('ConfigurationAndSWHardeningNeeded');
    });
  });

  describe('sgx-v3.quote.bin with tdx-v4.collateral.json', () => {
    it('rejects it: collateral is for another platform / TEE type', () => {
      const error = expectEcarError(
        () => verifyQuote(quoteBytes('sgx-v3'), collateralText('tdx-v4'), { at: INSIDE_SGX_WINDOW }),
        'ATTESTATION_COLLATERAL_INVALID',
      );
      expect(error.reason).to.match(/^collateral is for another platform \/ TEE type/);
      expect(error.details.check).to.equal('tee-type');
    });

    it('rejects TCB info of another FMSPC even when the TEE type matches', () => {
      const tdx = collateralJson('tdx-v4');
      const sgx = collateralJson('sgx-v3');
      const error = expectEcarError(
        () =>
          verifyQuote(
            quoteBytes('sgx-v3'),
            { ...sgx, tcb_info: tdx.tcb_info.replace('"id":"TDX"', '"id":"SGX"') },
            {
              at: INSIDE_SGX_WINDOW,
            },
          ),
        'ATTESTATION_COLLATERAL_INVALID',
      );
      expect(error.details.check).to.equal('fmspc');
    });
  });

  describe('mutations of sgx-v3', () => {
    const options = { at: INSIDE_SGX_WINDOW };

    it('rejects a quote with one byte flipped in the report body: quote signature fails', () => {
      const mutated = flipByte(quoteBytes('sgx-v3'), 48 + 64); // first byte of MRENCLAVE
      const error = expectEcarError(
        () => verifyQuote(mutated, collateralText('sgx-v3'), options),
        'ATTESTATION_SIGNATURE_INVALID',
      );
      expect(error.details.item).to.equal('quote');
    });

    it('rejects a quote with one byte flipped in the header: quote signature fails', () => {
      const mutated = flipByte(quoteBytes('sgx-v3'), 30); // user data
      expect(
        expectEcarError(
          () => verifyQuote(mutated, collateralText('sgx-v3'), options),
          'ATTESTATION_SIGNATURE_INVALID',
        ).details.item,
      ).to.equal('quote');
    });

    it('rejects a quote with one byte flipped in the QE report: QE report signature fails', () => {
      const qeReportOffset = 48 + 384 + 4 + 64 + 64;
      const mutated = flipByte(quoteBytes('sgx-v3'), qeReportOffset + 100);
      const error = expectEcarError(
        () => verifyQuote(mutated, collateralText('sgx-v3'), options),
        'ATTESTATION_SIGNATURE_INVALID',
      );
      expect(error.details.item).to.equal('qe_report');
    });

    it('rejects a quote whose attestation key is not the one the QE report binds', () => {
      const attestationKeyOffset = 48 + 384 + 4 + 64;
      const mutated = flipByte(quoteBytes('sgx-v3'), attestationKeyOffset + 5);
      const error = expectEcarError(
        () => verifyQuote(mutated, collateralText('sgx-v3'), options),
        'ATTESTATION_SIGNATURE_INVALID',
      );
      expect(error.details.item).to.equal('qe_report_data');
    });

    it('rejects collateral with one character of tcb_info changed: TCB info signature fails', () => {
      const collateral = collateralJson('sgx-v3');
      const tcbInfo = collateral.tcb_info.replace(
        '"tcbEvaluationDataNumber":17',
        '"tcbEvaluationDataNumber":18',
      );
      expect(tcbInfo).not.to.equal(collateral.tcb_info);
      const error = expectEcarError(
        () => verifyQuote(quoteBytes('sgx-v3'), { ...collateral, tcb_info: tcbInfo }, options),
        'ATTESTATION_SIGNATURE_INVALID',
      );
      expect(error.details.item).to.equal('tcb_info');
    });

    it('rejects collateral with one character of qe_identity changed: QE identity signature fails', () => {
      const collateral = collateralJson('sgx-v3');
      const qeIdentity = collateral.qe_identity.replace('"isvsvn":8', '"isvsvn":9');
      expect(qeIdentity).not.to.equal(collateral.qe_identity);
      const error = expectEcarError(
        () => verifyQuote(quoteBytes('sgx-v3'), { ...collateral, qe_identity: qeIdentity }, options),
        'ATTESTATION_SIGNATURE_INVALID',
      );
      expect(error.details.item).to.equal('qe_identity');
    });

    it('rejects collateral with one byte of the PCK CRL changed: CRL signature fails', () => {
      const collateral = collateralJson('sgx-v3');
      const crl = Buffer.from(collateral.pck_crl, 'hex');
      const thisUpdate = crl.indexOf('250619'); // inside thisUpdate's UTCTime digits
      expect(thisUpdate).to.be.greaterThan(0);
      const error = expectEcarError(
        () =>
          verifyQuote(
            quoteBytes('sgx-v3'),
            { ...collateral, pck_crl: flipHexByte(collateral.pck_crl, thisUpdate + 5) },
            options,
          ),
        'ATTESTATION_SIGNATURE_INVALID',
      );
      expect(error.details.item).to.equal('PCK CRL');
    });

    it('rejects collateral with one byte of the root CA CRL changed: CRL signature fails', () => {
      const collateral = collateralJson('sgx-v3');
      const crl = Buffer.from(collateral.root_ca_crl, 'hex');
      const thisUpdate = crl.indexOf('250320');
      const error = expectEcarError(
        () =>
          verifyQuote(
            quoteBytes('sgx-v3'),
            { ...collateral, root_ca_crl: flipHexByte(collateral.root_ca_crl, thisUpdate + 3) },
            options,
          ),
        'ATTESTATION_SIGNATURE_INVALID',
      );
      expect(error.details.item).to.equal('root CA CRL');
    });

    it('rejects a PCK CRL from another CA (the TDX platform CA)', () => {
      const collateral = { ...collateralJson('sgx-v3'), pck_crl: collateralJson('tdx-v4').pck_crl };
      const error = expectEcarError(
        () => verifyQuote(quoteBytes('sgx-v3'), collateral, options),
        'ATTESTATION_COLLATERAL_INVALID',
      );
      expect(error.reason).to.match(/PCK CRL is issued by "Intel SGX PCK Platform CA"/);
    });

    it('rejects a TCB info signature of the wrong length as malformed collateral', () => {
      const collateral = { ...collateralJson('sgx-v3'), tcb_info_signature: 'abcd' };
      const error = expectEcarError(
        () => verifyQuote(quoteBytes('sgx-v3'), collateral, options),
        'ATTESTATION_COLLATERAL_INVALID',
      );
      expect(error.details.field).to.equal('collateral.tcb_info_signature');
    });

    it('rejects collateral that is not JSON', () => {
      expectEcarError(
        () => verifyQuote(quoteBytes('sgx-v3'), '{"pck_crl":', options),
        'ATTESTATION_COLLATERAL_INVALID',
      );
    });

    it('rejects every chain when the Intel root is not among the trust anchors', () => {
      const error = expectEcarError(
        () => verifyQuote(quoteBytes('sgx-v3'), collateralText('sgx-v3'), { ...options, trustAnchors: [] }),
        'ATTESTATION_CHAIN_INVALID',
      );
      expect(error.reason).to.match(/does not end at a trusted root/);
    });

    it('rejects a PCK chain with a corrupted intermediate signature', () => {
      const quote = quoteBytes('sgx-v3');
      const pem = Buffer.from(quote).toString('latin1');
      const start = pem.indexOf('-----BEGIN CERTIFICATE-----', pem.indexOf('-----END CERTIFICATE-----'));
      // A base64 character near the end of the intermediate's block lies in its signature value.
      const end = pem.indexOf('-----END CERTIFICATE-----', start);
      const mutated = new Uint8Array(quote);
      const at = end - 10;
      mutated[at] = mutated[at] === 0x41 ? 0x42 : 0x41;
      const error = expectEcarError(
        () => verifyQuote(mutated, collateralText('sgx-v3'), options),
        'ATTESTATION_CHAIN_INVALID',
      );
      expect(error.reason).to.match(
        /"Intel SGX PCK Processor CA" issued by "Intel SGX Root CA": signature does not verify/,
      );
    });

    it('rejects an invalid verification time', () => {
      expectEcarError(
        () => verifyQuote(quoteBytes('sgx-v3'), collateralText('sgx-v3'), { at: new Date('nonsense') }),
        'INVALID_ARGUMENT',
      );
    });
  });
});
