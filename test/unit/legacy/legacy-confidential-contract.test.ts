// LegacyConfidentialContract over a fake fabric-network Network whose peers run the real envelope
// functions: receipts checked before ordering, foreign receipts refused, sealed errors typed, and
// nothing encrypted when the enclave set does not pass the policy.
import { expect } from 'chai';
import type { Network } from 'fabric-network';
import type { Committer, Endorser, IdentityContext } from 'fabric-common';
import type { JsonValue } from '../../../chaincode/src/protocol/json';
import { toB64 } from '../../../chaincode/src/protocol/confidential/encoding';
import type { RequestBody } from '../../../chaincode/src/protocol/confidential/envelope';
import { randomBytes, signingKeyPair } from '../../../chaincode/src/protocol/confidential/primitives';
import { EcarError } from '../../../chaincode/src/protocol/errors';
import { EnclaveTrustError } from '../../../client/src/confidential/trust-error';
import { TrustCache } from '../../../client/src/confidential/trust-cache';
import { LegacyConfidentialContract } from '../../../client/src/legacy/legacy-confidential-contract';
import { LegacyEndorsementError } from '../../../client/src/legacy/legacy-errors';
import type { LegacyNetwork } from '../../../client/src/legacy/legacy-ports';
import {
  confidentialFixture,
  NOW,
  rotatedFixture,
  type ConfidentialFixture,
} from '../../support/confidential-fixture';
import {
  FakeLegacyNetwork,
  type FakeIdentity,
  type FakeLegacyOptions,
  type FakeOrderer,
  type FakePeer,
} from './fake-legacy-network';
import { ecarRejection, rejectionOf } from '../../support/rejection';

/** Compile-time: a real fabric-network 2.2 Network is what the adapter takes. */
export function realNetworkFits(network: Network): LegacyNetwork<Endorser, Committer, IdentityContext> {
  return network;
}

const wallet = signingKeyPair();

function balanceHandler(body: RequestBody): JsonValue {
  if (body.fn === 'getBalance') return { wallet: body.wallet, purchased: '5000' };
  if (body.fn === 'mint') return { minted: '5000', args: body.args };
  if (body.fn === 'spend') throw new EcarError('INSUFFICIENT_FUNDS', 'the purchased bucket holds 0');
  return { fn: body.fn };
}

type FakeLedger = LegacyConfidentialContract<FakePeer, FakeOrderer, FakeIdentity>;

interface Setup {
  readonly fixture: ConfidentialFixture;
  readonly network: FakeLegacyNetwork;
  readonly ledger: FakeLedger;
}

let shared: ConfidentialFixture | undefined;
function fixture(): ConfidentialFixture {
  shared ??= confidentialFixture();
  return shared;
}

function setup(
  options: Partial<FakeLegacyOptions> & { fixture?: ConfidentialFixture; trustCache?: TrustCache } = {},
): Setup {
  const f = options.fixture ?? fixture();
  const network = new FakeLegacyNetwork(f, { handler: balanceHandler, nowMs: NOW.getTime(), ...options });
  const ledger: FakeLedger = new LegacyConfidentialContract({
    network,
    chaincode: 'ecar',
    wallet,
    policy: f.policy,
    clock: () => NOW,
    retryDelayMs: 0,
    ...(options.trustCache === undefined ? {} : { trustCache: options.trustCache }),
  });
  return { fixture: f, network, ledger };
}

describe('LegacyConfidentialContract', () => {
  describe('submit', () => {
    it('endorses on every peer, checks the receipt, and only then orders and returns the answer', async () => {
      const { network, ledger } = setup();
      const outcome = await ledger.submit('mint', { account: 'w:ab', amount: 5000n, paymentRef: 'psp-1' });
      expect(outcome.result).to.deep.equal({
        minted: '5000',
        args: { account: 'w:ab', amount: '5000', paymentRef: 'psp-1' },
      });
      expect(outcome.attempts).to.equal(1);
      expect(outcome.blockNumber).to.equal(1n);
      expect(outcome.transactionId).to.equal(ledger.lastTransactionId);
      expect(network.steps).to.deep.equal([
        { kind: 'endorse', txId: outcome.transactionId },
        { kind: 'order', txId: outcome.transactionId },
      ]);
      // both orgs' enclaves opened the same request, sent to the qualified entry point
      expect(network.requests.map((r) => [r.fcn, r.txId])).to.deep.equal([
        ['confidential:submit', outcome.transactionId],
        ['confidential:submit', outcome.transactionId],
      ]);
      const [seen] = network.requests;
      expect(seen?.body.fn).to.equal('mint');
      expect(seen?.body.wallet).to.equal(toB64(wallet.publicKey));
      expect(seen?.body.channel).to.equal('ecar');
    });

    it('refuses a receipt signed by another key and orders nothing', async () => {
      const liar = randomBytes(32);
      const { network, ledger } = setup({
        peers: [
          { name: 'peer0.org1', mspid: 'Org1MSP', receiptSeed: liar },
          { name: 'peer0.org2', mspid: 'Org2MSP', receiptSeed: liar },
        ],
      });
      const error = await ecarRejection(ledger.submit('mint', { amount: 1n }), 'ENVELOPE_INVALID');
      expect(error.message).to.match(/receipt does not verify/);
      expect(network.ordered).to.deep.equal([]);
    });

    it('maps a sealed refusal to the EcarError the enclave sealed and orders nothing', async () => {
      const { network, ledger } = setup();
      const error = await ecarRejection(ledger.submit('spend', { amount: 10n }), 'INSUFFICIENT_FUNDS');
      expect(error.reason).to.equal('the purchased bucket holds 0');
      expect(error.details.transactionId).to.equal(ledger.lastTransactionId);
      expect(network.ordered).to.deep.equal([]);
    });

    it('does not let a forged sealed error from one peer hide the genuine one of another', async () => {
      const refuse = (): JsonValue => {
        throw new EcarError('FORBIDDEN', 'only the issuer mints');
      };
      const { network, ledger } = setup({
        peers: [
          { name: 'peer0.org1', mspid: 'Org1MSP', handler: refuse, receiptSeed: randomBytes(32) },
          { name: 'peer0.org2', mspid: 'Org2MSP', handler: refuse },
        ],
      });
      await ecarRejection(ledger.submit('mint', { amount: 1n }), 'FORBIDDEN');
      expect(network.ordered).to.deep.equal([]);
    });

    it('throws LegacyEndorsementError when the peers endorse different results, and orders nothing', async () => {
      const { network, ledger } = setup({
        peers: [
          { name: 'peer0.org1', mspid: 'Org1MSP' },
          { name: 'peer0.org2', mspid: 'Org2MSP', handler: () => ({ minted: '9999' }) },
        ],
      });
      const error = await rejectionOf(ledger.submit('mint', { amount: 1n }));
      expect(error).to.be.instanceOf(LegacyEndorsementError);
      expect((error as LegacyEndorsementError).transactionId).to.equal(ledger.lastTransactionId);
      expect(network.ordered).to.deep.equal([]);
    });

    it('retries an MVCC read conflict with a fresh transaction carrying the same nonce', async () => {
      const { network, ledger } = setup({ commitCodes: ['MVCC_READ_CONFLICT'] });
      const outcome = await ledger.submit('mint', { amount: 1n });
      expect(outcome.attempts).to.equal(2);
      const [first, second] = network.ordered;
      expect(first).to.be.a('string').and.not.equal(second);
      expect(second).to.equal(outcome.transactionId);
      // one call, one nonce: at most one attempt can ever commit
      expect(network.requests[0]?.body.nonce).to.equal(network.requests[2]?.body.nonce);
    });

    it('throws INTERNAL when the transaction committed with another invalid code', async () => {
      const { ledger } = setup({ commitCodes: ['ENDORSEMENT_POLICY_FAILURE'] });
      const error = await ecarRejection(ledger.submit('mint', { amount: 1n }), 'INTERNAL');
      expect(error.details.validationCode).to.equal('ENDORSEMENT_POLICY_FAILURE');
    });

    it('refuses to encrypt when the verifier refuses the enclave set', async () => {
      const f = fixture();
      const network = new FakeLegacyNetwork(f, { handler: balanceHandler, nowMs: NOW.getTime() });
      const ledger = new LegacyConfidentialContract({
        network,
        chaincode: 'ecar',
        wallet,
        policy: { ...f.policy, allowSimulated: false },
        clock: () => NOW,
      });
      const error = await rejectionOf(ledger.submit('mint', { amount: 1n }));
      expect(error).to.be.instanceOf(EnclaveTrustError);
      expect((error as EnclaveTrustError).code).to.equal('ATTESTATION_POLICY_REJECTED');
      expect(network.steps).to.deep.equal([]);
      expect(network.requests).to.deep.equal([]);
      expect(ledger.lastTransactionId).to.equal(undefined);
    });

    it('refuses to encrypt when the keys are vouched for by fewer orgs than required', async () => {
      const f = confidentialFixture({ vouching: [0] });
      const network = new FakeLegacyNetwork(f, { handler: balanceHandler, nowMs: NOW.getTime() });
      const ledger = new LegacyConfidentialContract({
        network,
        chaincode: 'ecar',
        wallet,
        policy: f.policy,
        clock: () => NOW,
      });
      await ecarRejection(ledger.evaluate('getBalance', {}), 'KEYS_UNAVAILABLE');
      expect(network.requests).to.deep.equal([]);
    });
  });

  describe('evaluate', () => {
    it('returns the answer once the receipt verifies, ordering nothing', async () => {
      const { network, ledger } = setup();
      const answer = await ledger.evaluate('getBalance', {});
      expect(answer).to.deep.equal({ wallet: toB64(wallet.publicKey), purchased: '5000' });
      expect(network.requests.map((r) => r.fcn)).to.deep.equal(['confidential:evaluate']);
      expect(network.requests[0]?.txId).to.equal(ledger.lastTransactionId);
      expect(network.ordered).to.deep.equal([]);
      expect(await ledger.evaluateTransaction('getBalance', {})).to.deep.equal(answer);
    });

    it('refuses an answer whose receipt was signed by another key', async () => {
      const { ledger } = setup({
        peers: [
          { name: 'peer0.org1', mspid: 'Org1MSP', receiptSeed: randomBytes(32) },
          { name: 'peer0.org2', mspid: 'Org2MSP' },
        ],
      });
      await ecarRejection(ledger.evaluate('getBalance', {}), 'ENVELOPE_INVALID');
    });

    it("maps a sealed refusal inside fabric-network's query error to the enclave's EcarError", async () => {
      const { ledger } = setup();
      const error = await ecarRejection(ledger.evaluate('spend', {}), 'INSUFFICIENT_FUNDS');
      expect(error.details.transactionId).to.equal(ledger.lastTransactionId);
    });
  });

  describe('trustedKeys', () => {
    it('verifies once per epoch with a shared cache and re-reads only the key status', async () => {
      const trustCache = new TrustCache();
      const a = setup({ trustCache });
      const b = setup({ trustCache });
      await a.ledger.evaluate('getBalance', {});
      await b.ledger.evaluate('getBalance', {});
      await a.ledger.evaluate('getBalance', {});
      const keyStatusOfEachOrg = ['listEnclaves', 'attestedKeyStatus@Org1MSP', 'attestedKeyStatus@Org2MSP'];
      const registryOfEachOrg = ['listEnclaves@Org1MSP', 'listEnclaves@Org2MSP'];
      expect(a.network.reads).to.deep.equal([
        ...keyStatusOfEachOrg,
        ...registryOfEachOrg,
        ...keyStatusOfEachOrg,
      ]);
      expect(b.network.reads).to.deep.equal(keyStatusOfEachOrg);
      const keys = await a.ledger.trustedKeys();
      expect(keys.epoch).to.equal(a.fixture.epoch);
      expect(keys.vouchingOrgs).to.deep.equal(['Org1MSP', 'Org2MSP']);
    });
  });

  describe('trustedKeys across orgs', () => {
    it("asks each org's peer directly and fails closed when org1's peer serves the retired epoch", async () => {
      const retired = fixture();
      const rotated = rotatedFixture(retired);
      const { network, ledger } = setup({
        fixture: rotated,
        peers: [
          { name: 'peer0.org1', mspid: 'Org1MSP', keyStatus: retired.keyStatus },
          { name: 'peer0.org2', mspid: 'Org2MSP' },
        ],
      });
      const error = await rejectionOf(ledger.evaluate('getBalance', {}));
      expect(error).to.be.instanceOf(EnclaveTrustError);
      expect((error as EnclaveTrustError).failures.map((f) => f.mspId)).to.deep.equal(['Org1MSP']);
      expect(network.requests).to.deep.equal([]);
      expect(network.reads).to.include.members(['attestedKeyStatus@Org1MSP', 'attestedKeyStatus@Org2MSP']);
    });

    it('seals to the current epoch with signed key statuses of both orgs', async () => {
      const rotated = rotatedFixture(fixture());
      const { network, ledger } = setup({ fixture: rotated });
      await ledger.evaluate('getBalance', {});
      expect(network.requests.map((r) => r.body.epoch)).to.deep.equal([rotated.epoch]);
    });

    it('fails closed naming an org that has enclaves but no peer discovery knows', async () => {
      const { network, ledger } = setup({ peers: [{ name: 'peer0.org1', mspid: 'Org1MSP' }] });
      const error = await rejectionOf(ledger.evaluate('getBalance', {}));
      expect(error).to.be.instanceOf(EnclaveTrustError);
      expect((error as EnclaveTrustError).failures.map((f) => f.mspId)).to.deep.equal(['Org2MSP']);
      expect(network.requests).to.deep.equal([]);
    });
  });

  describe('whoami', () => {
    it('answers the id the enclave runs this wallet as (w: + hex of its key) without a ledger call', async () => {
      const { ledger } = setup({
        handler: () => {
          throw new Error('whoami must not reach the ledger');
        },
      });
      expect(await ledger.whoami()).to.equal(`w:${Buffer.from(wallet.publicKey).toString('hex')}`);
    });
  });
});
