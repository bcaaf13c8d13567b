// The client's verification of the enclave set: accepted only when every enclave it relies on passes the
// client's own policy, the key record is signed by an accepted enclave and enough orgs vouch.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { DEFAULT_POLICY, InvalidPolicyError } from '../../../chaincode/src/protocol/attestation';
import { createSimulatedPlatform } from '../../../chaincode/src/enclave/simulated-platform';
import { toB64, toHex } from '../../../chaincode/src/protocol/confidential/encoding';
import {
  makeKeyRecord,
  makeVoucher,
  wrapBundle,
} from '../../../chaincode/src/protocol/confidential/key-record';
import type { KeyStatus } from '../../../chaincode/src/protocol/confidential/api';
import { boxKeyPair, signingKeyPair } from '../../../chaincode/src/protocol/confidential/primitives';
import {
  assessEnclaveSet,
  DEFAULT_MAX_TRUST_AGE_MS,
  verifyEnclaveSet,
  type EnclaveSetInput,
} from '../../../client/src/confidential/enclave-verifier';
import { EnclaveTrustError, type TrustFailure } from '../../../client/src/confidential/trust-error';
import {
  CHAINCODE,
  CHANNEL,
  confidentialFixture,
  MEASUREMENT,
  NOW,
  testEnclave,
  type ConfidentialFixture,
} from '../../support/confidential-fixture';

const DAY = 86_400_000;
/** Intel's checks only, the test build pinned: what a production client runs. */
const production = { ...DEFAULT_POLICY, measurements: [toHex(MEASUREMENT)] };

function input(fixture: ConfidentialFixture, overrides: Partial<EnclaveSetInput> = {}): EnclaveSetInput {
  return {
    channel: CHANNEL,
    chaincode: CHAINCODE,
    registry: fixture.registry,
    keyStatus: fixture.keyStatus,
    policy: fixture.policy,
    now: new Date(NOW.getTime() + 60_000),
    ...overrides,
  };
}

function refusal(run: () => unknown): EnclaveTrustError {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(EnclaveTrustError);
    return error as EnclaveTrustError;
  }
  throw new Error('expected an EnclaveTrustError');
}

const failureOf = (error: EnclaveTrustError, predicate: (f: TrustFailure) => boolean): TrustFailure => {
  const found = error.failures.find(predicate);
  expect(found, `no such failure in: ${error.message}`).to.not.equal(undefined);
  return found!;
};

describe('verifyEnclaveSet', () => {
  const good = confidentialFixture();

  it('returns the current keys when every enclave, the key record and two orgs of vouchers pass', () => {
    const keys = verifyEnclaveSet(input(good));
    expect(keys.epoch).to.equal(good.epoch);
    expect(toB64(keys.boxPublicKey)).to.equal(good.record.boxPublicKey);
    expect(toB64(keys.receiptPublicKey)).to.equal(good.record.receiptPublicKey);
    expect(keys.vouchingOrgs).to.deep.equal(['Org1MSP', 'Org2MSP']);
    expect(keys.enclaves.map((e) => [e.mspId, e.accepted, e.tcbStatus])).to.deep.equal([
      ['Org1MSP', true, 'UpToDate'],
      ['Org2MSP', true, 'UpToDate'],
    ]);
    expect(keys.enclaves[0]?.measurement).to.equal(good.registry[0]?.measurement);
  });

  it('expires at the maximum trust age, or earlier at the first collateral expiry', () => {
    const at = new Date(NOW.getTime() + 60_000);
    expect(verifyEnclaveSet(input(good, { now: at })).expiresAt.getTime()).to.equal(
      at.getTime() + DEFAULT_MAX_TRUST_AGE_MS,
    );
    const late = new Date(NOW.getTime() + 30 * DAY - 60_000);
    expect(verifyEnclaveSet(input(good, { now: late })).expiresAt.getTime()).to.equal(
      NOW.getTime() + 30 * DAY,
    );
  });

  it('throws ATTESTATION_POLICY_REJECTED naming the enclave and org when a measurement is not in the policy', () => {
    const fixture = confidentialFixture({
      platform: good.platform,
      enclaves: [
        { mspId: 'Org1MSP' },
        { mspId: 'Org2MSP', measurement: createHash('sha256').update('other').digest() },
      ],
    });
    const error = refusal(() => verifyEnclaveSet(input(fixture)));
    expect(error.code).to.equal('ATTESTATION_POLICY_REJECTED');
    const org2 = fixture.enclaves[1]!;
    const failure = failureOf(error, (f) => f.rule === 'measurement');
    expect(failure).to.include({ enclave: org2.id, mspId: 'Org2MSP', code: 'ATTESTATION_POLICY_REJECTED' });
    expect(error.message).to.contain(`enclave ${org2.id.slice(0, 8)}… of Org2MSP: MRENCLAVE`);
    expect(error.message).to.contain('is not allowed by the policy');
    // the rejected enclave holds the keys, and its voucher does not count
    expect(error.message).to.contain('holds the keys but your policy does not accept it');
    expect(error.message).to.contain('vouched for by 1 org (Org1MSP), the policy needs 2');
  });

  it('throws ATTESTATION_POLICY_REJECTED (rule debug) for a debug enclave', () => {
    const fixture = confidentialFixture({
      platform: good.platform,
      enclaves: [{ mspId: 'Org1MSP', debug: true }, { mspId: 'Org2MSP' }],
    });
    const error = refusal(() => verifyEnclaveSet(input(fixture)));
    expect(error.code).to.equal('ATTESTATION_POLICY_REJECTED');
    expect(failureOf(error, (f) => f.rule === 'debug').mspId).to.equal('Org1MSP');
    // the debug enclave created the record: it cannot be trusted either
    expect(error.message).to.contain('which your policy does not accept');
  });

  it('throws ATTESTATION_TCB_REJECTED when the TCB status is not one the policy accepts', () => {
    const fixture = confidentialFixture({ platformOptions: { tcbStatus: 'OutOfDate' } });
    const error = refusal(() => verifyEnclaveSet(input(fixture)));
    expect(error.code).to.equal('ATTESTATION_TCB_REJECTED');
    const failure = failureOf(error, (f) => f.rule === 'tcb-status');
    expect(failure.reason).to.contain('TCB status OutOfDate is not allowed');
    expect(error.failures.filter((f) => f.rule === 'tcb-status')).to.have.length(2);
  });

  it('accepts a TCB status the policy lists (SWHardeningNeeded) when the policy names its advisory', () => {
    const fixture = confidentialFixture({ platformOptions: { tcbStatus: 'SWHardeningNeeded' } });
    const advisories = [...new Set(fixture.registry.flatMap((r) => r.advisoryIds))];
    expect(advisories).to.have.length.above(0);
    const keys = verifyEnclaveSet(
      input(fixture, { policy: { ...fixture.policy, allowedAdvisoryIds: advisories } }),
    );
    expect(keys.enclaves.map((e) => e.tcbStatus)).to.deep.equal(['SWHardeningNeeded', 'SWHardeningNeeded']);
  });

  it('throws ATTESTATION_TCB_REJECTED naming the advisory when the policy does not name it', () => {
    const fixture = confidentialFixture({ platformOptions: { tcbStatus: 'SWHardeningNeeded' } });
    const [advisory] = fixture.registry[0]?.advisoryIds ?? [];
    const error = refusal(() => verifyEnclaveSet(input(fixture)));
    expect(error.code).to.equal('ATTESTATION_TCB_REJECTED');
    expect(error.failures.filter((f) => f.rule === 'advisory')).to.have.length(2);
    expect(error.message).to.contain(String(advisory));
  });

  it('throws InvalidPolicyError before judging anything when the policy pins no enclave code', () => {
    const unpinned = { ...good.policy, measurements: [], signers: [] };
    expect(() => verifyEnclaveSet(input(good, { policy: unpinned }))).to.throw(
      InvalidPolicyError,
      'pins no enclave code',
    );
    expect(() => assessEnclaveSet(input(good, { policy: unpinned }))).to.throw(InvalidPolicyError);
  });

  it('throws ATTESTATION_COLLATERAL_EXPIRED once the time is past the collateral validity', () => {
    const error = refusal(() => verifyEnclaveSet(input(good, { now: new Date(NOW.getTime() + 31 * DAY) })));
    expect(error.code).to.equal('ATTESTATION_COLLATERAL_EXPIRED');
    expect(error.failures.filter((f) => f.code === 'ATTESTATION_COLLATERAL_EXPIRED')).to.have.length(2);
    expect(error.message).to.contain('expired at');
  });

  it('throws ATTESTATION_POLICY_REJECTED (rule simulated) for simulated evidence under a production policy', () => {
    const error = refusal(() => verifyEnclaveSet(input(good, { policy: production })));
    expect(error.code).to.equal('ATTESTATION_POLICY_REJECTED');
    expect(error.failures.filter((f) => f.rule === 'simulated')).to.have.length(2);
    expect(error.message).to.contain('your policy does not allow simulated enclaves');
  });

  it('refuses simulated evidence whose registry record claims another provider (the chain check catches it)', () => {
    const disguised = good.registry.map((r) => ({ ...r, provider: 'gramine' as const, simulated: false }));
    const error = refusal(() => verifyEnclaveSet(input(good, { registry: disguised, policy: production })));
    expect(error.code).to.equal('ATTESTATION_CHAIN_INVALID');
    expect(error.failures.filter((f) => f.code === 'ATTESTATION_CHAIN_INVALID')).to.have.length(2);
  });

  it('refuses simulated evidence from another development root than the policy trusts', () => {
    const other = createSimulatedPlatform({ notBefore: NOW });
    const policy = { ...good.policy, simulatedRootKeys: [other.rootPublicKeyHex] };
    const error = refusal(() => verifyEnclaveSet(input(good, { policy })));
    expect(error.code).to.equal('ATTESTATION_CHAIN_INVALID');
  });

  it('throws KEYS_UNAVAILABLE when a tampered answer changed the key record box key (signature and the other org voucher disagree)', () => {
    const tampered = { ...good.record, boxPublicKey: toB64(boxKeyPair().publicKey) };
    const keyStatus = { ...good.keyStatus, records: [tampered] };
    const error = refusal(() => verifyEnclaveSet(input(good, { keyStatus })));
    expect(error.code).to.equal('KEYS_UNAVAILABLE');
    expect(error.message).to.contain('key record of epoch 1: key record signature does not verify');
    expect(error.message).to.contain(
      `the voucher of enclave ${good.enclaves[1]!.id.slice(0, 8)}… of Org2MSP does not match this key record's public keys`,
    );
  });

  it('throws KEYS_UNAVAILABLE when only one org vouched and two are needed', () => {
    const fixture = confidentialFixture({ platform: good.platform, vouching: [0] });
    const error = refusal(() => verifyEnclaveSet(input(fixture)));
    expect(error.code).to.equal('KEYS_UNAVAILABLE');
    expect(error.message).to.equal(
      'KEYS_UNAVAILABLE: vouchers of epoch 1: the current keys are vouched for by 1 org (Org1MSP), the policy needs 2',
    );
    expect(
      verifyEnclaveSet(input(fixture, { minOrgs: 1, policy: { ...fixture.policy, minOrgs: 1 } }))
        .vouchingOrgs,
    ).to.deep.equal(['Org1MSP']);
  });

  it('counts orgs, not enclaves: two vouching enclaves of one org are one org', () => {
    const fixture = confidentialFixture({
      platform: good.platform,
      enclaves: [{ mspId: 'Org1MSP' }, { mspId: 'Org1MSP' }],
    });
    const error = refusal(() => verifyEnclaveSet(input(fixture)));
    expect(error.message).to.contain('vouched for by 1 org (Org1MSP), the policy needs 2');
  });

  it('uses the larger of minOrgs and the policy minOrgs', () => {
    const fixture = confidentialFixture({ platform: good.platform });
    const error = refusal(() =>
      verifyEnclaveSet(input(fixture, { minOrgs: 1, policy: { ...fixture.policy, minOrgs: 3 } })),
    );
    expect(error.message).to.contain('vouched for by 2 orgs (Org1MSP, Org2MSP), the policy needs 3');
  });

  it('throws KEYS_UNAVAILABLE for a key record signed by an enclave that is not registered', () => {
    const intruder = signingKeyPair();
    const intruderId = toHex(intruder.publicKey);
    const forged = makeKeyRecord(
      {
        channel: CHANNEL,
        chaincode: CHAINCODE,
        keys: {
          epoch: 1,
          boxPublicKey: boxKeyPair().publicKey,
          receiptPublicKey: signingKeyPair().publicKey,
        },
        creator: intruderId,
        lineage: intruderId,
        wraps: [],
      },
      intruder.seed,
    );
    const keyStatus = {
      currentEpoch: 1,
      records: [forged],
      wraps: [],
      vouchers: [makeVoucher(forged, intruderId, intruder.seed), ...good.vouchers],
    };
    const error = refusal(() => verifyEnclaveSet(input(good, { keyStatus })));
    expect(error.code).to.equal('KEYS_UNAVAILABLE');
    expect(error.message).to.contain(
      `it was created by enclave ${intruderId.slice(0, 8)}…, which is not in the registry`,
    );
    expect(error.message).to.contain('does not match this key record');
  });

  it('throws KEYS_UNAVAILABLE when no keys are published yet', () => {
    const keyStatus = { currentEpoch: 0, records: [], wraps: [], vouchers: [] };
    const error = refusal(() => verifyEnclaveSet(input(good, { keyStatus })));
    expect(error.code).to.equal('KEYS_UNAVAILABLE');
    expect(error.message).to.contain('no chaincode keys are published yet');
  });

  it('refuses an enclave whose quote binds other keys than its registry record (report_data)', () => {
    const [org1, org2] = good.registry;
    const swapped = { ...org2!, boxPublicKey: org1!.boxPublicKey };
    const error = refusal(() => verifyEnclaveSet(input(good, { registry: [org1!, swapped] })));
    expect(error.code).to.equal('ATTESTATION_POLICY_REJECTED');
    expect(failureOf(error, (f) => f.rule === 'report-data').mspId).to.equal('Org2MSP');
  });

  it('refuses when an enclave that holds a wrap was left out of the registry answer', () => {
    const error = refusal(() => verifyEnclaveSet(input(good, { registry: [good.registry[0]!] })));
    expect(error.message).to.contain(
      `enclave ${good.enclaves[1]!.id.slice(0, 8)}… holds the keys but is not in the registry`,
    );
  });

  it('refuses the set when a registered enclave holds a wrap but does not verify, even without vouching', () => {
    const fixture = confidentialFixture({
      platform: good.platform,
      enclaves: [
        { mspId: 'Org1MSP' },
        { mspId: 'Org2MSP' },
        { mspId: 'Org2MSP', measurement: createHash('sha256').update('other').digest() },
      ],
      vouching: [0, 1],
    });
    const rogue = fixture.enclaves[2]!;
    expect(fixture.record.wraps.map((w) => w.enclave)).to.include(rogue.id);
    const error = refusal(() => verifyEnclaveSet(input(fixture)));
    expect(error.code).to.equal('ATTESTATION_POLICY_REJECTED');
    expect(failureOf(error, (f) => f.rule === 'measurement').enclave).to.equal(rogue.id);
    expect(error.message).to.contain('holds the keys but your policy does not accept it');
  });

  it("refuses a key status whose wrap is not of the record's key lineage (the answer was altered)", () => {
    const [wrap] = good.record.wraps;
    const altered = { ...good.keyStatus, wraps: [{ ...wrap!, from: 'ab'.repeat(32) }] };
    const error = refusal(() => verifyEnclaveSet(input(good, { keyStatus: altered })));
    expect(error.code).to.equal('KEYS_UNAVAILABLE');
    expect(error.message).to.contain("is not of this record's key lineage and epoch");
  });

  it('accepts the set when a rejected enclave holds no keys, and reports it with its reason', () => {
    const fixture = confidentialFixture({
      platform: good.platform,
      enclaves: [{ mspId: 'Org1MSP' }, { mspId: 'Org2MSP' }],
    });
    const stranger = confidentialFixture({
      platform: good.platform,
      enclaves: [{ mspId: 'Org3MSP', debug: true }],
    }).registry[0]!;
    const keys = verifyEnclaveSet(input(fixture, { registry: [...fixture.registry, stranger] }));
    const org3 = keys.enclaves.find((e) => e.mspId === 'Org3MSP');
    expect(org3).to.include({ accepted: false });
    expect(org3?.reason).to.contain('debug enclave');
  });
});

describe('verifyEnclaveSet: every enclave that could hold the keys must pass (item 4)', () => {
  const good = confidentialFixture();
  /** A registered enclave of a third org that the client cannot accept (debug). */
  const rogue = testEnclave(good.platform, { mspId: 'Org3MSP', debug: true });
  /** A registered enclave whose evidence the client cannot verify at all (garbage quote). */
  const unreadable = testEnclave(good.platform, { mspId: 'Org3MSP' });
  const unreadableRecord = { ...unreadable.record, quote: toB64(new Uint8Array(64)) };

  function withStatus(
    changes: Partial<KeyStatus>,
    registry = [...good.registry, rogue.record],
  ): EnclaveSetInput {
    return input(good, { registry, keyStatus: { ...good.keyStatus, ...changes } });
  }

  function expectHolderRefused(error: EnclaveTrustError, enclave: string): void {
    expect(error.code).to.match(/^ATTESTATION_|^KEYS_UNAVAILABLE$/);
    expect(error.message).to.contain(`enclave ${enclave.slice(0, 8)}… of Org3MSP`);
    expect(error.message).to.contain('holds the keys but your policy does not accept it');
  }

  it('refuses the keys when a shared wrap went to an enclave the policy rejects', () => {
    const wrap = wrapBundle(
      good.bundle,
      { enclave: rogue.id, boxPublicKey: rogue.box.publicKey },
      good.epoch,
    );
    const error = refusal(() => verifyEnclaveSet(withStatus({ wraps: [...good.keyStatus.wraps, wrap] })));
    expectHolderRefused(error, rogue.id);
  });

  it('refuses the keys when an enclave the policy rejects vouched for them (it holds them)', () => {
    const voucher = makeVoucher(good.record, rogue.id, rogue.signing.seed);
    const error = refusal(() =>
      verifyEnclaveSet(withStatus({ vouchers: [...good.keyStatus.vouchers, voucher] })),
    );
    expectHolderRefused(error, rogue.id);
  });

  it('refuses the keys when a wrap went to a registered enclave whose evidence cannot be verified', () => {
    const wrap = wrapBundle(
      good.bundle,
      { enclave: unreadable.id, boxPublicKey: unreadable.box.publicKey },
      good.epoch,
    );
    const error = refusal(() =>
      verifyEnclaveSet(
        withStatus({ wraps: [...good.keyStatus.wraps, wrap] }, [...good.registry, unreadableRecord]),
      ),
    );
    expect(
      error.failures.some((f) => f.enclave === unreadable.id && f.code.startsWith('ATTESTATION_')),
    ).to.equal(true);
    expectHolderRefused(error, unreadable.id);
  });

  it('refuses the keys when an enclave missing from the registry signed a voucher for them', () => {
    const voucher = makeVoucher(good.record, rogue.id, rogue.signing.seed);
    const error = refusal(() =>
      verifyEnclaveSet(withStatus({ vouchers: [...good.keyStatus.vouchers, voucher] }, [...good.registry])),
    );
    expect(error.message).to.contain(
      `enclave ${rogue.id.slice(0, 8)}… holds the keys but is not in the registry`,
    );
  });

  it('only notes a voucher from an unregistered enclave whose signature does not verify (nobody proved to hold the keys)', () => {
    const forged = { ...makeVoucher(good.record, rogue.id, signingKeyPair().seed) };
    const keys = verifyEnclaveSet(
      withStatus({ vouchers: [...good.keyStatus.vouchers, forged] }, [...good.registry]),
    );
    expect(keys.epoch).to.equal(good.epoch);
  });
});

describe('assessEnclaveSet', () => {
  it('reports every enclave, org, measurement, TCB status, the epoch and why it is not trusted', () => {
    const good = confidentialFixture({ vouching: [0] });
    const report = assessEnclaveSet(input(good));
    expect(report.trusted).to.equal(false);
    expect(report.currentEpoch).to.equal(1);
    expect(report.requiredOrgs).to.equal(2);
    expect(report.vouchingOrgs).to.deep.equal(['Org1MSP']);
    expect(report.keyRecord).to.include({
      epoch: 1,
      creator: good.enclaves[0]!.id,
      creatorMspId: 'Org1MSP',
      verified: true,
    });
    expect(
      report.enclaves.map((e) => [e.mspId, e.verified, e.accepted, e.simulated, e.holdsKeys, e.vouched]),
    ).to.deep.equal([
      ['Org1MSP', true, true, true, true, true],
      ['Org2MSP', true, true, true, true, false],
    ]);
    expect(report.enclaves[0]?.notes).to.include(
      'simulated enclave: the evidence proves nothing about hardware',
    );
    expect(report.enclaves[0]?.collateralValidUntil).to.equal(
      new Date(NOW.getTime() + 30 * DAY).toISOString(),
    );
    expect(report.failures.map((f) => f.code)).to.deep.equal(['KEYS_UNAVAILABLE']);
    expect(JSON.parse(JSON.stringify(report))).to.deep.equal(report);
  });
});
