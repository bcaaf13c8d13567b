// The OCMF rows of shared/testdata/README.md: every wallbox export gives exactly the stated result.
import { readFileSync } from 'node:fs';
import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { expect } from 'chai';
import { EcarError } from '../../../../chaincode/src/protocol/errors';
import { formatWh } from '../../../../chaincode/src/protocol/units';
import {
  pairReadings,
  splitOcmfRecord,
  verifyOcmfRecord,
  type VerifiedOcmfRecord,
} from '../../../../chaincode/src/protocol/ocmf';
import { readSafeXml, xmlPublicKeyInput } from '../../../../client/src/meter/safe-xml';
import { testdataPath } from '../../../support/testdata';

function values(file: string) {
  return readSafeXml(readFileSync(testdataPath('ocmf', file), 'utf8'));
}

function verifyValue(file: string, index: number): VerifiedOcmfRecord {
  const value = values(file)[index];
  if (!value?.publicKey) throw new Error(`${file} has no value ${index} with a key`);
  return verifyOcmfRecord(value.signedData, xmlPublicKeyInput(value.publicKey));
}

function rejection(run: () => unknown): EcarError {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(EcarError);
    return error as EcarError;
  }
  throw new Error('expected an EcarError');
}

describe('OCMF test vectors (shared/testdata/ocmf)', () => {
  describe('test_ocmf_keba_kcp30.xml', () => {
    it('verifies record 0 on secp256r1 and bills exactly 0.1 Wh from 0.2596 to 0.2597 kWh', () => {
      const record = verifyValue('test_ocmf_keba_kcp30.xml', 0);
      expect(record.signature.method.curve.name).to.equal('secp256r1');
      expect(record.payload.pagination).to.include({ context: 'T', number: 32 });
      const pair = pairReadings(record);
      expect(pair.singleRecord).to.equal(true);
      expect(pair.energyMilliWh).to.equal(100n);
      expect(formatWh(pair.energyMilliWh)).to.equal('0.1');
      expect(pair.begin.reading.value?.text).to.equal('0.2596');
      expect(pair.end.reading.value?.text).to.equal('0.2597');
    });
  });

  describe('test_ocmf_keba_kcp30_fail.xml', () => {
    it('rejects record 0 whose timestamp was altered with METER_SIGNATURE_INVALID', () => {
      expect(rejection(() => verifyValue('test_ocmf_keba_kcp30_fail.xml', 0)).code).to.equal(
        'METER_SIGNATURE_INVALID',
      );
    });
  });

  describe('test_ocmf_ebee_01.xml', () => {
    it('verifies begin T28 and end T29 and pairs them to 0 Wh', () => {
      const begin = verifyValue('test_ocmf_ebee_01.xml', 0);
      const end = verifyValue('test_ocmf_ebee_01.xml', 1);
      expect([begin.payload.pagination.text, end.payload.pagination.text]).to.deep.equal(['T28', 'T29']);
      const pair = pairReadings(begin, end);
      expect(pair.energyMilliWh).to.equal(0n);
      expect(pair.meterSerial).to.equal('000033022620');
      expect(pair.durationMs).to.equal(5000);
    });
  });

  describe('test_ocmf_ebee_02.xml', () => {
    it('rejects record 0 whose begin reading was altered and accepts record 1', () => {
      expect(rejection(() => verifyValue('test_ocmf_ebee_02.xml', 0)).code).to.equal(
        'METER_SIGNATURE_INVALID',
      );
      expect(verifyValue('test_ocmf_ebee_02.xml', 1).payload.pagination.text).to.equal('T29');
    });
  });

  describe('ebz_ld3_secp192r1.xml', () => {
    it('verifies record 0 (T117) on secp192r1 at 266 Wh', () => {
      const record = verifyValue('ebz_ld3_secp192r1.xml', 0);
      expect(record.signature.method.id).to.equal('ECDSA-secp192r1-SHA256');
      expect(pairReadings(record).energyMilliWh).to.equal(266_000n);
    });

    it('accepts record 1 (T120) at 268 Wh although its DER signature is non-canonical', () => {
      const record = verifyValue('ebz_ld3_secp192r1.xml', 1);
      expect(pairReadings(record).energyMilliWh).to.equal(268_000n);
    });

    it('is a record a strict DER verifier (OpenSSL) rejects, which is why the tolerant reader exists', () => {
      const value = values('ebz_ld3_secp192r1.xml')[1]!;
      const parts = splitOcmfRecord(value.signedData);
      const der = Buffer.from((JSON.parse(parts.signatureText) as { SD: string }).SD, 'hex');
      const key = createPublicKey({
        key: Buffer.from(value.publicKey!.text, 'hex'),
        format: 'der',
        type: 'spki',
      });
      expect(cryptoVerify('sha256', parts.payloadBytes, key, der)).to.equal(false);
    });
  });

  describe('brainpoolP256r1.xml', () => {
    it('verifies T274 and T275 on brainpoolP256r1 and pairs them to 0 Wh', () => {
      const begin = verifyValue('brainpoolP256r1.xml', 0);
      const end = verifyValue('brainpoolP256r1.xml', 1);
      expect(begin.signature.method.curve.name).to.equal('brainpoolP256r1');
      expect(pairReadings(begin, end).energyMilliWh).to.equal(0n);
    });
  });

  describe('test_ocmf_transaction_two_values.xml', () => {
    it('verifies both secp192k1 signatures but refuses the pair because pagination is not consecutive', () => {
      const begin = verifyValue('test_ocmf_transaction_two_values.xml', 0);
      const end = verifyValue('test_ocmf_transaction_two_values.xml', 1);
      expect(begin.signature.method.curve.name).to.equal('secp192k1');
      expect([begin.payload.pagination.text, end.payload.pagination.text]).to.deep.equal([
        'T12345',
        'T12345',
      ]);
      const error = rejection(() => pairReadings(begin, end));
      expect(error.code).to.equal('METER_READINGS_INVALID');
      expect(error.details.rule).to.equal('PAGINATION_CONSECUTIVE');
    });
  });
});
