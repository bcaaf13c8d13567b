// The read-set digest in the receipt-covered answer, with the real enclave runtimes of two orgs: equal
// state gives equal digests on both enclaves, a peer serving older state to its genuine enclave gives
// another digest, and writes pass through the recorder unchanged.
import { expect } from 'chai';
import type { EnclaveRuntime } from '../../../chaincode/src/enclave/runtime';
import { ReadSetRecorder } from '../../../chaincode/src/enclave/read-set';
import type { SimulatedPlatform } from '../../../chaincode/src/enclave/simulated-platform';
import type { ResponsePayload } from '../../../chaincode/src/protocol/confidential/envelope';
import type { KeyRecord } from '../../../chaincode/src/protocol/confidential/key-record';
import { paramsArgs } from '../../support/builders';
import {
  EnclaveTestNetwork,
  MemoryLedger,
  openAnswer,
  provision,
  testPlatform,
  testRuntime,
  TestWallet,
} from '../../support/enclave-harness';

type Answer = Extract<ResponsePayload, { ok: true }>;

describe('read-set digest', () => {
  let platform: SimulatedPlatform;
  let network: EnclaveTestNetwork;
  let org1: EnclaveRuntime;
  let org2: EnclaveRuntime;
  let record: KeyRecord;
  const operator = new TestWallet();

  before(async () => {
    platform = testPlatform();
    network = new EnclaveTestNetwork();
    org1 = testRuntime({ platform, mspId: 'Org1MSP' });
    org2 = testRuntime({ platform, mspId: 'Org2MSP' });
    record = await provision(network, platform, [org1, org2], operator.callerId);
    const init = operator.request(record, 'initialize', { ...paramsArgs(), issuer: operator.callerId });
    await network.submit((tx) => org1.run(tx, 'submit', init.envelope));
  });

  /** Evaluates one request on an enclave, over the committed state or the given snapshot of it. */
  async function evaluateOn(
    runtime: EnclaveRuntime,
    request: ReturnType<TestWallet['request']>,
    snapshot?: Map<string, Uint8Array>,
  ): Promise<Answer> {
    const { tx } = network.makeTx();
    const state = snapshot === undefined ? tx.state : snapshotLedger(snapshot).begin();
    const text = await runtime.run({ ...tx, state }, 'evaluate', request.envelope);
    const answer = openAnswer(text, request.secrets, tx.clock.txId, record);
    if (!answer.ok) throw new Error(`expected an answer, got ${answer.code}`);
    return answer;
  }

  function snapshotLedger(entries: Map<string, Uint8Array>): MemoryLedger {
    const ledger = new MemoryLedger();
    for (const [key, value] of entries) ledger.committed.set(key, value);
    return ledger;
  }

  it("is the same on both orgs' enclaves for one request over the same state (different transactions)", async () => {
    const request = operator.request(record, 'getParams', {});
    const first = await evaluateOn(org1, request);
    const second = await evaluateOn(org2, request);
    expect(first.readSet).to.match(/^[0-9a-f]{64}$/);
    expect(second.readSet).to.equal(first.readSet);
    expect(second.result).to.deep.equal(first.result);
  });

  it('differs when a peer serves its genuine enclave the state from before a committed change', async () => {
    const stale = new Map(network.ledger.committed);
    const change = operator.request(record, 'setParams', { feeBps: 777 });
    await network.submit((tx) => org1.run(tx, 'submit', change.envelope));
    const request = operator.request(record, 'getParams', {});
    const current = await evaluateOn(org1, request);
    const served = await evaluateOn(org2, request, stale);
    expect(served.readSet).to.not.equal(current.readSet);
    expect(JSON.stringify(served.result)).to.not.equal(JSON.stringify(current.result));
  });

  it('depends on what was read, in call order, and passes writes through', async () => {
    const ledger = new MemoryLedger();
    ledger.committed.set('a', new Uint8Array([1]));
    const digestOf = async (keys: readonly string[]): Promise<string> => {
      const recorder = new ReadSetRecorder(ledger.begin());
      for (const key of keys) await recorder.get(key);
      return recorder.digest();
    };
    expect(await digestOf(['a', 'b'])).to.equal(await digestOf(['a', 'b']));
    expect(await digestOf(['a', 'b'])).to.not.equal(await digestOf(['b', 'a']));
    const raw = ledger.begin();
    const recorder = new ReadSetRecorder(raw);
    const before = recorder.digest();
    await recorder.put('c', new Uint8Array([2]));
    expect(recorder.digest()).to.equal(before);
    expect(raw.writes.get('c')).to.deep.equal(new Uint8Array([2]));
  });
});
