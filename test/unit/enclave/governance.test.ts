// Governance attacks on the real enclave runtime (issue items 4, 6, 7): a client that is not an org
// admin provisioning, one org fixing the genesis or rotating the keys alone, a share to an enclave
// whose evidence went stale, a back-dated key creation, a record made on edited state. Each attack
// is refused and the committed ledger is unchanged; the legitimate path completes it.
import { expect } from 'chai';
import 'reflect-metadata';
import '../../support/quiet-contract-logs';
import { readEnclaveConfig, EnclaveConfigError } from '../../../chaincode/src/enclave/config';
import type { EnclaveTx } from '../../../chaincode/src/enclave/ledger-state';
import type { EnclaveRuntime } from '../../../chaincode/src/enclave/runtime';
import { ConfidentialContract } from '../../../chaincode/src/fabric/confidential-contract';
import { developmentPolicy } from '../../../chaincode/src/enclave/simulated-platform-file';
import {
  Confidential,
  operatorCommitment,
  type GenesisProposal,
} from '../../../chaincode/src/protocol/confidential/api';
import { EcarError } from '../../../chaincode/src/protocol/errors';
import { ISSUER, paramsArgs } from '../../support/builders';
import {
  callAndOpen,
  EnclaveTestNetwork,
  provision,
  testPlatform,
  testRuntime,
  TestWallet,
  type TxOptions,
} from '../../support/enclave-harness';
import { T0 } from '../../support/ledger';
import { ecarRejection } from '../../support/rejection';

const DAY = 86_400_000;
const admin = (mspId: string): TxOptions => ({ mspId, isAdmin: true });

/** Runs an attack and checks that it failed with `code` and left the committed ledger as it was. */
async function refusedWithoutWrites(
  network: EnclaveTestNetwork,
  attack: () => Promise<unknown>,
  code: string,
): Promise<EcarError> {
  const before = network.ledger.dump();
  const error = await ecarRejection(attack());
  expect(error.code, error.message).to.equal(code);
  expect(network.ledger.dump(), 'the committed ledger changed').to.equal(before);
  return error;
}

describe('governance', () => {
  const platform = testPlatform();
  const policy = developmentPolicy(platform);
  const operator = new TestWallet();
  const genesisOf = (op: string = operator.callerId): string =>
    JSON.stringify({ policy, operatorCommitment: operatorCommitment(op) });

  describe('approveGenesis', () => {
    let org1: EnclaveRuntime;
    let org2: EnclaveRuntime;
    beforeEach(() => {
      org1 = testRuntime({ platform, mspId: 'Org1MSP' });
      org2 = testRuntime({ platform, mspId: 'Org2MSP' });
    });
    const approve =
      (genesis: string) =>
      (runtime: EnclaveRuntime, tx: EnclaveTx): Promise<unknown> =>
        runtime.approveGenesis(tx, genesis);

    it('applies the first policy and the operator only when every founding org approved the same genesis', async () => {
      const network = new EnclaveTestNetwork();
      const first = (await network.endorse(
        [org1, org2],
        approve(genesisOf()),
        admin('Org1MSP'),
      )) as GenesisProposal;
      expect(first.missing).to.deep.equal(['Org2MSP']);
      expect((await ecarRejection(network.evaluate((tx) => org1.getPolicy(tx)))).code).to.equal(
        'NOT_INITIALIZED',
      );
      const evidence = JSON.stringify(org1.enclaveEvidence());
      expect(
        (await ecarRejection(network.submit((tx) => org1.registerEnclave(tx, evidence), admin('Org1MSP'))))
          .code,
      ).to.equal('NOT_INITIALIZED');

      // Org2 approving another operator does not complete Org1's genesis
      const other = (await network.endorse(
        [org1, org2],
        approve(genesisOf(new TestWallet().callerId)),
        admin('Org2MSP'),
      )) as GenesisProposal;
      expect(other.missing).to.deep.equal(['Org1MSP']);
      expect((await ecarRejection(network.evaluate((tx) => org2.getGenesis(tx)))).code).to.equal(
        'NOT_INITIALIZED',
      );

      await network.endorse([org1, org2], approve(genesisOf()), admin('Org2MSP'));
      const record = await network.evaluate((tx) => org2.getPolicy(tx));
      expect(record).to.include({ version: 1 });
      expect(record.approvedBy).to.deep.equal(['Org1MSP', 'Org2MSP']);
      const genesis = await network.evaluate((tx) => org1.getGenesis(tx));
      expect(genesis).to.include({ operatorCommitment: operatorCommitment(operator.callerId) });
      expect(network.ledger.dump()).to.not.contain(operator.callerId.slice(2));
      expect(genesis.approvedBy).to.deep.equal(['Org1MSP', 'Org2MSP']);
    });

    it('throws FORBIDDEN for a client that is not an org admin and for an org that is not a founder, writing nothing', async () => {
      const network = new EnclaveTestNetwork();
      const notAdmin = await refusedWithoutWrites(
        network,
        () => network.endorse([org1, org2], approve(genesisOf()), { mspId: 'Org1MSP' }),
        'FORBIDDEN',
      );
      expect(notAdmin.message).to.contain("NodeOU 'admin'");
      const outsider = await refusedWithoutWrites(
        network,
        () => network.endorse([org1, org2], approve(genesisOf()), admin('Org3MSP')),
        'FORBIDDEN',
      );
      expect(outsider.message).to.contain('founding orgs (Org1MSP, Org2MSP)');
    });

    it('throws ALREADY_EXISTS once a policy is in force, so nobody re-initialises the governance', async () => {
      const network = new EnclaveTestNetwork();
      for (const mspId of ['Org1MSP', 'Org2MSP']) {
        await network.endorse([org1, org2], approve(genesisOf()), admin(mspId));
      }
      const takeover = genesisOf(new TestWallet().callerId);
      for (const mspId of ['Org1MSP', 'Org2MSP']) {
        await refusedWithoutWrites(
          network,
          () => network.endorse([org1, org2], approve(takeover), admin(mspId)),
          'ALREADY_EXISTS',
        );
      }
    });

    it('throws INVALID_ARGUMENT for an unknown field, a wallet id in clear, or a malformed commitment', async () => {
      const network = new EnclaveTestNetwork();
      for (const genesis of [
        JSON.stringify({ policy, operatorCommitment: operatorCommitment(operator.callerId), issuer: 'x' }),
        JSON.stringify({ policy, operator: operator.callerId }),
        JSON.stringify({ policy, operatorCommitment: operator.callerId }),
        JSON.stringify({
          policy: { ...policy, alowDebug: true },
          operatorCommitment: operatorCommitment(operator.callerId),
        }),
        'not json',
      ]) {
        await refusedWithoutWrites(
          network,
          () => network.submit((tx) => org1.approveGenesis(tx, genesis), admin('Org1MSP')),
          'INVALID_ARGUMENT',
        );
      }
    });

    it('throws NOT_CONFIGURED naming ECAR_FOUNDING_ORGS when the enclave has no founding list', async () => {
      const network = new EnclaveTestNetwork();
      const unconfigured = testRuntime({ platform, mspId: 'Org1MSP', foundingOrgs: null });
      const attempts: ((tx: EnclaveTx) => Promise<unknown>)[] = [
        (tx) => unconfigured.approveGenesis(tx, genesisOf()),
        (tx) => unconfigured.proposePolicy(tx, JSON.stringify(policy)),
        (tx) => unconfigured.proposeRotation(tx),
      ];
      for (const attempt of attempts) {
        const error = await refusedWithoutWrites(
          network,
          () => network.submit(attempt, admin('Org1MSP')),
          'NOT_CONFIGURED',
        );
        expect(error.message).to.contain('ECAR_FOUNDING_ORGS');
      }
    });

    it("lets no org whose host lists only itself as founder pass the genesis: the honest org's endorsement differs", async () => {
      const network = new EnclaveTestNetwork();
      const liar = testRuntime({ platform, mspId: 'Org1MSP', foundingOrgs: ['Org1MSP'] });
      // on its own, the lying enclave would apply the genesis at once
      const alone = await network.evaluate((tx) => liar.approveGenesis(tx, genesisOf()), admin('Org1MSP'));
      expect(alone).to.have.property('approvedBy').that.deep.equals(['Org1MSP']);
      const before = network.ledger.dump();
      let mismatch: unknown;
      try {
        await network.endorse([liar, org2], approve(genesisOf()), admin('Org1MSP'));
      } catch (error) {
        mismatch = error;
      }
      expect(String(mismatch)).to.contain('endorsements do not match');
      expect(network.ledger.dump()).to.equal(before);
    });
  });

  describe('readEnclaveConfig (ECAR_FOUNDING_ORGS)', () => {
    const base = {
      ECAR_ENCLAVE_DIR: 'enclave',
      ECAR_SIMULATED_PLATFORM: 'platform.json',
      ECAR_SIMULATED_CPU_SECRET: 'cpu-secret',
      ECAR_MSP_ID: 'Org1MSP',
      ECAR_CHANNEL: 'ecar',
      ECAR_CHAINCODE: 'ecar',
    };

    it('reads a sorted, de-duplicated list, undefined when unset, and names the variable when malformed', () => {
      expect(
        readEnclaveConfig({ ...base, ECAR_FOUNDING_ORGS: 'Org2MSP, Org1MSP,Org1MSP' }).foundingOrgs,
      ).to.deep.equal(['Org1MSP', 'Org2MSP']);
      expect(readEnclaveConfig(base).foundingOrgs).to.equal(undefined);
      expect(() => readEnclaveConfig({ ...base, ECAR_FOUNDING_ORGS: 'Org1MSP,Org 2' }))
        .to.throw(EnclaveConfigError)
        .with.property('variable', 'ECAR_FOUNDING_ORGS');
    });
  });

  describe('initialize', () => {
    it('lets only the operator wallet fixed at genesis initialize the economy', async () => {
      const network = new EnclaveTestNetwork();
      const org1 = testRuntime({ platform, mspId: 'Org1MSP' });
      const record = await provision(network, platform, [org1], operator.callerId);
      const squatter = new TestWallet();
      const grab = squatter.request(record, 'initialize', { ...paramsArgs(), issuer: squatter.callerId });
      const before = network.ledger.dump();
      const txId = network.nextTxId();
      const refused = await callAndOpen(
        () => network.submit((tx) => org1.run(tx, 'submit', grab.envelope), { txId }),
        grab.secrets,
        txId,
        record,
      );
      expect(refused).to.deep.include({ ok: false, code: 'FORBIDDEN' });
      expect(network.ledger.dump()).to.equal(before);

      const init = operator.request(record, 'initialize', { ...paramsArgs(), issuer: ISSUER });
      const initTx = network.nextTxId();
      const done = await callAndOpen(
        () => network.submit((tx) => org1.run(tx, 'submit', init.envelope), { txId: initTx }),
        init.secrets,
        initTx,
        record,
      );
      expect(done).to.deep.include({ ok: true });
    });
  });

  describe('provisioning functions', () => {
    it('throw FORBIDDEN for a client that is not an org admin, writing nothing', async () => {
      const network = new EnclaveTestNetwork();
      const org1 = testRuntime({ platform, mspId: 'Org1MSP' });
      const org2 = testRuntime({ platform, mspId: 'Org2MSP' });
      const record = await provision(network, platform, [org1, org2]);
      const late = testRuntime({ platform, mspId: 'Org1MSP' });
      const rotation = await network.endorse(
        [org1, org2],
        (r, tx) => r.proposeRotation(tx),
        admin('Org1MSP'),
      );
      const proposal = (await network.endorse(
        [org1, org2],
        (r, tx) => r.proposePolicy(tx, JSON.stringify({ ...policy, allowedTcbStatuses: ['UpToDate'] })),
        admin('Org1MSP'),
      )) as { id: string };
      const voucher = JSON.stringify(
        await network.evaluate((tx) => org1.vouchKeys(tx, '1'), admin('Org1MSP')),
      );
      const attacks: [string, (r: EnclaveRuntime, tx: EnclaveTx) => Promise<unknown>][] = [
        ['registerEnclave', (r, tx) => r.registerEnclave(tx, JSON.stringify(late.enclaveEvidence()))],
        ['createKeys', (r, tx) => r.createKeys(tx)],
        ['publishKeys', (r, tx) => r.publishKeys(tx, JSON.stringify(record))],
        ['shareKeys', (r, tx) => r.shareKeys(tx, '')],
        ['vouchKeys', (r, tx) => r.vouchKeys(tx, '1')],
        ['recordVoucher', (r, tx) => r.recordVoucher(tx, voucher)],
        ['proposeRotation', (r, tx) => r.proposeRotation(tx)],
        ['approveRotation', (r, tx) => r.approveRotation(tx, rotation.id)],
        ['proposePolicy', (r, tx) => r.proposePolicy(tx, JSON.stringify(policy))],
        ['approvePolicy', (r, tx) => r.approvePolicy(tx, proposal.id)],
        ['approveGenesis', (r, tx) => r.approveGenesis(tx, genesisOf())],
      ];
      for (const [name, attack] of attacks) {
        const error = await refusedWithoutWrites(
          network,
          () => network.endorse([org1, org2], attack, { mspId: 'Org2MSP' }),
          'FORBIDDEN',
        );
        expect(error.details, name).to.include({ action: name });
      }
    });
  });

  describe('key rotation', () => {
    let network: EnclaveTestNetwork;
    let org1: EnclaveRuntime;
    let org2: EnclaveRuntime;
    beforeEach(async () => {
      network = new EnclaveTestNetwork();
      org1 = testRuntime({ platform, mspId: 'Org1MSP' });
      org2 = testRuntime({ platform, mspId: 'Org2MSP' });
      await provision(network, platform, [org1, org2]);
    });

    it("needs a majority: one org alone cannot create the next epoch, the second org's approval completes it", async () => {
      const proposal = await network.endorse(
        [org1, org2],
        (r, tx) => r.proposeRotation(tx),
        admin('Org1MSP'),
      );
      expect(proposal).to.include({ epoch: 2, approved: false });
      const again = await network.endorse(
        [org1, org2],
        (r, tx) => r.approveRotation(tx, proposal.id),
        admin('Org1MSP'),
      );
      expect(again.approved, 'the same org approving twice').to.equal(false);
      const refused = await ecarRejection(network.evaluate((tx) => org1.createKeys(tx), admin('Org1MSP')));
      expect(refused.code).to.equal('FORBIDDEN');
      expect(refused.message).to.contain('approved by a majority');

      const approved = await network.endorse(
        [org1, org2],
        (r, tx) => r.approveRotation(tx, proposal.id),
        admin('Org2MSP'),
      );
      expect(approved.approved).to.equal(true);
      expect(approved.approvals).to.deep.equal(['Org1MSP', 'Org2MSP']);
      const record = JSON.stringify(await network.evaluate((tx) => org1.createKeys(tx), admin('Org1MSP')));
      await network.endorse([org1, org2], (r, tx) => r.publishKeys(tx, record), admin('Org1MSP'));
      expect(await network.evaluate((tx) => org1.keys.currentEpoch(tx.state))).to.equal(2);
    });

    it('throws FORBIDDEN for a record made where the rotation was approved on edited state, writing nothing', async () => {
      // Org1's peer admin edits its own state DB to show an approved rotation and asks its enclave
      const edited = new EnclaveTestNetwork();
      for (const [key, value] of network.ledger.committed) edited.ledger.committed.set(key, value);
      const proposal = await edited.submit((tx) => org1.proposeRotation(tx), admin('Org1MSP'));
      await edited.submit((tx) => org1.approveRotation(tx, proposal.id), admin('Org2MSP'));
      const forged = JSON.stringify(await edited.evaluate((tx) => org1.createKeys(tx), admin('Org1MSP')));
      // publishing it on the honest ledger fails on every enclave
      await refusedWithoutWrites(
        network,
        () => network.endorse([org1, org2], (r, tx) => r.publishKeys(tx, forged), admin('Org1MSP')),
        'FORBIDDEN',
      );
    });

    it('throws INVALID_STATE when a rotation proposal for an epoch already published is approved', async () => {
      const stale = await network.endorse([org1, org2], (r, tx) => r.proposeRotation(tx), admin('Org2MSP'));
      const proposal = await network.endorse(
        [org1, org2],
        (r, tx) => r.proposeRotation(tx),
        admin('Org1MSP'),
      );
      await network.endorse([org1, org2], (r, tx) => r.approveRotation(tx, proposal.id), admin('Org2MSP'));
      const record = JSON.stringify(await network.evaluate((tx) => org1.createKeys(tx), admin('Org1MSP')));
      await network.endorse([org1, org2], (r, tx) => r.publishKeys(tx, record), admin('Org1MSP'));
      await refusedWithoutWrites(
        network,
        () => network.endorse([org1, org2], (r, tx) => r.approveRotation(tx, stale.id), admin('Org1MSP')),
        'INVALID_STATE',
      );
    });

    it('judges a back-dated createKeys no earlier than the approval: expired collateral gets no wrap', async () => {
      network.nowMs = T0 + 40 * DAY; // every registration's collateral has expired by now
      const proposal = await network.endorse(
        [org1, org2],
        (r, tx) => r.proposeRotation(tx),
        admin('Org1MSP'),
      );
      await network.endorse([org1, org2], (r, tx) => r.approveRotation(tx, proposal.id), admin('Org2MSP'));
      // the proposal claims a time when the collateral was still valid
      const error = await ecarRejection(
        network.evaluate((tx) => org1.createKeys(tx), { ...admin('Org1MSP'), nowMs: T0 + DAY }),
      );
      expect(error.code).to.equal('KEYS_UNAVAILABLE');
      expect(error.message).to.contain('no longer passes the policy');
    });
  });

  describe('shareKeys', () => {
    it('gives nothing to an enclave whose collateral expired by the share, and writes nothing', async () => {
      const network = new EnclaveTestNetwork();
      const org1 = testRuntime({ platform, mspId: 'Org1MSP' });
      await provision(network, platform, [org1]);
      const stale = testRuntime({ platform, mspId: 'Org2MSP' });
      await network.submit(
        (tx) => stale.registerEnclave(tx, JSON.stringify(stale.enclaveEvidence())),
        admin('Org2MSP'),
      );
      network.nowMs = T0 + 40 * DAY;
      const named = await refusedWithoutWrites(
        network,
        () =>
          network.submit((tx) => org1.shareKeys(tx, JSON.stringify([stale.identity.id])), admin('Org1MSP')),
        'ATTESTATION_COLLATERAL_EXPIRED',
      );
      expect(named.message).to.contain('expired');
      const before = network.ledger.dump();
      expect(await network.submit((tx) => org1.shareKeys(tx, ''), admin('Org1MSP'))).to.deep.equal([]);
      expect(network.ledger.dump()).to.equal(before);
      const error = await ecarRejection(network.evaluate((tx) => stale.vouchKeys(tx, '1'), admin('Org2MSP')));
      expect(error.code).to.equal('KEYS_UNAVAILABLE');
    });

    it('is a submit transaction, and no evaluate of the contract hands out wraps', () => {
      const transactions = Reflect.getMetadata('fabric:transactions', ConfidentialContract.prototype) as {
        name: string;
        tag: string[];
      }[];
      const tags = new Map(transactions.map((t) => [t.name, t.tag]));
      expect(tags.get(Confidential.shareKeys)).to.include('SUBMIT');
      expect([...tags.keys()]).to.not.include('addWraps');
      const evaluates = transactions.filter((t) => t.tag.includes('EVALUATE')).map((t) => t.name);
      // createKeys is the one evaluate with wraps: of a new epoch, only after the genesis or an
      // approved rotation, to enclaves judged no earlier than that approval
      expect(evaluates.sort()).to.deep.equal(
        [
          Confidential.attestedKeyStatus,
          Confidential.createKeys,
          Confidential.enclaves,
          Confidential.evaluate,
          Confidential.evidence,
          Confidential.genesis,
          Confidential.keyStatus,
          Confidential.policy,
          Confidential.vouch,
        ].sort(),
      );
    });
  });
});
