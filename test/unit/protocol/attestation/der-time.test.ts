// derTime: the UTCTime / GeneralizedTime reader the certificate and CRL checks rely on.
import { expect } from 'chai';
import { derTime, readDer } from '../../../../chaincode/src/protocol/der';
import { expectEcarError } from './helpers';

function node(tag: number, text: string): ReturnType<typeof readDer> {
  const content = Buffer.from(text, 'latin1');
  return readDer(new Uint8Array(Buffer.concat([Buffer.from([tag, content.length]), content])));
}

describe('derTime', () => {
  it('reads a UTCTime in the 2000s', () => {
    expect(derTime(node(0x17, '250619102318Z'))).to.equal(Date.UTC(2025, 5, 19, 10, 23, 18) / 1000);
  });

  it('reads a UTCTime with year 50..99 as 1950..1999', () => {
    expect(derTime(node(0x17, '991231235959Z'))).to.equal(Date.UTC(1999, 11, 31, 23, 59, 59) / 1000);
  });

  it('reads a GeneralizedTime', () => {
    expect(derTime(node(0x18, '20491231235959Z'))).to.equal(Date.UTC(2049, 11, 31, 23, 59, 59) / 1000);
  });

  it('throws for a time without seconds, with an offset or an impossible date', () => {
    expectEcarError(() => derTime(node(0x17, '2506191023Z')), 'INVALID_ARGUMENT');
    expectEcarError(() => derTime(node(0x17, '250619102318+0100')), 'INVALID_ARGUMENT');
    expectEcarError(() => derTime(node(0x17, '250230102318Z')), 'INVALID_ARGUMENT');
    expectEcarError(() => derTime(node(0x02, '250619102318Z')), 'INVALID_ARGUMENT');
  });
});
