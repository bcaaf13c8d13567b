// parseQuote: the SGX v3 and TDX v4 layouts, and that malformed input only ever gives a clean
// ATTESTATION_FORMAT_INVALID (truncation at every length, random byte flips through verifyQuote).
import { expect } from 'chai';
import { EcarError } from '../../../../chaincode/src/protocol/errors';
import { verifyQuote } from '../../../../chaincode/src/protocol/attestation';
import { parseQuote } from '../../../../chaincode/src/protocol/attestation/quote';
import {
  collateralText,
  expectEcarError,
  flipByte,
  hex,
  INSIDE_SGX_WINDOW,
  prng,
  quoteBytes,
} from './helpers';

describe('parseQuote', () => {
  describe('valid quotes', () => {
    it('reads the SGX v3 header, report body and signature data', () => {
      const quote = parseQuote(quoteBytes('sgx-v3'));
      expect(quote.header).to.include({
        version: 3,
        attestationKeyType: 2,
        teeType: 'SGX',
        qeSvn: 10,
        pceSvn: 15,
      });
      expect(quote.body.teeType).to.equal('SGX');
      expect(quote.signedBytes).to.have.length(48 + 384);
      expect(quote.signature.qeAuthData).to.have.length(32);
      expect(quote.signature.qeReport.isvProdId).to.equal(1);
      expect(quote.signature.pckChainPem.match(/BEGIN CERTIFICATE/g)).to.have.length(3);
    });

    it('reads the TDX v4 TD report and the nested type 6 certification data', () => {
      const quote = parseQuote(quoteBytes('tdx-v4'));
      expect(quote.header).to.include({ version: 4, teeType: 'TDX' });
      if (quote.body.teeType !== 'TDX') throw new Error('expected a TD report');
      expect(hex(quote.body.report.teeTcbSvn)).to.equal('06010300000000000000000000000000');
      expect(quote.body.report.debug).to.equal(false);
      expect(quote.signedBytes).to.have.length(48 + 584);
      expect(quote.signature.qeReport.isvProdId).to.equal(2);
      expect(quote.signature.pckChainPem.match(/BEGIN CERTIFICATE/g)).to.have.length(3);
    });

    it('reads the DEBUG attribute of an SGX enclave', () => {
      const quote = parseQuote(quoteBytes('sgx-v3-debug'));
      expect(quote.body.report.debug).to.equal(true);
    });
  });

  describe('malformed quotes', () => {
    for (const name of ['sgx-v3', 'tdx-v4'] as const) {
      it(`throws ATTESTATION_FORMAT_INVALID for ${name} truncated at every length`, () => {
        const bytes = quoteBytes(name);
        const end = name === 'tdx-v4' ? bytes.length - 70 : bytes.length; // shorter padding is fine
        for (let length = 0; length < end; length++) {
          expectEcarError(() => parseQuote(bytes.subarray(0, length)), 'ATTESTATION_FORMAT_INVALID');
        }
      });
    }

    it('throws ATTESTATION_FORMAT_INVALID through verifyQuote for truncated quotes', () => {
      const bytes = quoteBytes('sgx-v3');
      for (let length = 0; length < bytes.length; length += 37) {
        expectEcarError(
          () => verifyQuote(bytes.subarray(0, length), collateralText('sgx-v3'), { at: INSIDE_SGX_WINDOW }),
          'ATTESTATION_FORMAT_INVALID',
        );
      }
    });

    it('throws only attestation EcarErrors for random byte flips anywhere, and rejects every flip in a signed region', () => {
      const random = prng(20250701);
      const collateral = collateralText('sgx-v3');
      const regions = signedRegions(quoteBytes('sgx-v3'));
      const inside = (offset: number) => regions.some((r) => offset >= r.start && offset < r.end);
      let rejected = 0;
      for (let i = 0; i < 400; i++) {
        const bytes = quoteBytes('sgx-v3');
        const offset = Math.floor(random() * bytes.length);
        const mutated = flipByte(bytes, offset, 1 + Math.floor(random() * 255));
        let accepted = true;
        try {
          verifyQuote(mutated, collateral, { at: INSIDE_SGX_WINDOW });
        } catch (error) {
          accepted = false;
          expect(error, `offset ${offset}`).to.be.instanceOf(EcarError);
          expect((error as EcarError).code, `offset ${offset}`).to.match(/^ATTESTATION_/);
        }
        // A flip the verifier accepts must lie outside everything the signatures cover (the PEM text of
        // the PCK chain: a changed base64 character can decode to the same certificate, or be whitespace).
        if (accepted)
          expect(inside(offset), `flip at ${offset} in a signed region was accepted`).to.equal(false);
        else rejected += 1;
      }
      expect(rejected).to.be.greaterThan(300);
    });

    it('rejects a flip of every byte of every signed region of sgx-v3', () => {
      const collateral = collateralText('sgx-v3');
      const regions = signedRegions(quoteBytes('sgx-v3'));
      for (const { name, start, end } of regions) {
        for (let offset = start; offset < end; offset++) {
          const mutated = flipByte(quoteBytes('sgx-v3'), offset, 0x01);
          expect(
            () => verifyQuote(mutated, collateral, { at: INSIDE_SGX_WINDOW }),
            `${name} byte at ${offset}`,
          ).to.throw(EcarError);
        }
      }
    });

    it('rejects an unsupported quote version', () => {
      const error = expectEcarError(
        () => parseQuote(flipByte(quoteBytes('sgx-v3'), 0, 0x06)),
        'ATTESTATION_FORMAT_INVALID',
      );
      expect(error.reason).to.match(/quote version 5 is not supported/);
    });

    it('rejects an unknown TEE type', () => {
      expectEcarError(
        () => parseQuote(flipByte(quoteBytes('sgx-v3'), 4, 0x02)),
        'ATTESTATION_FORMAT_INVALID',
      );
    });

    it('rejects another QE vendor', () => {
      const error = expectEcarError(
        () => parseQuote(flipByte(quoteBytes('sgx-v3'), 12)),
        'ATTESTATION_FORMAT_INVALID',
      );
      expect(error.reason).to.match(/QE vendor id/);
    });

    it('rejects non-zero bytes after the signature data', () => {
      const bytes = quoteBytes('tdx-v4');
      const error = expectEcarError(
        () => parseQuote(flipByte(bytes, bytes.length - 1)),
        'ATTESTATION_FORMAT_INVALID',
      );
      expect(error.reason).to.match(/after the signature data/);
    });

    it('rejects a signature data length that runs past the end', () => {
      const bytes = quoteBytes('sgx-v3');
      const error = expectEcarError(
        () => parseQuote(flipByte(bytes, 48 + 384 + 2, 0x01)),
        'ATTESTATION_FORMAT_INVALID',
      );
      expect(error.details.field).to.equal('signature data');
    });
  });
});

/**
 * The byte ranges of a quote that a signature covers, from the parsed quote: header + report body (quote
 * signature), QE report (QE report signature), QE auth data and attestation key (hashed into the QE report's
 * report data), and the two signatures themselves.
 */
function signedRegions(bytes: Uint8Array): { name: string; start: number; end: number }[] {
  const quote = parseQuote(bytes);
  const at = (part: Uint8Array) => part.byteOffset - bytes.byteOffset;
  const span = (name: string, part: Uint8Array) => ({ name, start: at(part), end: at(part) + part.length });
  const { quoteSignature, attestationKey, qeReportSignature, qeAuthData } = quote.signature;
  return [
    span('header and report body', quote.signedBytes),
    span('quote signature', quoteSignature),
    span('attestation key', attestationKey),
    { name: 'QE report', start: at(qeReportSignature) - 384, end: at(qeReportSignature) },
    span('QE report signature', qeReportSignature),
    span('QE auth data', qeAuthData),
  ];
}
