// onceEveryPeerHasIt: a write refused with NOT_FOUND by a peer that has not committed the previous
// block yet is tried again (bounded); every other failure, and one past the deadline, is thrown.
import { expect } from 'chai';
import { EcarError } from '../../../chaincode/src/protocol/errors';
import { onceEveryPeerHasIt } from '../../../scripts/src/lagging-peers';
import { ecarRejection, rejectionOf } from '../../support/rejection';

function failingTimes(times: number, error: Error): { calls: number; write: () => Promise<string> } {
  const state = { calls: 0, write: (): Promise<string> => Promise.resolve('') };
  state.write = () => {
    state.calls += 1;
    return state.calls <= times ? Promise.reject(error) : Promise.resolve('written');
  };
  return state;
}

describe('onceEveryPeerHasIt', () => {
  it('tries a NOT_FOUND again until the peer has the block', async () => {
    const w = failingTimes(2, new EcarError('NOT_FOUND', "no station 'st-1'"));
    expect(await onceEveryPeerHasIt(() => w.write())).to.equal('written');
    expect(w.calls).to.equal(3);
  });

  it('throws any other refusal at once', async () => {
    const w = failingTimes(1, new EcarError('FORBIDDEN', 'approveMeter is allowed only for the operator'));
    await ecarRejection(
      onceEveryPeerHasIt(() => w.write()),
      'FORBIDDEN',
    );
    expect(w.calls).to.equal(1);
  });

  it('throws a failure that is not an EcarError at once', async () => {
    const w = failingTimes(1, new Error('14 UNAVAILABLE'));
    expect(await rejectionOf(onceEveryPeerHasIt(() => w.write()))).to.have.property(
      'message',
      '14 UNAVAILABLE',
    );
    expect(w.calls).to.equal(1);
  });

  it('gives up with the NOT_FOUND once the deadline passed', async () => {
    const w = failingTimes(Number.MAX_SAFE_INTEGER, new EcarError('NOT_FOUND', "no station 'st-9'"));
    await ecarRejection(
      onceEveryPeerHasIt(() => w.write(), 0),
      'NOT_FOUND',
    );
    expect(w.calls).to.be.at.least(1);
  });
});
