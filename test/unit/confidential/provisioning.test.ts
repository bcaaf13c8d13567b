// Provisioning against a fake two-org confidential ledger: from nothing to a set a client trusts,
// idempotent on a second run, misrouted gateways refused, rotation and policy changes.
import { expect } from 'chai';
import { createSimulatedPlatform } from '../../../chaincode/src/protocol/attestation/simulated';
import {
  changePolicy,
  provision,
  ProvisioningError,
  rotateKeys,
  type ProvisionOptions,
} from '../../../client/src/confidential/provisioning';
import { CHAINCODE, NOW, testPolicy } from '../../support/confidential-fixture';
import { FakeProvisioningLedger } from '../../support/fake-provisioning-ledger';

const platform = createSimulatedPlatform({ notBefore: NOW });
const policy = testPolicy(platform);
const clock = (): Date => new Date(NOW.getTime() + 60_000);

function setup(): { ledger: FakeProvisioningLedger; options: ProvisionOptions } {
  const ledger = new FakeProvisioningLedger(platform, ['Org1MSP', 'Org2MSP']);
  return {
    ledger,
    options: { chaincode: CHAINCODE, orgs: [ledger.org('Org1MSP'), ledger.org('Org2MSP')], policy, clock },
  };
}

const summary = (steps: readonly { action: string; mspId: string; outcome: string }[]): string[] =>
  steps.map((s) => `${s.action} ${s.mspId} ${s.outcome}`);

describe('provision', () => {
  it('sets the policy, registers both enclaves, creates, publishes and vouches the keys, and ends trusted', async () => {
    const { ledger, options } = setup();
    const report = await provision(options);
    expect(summary(report.steps)).to.deep.equal([
      'initPolicy Org1MSP done',
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

  it('does nothing but check on a second run', async () => {
    const { options } = setup();
    await provision(options);
    const again = await provision(options);
    expect(again.steps.every((s) => s.outcome === 'skipped')).to.equal(true);
    expect(again.epoch).to.equal(1);
  });

  it('shares the keys with an org whose enclave registered after they were created', async () => {
    const { ledger, options } = setup();
    await provision({
      ...options,
      orgs: [ledger.org('Org1MSP')],
      minOrgs: 1,
      policy: { ...policy, minOrgs: 1 },
    });
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
        'initPolicy Org1MSP done',
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
  it('publishes a new epoch that every org vouches for', async () => {
    const { ledger, options } = setup();
    await provision(options);
    const report = await rotateKeys(options);
    expect(report.epoch).to.equal(2);
    expect(ledger.currentEpoch).to.equal(2);
    expect(report.status.trusted).to.equal(true);
    expect(summary(report.steps)).to.include.members([
      'createKeys Org1MSP done',
      'recordVoucher Org2MSP done',
    ]);
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
      expect((error as ProvisioningError).details.proposalId).to.equal('proposal-1');
    }
  });
});
