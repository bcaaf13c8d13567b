// The confidential entry point: sealed requests in, sealed responses out, byte-identical on every
// endorsing enclave, with replay, binding and signature checks before anything runs.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import type { EnclaveRuntime } from '../../../chaincode/src/enclave/runtime';
import {
  CONFIDENTIAL_EVENT_NAME,
  EVENT_TAG_SLOTS,
} from '../../../chaincode/src/protocol/confidential/event-tags';
import type { SimulatedPlatform } from '../../../chaincode/src/enclave/simulated-platform';
import { fromB64 } from '../../../chaincode/src/protocol/confidential/encoding';
import {
  extractSealedError,
  PROTOCOL_VERSION,
  sealRequest,
  SEALED_ERROR_PREFIX,
  submitterBinding,
  type RequestSecrets,
  type ResponsePayload,
} from '../../../chaincode/src/protocol/confidential/envelope';
import type { KeyRecord } from '../../../chaincode/src/protocol/confidential/key-record';
import { signingKeyPair } from '../../../chaincode/src/protocol/confidential/primitives';
import { EcarError } from '../../../chaincode/src/protocol/errors';
import { ISSUER, paramsArgs, stationArgs } from '../../support/builders';
import {
  callAndOpen,
  CHAINCODE,
  CHANNEL,
  EnclaveTestNetwork,
  openAnswer,
  enclaveClock,
  provision,
  TEST_SUBMITTER,
  testPlatform,
  testRuntime,
  TestWallet,
} from '../../support/enclave-harness';
import { T0 } from '../../support/ledger';
import { ecarRejection } from '../../support/rejection';

describe('confidential entry point (submit / evaluate)', () => {
  let platform: SimulatedPlatform;
  let network: EnclaveTestNetwork;
  let org1: EnclaveRuntime;
  let org2: EnclaveRuntime;
  let record: KeyRecord;
  const operator = new TestWallet();
  const issuer = new TestWallet();
  const host = new TestWallet();

  before(async () => {
    platform = testPlatform();
    network = new EnclaveTestNetwork();
    org1 = testRuntime({ platform, mspId: 'Org1MSP' });
    org2 = testRuntime({ platform, mspId: 'Org2MSP' });
    record = await provision(network, platform, [org1, org2], operator.callerId);
    const init = operator.request(record, 'initialize', { ...paramsArgs(), issuer: issuer.callerId });
    await network.submit((tx) => org1.run(tx, 'submit', init.envelope));
  });

  it('answers byte-identically on two enclaves for the same request and transaction id', async () => {
    const request = host.request(record, 'registerStation', { ...stationArgs(), stationId: 'st-det' });
    const txId = network.nextTxId();
    const first = network.makeTx({ txId });
    const second = network.makeTx({ txId });
    const answer1 = await org1.run(first.tx, 'submit', request.envelope);
    const answer2 = await org2.run(second.tx, 'submit', request.envelope);
    expect(answer2).to.equal(answer1);
    expect(second.raw.writeSet()).to.deep.equal(first.raw.writeSet());
    expect(second.raw.reads).to.deep.equal(first.raw.reads);
    expect(second.events).to.deep.equal(first.events);
    const opened = openAnswer(answer1, request.secrets, txId, record);
    expect(opened).to.deep.include({ ok: true });
  });

  /** Runs a request and returns the refusal the enclave sealed and signed (failing if it answered). */
  async function sealedRefusal(
    request: { envelope: string; secrets: RequestSecrets },
    options: Readonly<{
      kind?: 'submit' | 'evaluate';
      channel?: string;
      certHash?: string;
      mspId?: string;
    }> = {},
  ): Promise<Extract<ResponsePayload, { ok: false }>> {
    const txId = network.nextTxId();
    const kind = options.kind ?? 'evaluate';
    const { channel, certHash, mspId } = options;
    const txOptions = {
      txId,
      ...(channel === undefined ? {} : { channel }),
      ...(certHash === undefined ? {} : { certHash }),
      ...(mspId === undefined ? {} : { mspId }),
    };
    const opened = await callAndOpen(
      () => network.submit((tx) => org1.run(tx, kind, request.envelope), txOptions),
      request.secrets,
      txId,
      record,
    );
    if (opened.ok) throw new Error('expected a sealed refusal');
    return opened;
  }

  it('refuses a replayed request with a signed REPLAY naming the transaction that used it, and writes nothing', async () => {
    const request = operator.request(record, 'setParams', { feeBps: 700 });
    const firstTx = network.nextTxId();
    await network.submit((tx) => org1.run(tx, 'submit', request.envelope), { txId: firstTx });
    const before = network.ledger.dump();
    const refusal = await sealedRefusal(request, { kind: 'submit' });
    expect(refusal.code).to.equal('REPLAY');
    expect(refusal.details).to.deep.equal({ consumedBy: firstTx });
    expect(network.ledger.dump()).to.equal(before);
  });

  it('refuses a request bound to another channel, chaincode or epoch', async () => {
    for (const overrides of [{ channel: 'other' }, { chaincode: 'other' }]) {
      const refusal = await sealedRefusal(operator.request(record, 'getParams', {}, overrides));
      expect(refusal.code).to.equal('ENVELOPE_INVALID');
    }
    // an epoch ahead of the ledger's cannot be opened here: a plain refusal
    const nextEpoch = operator.request(record, 'getParams', {}, { epoch: 2 });
    const error = await ecarRejection(network.evaluate((tx) => org1.run(tx, 'evaluate', nextEpoch.envelope)));
    expect(error.code).to.equal('ENVELOPE_INVALID');
    expect(error.message).to.include('epoch');
  });

  it('refuses a request from another channel’s transaction (stub channel id)', async () => {
    const refusal = await sealedRefusal(operator.request(record, 'getParams', {}), { channel: 'other' });
    expect(refusal.code).to.equal('ENVELOPE_INVALID');
    expect(refusal.message).to.include('channel');
  });

  it('refuses an expired request', async () => {
    const refusal = await sealedRefusal(operator.request(record, 'getParams', {}, { notAfter: T0 - 1 }));
    expect(refusal.code).to.equal('ENVELOPE_INVALID');
    expect(refusal.message).to.include('expired');
  });

  describe('attack: a peer that captured an envelope submits it under its own identity', () => {
    it('is refused (the wallet bound another submitter) and nothing is written', async () => {
      const request = issuer.request(record, 'mint', {
        account: host.callerId,
        amount: '700',
        paymentRef: 'psp-captured',
      });
      const before = network.ledger.dump();
      for (const thief of [
        { mspId: 'Org2MSP' },
        { certHash: submitterBinding('Org1MSP', new TextEncoder().encode('peer admin')).certHash },
      ]) {
        const refusal = await sealedRefusal(request, { kind: 'submit', ...thief });
        expect(refusal.code).to.equal('ENVELOPE_INVALID');
        expect(refusal.message).to.include('submit');
      }
      expect(network.ledger.dump()).to.equal(before);
      // the wallet's own submitter still can
      await network.submit((tx) => org1.run(tx, 'submit', request.envelope));
    });
  });

  describe('attack: a hand-made proposal with a forged transaction time', () => {
    afterEach(() => {
      enclaveClock.nowMs = undefined;
    });

    for (const [label, offsetMs] of [
      ['two days ahead', 2 * 86_400_000],
      ['an hour back', -3_600_000],
      ['61 s ahead', 61_000],
    ] as const) {
      it(`refuses a time ${label} of the enclave's clock with CLOCK_SKEW, before anything runs`, async () => {
        enclaveClock.nowMs = T0;
        const forged = T0 + offsetMs;
        const request = operator.request(record, 'setParams', { feeBps: 900 }, {}, forged);
        const { tx, raw } = network.makeTx({ nowMs: forged });
        const error = await ecarRejection(
          Promise.resolve().then(() =>
            org1.run({ ...tx, clock: org1.trustedClock(tx.clock) }, 'submit', request.envelope),
          ),
        );
        expect(error.code).to.equal('CLOCK_SKEW');
        expect(error.details.skewMs).to.equal(60_000);
        expect(raw.writes.size).to.equal(0);
      });
    }

    it('accepts a time within the window and hands the window to the domain as its deadline margin', () => {
      enclaveClock.nowMs = T0;
      const clock = org1.trustedClock({ nowMs: T0 + 59_000, txId: 'tx-skew' });
      expect(clock).to.deep.equal({ nowMs: T0 + 59_000, txId: 'tx-skew', skewMs: 60_000 });
    });
  });

  describe('attack: a peer re-runs a captured request with the same transaction id against edited state', () => {
    it('gets its answers under different nonces, so XOR of two answers reveals nothing', async () => {
      const request = host.request(record, 'getBalance', {});
      const txId = network.nextTxId();
      const honest = JSON.parse(
        await network.evaluate((tx) => org1.run(tx, 'evaluate', request.envelope), { txId }),
      ) as { n: string; ct: string };
      // the peer admin deletes every sealed record in its own state database and re-runs the proposal
      const edited = new EnclaveTestNetwork();
      for (const [key, value] of network.ledger.committed) {
        if (!key.startsWith('s/')) edited.ledger.committed.set(key, value);
      }
      let forgedText: string;
      try {
        forgedText = await edited.evaluate((tx) => org1.run(tx, 'evaluate', request.envelope), { txId });
      } catch (error) {
        const sealed = error instanceof EcarError ? extractSealedError(error.message) : undefined;
        if (sealed === undefined) throw error;
        forgedText = sealed;
      }
      const forged = JSON.parse(forgedText) as { n: string; ct: string };
      expect(forged.ct).not.to.equal(honest.ct);
      expect(forged.n, 'two different answers under one nonce').not.to.equal(honest.n);
      // both still open for the client, each under its own nonce
      expect(openAnswer(JSON.stringify(honest), request.secrets, txId, record).ok).to.equal(true);
    });
  });

  it('refuses a request whose wallet signature does not verify', async () => {
    const impostor = signingKeyPair();
    const { envelopeText } = sealRequest(
      {
        v: PROTOCOL_VERSION,
        channel: CHANNEL,
        chaincode: CHAINCODE,
        epoch: 1,
        fn: 'getBalance',
        args: {},
        wallet: Buffer.from(operator.keys.publicKey).toString('base64'),
        nonce: Buffer.alloc(16, 3).toString('base64'),
        notAfter: T0 + 60_000,
        submitter: TEST_SUBMITTER,
      },
      impostor,
      fromB64(record.boxPublicKey, 'box key', 'INTERNAL', 32),
    );
    const error = await ecarRejection(network.evaluate((tx) => org1.run(tx, 'evaluate', envelopeText)));
    expect(error.code).to.equal('ENVELOPE_INVALID');
    expect(error.message).to.include('signature');
  });

  it('refuses what is not an envelope with ENVELOPE_INVALID', async () => {
    for (const junk of ['', 'null', '{"v":1}', 'x'.repeat(100)]) {
      const error = await ecarRejection(network.evaluate((tx) => org1.run(tx, 'evaluate', junk)));
      expect(error.code).to.equal('ENVELOPE_INVALID');
    }
  });

  it('seals a domain refusal so only the client reads it, and writes nothing', async () => {
    const request = host.request(record, 'mint', {
      account: host.callerId,
      amount: '100',
      paymentRef: 'p-1',
    });
    const txId = network.nextTxId();
    const { tx, raw } = network.makeTx({ txId });
    const error = await ecarRejection(org1.run(tx, 'submit', request.envelope));
    expect(error.code).to.equal('CONFIDENTIAL_ERROR');
    expect(error.message.slice(0, SEALED_ERROR_PREFIX.length)).to.equal(SEALED_ERROR_PREFIX);
    expect(error.message).not.to.include('FORBIDDEN');
    expect(error.message).not.to.include('issuer');
    expect(raw.writes.size).to.be.greaterThan(0); // the nonce, which Fabric discards with the failed proposal
    const opened = await callAndOpen(
      () => org2.run(network.makeTx({ txId }).tx, 'submit', request.envelope),
      request.secrets,
      txId,
      record,
    );
    expect(opened).to.deep.include({ ok: false, code: 'FORBIDDEN' });
  });

  it('refuses a write function called as evaluate (sealed INVALID_ARGUMENT)', async () => {
    const request = operator.request(record, 'setParams', { feeBps: 1 });
    const txId = network.nextTxId();
    const opened = await callAndOpen(
      () => network.evaluate((tx) => org1.run(tx, 'evaluate', request.envelope), { txId }),
      request.secrets,
      txId,
      record,
    );
    expect(opened).to.deep.include({ ok: false, code: 'INVALID_ARGUMENT' });
  });

  it('runs as the wallet: the caller id is w:<hex of the wallet key>', async () => {
    const request = host.request(record, 'getBalance', {});
    const txId = network.nextTxId();
    const opened = await callAndOpen(
      () => network.evaluate((tx) => org2.run(tx, 'evaluate', request.envelope), { txId }),
      request.secrets,
      txId,
      record,
    );
    expect(opened.ok).to.equal(true);
    expect(opened.ok && (opened.result as { account: string }).account).to.equal(host.callerId);
  });

  it('emits one event shape whatever ran: keyed tags only, no name, id or plain hash of an id', async () => {
    const request = issuer.request(record, 'mint', {
      account: host.callerId,
      amount: '5000',
      paymentRef: 'psp-42',
    });
    const { tx, events } = network.makeTx();
    await org1.run(tx, 'submit', request.envelope);
    expect(events).to.have.length(1);
    expect(events[0]?.name).to.equal(CONFIDENTIAL_EVENT_NAME);
    const payload = JSON.parse(events[0]?.payload ?? '{}') as { tags: string[] };
    expect(Object.keys(payload)).to.deep.equal(['tags']);
    expect(payload.tags).to.have.length(EVENT_TAG_SLOTS);
    for (const tag of payload.tags) expect(tag).to.match(/^[0-9a-f]{32}$/);
    const text = events[0]?.payload ?? '';
    for (const clear of ['psp-42', 'TokensMinted', tx.clock.txId, host.callerId.slice(2)]) {
      expect(text, `event holds ${clear}`).not.to.include(clear);
    }
    // an unkeyed hash of the payment reference (what anyone could compute) is not there either
    const unkeyed = createHash('sha256').update('psp-42').digest('hex');
    expect(text).not.to.include(unkeyed.slice(0, 32));
  });

  it('answers ok:true with the issuer set by initialize (round trip through sealed state)', async () => {
    const request = operator.request(record, 'getParams', {});
    const txId = network.nextTxId();
    const answer = await network.evaluate((tx) => org2.run(tx, 'evaluate', request.envelope), { txId });
    const opened = openAnswer(answer, request.secrets, txId, record);
    expect(opened.ok && (opened.result as { issuer: string }).issuer).to.equal(issuer.callerId);
    expect(ISSUER).not.to.equal(issuer.callerId);
  });
});
