// Governance on the real network (issue items 4, 6, 7): a plain client identity cannot provision
// (create keys, register enclaves, share), one org's admin alone can neither rotate the keys nor
// re-run the genesis nor take the operator role, and keys are shared only by a recorded transaction
// (the evaluate that handed out wraps and addWraps are gone). Every refusal leaves the key status,
// the registry and the policy as they were.
import { expect } from 'chai';
import {
  Confidential,
  CONFIDENTIAL_CONTRACT,
  operatorCommitment,
  walletCallerId,
} from '../../chaincode/src/protocol/confidential/api';
import { signingKeyPair } from '../../chaincode/src/protocol/confidential/primitives';
import { EcarError } from '../../chaincode/src/protocol/errors';
import { ConfidentialLedgerClient } from '../../client/src/confidential';
import { openGateway, type GatewayConnection } from '../../client/src/fabric/gateway-connection';
import { decodeResult, toLedgerError } from '../../client/src/fabric/ledger-client';
import type { JsonValue } from '../../chaincode/src/protocol/json';
import { readNetworkPolicy } from '../../scripts/src/network/confidential-setup';
import { localIdentity, type OrgName } from '../../scripts/src/network/identities';
import { paramsArgs } from '../support/builders';
import { e2eNetwork } from '../support/e2e-network';
import { ecarRejection } from '../support/rejection';

describe('governance on the network', () => {
  const t = e2eNetwork().topology;
  const connections = new Map<string, GatewayConnection>();

  function contractAs(org: OrgName, user: string) {
    const key = `${user}@${org}`;
    let connection = connections.get(key);
    if (connection === undefined) {
      connection = openGateway(localIdentity(t, org, user));
      connections.set(key, connection);
    }
    return connection.gateway.getNetwork(t.channel).getContract(t.chaincode, CONFIDENTIAL_CONTRACT);
  }
  after(() => {
    for (const connection of connections.values()) connection.close();
  });

  async function submitAs(org: OrgName, user: string, name: string, ...args: string[]): Promise<JsonValue> {
    try {
      return decodeResult(await contractAs(org, user).submitTransaction(name, ...args));
    } catch (error) {
      throw toLedgerError(error);
    }
  }

  async function evaluateAs(org: OrgName, user: string, name: string, ...args: string[]): Promise<JsonValue> {
    try {
      return decodeResult(await contractAs(org, user).evaluateTransaction(name, ...args));
    } catch (error) {
      throw toLedgerError(error);
    }
  }

  async function refusal(promise: Promise<unknown>): Promise<EcarError> {
    return ecarRejection(promise);
  }

  /** What a refused attempt must not change: key status, registry and policy. */
  async function governanceState(): Promise<string> {
    const reads = await Promise.all(
      [Confidential.keyStatus, Confidential.enclaves, Confidential.policy].map((name) =>
        evaluateAs('org1', 'User1', name),
      ),
    );
    return JSON.stringify(reads);
  }

  let before: string;
  beforeEach(async () => {
    before = await governanceState();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'passed') expect(await governanceState()).to.equal(before);
  });

  it('refuses createKeys, registerEnclave, shareKeys, proposeRotation and recordVoucher to a plain client identity (FORBIDDEN)', async () => {
    const evidence = JSON.stringify(await evaluateAs('org1', 'User1', Confidential.evidence));
    const voucher = JSON.stringify(await evaluateAs('org1', 'Admin', Confidential.vouch, '1'));
    const attempts: [string, () => Promise<unknown>][] = [
      ['createKeys', () => evaluateAs('org1', 'User1', Confidential.createKeys)],
      ['registerEnclave', () => submitAs('org1', 'User1', Confidential.register, evidence)],
      ['shareKeys', () => submitAs('org1', 'User1', Confidential.shareKeys, '')],
      ['shareKeys (evaluated)', () => evaluateAs('org2', 'User1', Confidential.shareKeys, '')],
      ['proposeRotation', () => submitAs('org2', 'User1', Confidential.proposeRotation)],
      ['recordVoucher', () => submitAs('org1', 'User1', Confidential.recordVoucher, voucher)],
      ['vouchKeys', () => evaluateAs('org1', 'User1', Confidential.vouch, '1')],
    ];
    for (const [name, attempt] of attempts) {
      const error = await refusal(attempt());
      expect(error.code, `${name}: ${error.message}`).to.equal('FORBIDDEN');
    }
  });

  it("does not let one org's admin rotate the keys alone: the rotation stays unapproved and createKeys is refused", async () => {
    const proposal = (await submitAs('org1', 'Admin', Confidential.proposeRotation)) as {
      approved: boolean;
      approvals: string[];
    };
    expect(proposal.approved).to.equal(false);
    expect(proposal.approvals).to.deep.equal(['Org1MSP']);
    const error = await refusal(evaluateAs('org1', 'Admin', Confidential.createKeys));
    expect(error.code).to.equal('FORBIDDEN');
    expect(error.message).to.contain('approved by a majority');
    // the pending proposal is recorded, nothing else moved
    before = await governanceState();
  });

  it("does not let one org's admin re-run the genesis, nor a wallet other than the genesis operator initialize", async () => {
    const takeover = JSON.stringify({
      policy: readNetworkPolicy(t),
      operatorCommitment: operatorCommitment(walletCallerId(signingKeyPair().publicKey)),
    });
    for (const org of ['org1', 'org2'] as const) {
      const error = await refusal(submitAs(org, 'Admin', Confidential.approveGenesis, takeover));
      expect(error.code, error.message).to.equal('ALREADY_EXISTS');
    }
    const genesis = (await evaluateAs('org2', 'User1', Confidential.genesis)) as { approvedBy: string[] };
    expect(genesis.approvedBy).to.deep.equal(['Org1MSP', 'Org2MSP']);

    const squatter = new ConfidentialLedgerClient({
      network: connections.get('User1@org1')!.gateway.getNetwork(t.channel),
      identity: connections.get('User1@org1')!.gateway.getIdentity(),
      chaincode: t.chaincode,
      wallet: signingKeyPair(),
      policy: readNetworkPolicy(t),
    });
    const error = await refusal(squatter.submit('initialize', { ...paramsArgs() }));
    // FORBIDDEN before the operator initialised, ALREADY_EXISTS after (another suite may have)
    expect(['FORBIDDEN', 'ALREADY_EXISTS'], error.message).to.include(error.code);
  });

  it('shares keys only through the recorded transaction: no addWraps, every holder recorded, a share to nobody writes nothing', async () => {
    const unknown = await refusal(submitAs('org1', 'Admin', 'addWraps', '[]'));
    expect(unknown.code).to.equal('UNKNOWN_FUNCTION');
    const missing = await refusal(
      submitAs('org1', 'Admin', Confidential.shareKeys, JSON.stringify(['ab'.repeat(32)])),
    );
    expect(missing.code).to.equal('NOT_FOUND');
    // every registered enclave holds a recorded wrap already: an admin's share finds nobody to wrap to
    expect(await submitAs('org2', 'Admin', Confidential.shareKeys, '')).to.deep.equal([]);
    const status = (await evaluateAs('org2', 'User1', Confidential.keyStatus)) as {
      wraps: { enclave: string }[];
    };
    const registry = (await evaluateAs('org2', 'User1', Confidential.enclaves)) as {
      id: string;
      measurement: string;
    }[];
    // enclaves of the build the policy admits (an upgrade leaves the old build's registered, retired)
    const admitted = readNetworkPolicy(t).measurements;
    const current = registry.filter((r) => admitted.includes(r.measurement)).map((r) => r.id);
    expect(current).to.have.length.greaterThan(0);
    expect(status.wraps.map((w) => w.enclave).sort()).to.include.members(current.sort());
  });
});
