// clockFromStub: the transaction timestamp in epoch milliseconds and the transaction id.
import { expect } from 'chai';
import { clockFromStub } from '../../../chaincode/src/fabric/fabric-clock';
import { FakeChaincodeStub } from '../../support/fake-stub';

describe('clockFromStub', () => {
  it('turns seconds and nanos into whole epoch milliseconds (rounded down) and keeps the tx id', () => {
    const stub = new FakeChaincodeStub();
    stub.timestamp = { seconds: 1_772_438_400, nanos: 123_999_999 };
    expect(clockFromStub(stub)).to.deep.equal({ nowMs: 1_772_438_400_123, txId: stub.txId });
  });

  it('reads seconds given as a Long-like object through its decimal text', () => {
    const stub = new FakeChaincodeStub();
    const seconds = { toString: () => '1772438400' };
    stub.getTxTimestamp = () => ({ seconds, nanos: 0 });
    expect(clockFromStub(stub).nowMs).to.equal(1_772_438_400_000);
  });
});
