// StubStateStore: prefix ranges over byte-ordered simple keys, canonical bytes, closed iterators.
import { expect } from 'chai';
import { EcarError } from '../../../chaincode/src/protocol/errors';
import { StubStateStore } from '../../../chaincode/src/fabric/stub-state-store';
import { FakeChaincodeStub } from '../../support/fake-stub';
import { rejectionOf } from '../../support/rejection';

describe('StubStateStore', () => {
  let stub: FakeChaincodeStub;
  let store: StubStateStore;
  beforeEach(() => {
    stub = new FakeChaincodeStub();
    store = new StubStateStore(stub);
  });

  describe('range', () => {
    beforeEach(() => {
      for (const key of [
        'hold/a/s:1',
        'hold/a/b:2',
        'hold/a/~last',
        'hold/a0/s:3', // shares the text "hold/a" but not the prefix "hold/a/"
        'hold/ab/s:4',
        'hold/b/s:5',
        'hold-x/a/1',
        'holdz',
        'earning/a/s:1',
      ]) {
        stub.seed(key, `{"key":"${key}"}`);
      }
      stub.seed('\u0000heartbeat\u0000hold/a/\u0000', '{"key":"composite"}');
    });

    it('returns exactly the keys that start with the prefix, in byte order', async () => {
      const entries = await store.range('hold/a/');
      expect(entries.map((e) => e.key)).to.deep.equal(['hold/a/b:2', 'hold/a/s:1', 'hold/a/~last']);
      expect(entries.map((e) => e.value.key)).to.deep.equal(entries.map((e) => e.key));
    });

    it('asks the peer for [prefix, prefix + U+FFFF) so no neighbour and no composite key can enter', async () => {
      await store.range('hold/');
      expect(stub.ranges).to.deep.equal([['hold/', 'hold/\uffff']]);
      const keys = (await store.range('hold/')).map((e) => e.key);
      expect(keys).to.deep.equal([
        'hold/a/b:2',
        'hold/a/s:1',
        'hold/a/~last',
        'hold/a0/s:3',
        'hold/ab/s:4',
        'hold/b/s:5',
      ]);
    });

    it('returns nothing for a prefix no key has', async () => {
      expect(await store.range('payout/')).to.deep.equal([]);
    });

    it('closes the iterator after reading', async () => {
      await store.range('hold/');
      expect(stub.openIterators).to.equal(0);
    });

    it('closes the iterator also when a stored value is not JSON, and throws INTERNAL', async () => {
      stub.seed('hold/a/broken', 'not json');
      const error = await rejectionOf(store.range('hold/a/'));
      expect(error).to.be.instanceOf(EcarError).with.property('code', 'INTERNAL');
      expect(stub.openIterators).to.equal(0);
    });

    it('refuses a prefix that is not printable ASCII (INTERNAL)', async () => {
      for (const prefix of ['', 'hold/\u0000', 'hold/ä']) {
        const error = await rejectionOf(store.range(prefix));
        expect(error, JSON.stringify(prefix)).to.be.instanceOf(EcarError).with.property('code', 'INTERNAL');
      }
      expect(stub.ranges).to.deep.equal([]);
    });
  });

  describe('put', () => {
    it('writes canonical JSON: object keys sorted at every level, no whitespace', async () => {
      await store.put('station/s1', {
        name: 'x',
        evses: [{ uid: 'e', a: 1 }],
        address: { zip: '1', city: 'B' },
      });
      expect(stub.written('station/s1')).to.equal(
        '{"address":{"city":"B","zip":"1"},"evses":[{"a":1,"uid":"e"}],"name":"x"}',
      );
    });

    it('writes identical bytes for equal values built in different key orders (every endorser agrees)', async () => {
      const other = new FakeChaincodeStub();
      await store.put('account/a', { purchased: '10', earned: '0' });
      await new StubStateStore(other).put('account/a', { earned: '0', purchased: '10' });
      expect(stub.written('account/a')).to.equal(other.written('account/a'));
    });

    it('refuses a key that is not printable ASCII (INTERNAL) and writes nothing', async () => {
      const error = await rejectionOf(store.put('account/a b', { x: 1 }));
      expect(error).to.be.instanceOf(EcarError).with.property('code', 'INTERNAL');
      expect(stub.writes.size).to.equal(0);
    });
  });

  describe('get', () => {
    it('answers undefined for a missing key (the peer returns empty bytes)', async () => {
      expect(await store.get('account/nobody')).to.equal(undefined);
    });

    it('parses the stored object', async () => {
      stub.seed('account/a', '{"earned":"0","purchased":"10"}');
      expect(await store.get('account/a')).to.deep.equal({ earned: '0', purchased: '10' });
    });

    it('throws INTERNAL when the stored value is not a JSON object', async () => {
      stub.seed('account/a', '[1,2]');
      const error = await rejectionOf(store.get('account/a'));
      expect(error).to.be.instanceOf(EcarError).with.property('code', 'INTERNAL');
    });

    it('sees committed state only, like a peer: a write is visible after commit', async () => {
      await store.put('account/a', { purchased: '1', earned: '0' });
      expect(await store.get('account/a')).to.equal(undefined);
      stub.commit();
      expect(await new StubStateStore(stub).get('account/a')).to.deep.equal({ purchased: '1', earned: '0' });
    });
  });

  describe('delete', () => {
    it('deletes the key', async () => {
      stub.seed('hold/a/s:1', '{}');
      await store.delete('hold/a/s:1');
      stub.commit();
      expect(await store.get('hold/a/s:1')).to.equal(undefined);
    });
  });
});
