// TrustCache: one verification per (channel, chaincode, epoch), reused only for the same key status and
// client rules, until it expires.
import { expect } from 'chai';
import type { KeyStatus } from '../../../chaincode/src/protocol/confidential/api';
import { verifyEnclaveSet, type TrustedKeys } from '../../../client/src/confidential/enclave-verifier';
import { TrustCache, type TrustBasis } from '../../../client/src/confidential/trust-cache';
import { CHAINCODE, CHANNEL, confidentialFixture, NOW } from '../../support/confidential-fixture';

describe('TrustCache', () => {
  const fixture = confidentialFixture();
  const now = new Date(NOW.getTime() + 1_000);
  const basis: TrustBasis = {
    channel: CHANNEL,
    chaincode: CHAINCODE,
    keyStatus: fixture.keyStatus,
    policy: fixture.policy,
    minOrgs: 2,
  };
  const verified = (): TrustedKeys => verifyEnclaveSet({ ...basis, registry: fixture.registry, now });

  describe('lookup', () => {
    it('returns the stored keys for the same key status, rules and an unexpired time', () => {
      const cache = new TrustCache();
      const keys = cache.store(verified(), basis);
      expect(cache.lookup(basis, new Date(now.getTime() + 1_000))).to.equal(keys);
      expect(
        cache.lookup(
          { ...basis, keyStatus: JSON.parse(JSON.stringify(fixture.keyStatus)) as KeyStatus },
          now,
        ),
      ).to.equal(keys);
    });

    it('misses once the verification expired, and forgets it', () => {
      const cache = new TrustCache();
      const keys = cache.store(verified(), basis);
      expect(cache.lookup(basis, keys.expiresAt)).to.equal(undefined);
      expect(cache.size).to.equal(0);
    });

    it('misses when the key status changed (another voucher list) or the policy did', () => {
      const cache = new TrustCache();
      cache.store(verified(), basis);
      const fewer = { ...fixture.keyStatus, vouchers: fixture.keyStatus.vouchers.slice(0, 1) };
      expect(cache.lookup({ ...basis, keyStatus: fewer }, now)).to.equal(undefined);
      expect(cache.lookup({ ...basis, policy: { ...basis.policy, allowDebug: true } }, now)).to.equal(
        undefined,
      );
      expect(cache.lookup({ ...basis, minOrgs: 3 }, now)).to.equal(undefined);
      expect(cache.lookup({ ...basis, chaincode: 'other' }, now)).to.equal(undefined);
    });

    it('misses for a new epoch, and storing it drops the older epoch', () => {
      const cache = new TrustCache();
      cache.store(verified(), basis);
      const next = { ...basis, keyStatus: { ...fixture.keyStatus, currentEpoch: 2 } };
      expect(cache.lookup(next, now)).to.equal(undefined);
      const epoch2 = { ...verified(), epoch: 2 };
      cache.store(epoch2, next);
      expect(cache.size).to.equal(1);
      expect(cache.lookup(basis, now)).to.equal(undefined);
      expect(cache.lookup(next, now)).to.equal(epoch2);
    });
  });

  describe('store', () => {
    it('throws when the keys were verified for another epoch than the key status names', () => {
      const cache = new TrustCache();
      expect(() => cache.store({ ...verified(), epoch: 7 }, basis)).to.throw(
        'not verified for this key status',
      );
    });
  });

  describe('invalidate', () => {
    it('forgets one chaincode or everything', () => {
      const cache = new TrustCache();
      cache.store(verified(), basis);
      cache.invalidate({ channel: CHANNEL, chaincode: 'other' });
      expect(cache.size).to.equal(1);
      cache.invalidate({ channel: CHANNEL, chaincode: CHAINCODE });
      expect(cache.size).to.equal(0);
    });
  });
});
