// EcarError on the wire: a plain-mode refusal keeps its structured details across fabric (which
// passes on only the message), and a hostile message cannot smuggle in details it should not.
import { expect } from 'chai';
import { EcarError, wireMessage } from '../../../chaincode/src/protocol/errors';

describe('EcarError on the wire', () => {
  const refusal = new EcarError('INSUFFICIENT_FUNDS', "needs 500 minor units from 'earned'", {
    bucket: 'earned',
    needed: '500',
    available: '20',
  });

  it('writes CODE: reason and then the details as JSON', () => {
    expect(wireMessage(refusal)).to.equal(
      `INSUFFICIENT_FUNDS: needs 500 minor units from 'earned' [details:{"bucket":"earned","needed":"500","available":"20"}]`,
    );
  });

  it('writes no details tail for a refusal without details', () => {
    expect(wireMessage(new EcarError('NOT_FOUND', 'no station'))).to.equal('NOT_FOUND: no station');
  });

  it('reads back the code, the reason and every detail', () => {
    const back = EcarError.fromMessage(wireMessage(refusal));
    expect(back).to.be.instanceOf(EcarError);
    expect(back?.code).to.equal('INSUFFICIENT_FUNDS');
    expect(back?.reason).to.equal("needs 500 minor units from 'earned'");
    expect(back?.details).to.deep.equal({ bucket: 'earned', needed: '500', available: '20' });
  });

  it('reads the details when fabric put text before the code', () => {
    const back = EcarError.fromMessage(`chaincode response 500, ${wireMessage(refusal)}`);
    expect(back?.details).to.deep.equal({ bucket: 'earned', needed: '500', available: '20' });
  });

  it('never carries the client-only details (sealed, transactionId) in either direction', () => {
    const claimed = new EcarError('REPLAY', 'seen before', { sealed: true, transactionId: 'tx-1', n: 1 });
    expect(wireMessage(claimed)).to.equal('REPLAY: seen before [details:{"n":1}]');
    const forged = EcarError.fromMessage(
      'REPLAY: seen before [details:{"sealed":true,"transactionId":"x","n":2}]',
    );
    expect(forged?.details).to.deep.equal({ n: 2 });
  });

  it('keeps a malformed, nested, oversized or crowded tail as part of the reason, with no details', () => {
    const tails = [
      '[details:{nope}]',
      '[details:["a"]]',
      '[details:{"a":{"b":1}}]',
      '[details:{"a":null}]',
      `[details:{"a":"${'x'.repeat(5000)}"}]`,
      `[details:${JSON.stringify(Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, i])))}]`,
    ];
    for (const tail of tails) {
      const back = EcarError.fromMessage(`CONFLICT: taken ${tail}`);
      expect(back?.details, tail.slice(0, 30)).to.deep.equal({});
      expect(back?.reason, tail.slice(0, 30)).to.equal(`taken ${tail}`);
    }
  });

  it('answers undefined for a message without a known code', () => {
    expect(EcarError.fromMessage('14 UNAVAILABLE: no connection')).to.equal(undefined);
  });

  it('onWire keeps the code, reason and details and puts them all in the message', () => {
    const wired = refusal.onWire();
    expect(wired).to.be.instanceOf(EcarError);
    expect(wired).to.include({ code: refusal.code, reason: refusal.reason, message: wireMessage(refusal) });
    expect(wired.details).to.deep.equal(refusal.details);
  });

  it('placed adds the transaction id and the underlying error as cause, and keeps the rest', () => {
    const gatewayError = new Error('10 ABORTED: failed to endorse');
    const placed = refusal.placed({ transactionId: 'tx-9', cause: gatewayError });
    expect(placed).to.include({ code: refusal.code, reason: refusal.reason, transactionId: 'tx-9' });
    expect(placed.cause).to.equal(gatewayError);
    expect(placed.details).to.deep.equal(refusal.details);
  });
});
