// Provisioning against a two-org confidential ledger run by the real enclave runtimes: from nothing to
// a set a client trusts, idempotent on a second run, misrouted gateways refused, rotation approved by
// both orgs, and policy changes.
import { expect } from 'chai';
import {
  changePolicy,
  provision,
  ProvisioningError,
  rotateKeys,
  type ProvisionOptions,
} from '../../../client/src/confidential/provisioning';
import { operatorCommitment } from '../../../chaincode/src/protocol/confidential/api';
import { developmentPolicy } from '../../../chaincode/src/enclave/simulated-platform-file';
import { CHAINCODE, NOBODY_OPERATOR, testPlatform } from '../../support/enclave-harness';
import { T0 } from '../../support/ledger';
import {
  RuntimeProvisioningLedger,
  type RuntimeLedgerOptions,
} from '../../support/runtime-provisioning-ledger';

const platform = testPlatform();
const policy = developmentPolicy(platform);
const clock = (): Date => new Date(T0 + 60_000);

function setup(options: RuntimeLedgerOptions = {}): {
  ledger: RuntimeProvisioningLedger;
  options: ProvisionOptions;
} {
  const ledger = new RuntimeProvisioningLedger(platform, ['Org1MSP', 'Org2MSP'], options);
  return {
    ledger,
    options: {
      chaincode: CHAINCODE,
      orgs: [ledger.org('Org1MSP'), ledger.org('Org2MSP')],
      policy,
      operator: NOBODY_OPERATOR,
      clock,
    },
  };
}

const summary = (steps: readonly { action: string; mspId: string; outcome: string }[]): string[] =>
  steps.map((s) => `${s.action} ${s.mspId} ${s.outcome}`);

describe('provision', () => {
  it('has both orgs approve the genesis, registers both enclaves, creates, publishes and vouches the keys, and ends trusted', async () => {
    const { ledger, options } = setup();
    const report = await provision(options);
    expect(summary(report.steps)).to.deep.equal([
      'approveGenesis Org1MSP done',
      'approveGenesis Org2MSP done',
      'registerEnclave Org1MSP done',
      'registerEnclave Org2MSP done',
      'createKeys Org1MSP done',
      'shareKeys Org1MSP skipped',
      'recordVoucher Org1MSP done',
      'recordVoucher Org2MSP done',
    ]);
    expect(report.epoch).to.equal(1);
    expect(report.enclaves).to.deep.equal({
      Org1MSP: ledger.enclaveId('Org1MSP'),
      Org2MSP: ledger.enclaveId('Org2MSP'),
    });
    expect(report.status.trusted).to.equal(true);
    expect(report.status.vouchingOrgs).to.deep.equal(['Org1MSP', 'Org2MSP']);
    // each org's enclave work was evaluated through that org's own gateway
    expect(ledger.calls).to.include.members([
      'Org2MSP evaluate enclaveEvidence',
      'Org2MSP evaluate vouchKeys',
    ]);
  });

  it("waits after each submit until every org's peer has committed it (qscc), before the next step", async () => {
    const { ledger, options } = setup();
    await provision(options);
    const firstSubmit = ledger.calls.indexOf('Org1MSP submit approveGenesis');
    const next = ledger.calls.indexOf('Org2MSP submit approveGenesis');
    const between = ledger.calls.slice(firstSubmit + 1, next);
    expect(between).to.deep.equal([
      'Org1MSP evaluate qscc GetTransactionByID',
      'Org2MSP evaluate qscc GetTransactionByID',
    ]);
  });

  it('throws ProvisioningError INVALID_ARGUMENT when the ledger has no policy and no operator wallet was given', async () => {
    const { ledger, options } = setup();
    try {
      await provision({ ...options, operator: undefined });
      expect.fail('expected a ProvisioningError');
    } catch (error) {
      expect(error).to.be.instanceOf(ProvisioningError);
      expect((error as ProvisioningError).code).to.equal('INVALID_ARGUMENT');
      expect((error as ProvisioningError).reason).to.contain('operator wallet id');
    }
    expect(ledger.calls.filter((call) => call.includes(' submit '))).to.deep.equal([]);
  });

  it('does nothing but check on a second run', async () => {
    const { options } = setup();
    await provision(options);
    const again = await provision(options);
    // a fresh quote differs from the registered one (ECDSA), so registration refreshes the evidence
    const rest = again.steps.filter((s) => s.action !== 'registerEnclave');
    expect(
      summary(rest).every((s) => s.endsWith('skipped')),
      summary(rest).join('; '),
    ).to.equal(true);
    expect(again.epoch).to.equal(1);
  });

  it('shares the keys, by a recorded transaction, with an enclave registered after they were created', async () => {
    // Org2 outside the endorsement policy: its enclave holds no keys yet and cannot endorse the share
    const { ledger, options } = setup({ endorsers: ['Org1MSP'] });
    const org1Only = { ...options, orgs: [ledger.org('Org1MSP')], minOrgs: 1 };
    await ledger.network.submit(
      (tx) =>
        ledger
          .runtime('Org2MSP')
          .approveGenesis(
            tx,
            JSON.stringify({ policy, operatorCommitment: operatorCommitment(NOBODY_OPERATOR) }),
          ),
      { mspId: 'Org2MSP', isAdmin: true },
    );
    await provision(org1Only);
    const report = await provision(options);
    expect(summary(report.steps)).to.include.members([
      'registerEnclave Org2MSP done',
      'shareKeys Org1MSP done',
      'recordVoucher Org2MSP done',
    ]);
    expect(report.status.trusted).to.equal(true);
  });

  it("throws ProvisioningError when an org's gateway answers from another org's enclave", async () => {
    const { ledger, options } = setup();
    ledger.misroute.set('Org2MSP', 'Org1MSP');
    try {
      await provision(options);
      expect.fail('expected a ProvisioningError');
    } catch (error) {
      expect(error).to.be.instanceOf(ProvisioningError);
      const failure = error as ProvisioningError;
      expect(failure.code).to.equal('ATTESTATION_POLICY_REJECTED');
      expect(failure.mspId).to.equal('Org2MSP');
      expect(failure.reason).to.contain("did not reach Org2MSP's own peer");
      expect(summary(failure.steps)).to.deep.equal([
        'approveGenesis Org1MSP done',
        'approveGenesis Org2MSP done',
        'registerEnclave Org1MSP done',
      ]);
    }
  });

  it('leaves a different ledger policy alone and says so', async () => {
    const { options } = setup();
    await provision(options);
    const report = await provision({
      ...options,
      policy: { ...policy, allowedAdvisoryIds: ['INTEL-SA-00615'] },
    });
    expect(report.steps[0]?.detail).to.contain('differs from the requested one');
  });
});

describe('rotateKeys', () => {
  it('publishes a new epoch, approved by both orgs, that every org vouches for', async () => {
    const { ledger, options } = setup();
    await provision(options);
    const report = await rotateKeys(options);
    expect(report.epoch).to.equal(2);
    expect(ledger.runtime('Org2MSP').keys.heldEpochs).to.deep.equal([1, 2]);
    expect(report.status.trusted).to.equal(true);
    const keySteps = report.steps.filter((s) => s.action === 'approveRotation' || s.action === 'createKeys');
    expect(summary(keySteps)).to.deep.equal([
      'approveRotation Org1MSP done',
      'approveRotation Org2MSP done',
      'createKeys Org1MSP done',
    ]);
    expect(summary(report.steps)).to.include('recordVoucher Org2MSP done');
  });

  it('throws ProvisioningError FORBIDDEN when one org alone tries to rotate', async () => {
    const { ledger, options } = setup();
    await provision(options);
    try {
      await rotateKeys({ ...options, orgs: [ledger.org('Org1MSP')] });
      expect.fail('expected a ProvisioningError');
    } catch (error) {
      expect(error).to.be.instanceOf(ProvisioningError);
      expect((error as ProvisioningError).code).to.equal('FORBIDDEN');
    }
    expect(ledger.runtime('Org1MSP').keys.heldEpochs).to.deep.equal([1]);
  });
});

describe('changePolicy', () => {
  it("applies a policy once another org's admin approved the proposal", async () => {
    const { ledger, options } = setup();
    await provision(options);
    const next = { ...policy, allowedTcbStatuses: ['UpToDate' as const] };
    const change = await changePolicy({
      chaincode: CHAINCODE,
      proposer: ledger.org('Org1MSP'),
      approvers: [ledger.org('Org2MSP')],
      policy: next,
    });
    expect(change.applied).to.equal(true);
    expect(change.record?.version).to.equal(2);
    expect(change.approvals).to.deep.equal(['Org1MSP', 'Org2MSP']);
    expect(change.record?.policy.allowedTcbStatuses).to.deep.equal(['UpToDate']);
  });

  it('throws INVALID_STATE naming the proposal when the approvers were not enough', async () => {
    const { ledger, options } = setup();
    await provision(options);
    try {
      await changePolicy({ chaincode: CHAINCODE, proposer: ledger.org('Org1MSP'), approvers: [], policy });
      expect.fail('expected INVALID_STATE');
    } catch (error) {
      expect((error as ProvisioningError).code).to.equal('INVALID_STATE');
      expect((error as ProvisioningError).details.proposalId)
        .to.be.a('string')
        .and.not.equal('');
    }
  });
});
