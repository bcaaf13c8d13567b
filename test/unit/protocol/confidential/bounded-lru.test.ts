// BoundedLru, the one memo cache of the protocol (keys, meter keys, pseudonyms).
import { expect } from 'chai';
import { BoundedLru } from '../../../../chaincode/src/protocol/bounded-lru';

describe('BoundedLru', () => {
  it('drops the least recently used entry past its bound', () => {
    const lru = new BoundedLru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).to.equal(1); // 'b' is now the oldest
    lru.set('c', 3);
    expect(lru.size).to.equal(2);
    expect(lru.get('b')).to.equal(undefined);
    expect([lru.get('a'), lru.get('c')]).to.deep.equal([1, 3]);
  });

  it('makes a value once and caches nothing when making throws', () => {
    const lru = new BoundedLru<string, number | null>(4);
    let made = 0;
    const make = (): null => {
      made += 1;
      return null;
    };
    expect(lru.getOrCreate('x', make)).to.equal(null);
    expect(lru.getOrCreate('x', make)).to.equal(null);
    expect(made).to.equal(1);
    expect(() =>
      lru.getOrCreate('y', () => {
        throw new Error('no');
      }),
    ).to.throw('no');
    expect(lru.size).to.equal(1);
  });
});
