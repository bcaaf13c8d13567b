// Adversaries against the real network with hand-made proposals (fabric-protos, signed with real
// identities, sent straight to a peer's Endorser service): a forged header time, and an envelope
// captured from one identity submitted under another. Each shows the attack fails and what the
// honest variant of the same proposal gets. A gateway lying about another org's key status is
// simulated at the client's org-read seam, over the real answers of the real peers.
import { expect } from 'chai';
import {
  extractSealedError,
  openResponse,
  type ResponsePayload,
} from '../../chaincode/src/protocol/confidential/envelope';
import { signingKeyPair } from '../../chaincode/src/protocol/confidential/primitives';
import type { JsonValue } from '../../chaincode/src/protocol/json';
import { CONFIDENTIAL_CONTRACT, Confidential } from '../../chaincode/src/protocol/confidential/api';
import {
  newKeyStatusChallenge,
  type SignedKeyStatus,
} from '../../chaincode/src/protocol/confidential/key-status-statement';
import { EcarError } from '../../chaincode/src/protocol/errors';
import { verifyEnclaveSet } from '../../client/src/confidential/enclave-verifier';
import type { ContractPort } from '../../client/src/confidential/gateway-ports';
import {
  publicReads,
  readOrgsKeyStatus,
  readOrgsRegistry,
  type PublicRead,
} from '../../client/src/confidential/org-reads';
import { requireAttestedStatements } from '../../client/src/confidential/statement-trust';
import { EnclaveTrustError } from '../../client/src/confidential/trust-error';
import { ConfidentialLedgerClient, type TrustedKeys } from '../../client/src/confidential';
import { prepareCall, sealCall, type SealedCall } from '../../client/src/confidential/request-sealing';
import {
  openGateway,
  type GatewayConnection,
  type GatewayConnectionOptions,
} from '../../client/src/fabric/gateway-connection';
import { submitterBinding } from '../../chaincode/src/protocol/confidential/envelope';
import { pruneNonceRecords, readNetworkPolicy } from '../../scripts/src/network/confidential-setup';
import { localIdentity } from '../../scripts/src/network/identities';
import { e2eNetwork } from '../support/e2e-network';
import { sendHandmadeProposal, type HandmadeAnswer } from '../support/handmade-proposal';

const DAY = 86_400_000;

describe('adversaries with hand-made proposals on the network', () => {
  const t = e2eNetwork().topology;
  const wallet = signingKeyPair();
  // read once the network exists (the root hook brings it up after the suites are loaded)
  let victim: GatewayConnectionOptions;
  let thief: GatewayConnectionOptions;
  let connection: GatewayConnection;
  let keys: TrustedKeys;

  before(async function () {
    this.timeout(120_000);
    victim = localIdentity(t, 'org1', 'User1');
    thief = localIdentity(t, 'org2', 'User1');
    connection = openGateway(victim);
    const client = new ConfidentialLedgerClient({
      network: connection.gateway.getNetwork(t.channel),
      identity: connection.gateway.getIdentity(),
      chaincode: t.chaincode,
      wallet,
      policy: readNetworkPolicy(t),
    });
    keys = await client.trustedKeys();
  });
  after(() => {
    connection.close();
  });

  /** The victim's wallet seals `getBalance`, allowing the victim's identity to submit it. */
  function sealBalanceRead(): SealedCall {
    return sealCall(
      {
        channel: t.channel,
        chaincode: t.chaincode,
        wallet,
        submitter: submitterBinding(victim.mspId, victim.certificate),
      },
      prepareCall('getBalance', {}, new Date(), 60_000),
      keys,
    );
  }

  function send(
    as: GatewayConnectionOptions,
    entry: 'submit' | 'evaluate',
    call: SealedCall,
    timestamp: Date,
  ): Promise<HandmadeAnswer> {
    return sendHandmadeProposal(as, {
      channel: t.channel,
      chaincode: t.chaincode,
      fn: `confidential:${entry}`,
      args: [call.envelopeText],
      timestamp,
    });
  }

  function sealedRefusal(answer: HandmadeAnswer, call: SealedCall): Extract<ResponsePayload, { ok: false }> {
    expect(answer.status, answer.message).to.equal(500);
    const sealed = extractSealedError(answer.message);
    expect(sealed, `a sealed refusal in: ${answer.message.slice(0, 120)}`).to.be.a('string');
    const payload = openResponse(sealed ?? '', call.contextFor(answer.txId));
    if (payload.ok) throw new Error('the enclave answered instead of refusing');
    return payload;
  }

  describe('a forged header time', () => {
    for (const [label, offsetMs] of [
      ['two days ahead', 2 * DAY],
      ['an hour back', -3_600_000],
    ] as const) {
      for (const entry of ['evaluate', 'submit'] as const) {
        it(`is refused by the enclave with CLOCK_SKEW (${label}, ${entry})`, async () => {
          const answer = await send(victim, entry, sealBalanceRead(), new Date(Date.now() + offsetMs));
          expect(answer.status).to.equal(500);
          expect(answer.message).to.include('CLOCK_SKEW');
          expect(answer.message).to.match(/\d+ s (ahead of|behind) this enclave's clock/);
        });
      }
    }

    it("while the same hand-made proposal with a true time gets the enclave's signed answer", async () => {
      const call = sealBalanceRead();
      const answer = await send(victim, 'evaluate', call, new Date());
      // an answer, or (before any suite initialised the ledger) a signed domain refusal: either way
      // the enclave ran the request; the time and the binding passed
      if (answer.status === 200) {
        const payload = openResponse(
          Buffer.from(answer.payload).toString('utf8'),
          call.contextFor(answer.txId),
        );
        expect(payload.ok).to.equal(true);
      } else {
        const refusal = sealedRefusal(answer, call);
        expect(['NOT_INITIALIZED', 'NOT_FOUND'], refusal.message).to.include(refusal.code);
      }
    });
  });

  describe('an envelope captured by another org and sent under its own identity', () => {
    for (const entry of ['evaluate', 'submit'] as const) {
      it(`is refused, in words only the wallet can read, because the wallet bound its submitter (${entry})`, async () => {
        const call = sealBalanceRead();
        const stolen = await send(thief, entry, call, new Date());
        const refusal = sealedRefusal(stolen, call);
        expect(refusal.code).to.equal('ENVELOPE_INVALID');
        expect(refusal.message).to.include('to submit this request');
        expect(stolen.message).not.to.include('getBalance');
      });
    }
  });

  describe("a gateway lying about another org's key status", () => {
    const scope = (): { channel: string; chaincode: string } => ({
      channel: t.channel,
      chaincode: t.chaincode,
    });
    const contract = (): ContractPort =>
      connection.gateway.getNetwork(t.channel).getContract(t.chaincode, CONFIDENTIAL_CONTRACT);

    /** The real reads through org1's gateway, with the answer to org2's signed key status replaced. */
    function lyingAboutOrg2(
      relay: (genuine: JsonValue, args: readonly string[]) => Promise<JsonValue>,
    ): PublicRead {
      const read = publicReads(contract());
      return async (name, mspId, args = []) =>
        name === Confidential.attestedKeyStatus && mspId === 'Org2MSP'
          ? relay(await read(name, mspId, args), args)
          : read(name, mspId, args);
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

    it("gets each org's statement signed by that org's attested enclave (the honest read)", async () => {
      const read = publicReads(contract());
      const asked = await readOrgsKeyStatus(read, scope());
      expect(asked.statements.map((s) => s.mspId)).to.deep.equal(['Org1MSP', 'Org2MSP']);
      expect(
        asked.statements.filter((s) => !(s.currentEpoch === keys.epoch && !s.hasSuccessor)),
      ).to.deep.equal([]);
      const trusted = verifyEnclaveSet({
        ...scope(),
        registry: await readOrgsRegistry(read, asked),
        keyStatus: asked.keyStatus,
        policy: readNetworkPolicy(t),
        now: new Date(),
      });
      expect(() => {
        requireAttestedStatements(asked.statements, trusted.enclaves, 2);
      }).to.not.throw();
      for (const statement of asked.statements) {
        const signer = trusted.enclaves.find((e) => e.id === statement.enclave);
        expect(signer?.mspId, statement.enclave).to.equal(statement.mspId);
      }
    });

    it("is refused when it answers the read aimed at org2 with its own org's enclave", async () => {
      const own = publicReads(contract());
      const read = lyingAboutOrg2((_genuine, args) => own(Confidential.attestedKeyStatus, 'Org1MSP', args));
      const error = await trustRejection(readOrgsKeyStatus(read, scope()));
      expect(error.failures.map((f) => [f.mspId, f.rule])).to.deep.equal([
        ['Org2MSP', 'key-status-statement'],
      ]);
      expect(error.failures[0]?.reason).to.contain('not of Org2MSP (a misrouted read)');
    });

    it("is refused when it replays org2's statement of an earlier read", async () => {
      const earlier = await publicReads(contract())(Confidential.attestedKeyStatus, 'Org2MSP', [
        newKeyStatusChallenge(),
      ]);
      const error = await trustRejection(
        readOrgsKeyStatus(
          lyingAboutOrg2(() => Promise.resolve(earlier)),
          scope(),
        ),
      );
      expect(error.failures.map((f) => f.reason).join('; ')).to.contain('a replayed statement');
    });

    it("is refused when it edits the epoch in org2's statement", async () => {
      const read = lyingAboutOrg2((genuine) => {
        const signed = genuine as unknown as SignedKeyStatus;
        const statement = { ...signed.statement, currentEpoch: signed.statement.currentEpoch + 1 };
        const keyStatus = { ...signed.keyStatus, currentEpoch: statement.currentEpoch };
        return Promise.resolve({ ...signed, statement, keyStatus } as unknown as JsonValue);
      });
      const error = await trustRejection(readOrgsKeyStatus(read, scope()));
      expect(error.failures.map((f) => f.reason).join('; ')).to.contain('signature does not verify');
    });

    it('a challenge that is not 16 to 64 bytes is refused by the enclave with INVALID_ARGUMENT', async () => {
      const read = publicReads(contract());
      let error: unknown;
      try {
        await read(Confidential.attestedKeyStatus, 'Org2MSP', ['c2hvcnQ=']);
      } catch (caught) {
        error = caught;
      }
      expect(error).to.be.instanceOf(EcarError);
      expect((error as EcarError).code).to.equal('INVALID_ARGUMENT');
    });
  });

  describe('replay-guard records', () => {
    it('are pruned by an org admin once their requests expired, bucket by bucket', async () => {
      const first = await pruneNonceRecords(t);
      expect(first.buckets, 'a first prune walks back a week').to.be.greaterThan(0);
      const second = await pruneNonceRecords(t);
      // it resumes where the first stopped: at most the one bucket that expired in between
      expect(second.next).to.be.at.least(first.next);
      expect(second.buckets).to.be.at.most(1);
    });
  });
});
