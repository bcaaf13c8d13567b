// readSafeXml: the S.A.F.E. transparency XML with its signedData and publicKey encodings.
import { expect } from 'chai';
import { EcarError } from '../../../chaincode/src/protocol/errors';
import { readSafeXml, xmlPublicKeyInput } from '../../../client/src/meter/safe-xml';

function expectCode(run: () => unknown, code: string): void {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(EcarError);
    expect((error as EcarError).code).to.equal(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

describe('readSafeXml', () => {
  describe('encodings', () => {
    it('reads plain, base64 and hex signedData and keeps key text with its encoding', () => {
      const record = 'OCMF|{"PG":"T1"}|{"SD":"00"}';
      const xml =
        '\uFEFF<?xml version="1.0"?><values>' +
        `<value transactionId="7" context="Transaction.Begin"><signedData format="OCMF" encoding="plain">\n  ${record.replace(/"/g, '&quot;')}\n</signedData><publicKey encoding="base64">MFkw</publicKey></value>` +
        `<value><signedData encoding="base64">${Buffer.from(record).toString('base64')}</signedData><publicKey>30 59</publicKey></value>` +
        `<value><signedData encoding="hex">${Buffer.from(record).toString('hex')}</signedData></value>` +
        '</values>';
      const values = readSafeXml(xml);
      expect(values.map((v) => v.signedData)).to.deep.equal([record, record, record]);
      expect(values[0]).to.include({ transactionId: '7', context: 'Transaction.Begin', format: 'OCMF' });
      expect(values[0]?.publicKey).to.deep.equal({ text: 'MFkw', encoding: 'base64' });
      expect(values[1]?.publicKey).to.deep.equal({ text: '30 59', encoding: 'auto' });
      expect(values[2]?.publicKey).to.equal(undefined);
    });

    it('decodes hex keys with spaces to bytes and refuses keys that do not match their encoding', () => {
      expect(xmlPublicKeyInput({ text: '30 59\n30', encoding: 'hex' })).to.deep.equal(
        Uint8Array.of(0x30, 0x59, 0x30),
      );
      expectCode(() => xmlPublicKeyInput({ text: 'xyz', encoding: 'hex' }), 'METER_KEY_INVALID');
    });
  });

  describe('malformed exports', () => {
    it('throws METER_FORMAT_INVALID for text that is not XML, truncated XML, and XML without values', () => {
      for (const xml of ['hello', '<values><value><signedData>OCMF', '<other/>', '<values></values>']) {
        expectCode(() => readSafeXml(xml), 'METER_FORMAT_INVALID');
      }
    });

    it('throws METER_FORMAT_INVALID for a value without signedData or with an unknown encoding', () => {
      expectCode(
        () => readSafeXml('<values><value><publicKey>00</publicKey></value></values>'),
        'METER_FORMAT_INVALID',
      );
      expectCode(
        () => readSafeXml('<values><value><signedData encoding="rot13">x</signedData></value></values>'),
        'METER_FORMAT_INVALID',
      );
    });
  });
});
