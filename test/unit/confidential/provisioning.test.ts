// Provisioning against a fake two-org confidential ledger: from nothing to a set a client trusts,
// idempotent on a second run, misrouted gateways refused, rotation and policy changes.
import { expect } from 'chai';
import { createSimulatedPlatform } from '../../../chaincode/src/protocol/attestation/simulated';
import {
  changePolicy,
  provision,
  ProvisioningError,
  registerEvidence,
  rotateKeys,
  shareKeysTo,
  type ProvisionOptions,
} from '../../../client/src/confidential/provisioning';
import { parseEnclaveEvidence } from '../../../client/src/confidential/records';
import { CONFIDENTIAL_CONTRACT, Confidential } from '../../../chaincode/src/protocol/confidential/api';
import { EcarError } from '../../../chaincode/src/protocol/errors';
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
    const report = await provision({ ...options, policy: { ...policy, allowedAdvisoryIds: [] } });
    expect(report.steps[0]?.detail).to.contain('differs from the requested one');
  });
});

describe('registerEvidence / shareKeysTo (the upgrade handover)', () => {
  async function orgTwoJoinsLate(): Promise<{ ledger: FakeProvisioningLedger }> {
    const { ledger, options } = setup();
    await provision({
      ...options,
      orgs: [ledger.org('Org1MSP')],
      minOrgs: 1,
      policy: { ...policy, minOrgs: 1 },
    });
    return { ledger };
  }

  async function evidenceOf(ledger: FakeProvisioningLedger, mspId: string) {
    const contract = ledger.org(mspId).network.getContract(CHAINCODE, CONFIDENTIAL_CONTRACT);
    const bytes = await contract.evaluateTransaction(Confidential.evidence);
    return parseEnclaveEvidence(JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown);
  }

  async function failure(promise: Promise<unknown>): Promise<EcarError> {
    try {
      await promise;
    } catch (error) {
      if (error instanceof EcarError) return error;
      throw error;
    }
    throw new Error('expected an EcarError');
  }

  it("refuses to register another org's evidence as this org's, before submitting anything", async () => {
    const { ledger } = await orgTwoJoinsLate();
    const evidence = await evidenceOf(ledger, 'Org2MSP');
    const before = ledger.calls.length;
    const error = await failure(registerEvidence(ledger.org('Org1MSP'), CHAINCODE, evidence));
    expect(error.code).to.equal('ATTESTATION_POLICY_REJECTED');
    expect(ledger.calls.slice(before).some((call) => call.includes('submit'))).to.equal(false);
  });

  it('records no wrap when the answered wraps are not from the expected sharer enclave', async () => {
    const { ledger } = await orgTwoJoinsLate();
    const record = await registerEvidence(
      ledger.org('Org2MSP'),
      CHAINCODE,
      await evidenceOf(ledger, 'Org2MSP'),
    );
    const handover = { chaincode: CHAINCODE, sharer: ledger.org('Org1MSP'), enclaveIds: [record.id] };
    const error = await failure(shareKeysTo({ ...handover, sharerEnclaveId: 'f'.repeat(64) }));
    expect(error.code).to.equal('KEYS_UNAVAILABLE');
    expect(ledger.calls.some((call) => call.endsWith('addWraps'))).to.equal(false);

    const wraps = await shareKeysTo({ ...handover, sharerEnclaveId: ledger.enclaveId('Org1MSP') });
    expect(wraps.map((w) => [w.from, w.enclave])).to.deep.equal([[ledger.enclaveId('Org1MSP'), record.id]]);
    expect(ledger.calls).to.include('Org1MSP submit addWraps');
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
