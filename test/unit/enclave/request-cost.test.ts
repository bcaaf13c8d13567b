// Micro-benchmark: the enclave's CPU cost per confidential request (open + binding + nonce + dispatch
// over sealed state + seal + receipt), measured over pre-built envelopes so client work is excluded.
// Prints one line with the medians; asserts only a generous bound so a slow machine does not fail it.
import { expect } from 'chai';
import type { EnclaveRuntime } from '../../../chaincode/src/enclave/runtime';
import {
  openRequest,
  parseEnvelope,
  sealResponse,
} from '../../../chaincode/src/protocol/confidential/envelope';
import type { KeyRecord } from '../../../chaincode/src/protocol/confidential/key-record';
import { paramsArgs } from '../../support/builders';
import {
  EnclaveTestNetwork,
  provision,
  testPlatform,
  testRuntime,
  TestWallet,
} from '../../support/enclave-harness';

const RUNS = 200;

function cpuMicros(run: () => void): number {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

async function cpuMicrosAsync(run: () => Promise<unknown>): Promise<number> {
  const start = process.cpuUsage();
  await run();
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

describe('confidential request cost (micro-benchmark)', () => {
  let network: EnclaveTestNetwork;
  let enclave: EnclaveRuntime;
  let record: KeyRecord;
  const operator = new TestWallet();
  const issuer = new TestWallet();
  const driver = new TestWallet();

  before(async () => {
    const platform = testPlatform();
    network = new EnclaveTestNetwork();
    enclave = testRuntime({ platform });
    record = await provision(network, platform, [enclave], operator.callerId);
    const init = operator.request(record, 'initialize', { ...paramsArgs(), issuer: issuer.callerId });
    await network.submit((tx) => enclave.run(tx, 'submit', init.envelope));
    const mint = issuer.request(record, 'mint', {
      account: driver.callerId,
      amount: '100000',
      paymentRef: 'p-0',
    });
    await network.submit((tx) => enclave.run(tx, 'submit', mint.envelope));
  });

  it(`costs well under 50 ms of CPU per request (median of ${RUNS})`, async () => {
    const reads = Array.from({ length: RUNS }, () => driver.request(record, 'getBalance', {}));
    const writes = Array.from({ length: RUNS }, (_, i) =>
      issuer.request(record, 'mint', { account: driver.callerId, amount: '1', paymentRef: `bench-${i}` }),
    );
    const secrets = (await network.evaluate((tx) => enclave.keys.bundleFor(tx.state, 1))).epochs.get(1);
    if (secrets === undefined) throw new Error('no epoch 1');

    const evaluateCost: number[] = [];
    for (const request of reads) {
      evaluateCost.push(
        await cpuMicrosAsync(() => network.evaluate((tx) => enclave.run(tx, 'evaluate', request.envelope))),
      );
    }
    const submitCost: number[] = [];
    for (const request of writes) {
      // endorsement only (not committed): each mint reads the same state, as concurrent proposals do
      submitCost.push(
        await cpuMicrosAsync(() => network.evaluate((tx) => enclave.run(tx, 'submit', request.envelope))),
      );
    }
    const openCost = reads.map((request) =>
      cpuMicros(() => openRequest(parseEnvelope(request.envelope), secrets.boxSecretKey)),
    );
    const opened = openRequest(parseEnvelope(reads[0]?.envelope ?? ''), secrets.boxSecretKey);
    const sealCost = reads.map((request, i) =>
      cpuMicros(() =>
        sealResponse(
          { ok: true, result: { account: driver.callerId, purchased: '100000', earned: '0', held: '0' } },
          {
            sharedKey: opened.sharedKey,
            envelopeText: request.envelope,
            txId: `bench-${i}`,
            epoch: 1,
            receiptSeed: secrets.receiptSeed,
          },
        ),
      ),
    );

    const ms = (micros: number): string => (micros / 1000).toFixed(2);
    console.log(
      `      enclave CPU per request (median of ${RUNS}): evaluate getBalance ${ms(median(evaluateCost))} ms, ` +
        `submit mint ${ms(median(submitCost))} ms; of which open+signature check ${ms(median(openCost))} ms, ` +
        `seal+receipt ${ms(median(sealCost))} ms`,
    );
    expect(median(evaluateCost)).to.be.below(50_000);
    expect(median(submitCost)).to.be.below(50_000);
  });
});
