// The confidential entry point: sealed requests in, sealed responses out, byte-identical on every
// endorsing enclave, with replay, binding and signature checks before anything runs.
import { expect } from 'chai';
import type { EnclaveRuntime } from '../../../chaincode/src/enclave/runtime';
import { eventIdHash } from '../../../chaincode/src/enclave/confidential-events';
import type { SimulatedPlatform } from '../../../chaincode/src/protocol/attestation/simulated';
import { fromB64 } from '../../../chaincode/src/protocol/confidential/encoding';
import { sealRequest, SEALED_ERROR_PREFIX } from '../../../chaincode/src/protocol/confidential/envelope';
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
  provision,
  testPlatform,
  testRuntime,
  TestWallet,
} from '../../support/enclave-harness';
import { T0 } from '../../support/ledger';

async function failure(promise: Promise<unknown>): Promise<EcarError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof EcarError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

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

  it('refuses a replayed request (REPLAY) and writes nothing', async () => {
    const request = operator.request(record, 'setParams', { feeBps: 700 });
    await network.submit((tx) => org1.run(tx, 'submit', request.envelope));
    const before = network.ledger.dump();
    const error = await failure(network.submit((tx) => org2.run(tx, 'submit', request.envelope)));
    expect(error.code).to.equal('REPLAY');
    expect(network.ledger.dump()).to.equal(before);
  });

  it('refuses a request bound to another channel, chaincode or epoch', async () => {
    for (const overrides of [{ channel: 'other' }, { chaincode: 'other' }]) {
      const request = operator.request(record, 'getParams', {}, overrides);
      const error = await failure(network.evaluate((tx) => org1.run(tx, 'evaluate', request.envelope)));
      expect(error.code).to.equal('ENVELOPE_INVALID');
    }
    const nextEpoch = operator.request(record, 'getParams', {}, { epoch: 2 });
    const error = await failure(network.evaluate((tx) => org1.run(tx, 'evaluate', nextEpoch.envelope)));
    expect(error.code).to.equal('ENVELOPE_INVALID');
    expect(error.message).to.include('epoch');
  });

  it('refuses a request from another channel’s transaction (stub channel id)', async () => {
    const request = operator.request(record, 'getParams', {});
    const error = await failure(
      network.evaluate((tx) => org1.run(tx, 'evaluate', request.envelope), { channel: 'other' }),
    );
    expect(error.code).to.equal('ENVELOPE_INVALID');
    expect(error.message).to.include('channel');
  });

  it('refuses an expired request', async () => {
    const request = operator.request(record, 'getParams', {}, { notAfter: T0 - 1 });
    const error = await failure(network.evaluate((tx) => org1.run(tx, 'evaluate', request.envelope)));
    expect(error.code).to.equal('ENVELOPE_INVALID');
    expect(error.message).to.include('expired');
  });

  it('refuses a request whose wallet signature does not verify', async () => {
    const impostor = signingKeyPair();
    const { envelopeText } = sealRequest(
      {
        v: 1,
        channel: CHANNEL,
        chaincode: CHAINCODE,
        epoch: 1,
        fn: 'getBalance',
        args: {},
        wallet: Buffer.from(operator.keys.publicKey).toString('base64'),
        nonce: Buffer.alloc(16, 3).toString('base64'),
        notAfter: T0 + 60_000,
      },
      impostor,
      fromB64(record.boxPublicKey, 'box key', 'INTERNAL', 32),
    );
    const error = await failure(network.evaluate((tx) => org1.run(tx, 'evaluate', envelopeText)));
    expect(error.code).to.equal('ENVELOPE_INVALID');
    expect(error.message).to.include('signature');
  });

  it('refuses what is not an envelope with ENVELOPE_INVALID', async () => {
    for (const junk of ['', 'null', '{"v":1}', 'x'.repeat(100)]) {
      const error = await failure(network.evaluate((tx) => org1.run(tx, 'evaluate', junk)));
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
    const error = await failure(org1.run(tx, 'submit', request.envelope));
    expect(error.code).to.equal('CONFIDENTIAL_ERROR');
    expect(error.message.startsWith(SEALED_ERROR_PREFIX)).to.equal(true);
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

  it('emits events whose values are hashes (the transaction id stays)', async () => {
    const request = issuer.request(record, 'mint', {
      account: host.callerId,
      amount: '5000',
      paymentRef: 'psp-42',
    });
    const { tx, events } = network.makeTx();
    await org1.run(tx, 'submit', request.envelope);
    expect(events).to.have.length(1);
    const payload = JSON.parse(events[0]?.payload ?? '{}') as Record<string, string>;
    expect(events[0]?.name).to.equal('TokensMinted');
    expect(payload.paymentRef).to.equal(eventIdHash('paymentRef', 'psp-42'));
    expect(payload.txId).to.equal(tx.clock.txId);
    expect(events[0]?.payload).not.to.include('psp-42');
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
