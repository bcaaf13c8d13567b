// The signed key status with the real enclave runtimes of two orgs (simulated platform, in-memory
// ledger): each enclave signs what it reads under the client's challenge, and the client refuses a
// misrouted, replayed, altered or rolled-back answer before anything is sealed.
import { expect } from 'chai';
import { developmentPolicy } from '../../../chaincode/src/enclave/simulated-platform-file';
import { CONFIDENTIAL_CONTRACT, Confidential } from '../../../chaincode/src/protocol/confidential/api';
import { utf8 } from '../../../chaincode/src/protocol/confidential/encoding';
import {
  newKeyStatusChallenge,
  type SignedKeyStatus,
} from '../../../chaincode/src/protocol/confidential/key-status-statement';
import { EcarError } from '../../../chaincode/src/protocol/errors';
import type { JsonValue } from '../../../chaincode/src/protocol/json';
import { verifyEnclaveSet } from '../../../client/src/confidential/enclave-verifier';
import {
  publicReads,
  readOrgsKeyStatus,
  readOrgsRegistry,
  type PublicRead,
} from '../../../client/src/confidential/org-reads';
import { provision, rotateKeys, type ProvisionOptions } from '../../../client/src/confidential/provisioning';
import { requireAttestedStatements } from '../../../client/src/confidential/statement-trust';
import { EnclaveTrustError } from '../../../client/src/confidential/trust-error';
import { CHAINCODE, CHANNEL, NOBODY_OPERATOR, testPlatform } from '../../support/enclave-harness';
import { T0 } from '../../support/ledger';
import { RuntimeProvisioningLedger } from '../../support/runtime-provisioning-ledger';

const platform = testPlatform();
const policy = developmentPolicy(platform);
const now = new Date(T0 + 60_000);
const scope = { channel: CHANNEL, chaincode: CHAINCODE };

async function provisioned(): Promise<{ ledger: RuntimeProvisioningLedger; options: ProvisionOptions }> {
  const ledger = new RuntimeProvisioningLedger(platform, ['Org1MSP', 'Org2MSP']);
  const options: ProvisionOptions = {
    chaincode: CHAINCODE,
    orgs: [ledger.org('Org1MSP'), ledger.org('Org2MSP')],
    policy,
    operator: NOBODY_OPERATOR,
    clock: () => now,
  };
  await provision(options);
  return { ledger, options };
}

/** The public reads through org1's gateway. */
function gatewayReads(ledger: RuntimeProvisioningLedger): PublicRead {
  return publicReads(ledger.org('Org1MSP').network.getContract(CHAINCODE, CONFIDENTIAL_CONTRACT));
}

/** The same reads, with the answer to org2's signed key status replaced (a lying gateway). */
function lyingAboutOrg2(read: PublicRead, relay: (genuine: SignedKeyStatus) => JsonValue): PublicRead {
  return async (name, mspId, args) => {
    const answer = await read(name, mspId, args);
    if (name !== Confidential.attestedKeyStatus || mspId !== 'Org2MSP') return answer;
    return relay(answer as unknown as SignedKeyStatus);
  };
}

async function trustRejection(promise: Promise<unknown>): Promise<EnclaveTrustError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof EnclaveTrustError) return error;
    throw error;
  }
  throw new Error('expected an EnclaveTrustError');
}

describe('readOrgsKeyStatus (real enclave runtimes)', () => {
  it("returns one statement per org, each signed by that org's attested enclave, which the verified registry accepts", async () => {
    const { ledger } = await provisioned();
    const read = gatewayReads(ledger);
    const asked = await readOrgsKeyStatus(read, scope);
    expect(asked.keyStatus.currentEpoch).to.equal(1);
    expect(asked.statements.map((s) => [s.mspId, s.enclave, s.currentEpoch, s.hasSuccessor])).to.deep.equal([
      ['Org1MSP', ledger.enclaveId('Org1MSP'), 1, false],
      ['Org2MSP', ledger.enclaveId('Org2MSP'), 1, false],
    ]);
    const keys = verifyEnclaveSet({
      ...scope,
      registry: await readOrgsRegistry(read, asked),
      keyStatus: asked.keyStatus,
      policy,
      now,
    });
    expect(() => {
      requireAttestedStatements(asked.statements, keys.enclaves, 2);
    }).to.not.throw();
    // asking for three orgs with two answering enclaves fails closed
    expect(() => {
      requireAttestedStatements(asked.statements, keys.enclaves, 3);
    })
      .to.throw(EnclaveTrustError)
      .with.property('message')
      .that.contains('the policy needs 3');
  });

  it('each read carries a fresh challenge: two reads never share a statement', async () => {
    const { ledger } = await provisioned();
    const read = gatewayReads(ledger);
    const first = await readOrgsKeyStatus(read, scope);
    const second = await readOrgsKeyStatus(read, scope);
    expect(first.statements[0]?.challenge).to.not.equal(second.statements[0]?.challenge);
  });

  it("refuses org1's enclave answering the read aimed at org2 (the gateway routes every targeted read to its own peer)", async () => {
    const { ledger } = await provisioned();
    ledger.misroute.set('Org2MSP', 'Org1MSP');
    const error = await trustRejection(readOrgsKeyStatus(gatewayReads(ledger), scope));
    expect(error.code).to.equal('KEYS_UNAVAILABLE');
    expect(error.failures.map((f) => [f.mspId, f.rule])).to.deep.equal([['Org2MSP', 'key-status-statement']]);
    expect(error.failures[0]?.reason).to.contain('from an enclave of Org1MSP, not of Org2MSP');
  });

  it("refuses org2's genuine statement of the retired epoch replayed after a rotation", async () => {
    const { ledger, options } = await provisioned();
    const read = gatewayReads(ledger);
    const old = await read(Confidential.attestedKeyStatus, 'Org2MSP', [newKeyStatusChallenge()]);
    await rotateKeys(options);
    const error = await trustRejection(
      readOrgsKeyStatus(
        lyingAboutOrg2(read, () => old),
        scope,
      ),
    );
    const reasons = error.failures.map((f) => f.reason).join('; ');
    expect(reasons).to.contain('a replayed statement');
    expect(error.failures.filter((f) => !(f.mspId === 'Org2MSP'))).to.deep.equal([]);
  });

  it('refuses a genuine statement whose key status the gateway edited (a voucher dropped)', async () => {
    const { ledger } = await provisioned();
    const read = lyingAboutOrg2(
      gatewayReads(ledger),
      (genuine) =>
        ({
          ...genuine,
          keyStatus: { ...genuine.keyStatus, vouchers: [] },
        }) as unknown as JsonValue,
    );
    const error = await trustRejection(readOrgsKeyStatus(read, scope));
    expect(error.failures[0]?.reason).to.contain('not the one the enclave signed');
  });

  it('an enclave reading a rolled-back current epoch says a successor exists, and the client refuses that epoch', async () => {
    const { ledger, options } = await provisioned();
    await rotateKeys(options);
    // a peer admin points the state back at epoch 1 (record 2 is still there)
    const current = JSON.parse(
      Buffer.from(ledger.network.ledger.committed.get('keys/current') ?? []).toString(),
    ) as Record<string, unknown>;
    ledger.network.ledger.committed.set('keys/current', utf8(JSON.stringify({ ...current, epoch: 1 })));
    const error = await trustRejection(readOrgsKeyStatus(gatewayReads(ledger), scope));
    expect(error.failures.map((f) => f.mspId)).to.deep.equal(['Org1MSP', 'Org2MSP']);
    expect(error.failures[0]?.reason).to.contain('reads a key record after epoch 1');
  });
});

describe('EnclaveRuntime.attestedKeyStatus', () => {
  it('throws INVALID_ARGUMENT for a challenge that is not 16 to 64 bytes of base64, and writes nothing', async () => {
    const { ledger } = await provisioned();
    const before = ledger.network.ledger.dump();
    for (const challenge of [
      '',
      'abc',
      Buffer.alloc(8).toString('base64'),
      Buffer.alloc(65).toString('base64'),
      7,
    ]) {
      let error: unknown;
      try {
        await ledger.network.evaluate((tx) => ledger.runtime('Org1MSP').attestedKeyStatus(tx, challenge));
      } catch (caught) {
        error = caught;
      }
      expect(error, String(challenge)).to.be.instanceOf(EcarError);
      expect((error as EcarError).code).to.equal('INVALID_ARGUMENT');
    }
    expect(ledger.network.ledger.dump()).to.equal(before);
  });
});
