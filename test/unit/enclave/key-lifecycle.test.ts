// Key provisioning end to end over the in-memory ledger: create → publish → import by a second
// enclave → vouch → rotate to epoch 2, with old values still readable and new writes in epoch 2.
import { expect } from 'chai';
import { rmSync } from 'node:fs';
import type { EnclaveRuntime } from '../../../chaincode/src/enclave/runtime';
import { parseSealedValue } from '../../../chaincode/src/protocol/confidential/sealed-state';
import { EcarError } from '../../../chaincode/src/protocol/errors';
import type { KeyRecord } from '../../../chaincode/src/protocol/confidential/key-record';
import type { SimulatedPlatform } from '../../../chaincode/src/protocol/attestation/simulated';
import { ISSUER, paramsArgs } from '../../support/builders';
import {
  callAndOpen,
  EnclaveTestNetwork,
  newEnclaveDir,
  openAnswer,
  provision,
  testPlatform,
  testRuntime,
  TestWallet,
} from '../../support/enclave-harness';

async function failure(promise: Promise<unknown>): Promise<EcarError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof EcarError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('KeyManager', () => {
  let platform: SimulatedPlatform;
  before(() => {
    platform = testPlatform();
  });

  describe('create → publish → import → vouch → rotate', () => {
    let network: EnclaveTestNetwork;
    let org1: EnclaveRuntime;
    let org2: EnclaveRuntime;
    let record1: KeyRecord;
    const dirs: string[] = [];

    before(async () => {
      network = new EnclaveTestNetwork();
      dirs.push(newEnclaveDir(), newEnclaveDir());
      org1 = testRuntime({ platform, mspId: 'Org1MSP', dir: dirs[0] });
      org2 = testRuntime({ platform, mspId: 'Org2MSP', dir: dirs[1] });
      record1 = await provision(network, platform, [org1, org2]);
    });
    after(() => {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });

    it('publishes epoch 1 wrapped to both verified enclaves and makes it current', async () => {
      const status = await network.evaluate((tx) => org1.keyStatus(tx));
      expect(status.currentEpoch).to.equal(1);
      expect(status.records.map((r) => r.epoch)).to.deep.equal([1]);
      expect(status.wraps.map((w) => w.enclave).sort()).to.deep.equal(
        [org1.identity.id, org2.identity.id].sort(),
      );
      expect(record1.creator).to.equal(org1.identity.id);
    });

    it('lets the second enclave import the keys and vouch for them', async () => {
      expect(org2.keys.heldEpochs).to.deep.equal([1]);
      const status = await network.evaluate((tx) => org2.keyStatus(tx));
      expect(status.vouchers.map((v) => v.enclave).sort()).to.deep.equal(
        [org1.identity.id, org2.identity.id].sort(),
      );
    });

    it('keeps the identity and the keys across a restart (sealed files)', () => {
      const restarted = testRuntime({ platform, mspId: 'Org2MSP', dir: dirs[1] });
      expect(restarted.identity.id).to.equal(org2.identity.id);
      expect(restarted.keys.heldEpochs).to.deep.equal([1]);
    });

    it('rotates to epoch 2: old values stay readable, new writes are sealed in epoch 2', async () => {
      const operator = new TestWallet();
      const init = operator.request(record1, 'initialize', { ...paramsArgs(), issuer: ISSUER });
      const initTx = network.nextTxId();
      await network.submit((tx) => org1.run(tx, 'submit', init.envelope), { txId: initTx });

      const record2 = await network.evaluate((tx) => org2.createKeys(tx));
      expect(record2.epoch).to.equal(2);
      await network.submit((tx) => org1.publishKeys(tx, JSON.stringify(record2)));
      const voucher = await network.evaluate((tx) => org1.vouchKeys(tx, '2'));
      await network.submit((tx) => org2.recordVoucher(tx, JSON.stringify(voucher)));
      expect(org1.keys.heldEpochs).to.deep.equal([1, 2]);

      // the params sealed in epoch 1 are still read, by both enclaves
      for (const runtime of [org1, org2]) {
        const read = operator.request(record2, 'getParams', {});
        const txId = network.nextTxId();
        const answer = await network.evaluate((tx) => runtime.run(tx, 'evaluate', read.envelope), { txId });
        const payload = openAnswer(answer, read.secrets, txId, record2);
        expect(payload.ok).to.equal(true);
        expect(payload.ok && (payload.result as { issuer: string }).issuer).to.equal(ISSUER);
      }

      // a write now seals with epoch 2
      const change = operator.request(record2, 'setParams', { feeBps: 500 });
      const { tx, raw } = network.makeTx();
      await org2.run(tx, 'submit', change.envelope);
      const epochs = [...raw.writes.values()].map((value) => parseSealedValue(value as Uint8Array).epoch);
      expect(epochs).to.not.be.empty;
      expect(new Set(epochs)).to.deep.equal(new Set([2]));

      // and a request still bound to epoch 1 is refused, signed under epoch 1's receipt key (which
      // the client trusts), naming the current epoch: the client may act on it and re-verify
      const stale = operator.request(record1, 'getParams', {});
      const txId = network.nextTxId();
      const refusal = await callAndOpen(
        () => network.evaluate((t) => org1.run(t, 'evaluate', stale.envelope), { txId }),
        stale.secrets,
        txId,
        record1,
      );
      expect(refusal).to.deep.include({ ok: false, code: 'ENVELOPE_INVALID' });
      expect(!refusal.ok && refusal.details).to.deep.equal({ currentEpoch: 2 });
      expect(!refusal.ok && refusal.message).to.include('current epoch is 2');
    });
  });

  describe('createKeys', () => {
    it('refuses an enclave that is not registered', async () => {
      const network = new EnclaveTestNetwork();
      const org1 = testRuntime({ platform });
      const stranger = testRuntime({ platform });
      await provision(network, platform, [org1]);
      const error = await failure(network.evaluate((tx) => stranger.createKeys(tx)));
      expect(error.code).to.equal('KEYS_UNAVAILABLE');
    });

    it('wraps only to enclaves whose evidence it verifies itself at the transaction time', async () => {
      const network = new EnclaveTestNetwork();
      const org1 = testRuntime({ platform, mspId: 'Org1MSP' });
      const org2 = testRuntime({ platform, mspId: 'Org2MSP' });
      await provision(network, platform, [org1, org2]);
      // 40 days later both registrations' collateral has expired: nobody, not even the creator, qualifies
      network.nowMs += 40 * 86_400_000;
      const error = await failure(network.evaluate((tx) => org2.createKeys(tx)));
      expect(error.code).to.equal('KEYS_UNAVAILABLE');
    });
  });

  describe('publishKeys', () => {
    it('refuses a record whose epoch is not the next one, and a forged signature', async () => {
      const network = new EnclaveTestNetwork();
      const org1 = testRuntime({ platform });
      const record = await provision(network, platform, [org1]);
      const replay = await failure(network.submit((tx) => org1.publishKeys(tx, JSON.stringify(record))));
      expect(replay.code).to.equal('CONFLICT');
      const next = await network.evaluate((tx) => org1.createKeys(tx));
      const forged = { ...next, receiptPublicKey: record.receiptPublicKey };
      const error = await failure(network.submit((tx) => org1.publishKeys(tx, JSON.stringify(forged))));
      expect(error.code).to.equal('KEYS_UNAVAILABLE');
      expect(error.message).to.include('signature');
    });
  });

  describe('shareKeys / addWraps', () => {
    it('gives an enclave registered after the keys were made its wrap', async () => {
      const network = new EnclaveTestNetwork();
      const org1 = testRuntime({ platform, mspId: 'Org1MSP' });
      const record = await provision(network, platform, [org1]);
      const late = testRuntime({ platform, mspId: 'Org2MSP' });
      await network.submit((tx) => late.registerEnclave(tx, JSON.stringify(late.enclaveEvidence())), {
        mspId: 'Org2MSP',
      });
      const before = await failure(network.evaluate((tx) => late.vouchKeys(tx, '1')));
      expect(before.code).to.equal('KEYS_UNAVAILABLE');

      const wraps = await network.evaluate((tx) => org1.shareKeys(tx, ''));
      expect(wraps.map((w) => w.enclave)).to.deep.equal([late.identity.id]);
      const notAdmin = await failure(network.submit((tx) => org1.addWraps(tx, JSON.stringify(wraps))));
      expect(notAdmin.code).to.equal('FORBIDDEN');
      expect((await failure(network.evaluate((tx) => late.vouchKeys(tx, '1')))).code).to.equal(
        'KEYS_UNAVAILABLE',
      );
      await network.submit((tx) => org1.addWraps(tx, JSON.stringify(wraps)), { isAdmin: true });
      const voucher = await network.evaluate((tx) => late.vouchKeys(tx, '1'));
      await network.submit((tx) => late.recordVoucher(tx, JSON.stringify(voucher)));

      // the late enclave now serves requests
      const wallet = new TestWallet();
      const request = wallet.request(record, 'getParams', {});
      const txId = network.nextTxId();
      const answer = await callAndOpen(
        () => network.evaluate((tx) => late.run(tx, 'evaluate', request.envelope), { txId }),
        request.secrets,
        txId,
        record,
      );
      expect(answer).to.deep.include({ ok: false, code: 'NOT_INITIALIZED' });
    });
  });

  describe('recordVoucher', () => {
    it('refuses a voucher whose signature is not the enclave’s', async () => {
      const network = new EnclaveTestNetwork();
      const org1 = testRuntime({ platform });
      await provision(network, platform, [org1]);
      const voucher = await network.evaluate((tx) => org1.vouchKeys(tx, '1'));
      const forged = { ...voucher, sig: Buffer.alloc(64, 1).toString('base64') };
      const error = await failure(network.submit((tx) => org1.recordVoucher(tx, JSON.stringify(forged))));
      expect(error.code).to.equal('KEYS_UNAVAILABLE');
    });
  });
});
