// der-writer: what it writes, the reader (der.ts) reads back.
import { expect } from 'chai';
import {
  derChildren,
  derOid,
  derTime,
  derUnsignedInteger,
  readDerExact,
} from '../../../../chaincode/src/protocol/der';
import {
  derInteger,
  derOid as writeOid,
  derSequence,
  derTimeValue,
  derTlv,
} from '../../../../chaincode/src/protocol/der-writer';

describe('der-writer', () => {
  describe('derInteger', () => {
    it("writes minimal two's complement, with a leading zero when the high bit is set", () => {
      expect(Buffer.from(derInteger(0)).toString('hex')).to.equal('020100');
      expect(Buffer.from(derInteger(127)).toString('hex')).to.equal('02017f');
      expect(Buffer.from(derInteger(128)).toString('hex')).to.equal('02020080');
      expect(derUnsignedInteger(readDerExact(derInteger(2n ** 127n)))).to.equal(2n ** 127n);
    });
  });

  describe('derOid', () => {
    it('round-trips the SGX extension OID', () => {
      expect(derOid(readDerExact(writeOid('1.2.840.113741.1.13.1.2.17')))).to.equal(
        '1.2.840.113741.1.13.1.2.17',
      );
    });
  });

  describe('derTlv', () => {
    it('uses long-form lengths above 127 bytes', () => {
      const node = readDerExact(derSequence(derTlv(0x04, new Uint8Array(300))));
      expect(derChildren(node)[0]?.content).to.have.length(300);
    });
  });

  describe('derTimeValue', () => {
    it('writes UTCTime before 2050 and GeneralizedTime from 2050', () => {
      const t2025 = Date.UTC(2025, 5, 19, 10, 56, 11) / 1000;
      const t2050 = Date.UTC(2050, 0, 1) / 1000;
      expect(readDerExact(derTimeValue(t2025)).tag).to.equal(0x17);
      expect(readDerExact(derTimeValue(t2050)).tag).to.equal(0x18);
      expect(derTime(readDerExact(derTimeValue(t2025)))).to.equal(t2025);
      expect(derTime(readDerExact(derTimeValue(t2050)))).to.equal(t2050);
    });
  });
});
