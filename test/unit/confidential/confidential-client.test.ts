// ConfidentialLedgerClient against a fake network whose enclave runs the real envelope functions:
// nothing encrypted before the enclave set passes, receipts checked before an answer is believed or
// ordered, sealed refusals mapped to typed errors, MVCC conflicts retried with a fresh request.
import { expect } from 'chai';
import { StatusCode, type Network } from '@hyperledger/fabric-gateway';
import { Confidential } from '../../../chaincode/src/protocol/confidential/api';
import { toB64, toHex } from '../../../chaincode/src/protocol/confidential/encoding';
import {
  MAX_REQUEST_LIFETIME_MS,
  PROTOCOL_VERSION,
  sealResponse,
  submitterBinding,
} from '../../../chaincode/src/protocol/confidential/envelope';
import { signKeyStatus } from '../../../chaincode/src/protocol/confidential/key-status-statement';
import { signingKeyPair } from '../../../chaincode/src/protocol/confidential/primitives';
import { EcarError } from '../../../chaincode/src/protocol/errors';
import {
  ConfidentialLedgerClient,
  type ConfidentialLedgerClientOptions,
} from '../../../client/src/confidential/confidential-client';
import { answerError } from '../../../client/src/confidential/sealed-answer';
import type { NetworkPort } from '../../../client/src/confidential/gateway-ports';
import { EnclaveTrustError } from '../../../client/src/confidential/trust-error';
import { TrustCache } from '../../../client/src/confidential/trust-cache';
import {
  CHAINCODE,
  confidentialFixture,
  NOW,
  rotatedFixture,
  type ConfidentialFixture,
} from '../../support/confidential-fixture';
import {
  endorseError,
  FakeConfidentialNetwork,
  type FakeEnclaveOptions,
} from '../../support/fake-confidential-network';
import { ecarRejection } from '../../support/rejection';

const wallet = signingKeyPair();
/** One verification's reads: the registry on the gateway, then the signed key status on each org's peer. */
const KEY_STATUS_READS = [
  Confidential.enclaves,
  `${Confidential.attestedKeyStatus}@Org1MSP`,
  `${Confidential.attestedKeyStatus}@Org2MSP`,
];
/** ... and, when the cache cannot answer, the registry on each org's peer. */
const REGISTRY_READS = [`${Confidential.enclaves}@Org1MSP`, `${Confidential.enclaves}@Org2MSP`];
const fixture = confidentialFixture();
const clockAt = new Date(NOW.getTime() + 60_000);

const CREDENTIALS = new TextEncoder().encode('client certificate');
const SUBMITTER = submitterBinding('Org1MSP', CREDENTIALS);

function setup(
  options: Partial<FakeEnclaveOptions> = {},
  clientOptions: Partial<ConfidentialLedgerClientOptions> = {},
  data: ConfidentialFixture = fixture,
): { network: FakeConfidentialNetwork; client: ConfidentialLedgerClient } {
  const network = new FakeConfidentialNetwork(data, {
    handler: (body) => ({ fn: body.fn, args: body.args }),
    nowMs: () => clockAt.getTime(),
    ...options,
  });
  const client = new ConfidentialLedgerClient({
    network,
    identity: { mspId: 'Org1MSP', credentials: CREDENTIALS },
    chaincode: CHAINCODE,
    wallet,
    policy: data.policy,
    clock: () => clockAt,
    retryDelayMs: 0,
    ...clientOptions,
  });
  return { network, client };
}

async function trustRejection(promise: Promise<unknown>): Promise<EnclaveTrustError> {
  const error = await ecarRejection(promise);
  if (!(error instanceof EnclaveTrustError))
    throw new Error(`expected EnclaveTrustError, got ${error.message}`);
  return error;
}

describe('ConfidentialLedgerClient', () => {
  describe('submit', () => {
    it('seals the call bound to channel, chaincode, epoch and wallet, and returns the opened, committed answer', async () => {
      const { network, client } = setup();
      const answer = await client.submit('mint', { account: 'w:1', amount: 5000n, paymentRef: 'psp-123' });
      expect(answer.result).to.deep.equal({
        fn: 'mint',
        args: { account: 'w:1', amount: '5000', paymentRef: 'psp-123' },
      });
      expect(answer.attempts).to.equal(1);
      expect(answer.transactionId).to.equal(client.lastTransactionId);
      const [seen] = network.requests;
      expect(seen?.entryPoint).to.equal(Confidential.submit);
      expect(seen?.body).to.include({
        v: PROTOCOL_VERSION,
        channel: 'ecar',
        chaincode: CHAINCODE,
        epoch: 1,
        fn: 'mint',
      });
      expect(seen?.body.submitter).to.deep.equal(SUBMITTER);
      expect(seen?.body.wallet).to.equal(toB64(wallet.publicKey));
      expect(seen?.body.notAfter).to.be.above(clockAt.getTime());
      expect(seen?.body.notAfter).to.be.at.most(clockAt.getTime() + MAX_REQUEST_LIFETIME_MS);
      expect(seen?.envelopeText).to.not.contain('psp-123');
      expect(network.ordered).to.deep.equal([answer.transactionId]);
    });

    it('throws ENVELOPE_INVALID and never orders the transaction when the receipt is from another key', async () => {
      const { network, client } = setup({ receiptSeed: signingKeyPair().seed });
      const error = await ecarRejection(client.submit('mint', { amount: 1n }));
      expect(error.code).to.equal('ENVELOPE_INVALID');
      expect(error.reason).to.contain('the enclave receipt does not verify');
      expect(error.message).to.not.contain('mint');
      expect(network.requests).to.have.length(1);
      expect(network.ordered).to.deep.equal([]);
    });

    it('throws the EcarError the enclave sealed (INSUFFICIENT_FUNDS) and orders nothing', async () => {
      const { network, client } = setup({
        handler: () => {
          throw new EcarError('INSUFFICIENT_FUNDS', 'purchased bucket holds 10, 50 needed');
        },
      });
      const error = await ecarRejection(client.submit('startSession', { hold: 50n }));
      expect(error.code).to.equal('INSUFFICIENT_FUNDS');
      expect(error.reason).to.equal('purchased bucket holds 10, 50 needed');
      expect(error.details.transactionId).to.equal(client.lastTransactionId);
      expect(network.ordered).to.deep.equal([]);
      expect(network.requests).to.have.length(1); // a contract error is never retried
    });

    it('retries an MVCC read conflict with a fresh proposal carrying the same nonce, and returns the committed answer', async () => {
      const { network, client } = setup({ commitCodes: [StatusCode.MVCC_READ_CONFLICT, StatusCode.VALID] });
      const answer = await client.submit('mint', { amount: 1n });
      expect(answer.attempts).to.equal(2);
      expect(network.requests).to.have.length(2);
      const [first, second] = network.requests;
      // one call, one nonce: the enclaves' nonce record lets at most one attempt commit
      expect(first?.body.nonce).to.equal(second?.body.nonce);
      expect(first?.body.notAfter).to.equal(second?.body.notAfter);
      expect(first?.txId).to.not.equal(second?.txId);
      expect(first?.envelopeText).to.not.equal(second?.envelopeText);
      expect(answer.transactionId).to.equal(second?.txId);
      expect(network.ordered).to.deep.equal([first?.txId, second?.txId]);
    });

    it('attack: a gateway reports a committed attempt as a read conflict; the retry is refused as REPLAY and the call is paid once', async () => {
      let attempt = 0;
      const { network, client } = setup({
        commitCodes: [StatusCode.MVCC_READ_CONFLICT, StatusCode.VALID],
        handler: (body) => {
          attempt += 1;
          // the first attempt really committed: its nonce is on the ledger
          if (attempt === 2) {
            throw new EcarError('REPLAY', 'this request was already used', {
              consumedBy: network.requests[0]?.txId ?? '',
            });
          }
          return { fn: body.fn, paid: 1 };
        },
      });
      const answer = await client.submit('transfer', { amount: 5n });
      expect(answer.result).to.deep.equal({ fn: 'transfer', paid: 1 });
      expect(answer.transactionId).to.equal(network.requests[0]?.txId);
      expect(network.ordered).to.deep.equal([network.requests[0]?.txId]);
      expect(network.requests[1]?.body.nonce).to.equal(network.requests[0]?.body.nonce);
    });

    it('throws CONFLICT after maxAttempts MVCC read conflicts', async () => {
      const { client } = setup(
        { commitCodes: [StatusCode.MVCC_READ_CONFLICT, StatusCode.MVCC_READ_CONFLICT] },
        { maxAttempts: 2 },
      );
      const error = await ecarRejection(client.submit('mint', { amount: 1n }));
      expect(error.code).to.equal('CONFLICT');
      expect(error.details.attempts).to.equal(2);
    });

    it('throws INTERNAL without retry for another invalid validation code', async () => {
      const { network, client } = setup({ commitCodes: [StatusCode.ENDORSEMENT_POLICY_FAILURE] });
      const error = await ecarRejection(client.submit('mint', { amount: 1n }));
      expect(error.code).to.equal('INTERNAL');
      expect(network.requests).to.have.length(1);
    });

    it('throws EnclaveTrustError and encrypts nothing when the enclave set does not pass', async () => {
      const underVouched = confidentialFixture({ platform: fixture.platform, vouching: [0] });
      const { network, client } = setup({}, {}, underVouched);
      const error = await ecarRejection(client.submit('mint', { amount: 1n }));
      expect(error).to.be.instanceOf(EnclaveTrustError);
      expect(error.code).to.equal('KEYS_UNAVAILABLE');
      expect(network.requests).to.deep.equal([]);
      expect(client.lastTransactionId).to.equal(undefined);
    });
  });

  describe('evaluate', () => {
    it('returns the opened answer of a sealed read and orders nothing', async () => {
      const { network, client } = setup();
      expect(await client.evaluate('getBalance', { account: 'w:1' })).to.deep.equal({
        fn: 'getBalance',
        args: { account: 'w:1' },
      });
      expect(network.requests[0]?.entryPoint).to.equal(Confidential.evaluate);
      expect(network.ordered).to.deep.equal([]);
    });

    it('throws ENVELOPE_INVALID when the receipt is from another key, without returning the answer', async () => {
      const { client } = setup({ receiptSeed: signingKeyPair().seed });
      const error = await ecarRejection(client.evaluate('getBalance', {}));
      expect(error.code).to.equal('ENVELOPE_INVALID');
    });

    it('throws ENVELOPE_INVALID when a sealed error carries a receipt from another key', async () => {
      const { client } = setup({
        receiptSeed: signingKeyPair().seed,
        handler: () => {
          throw new EcarError('FORBIDDEN', 'not your station');
        },
      });
      const error = await ecarRejection(client.evaluate('getStation', {}));
      expect(error.code).to.equal('ENVELOPE_INVALID');
      expect(error.reason).to.contain('the sealed error does not verify');
    });
  });

  describe('trustedKeys', () => {
    it("with no key status lifetime, verifies the registry once and then reads only each org's key status", async () => {
      const { network, client } = setup({}, { keyStatusTtlMs: 0 });
      await client.evaluate('a', {});
      await client.evaluate('b', {});
      expect(network.reads).to.deep.equal([...KEY_STATUS_READS, ...REGISTRY_READS, ...KEY_STATUS_READS]);
    });

    it('reuses a verified key status within its lifetime: two calls, one read of each', async () => {
      const { network, client } = setup();
      await client.evaluate('a', {});
      await client.evaluate('b', {});
      expect(network.reads).to.deep.equal([...KEY_STATUS_READS, ...REGISTRY_READS]);
      expect(network.requests).to.have.length(2);
    });

    it('re-verifies when the enclave says (signed) the epoch moved, and does not resend while the verified status shows no newer epoch', async () => {
      const { network, client } = setup({
        handler: (body) => {
          if (body.fn === 'b') {
            throw new EcarError('ENVELOPE_INVALID', 'request is for key epoch 1; the current epoch is 2', {
              currentEpoch: 2,
            });
          }
          return { fn: body.fn };
        },
      });
      await client.evaluate('a', {});
      const error = await ecarRejection(client.evaluate('b', {}));
      expect(error.code).to.equal('ENVELOPE_INVALID');
      expect(network.requests).to.have.length(2);
      expect(network.reads).to.deep.equal([...KEY_STATUS_READS, ...REGISTRY_READS, ...KEY_STATUS_READS]);
    });

    it('never re-seals on an unsealed "epoch moved" message from a peer', async () => {
      const { network, client } = setup();
      await client.evaluate('a', {});
      network.forgeNextError = 'ENVELOPE_INVALID: request is for key epoch 1; the current epoch is 2';
      const error = await ecarRejection(client.evaluate('b', {}));
      expect(error.code).to.equal('ENVELOPE_INVALID');
      expect(error.details.sealed).to.equal(undefined);
      expect(network.requests).to.have.length(2);
      expect(network.reads).to.deep.equal([...KEY_STATUS_READS, ...REGISTRY_READS]);
    });

    it('does not resend a refusal that has nothing to do with the key epoch', async () => {
      const { network, client } = setup({
        handler: () => {
          throw new EcarError('INSUFFICIENT_FUNDS', 'top up first');
        },
      });
      expect((await ecarRejection(client.evaluate('a', {}))).code).to.equal('INSUFFICIENT_FUNDS');
      expect(network.requests).to.have.length(1);
    });

    it('re-verifies when the key status changes', async () => {
      const cache = new TrustCache();
      const first = setup({}, { trustCache: cache });
      await first.client.evaluate('a', {});
      const rotated = confidentialFixture({ platform: fixture.platform });
      const second = setup({}, { trustCache: cache, keyStatusTtlMs: 0 }, rotated);
      await second.client.evaluate('b', {});
      expect(second.network.reads).to.deep.equal([...KEY_STATUS_READS, ...REGISTRY_READS]);
      const third = setup({}, { trustCache: cache, keyStatusTtlMs: 0 }, rotated);
      await third.client.evaluate('c', {});
      expect(third.network.reads).to.deep.equal(KEY_STATUS_READS);
    });
  });

  describe('trustedKeys across orgs (one peer cannot decide the current epoch)', () => {
    const rotated = rotatedFixture(fixture);
    const retiredBox = fixture.record.boxPublicKey;

    it("fails closed when org1's peer serves the retired epoch and org2's the current one: no epoch the orgs disagree on", async () => {
      const { network, client } = setup({ orgKeyStatus: { Org1MSP: fixture.keyStatus } }, {}, rotated);
      const error = await trustRejection(client.evaluate('getBalance', {}));
      expect(error.code).to.equal('KEYS_UNAVAILABLE');
      expect(error.failures.map((f) => [f.mspId, f.rule])).to.deep.equal([['Org1MSP', 'epoch-agreement']]);
      expect(error.failures[0]?.reason)
        .to.contain('names epoch 1 as current, another org')
        .and.contain('epoch 2');
      expect(network.requests).to.deep.equal([]);
    });

    it('reads again while a peer is behind on the epoch, and seals to the new one once it caught up', async () => {
      let behindReads = 2;
      const orgKeyStatus = {
        get Org1MSP() {
          if (behindReads === 0) return rotated.keyStatus;
          behindReads -= 1;
          return fixture.keyStatus;
        },
      };
      const { network, client } = setup({ orgKeyStatus }, {}, rotated);
      await client.evaluate('getBalance', {});
      expect(behindReads).to.equal(0);
      expect(network.requests.map((r) => r.body.epoch)).to.deep.equal([2]);
    });

    it('seals to the new epoch once every org names it', async () => {
      const { network, client } = setup({}, {}, rotated);
      await client.evaluate('getBalance', {});
      expect(network.requests.map((r) => r.body.epoch)).to.deep.equal([2]);
      const keys = await client.trustedKeys();
      expect(keys.epoch).to.equal(2);
      expect(toB64(keys.boxPublicKey)).to.equal(rotated.record.boxPublicKey);
      expect(toB64(keys.boxPublicKey)).to.not.equal(retiredBox);
    });

    it('refuses the retired epoch when a peer names it current but publishes its successor record', async () => {
      const edited = { ...rotated.keyStatus, currentEpoch: 1, wraps: [], vouchers: fixture.vouchers };
      const { network, client } = setup(
        { orgKeyStatus: { Org1MSP: fixture.keyStatus, Org2MSP: edited } },
        {},
        rotated,
      );
      const error = await trustRejection(client.evaluate('getBalance', {}));
      expect(error.code).to.equal('KEYS_UNAVAILABLE');
      const [failure] = error.failures;
      expect(failure?.mspId).to.equal('Org2MSP');
      expect(failure?.rule).to.equal('key-status-statement');
      expect(failure?.reason).to.contain('reads a key record after epoch 1');
      expect(network.requests).to.deep.equal([]);
      expect(client.lastTransactionId).to.equal(undefined);
    });

    it('fails closed naming the org whose peer does not answer, even with the keys verified a moment before', async () => {
      const answers: Record<string, Error> = {};
      const { network, client } = setup({ orgKeyStatus: answers }, { keyStatusTtlMs: 0 });
      await client.evaluate('a', {});
      answers.Org2MSP = new Error('14 UNAVAILABLE: No connection established');
      const error = await trustRejection(client.evaluate('b', {}));
      expect(error.code).to.equal('KEYS_UNAVAILABLE');
      expect(error.failures.map((f) => f.mspId)).to.deep.equal(['Org2MSP']);
      expect(error.message).to.contain('key status from Org2MSP').and.contain('UNAVAILABLE');
      expect(network.requests.map((r) => r.body.fn)).to.deep.equal(['a']);
    });

    it('fails closed naming the org whose peer does not answer the registry', async () => {
      const { network, client } = setup({
        orgRegistry: { Org2MSP: new EcarError('INTERNAL', 'state database unavailable') },
      });
      const error = await trustRejection(client.evaluate('a', {}));
      expect(error.failures[0]?.subject).to.equal('enclave registry from Org2MSP');
      expect(network.requests).to.deep.equal([]);
    });

    it('fails closed when two orgs serve different key records for the current epoch', async () => {
      const other = rotatedFixture(fixture);
      const { network, client } = setup({ orgKeyStatus: { Org2MSP: other.keyStatus } }, {}, rotated);
      const error = await trustRejection(client.evaluate('a', {}));
      const [failure] = error.failures;
      expect(failure?.mspId).to.equal('Org2MSP');
      expect(failure?.reason).to.contain('differs from the one the other orgs');
      expect(network.requests).to.deep.equal([]);
    });

    it("fails closed when the gateway's registry omits an org whose enclaves another org's peer lists", async () => {
      const [org1] = fixture.registry;
      const { network, client } = setup({ gatewayRegistry: org1 === undefined ? [] : [org1] });
      const error = await trustRejection(client.evaluate('a', {}));
      expect(error.failures.map((f) => f.mspId)).to.deep.equal(['Org2MSP']);
      expect(network.reads).to.not.include(`${Confidential.attestedKeyStatus}@Org2MSP`);
      expect(network.requests).to.deep.equal([]);
    });

    it("does not reuse a cached judgement when the gateway's registry omits an org it rested on", async () => {
      const cache = new TrustCache();
      await setup({}, { trustCache: cache }).client.evaluate('a', {});
      const [org1] = fixture.registry;
      // org1's gateway hides org2 and serves the (still cached) epoch alone
      const { network, client } = setup(
        { gatewayRegistry: org1 === undefined ? [] : [org1] },
        { trustCache: cache },
      );
      const error = await trustRejection(client.evaluate('b', {}));
      expect(error.failures.map((f) => f.mspId)).to.deep.equal(['Org2MSP']);
      expect(network.requests).to.deep.equal([]);
    });
  });

  describe('trustedKeys against a lying gateway (signed key status)', () => {
    const rotated = rotatedFixture(fixture);
    type Relay = NonNullable<FakeEnclaveOptions['relaySignedKeyStatus']>[string];

    /** The gateway lies about Org2MSP's answer only; Org1MSP's (its own org's) is relayed as it is. */
    async function lieAboutOrg2(
      relay: Relay,
      data: ConfidentialFixture = fixture,
    ): Promise<{ error: EnclaveTrustError; network: FakeConfidentialNetwork }> {
      const { network, client } = setup({ relaySignedKeyStatus: { Org2MSP: relay } }, {}, data);
      const error = await trustRejection(client.evaluate('getBalance', {}));
      return { error, network };
    }

    const org2Reasons = (error: EnclaveTrustError): string[] =>
      error.failures.filter((f) => f.mspId === 'Org2MSP').map((f) => f.reason);

    it("refuses a statement the gateway altered (another epoch in org2's statement): the signature no longer verifies", async () => {
      const { error, network } = await lieAboutOrg2(
        (genuine) => ({
          ...genuine,
          statement: { ...genuine.statement, currentEpoch: 1 },
          keyStatus: fixture.keyStatus,
        }),
        rotated,
      );
      expect(error.code).to.equal('KEYS_UNAVAILABLE');
      expect(error.failures[0]?.rule).to.equal('key-status-statement');
      expect(org2Reasons(error).join('; ')).to.contain('signature does not verify');
      expect(network.requests).to.deep.equal([]);
    });

    it('refuses a genuine statement served with another key status (the retired one): altered in transit', async () => {
      const { error } = await lieAboutOrg2(
        (genuine) => ({ ...genuine, keyStatus: fixture.keyStatus }),
        rotated,
      );
      expect(org2Reasons(error).join('; ')).to.contain('not the one the enclave signed');
    });

    it("refuses org2's genuine statement of an earlier read (a replay of the retired epoch)", async () => {
      const captured: unknown[] = [];
      const before = setup({
        relaySignedKeyStatus: {
          Org2MSP: (genuine) => {
            captured.push(genuine);
            return genuine;
          },
        },
      });
      await before.client.evaluate('a', {});
      const [old] = captured;
      // the keys rotated since; the gateway serves org2's statement of epoch 1 from the earlier read
      const { error, network } = await lieAboutOrg2(() => old, rotated);
      expect(org2Reasons(error).join('; ')).to.contain('another challenge (a replayed statement)');
      expect(network.requests).to.deep.equal([]);
    });

    it("refuses org1's enclave answering the read aimed at org2 (all targeted reads routed to one org)", async () => {
      const org1 = fixture.enclaves.find((e) => e.mspId === 'Org1MSP');
      if (org1 === undefined) throw new Error('fixture: no enclave of Org1MSP');
      const { error } = await lieAboutOrg2((genuine, challenge) =>
        signKeyStatus(
          {
            channel: genuine.statement.channel,
            chaincode: genuine.statement.chaincode,
            mspId: 'Org1MSP',
            enclave: org1.id,
            challenge,
            keyStatus: genuine.keyStatus,
          },
          org1.signing.seed,
        ),
      );
      expect(org2Reasons(error).join('; ')).to.contain('not of Org2MSP (a misrouted read)');
    });

    it('refuses a well-signed statement for org2 by an enclave key that is not in the registry', async () => {
      const rogue = signingKeyPair();
      const { error, network } = await lieAboutOrg2((genuine, challenge) =>
        signKeyStatus(
          {
            channel: genuine.statement.channel,
            chaincode: genuine.statement.chaincode,
            mspId: 'Org2MSP',
            enclave: toHex(rogue.publicKey),
            challenge,
            keyStatus: genuine.keyStatus,
          },
          rogue.seed,
        ),
      );
      const failure = error.failures.find((f) => f.enclave === toHex(rogue.publicKey));
      expect(failure?.reason).to.contain('not in the registry you verified');
      expect(error.message).to.contain('signed the key status, the policy needs 2');
      expect(network.requests).to.deep.equal([]);
    });

    it('refuses the rogue signer on the cached path too: a verified epoch is not reused for it', async () => {
      const cache = new TrustCache();
      await setup({}, { trustCache: cache }).client.evaluate('a', {});
      const rogue = signingKeyPair();
      const { network, client } = setup(
        {
          relaySignedKeyStatus: {
            Org2MSP: (genuine, challenge) =>
              signKeyStatus(
                {
                  ...genuine.statement,
                  enclave: toHex(rogue.publicKey),
                  challenge,
                  keyStatus: genuine.keyStatus,
                },
                rogue.seed,
              ),
          },
        },
        { trustCache: cache },
      );
      const error = await trustRejection(client.evaluate('b', {}));
      expect(error.failures.map((f) => f.rule)).to.include('key-status-statement');
      expect(network.requests).to.deep.equal([]);
    });

    it("refuses an unsigned key status where org2's signed one was asked for", async () => {
      const { error } = await lieAboutOrg2((genuine) => genuine.keyStatus);
      expect(org2Reasons(error).join('; ')).to.contain('not a signed key status');
    });
  });

  describe('evaluate with confirmOrgs (read-set digests)', () => {
    const digest = (c: string): string => c.repeat(64);

    it("runs the same call on the named org's peer and answers when both enclaves read the same state", async () => {
      const { network, client } = setup({ readSet: () => digest('a') });
      const answer = await client.evaluate('getBalance', {}, { confirmOrgs: ['Org2MSP'] });
      expect(answer).to.deep.equal({ fn: 'getBalance', args: {} });
      expect(network.requests.map((r) => r.org)).to.deep.equal([undefined, 'Org2MSP']);
      // one call, one nonce: a confirmation is the same read, not a second call
      expect(network.requests[1]?.body.nonce).to.equal(network.requests[0]?.body.nonce);
    });

    it('throws INVALID_STATE (read-set-mismatch) naming the org whose enclave read other state', async () => {
      const { client } = setup({ readSet: (org) => digest(org === 'Org2MSP' ? 'b' : 'a') });
      const error = await ecarRejection(client.evaluate('getBalance', {}, { confirmOrgs: ['Org2MSP'] }));
      expect(error.code).to.equal('INVALID_STATE');
      expect(error.details).to.include({ rule: 'read-set-mismatch', mspId: 'Org2MSP' });
      expect(error.reason).to.contain('other state');
    });

    it('throws INVALID_STATE when an enclave does not report what it read (nothing to compare)', async () => {
      const { client } = setup({ readSet: (org) => (org === undefined ? digest('a') : undefined) });
      const error = await ecarRejection(client.evaluate('getBalance', {}, { confirmOrgs: ['Org2MSP'] }));
      expect(error.details.rule).to.equal('read-set-mismatch');
      expect(error.reason).to.contain('did not report');
    });

    it('throws INVALID_STATE when the results differ over the same read set', async () => {
      let calls = 0;
      const { client } = setup({
        readSet: () => digest('a'),
        handler: () => {
          calls += 1;
          return { balance: calls };
        },
      });
      const error = await ecarRejection(client.evaluate('getBalance', {}, { confirmOrgs: ['Org2MSP'] }));
      expect(error.reason).to.contain('differs');
    });

    it('asks nobody else without confirmOrgs', async () => {
      const { network, client } = setup({ readSet: () => digest('a') });
      await client.evaluate('getBalance', {});
      expect(network.requests.map((r) => r.org)).to.deep.equal([undefined]);
    });
  });

  describe('whoami', () => {
    it('answers the wallet caller id the enclave runs calls as, without a ledger call', async () => {
      const { network, client } = setup();
      expect(await client.whoami()).to.equal(`w:${Buffer.from(wallet.publicKey).toString('hex')}`);
      expect(network.reads).to.deep.equal([]);
    });
  });
});

/** Compile-time check: a fabric-gateway Network is what the client takes (no adapter needed). */
export const gatewayNetworkFits = (network: Network): NetworkPort => network;

describe('answerError', () => {
  const context = {
    secrets: { sharedKey: new Uint8Array(32).fill(1), envelopeText: '{}' },
    txId: 'ab'.repeat(32),
    epoch: 1,
    receiptPublicKey: signingKeyPair(fixture.secrets.receiptSeed).publicKey,
  };

  it('maps a plain CODE: reason (an enclave that could not seal) to that EcarError', () => {
    const error = answerError(endorseError(context.txId, 'REPLAY: this request was already used'), context);
    expect(error).to.be.instanceOf(EcarError);
    expect((error as EcarError).code).to.equal('REPLAY');
  });

  it('maps a sealed refusal with a code the client does not know to CONFIDENTIAL_ERROR', () => {
    const sealed = sealResponse(
      { ok: false, code: 'NEW_RULE', message: 'a rule this client predates' },
      { ...context.secrets, txId: context.txId, epoch: 1, receiptSeed: fixture.secrets.receiptSeed },
    );
    const error = answerError(
      endorseError(context.txId, `CONFIDENTIAL_ERROR: ${sealed}`),
      context,
    ) as EcarError;
    expect(error.code).to.equal('CONFIDENTIAL_ERROR');
    expect(error.reason).to.equal('NEW_RULE: a rule this client predates');
  });

  it('returns a network failure unchanged', () => {
    const failure = new Error('14 UNAVAILABLE: connection refused');
    expect(answerError(failure, context)).to.equal(failure);
  });
});
