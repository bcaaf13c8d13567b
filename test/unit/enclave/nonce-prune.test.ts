import { expect } from 'chai';
import { NONCE_BUCKET_MS, nonceBucket } from '../../../chaincode/src/enclave/nonce-guard';
import type { EnclaveRuntime } from '../../../chaincode/src/enclave/runtime';
import type { KeyRecord } from '../../../chaincode/src/protocol/confidential/key-record';
import { paramsArgs } from '../../support/builders';
import {
  callAndOpen,
  enclaveClock,
  EnclaveTestNetwork,
  provision,
  testPlatform,
  testRuntime,
  TestWallet,
} from '../../support/enclave-harness';
import { T0 } from '../../support/ledger';
import { ecarRejection } from '../../support/rejection';

const HOUR = 3_600_000;

describe('EnclaveRuntime', () => {
  describe('pruneNonces', () => {
    let network: EnclaveTestNetwork;
    let org1: EnclaveRuntime;
    let org2: EnclaveRuntime;
    let record: KeyRecord;
    const operator = new TestWallet();

    beforeEach(async () => {
      const platform = testPlatform();
      network = new EnclaveTestNetwork();
      org1 = testRuntime({ platform, mspId: 'Org1MSP' });
      org2 = testRuntime({ platform, mspId: 'Org2MSP' });
      record = await provision(network, platform, [org1, org2], operator.callerId);
      const init = operator.request(record, 'initialize', { ...paramsArgs(), issuer: operator.callerId });
      await network.submit((tx) => org1.run(tx, 'submit', init.envelope));
    });

    const nonceWrites = (): number =>
      [...network.ledger.committed.keys()].filter((k) => k.startsWith('s/')).length;

    it('removes the nonce records of expired requests only, and an expired request stays refused', async () => {
      const old = operator.request(record, 'setParams', { feeBps: 300 });
      await network.submit((tx) => org1.run(tx, 'submit', old.envelope));
      const before = nonceWrites();
      network.nowMs = T0 + 2 * HOUR;
      const fresh = operator.request(record, 'setParams', { feeBps: 400 }, {}, network.nowMs);
      await network.submit((tx) => org1.run(tx, 'submit', fresh.envelope));

      const outcome = await network.submit((tx) => org1.pruneNonces(tx), { isAdmin: true });
      expect(outcome.removed).to.equal(2); // the initialize and the old setParams
      expect(nonceWrites()).to.equal(before + 1 - 2 + 1); // fresh nonce and the prune marker stay

      // the pruned request is still refused, by its notAfter
      const txId = network.nextTxId();
      const replay = await callAndOpen(
        () => network.evaluate((tx) => org1.run(tx, 'submit', old.envelope), { txId }),
        old.secrets,
        txId,
        record,
      );
      expect(replay).to.deep.include({ ok: false, code: 'ENVELOPE_INVALID' });
      // the fresh request's nonce is kept: its replay is still REPLAY
      const txId2 = network.nextTxId();
      const again = await callAndOpen(
        () => network.evaluate((tx) => org1.run(tx, 'submit', fresh.envelope), { txId: txId2 }),
        fresh.secrets,
        txId2,
        record,
      );
      expect(again).to.deep.include({ ok: false, code: 'REPLAY' });
      // a second prune resumes after the buckets it emptied
      const next = await network.submit((tx) => org1.pruneNonces(tx), { isAdmin: true });
      expect(next.removed).to.equal(0);
    });

    it('keeps a bucket until twice the skew after it ended (a prune late by one skew, a replay early by one)', async () => {
      const request = operator.request(record, 'setParams', { feeBps: 300 });
      await network.submit((tx) => org1.run(tx, 'submit', request.envelope));
      const bucketEnd = (nonceBucket(T0 + 60_000) + 1) * NONCE_BUCKET_MS;
      const prune = (nowMs: number) => {
        enclaveClock.nowMs = nowMs;
        return network.submit((tx) => org1.pruneNonces({ ...tx, clock: org1.trustedClock(tx.clock) }), {
          isAdmin: true,
          nowMs,
        });
      };
      try {
        expect((await prune(bucketEnd + 90_000)).removed, 'between one and two skews').to.equal(0);
        expect((await prune(bucketEnd + 121_000)).removed).to.be.at.least(1);
      } finally {
        enclaveClock.nowMs = undefined;
      }
    });

    it('is for org admins only and writes nothing otherwise', async () => {
      const before = network.ledger.dump();
      await ecarRejection(
        network.submit((tx) => org1.pruneNonces(tx)),
        'FORBIDDEN',
      );
      expect(network.ledger.dump()).to.equal(before);
    });
  });
});
