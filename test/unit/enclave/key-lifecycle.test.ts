// Key provisioning end to end over the in-memory ledger: create → publish → import by a second
// enclave → vouch → rotate to epoch 2 (approved by both orgs), with old values still readable and
// new writes in epoch 2. Every write runs on every enclave as an AND endorsement policy would.
import { expect } from 'chai';
import { rmSync } from 'node:fs';
import type { EnclaveRuntime } from '../../../chaincode/src/enclave/runtime';
import { parseSealedValue } from '../../../chaincode/src/protocol/confidential/sealed-state';
import type { KeyRecord } from '../../../chaincode/src/protocol/confidential/key-record';
import type { SimulatedPlatform } from '../../../chaincode/src/enclave/simulated-platform';
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
  type TxOptions,
} from '../../support/enclave-harness';
import { ecarRejection } from '../../support/rejection';

const admin = (mspId: string): TxOptions => ({ mspId, isAdmin: true });

/** Org1's admin proposes the next epoch and Org2's admin approves it (2 of 2). */
async function approveRotation(
  network: EnclaveTestNetwork,
  endorsers: readonly EnclaveRuntime[],
): Promise<void> {
  const proposal = await network.endorse(endorsers, (r, tx) => r.proposeRotation(tx), admin('Org1MSP'));
  await network.endorse(endorsers, (r, tx) => r.approveRotation(tx, proposal.id), admin('Org2MSP'));
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
    const operator = new TestWallet();

    before(async () => {
      network = new EnclaveTestNetwork();
      dirs.push(newEnclaveDir(), newEnclaveDir());
      org1 = testRuntime({ platform, mspId: 'Org1MSP', dir: dirs[0] });
      org2 = testRuntime({ platform, mspId: 'Org2MSP', dir: dirs[1] });
      record1 = await provision(network, platform, [org1, org2], operator.callerId);
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
      const init = operator.request(record1, 'initialize', { ...paramsArgs(), issuer: ISSUER });
      await network.endorse([org1, org2], (r, tx) => r.run(tx, 'submit', init.envelope));

      await approveRotation(network, [org1, org2]);
      const record2 = await network.evaluate((tx) => org2.createKeys(tx), admin('Org2MSP'));
      expect(record2.epoch).to.equal(2);
      const text = JSON.stringify(record2);
      await network.endorse([org1, org2], (r, tx) => r.publishKeys(tx, text), admin('Org2MSP'));
      const voucher = JSON.stringify(
        await network.evaluate((tx) => org1.vouchKeys(tx, '2'), admin('Org1MSP')),
      );
      await network.endorse([org1, org2], (r, tx) => r.recordVoucher(tx, voucher), admin('Org1MSP'));
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
      await approveRotation(network, [org1]);
      const error = await ecarRejection(network.evaluate((tx) => stranger.createKeys(tx), admin('Org1MSP')));
      expect(error.code).to.equal('KEYS_UNAVAILABLE');
    });

    it('wraps only to enclaves whose evidence it verifies itself at the transaction time', async () => {
      const network = new EnclaveTestNetwork();
      const org1 = testRuntime({ platform, mspId: 'Org1MSP' });
      const org2 = testRuntime({ platform, mspId: 'Org2MSP' });
      await provision(network, platform, [org1, org2]);
      await approveRotation(network, [org1, org2]);
      // 40 days later both registrations' collateral has expired: nobody, not even the creator, qualifies
      network.nowMs += 40 * 86_400_000;
      const error = await ecarRejection(network.evaluate((tx) => org2.createKeys(tx), admin('Org2MSP')));
      expect(error.code).to.equal('KEYS_UNAVAILABLE');
    });
  });

  describe('publishKeys', () => {
    it('refuses a record whose epoch is not the next one, and a forged signature', async () => {
      const network = new EnclaveTestNetwork();
      const org1 = testRuntime({ platform });
      const record = await provision(network, platform, [org1]);
      const replay = await ecarRejection(
        network.submit((tx) => org1.publishKeys(tx, JSON.stringify(record)), admin('Org1MSP')),
      );
      expect(replay.code).to.equal('CONFLICT');
      await approveRotation(network, [org1]);
      const next = await network.evaluate((tx) => org1.createKeys(tx), admin('Org1MSP'));
      const forged = { ...next, receiptPublicKey: record.receiptPublicKey };
      const error = await ecarRejection(
        network.submit((tx) => org1.publishKeys(tx, JSON.stringify(forged)), admin('Org1MSP')),
      );
      expect(error.code).to.equal('KEYS_UNAVAILABLE');
      expect(error.message).to.include('signature');
    });
  });

  describe('shareKeys', () => {
    it('gives an enclave registered after the keys were made its wrap, written by the share itself', async () => {
      const network = new EnclaveTestNetwork();
      const org1 = testRuntime({ platform, mspId: 'Org1MSP' });
      const record = await provision(network, platform, [org1]);
      const late = testRuntime({ platform, mspId: 'Org2MSP' });
      await network.submit(
        (tx) => late.registerEnclave(tx, JSON.stringify(late.enclaveEvidence())),
        admin('Org2MSP'),
      );
      const before = await ecarRejection(network.evaluate((tx) => late.vouchKeys(tx, '1'), admin('Org2MSP')));
      expect(before.code).to.equal('KEYS_UNAVAILABLE');

      // an enclave that does not hold the epoch cannot endorse a share (it cannot compute the wrap)
      const unheld = await ecarRejection(network.submit((tx) => late.shareKeys(tx, ''), admin('Org2MSP')));
      expect(unheld.code).to.equal('KEYS_UNAVAILABLE');

      const wraps = await network.endorse([org1], (r, tx) => r.shareKeys(tx, ''), admin('Org1MSP'));
      expect(wraps.map((w) => w.enclave)).to.deep.equal([late.identity.id]);
      const status = await network.evaluate((tx) => org1.keyStatus(tx));
      expect(status.wraps.map((w) => w.enclave)).to.include(late.identity.id);
      const voucher = JSON.stringify(
        await network.evaluate((tx) => late.vouchKeys(tx, '1'), admin('Org2MSP')),
      );
      await network.submit((tx) => late.recordVoucher(tx, voucher), admin('Org2MSP'));

      // the late enclave now holds the same keys and endorses the next share identically
      const third = testRuntime({ platform, mspId: 'Org1MSP' });
      await network.submit(
        (tx) => third.registerEnclave(tx, JSON.stringify(third.enclaveEvidence())),
        admin('Org1MSP'),
      );
      const shared = await network.endorse([org1, late], (r, tx) => r.shareKeys(tx, ''), admin('Org1MSP'));
      expect(shared.map((w) => w.enclave)).to.deep.equal([third.identity.id]);

      // the late enclave serves requests
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
      const voucher = await network.evaluate((tx) => org1.vouchKeys(tx, '1'), admin('Org1MSP'));
      const forged = { ...voucher, sig: Buffer.alloc(64, 1).toString('base64') };
      const error = await ecarRejection(
        network.submit((tx) => org1.recordVoucher(tx, JSON.stringify(forged)), admin('Org1MSP')),
      );
      expect(error.code).to.equal('KEYS_UNAVAILABLE');
    });
  });
});
