// SealedStateStore: the domain runs over pseudonymous keys and sealed values with exactly the results
// it has over the plain store, and a peer's copy of the state shows no account id, amount or address.
import { expect } from 'chai';
import { SealedStateStore } from '../../../chaincode/src/enclave/sealed-store';
import { dispatch } from '../../../chaincode/src/domain/transactions';
import type { JsonValue, Ports, StateStore } from '../../../chaincode/src/ports';
import { extendBundle, type KeyBundle } from '../../../chaincode/src/protocol/confidential/key-record';
import {
  openRangeValue,
  parseSealedValue,
  pseudonymKey,
  sealValue,
} from '../../../chaincode/src/protocol/confidential/sealed-state';
import { EcarError } from '../../../chaincode/src/protocol/errors';
import { meterArgs, paramsArgs, stationArgs, testAccount } from '../../support/builders';
import { MemoryLedger } from '../../support/enclave-harness';
import { ocmfMeterVerifier } from '../../../chaincode/src/protocol/ocmf';
import { T0 } from '../../support/ledger';
import { MemoryStore } from '../../support/memory-store';

const OPERATOR = testAccount('0perator');
const ISSUER = testAccount('issuer');
const HOST = testAccount('host-anna');
const DRIVER = testAccount('driver-ben');
const AMOUNT = '987654321';

/** The same domain calls, each a committed transaction, against any store. */
const SCRIPT: readonly (readonly [caller: string, fn: string, args: unknown])[] = [
  [
    OPERATOR,
    'initialize',
    { ...paramsArgs(), issuer: ISSUER, holdMaximum: '9999999999', mintMaximum: '9999999999' },
  ],
  [ISSUER, 'mint', { account: DRIVER, amount: AMOUNT, paymentRef: 'psp-1' }],
  [ISSUER, 'mint', { account: HOST, amount: '5', paymentRef: 'psp-2' }],
  [HOST, 'registerStation', stationArgs({ stationId: 'st-b' })],
  [
    HOST,
    'registerStation',
    stationArgs({
      stationId: 'st-a',
      name: 'Carport',
      meter: meterArgs({ publicKey: 'b2'.repeat(32), serial: 'EMH-0002' }),
    }),
  ],
  [HOST, 'setPayoutDestination', { iban: 'DE89 3704 0044 0532 0130 00' }],
  [DRIVER, 'getBalance', {}],
  [HOST, 'getBalance', {}],
  [HOST, 'myStations', {}],
  [DRIVER, 'searchStations', { country: 'DE' }],
  [DRIVER, 'getStation', { stationId: 'st-a' }],
  [HOST, 'getStationAddress', { stationId: 'st-b' }],
  [OPERATOR, 'auditTotals', {}],
  [ISSUER, 'mint', { account: DRIVER, amount: AMOUNT, paymentRef: 'psp-1' }],
];

function ports(store: StateStore, caller: string, txId: string): Ports {
  return {
    store,
    caller: { id: caller },
    clock: { nowMs: T0, txId },
    events: { emit: () => undefined },
    meter: ocmfMeterVerifier,
  };
}

async function runScript(
  begin: (txId: string) => { store: StateStore; commit: () => void },
): Promise<JsonValue[]> {
  const results: JsonValue[] = [];
  for (const [index, [caller, fn, args]] of SCRIPT.entries()) {
    const txId = `tx${index}`;
    const { store, commit } = begin(txId);
    try {
      results.push(await dispatch(ports(store, caller, txId), fn, args));
      commit();
    } catch (error) {
      results.push({ error: error instanceof EcarError ? error.code : String(error) });
    }
  }
  return results;
}

function sealedLedger(bundle: KeyBundle): {
  ledger: MemoryLedger;
  begin: (txId: string) => { store: StateStore; commit: () => void };
} {
  const ledger = new MemoryLedger();
  return {
    ledger,
    begin: (txId) => {
      const raw = ledger.begin();
      return {
        store: new SealedStateStore(raw, { bundle, epoch: 1, txId }),
        commit: () => {
          raw.commit();
        },
      };
    },
  };
}

describe('SealedStateStore', () => {
  const { bundle } = extendBundle(undefined);

  it('gives the domain exactly the results of the plain store', async () => {
    const plain = new MemoryStore();
    const expected = await runScript(() => {
      const tx = plain.begin();
      return {
        store: tx,
        commit: () => {
          tx.commit();
        },
      };
    });
    const sealed = sealedLedger(bundle);
    expect(await runScript(sealed.begin)).to.deep.equal(expected);
    // the script really ran: only the replayed mint differs from a first call, nothing failed
    expect(expected.filter((result) => JSON.stringify(result).includes('"error"'))).to.deep.equal([]);
    expect(JSON.stringify(expected)).to.include(AMOUNT);
  });

  it('stores no account id, amount, station id or address in clear, in keys or values', async () => {
    const sealed = sealedLedger(bundle);
    await runScript(sealed.begin);
    const dump = sealed.ledger.dump();
    expect(sealed.ledger.committed.size).to.be.greaterThan(5);
    for (const secret of [
      DRIVER,
      HOST,
      'driver-ben',
      'host-anna',
      AMOUNT,
      'Invalidenstrasse',
      'st-a',
      'psp-1',
      'account',
      'DE89370400440532013000',
      '0532013000',
    ]) {
      expect(dump, secret).not.to.include(secret);
    }
    for (const key of sealed.ledger.committed.keys())
      expect(key).to.match(/^s\/[A-Za-z0-9_-]{22}(\/[A-Za-z0-9_-]{22})*$/);
  });

  it('ranges over a logical prefix like the plain store: same entries, sorted by logical key', async () => {
    const keys = ['a/x', 'a/y/z', 'a/b', 'ab/c', 'b/a', 'a/x/y', 'a/-', 'a/~'];
    const plain = new MemoryStore();
    const sealed = sealedLedger(bundle);
    const plainTx = plain.begin();
    const sealedTx = sealed.begin('tx-r');
    for (const key of keys) {
      await plainTx.put(key, { key });
      await sealedTx.store.put(key, { key });
    }
    plainTx.commit();
    sealedTx.commit();
    for (const prefix of ['a/', 'a/x/', 'ab/', 'b/', 'c/']) {
      const expected = await plain.begin().range(prefix);
      expect(await sealed.begin('tx-q').store.range(prefix), prefix).to.deep.equal(expected);
    }
  });

  it('refuses a ciphertext moved under another key (get and range)', async () => {
    const sealed = sealedLedger(bundle);
    const tx = sealed.begin('tx-s');
    await tx.store.put('account/w:alice', { purchased: '1' });
    await tx.store.put('account/w:bob', { purchased: '1000000' });
    tx.commit();
    const alice = pseudonymKey(bundle.nameKey, 'account/w:alice');
    const bob = pseudonymKey(bundle.nameKey, 'account/w:bob');
    const bobValue = sealed.ledger.committed.get(bob) as Uint8Array;
    sealed.ledger.committed.set(alice, bobValue);
    const store = sealed.begin('tx-t').store;
    for (const attempt of [store.get('account/w:alice'), store.range('account/')]) {
      try {
        await attempt;
        expect.fail('a swapped ciphertext was accepted');
      } catch (error) {
        expect(error).to.be.instanceOf(EcarError);
        expect((error as EcarError).code).to.equal('INTERNAL');
        expect((error as EcarError).message).to.include('swapped');
      }
    }
  });

  it('throws KEYS_UNAVAILABLE for a value sealed in an epoch it does not hold', async () => {
    const { bundle: rotated } = extendBundle(bundle);
    const ledger = new MemoryLedger();
    const writer = ledger.begin();
    await new SealedStateStore(writer, { bundle: rotated, epoch: 2, txId: 'tx-e' }).put('k/1', { a: 1 });
    writer.commit();
    try {
      await new SealedStateStore(ledger.begin(), { bundle, epoch: 1, txId: 'tx-f' }).get('k/1');
      expect.fail('read a value of an unknown epoch');
    } catch (error) {
      expect((error as EcarError).code).to.equal('KEYS_UNAVAILABLE');
    }
  });
});

describe('sealValue (synthetic nonce)', () => {
  const stateKey = new Uint8Array(32).fill(2);
  const nameKey = new Uint8Array(32).fill(1);

  it('never seals two different values of one key in one transaction under the same nonce', () => {
    const context = { logicalKey: 'account/w:alice', txId: 'tx-reused', epoch: 1, stateKey };
    const a = JSON.parse(Buffer.from(sealValue({ purchased: '1' }, context)).toString()) as { n: string };
    const b = JSON.parse(Buffer.from(sealValue({ purchased: '2' }, context)).toString()) as { n: string };
    expect(a.n).not.to.equal(b.n);
  });

  it('opens a range value only under the Fabric key of its logical key', () => {
    const sealed = sealValue({ v: 1 }, { logicalKey: 'hold/w:a/1', txId: 't', epoch: 1, stateKey });
    const fabricKey = pseudonymKey(nameKey, 'hold/w:a/1');
    expect(
      openRangeValue(parseSealedValue(sealed), { fabricKey, logicalPrefix: 'hold/', nameKey, stateKey })
        .logicalKey,
    ).to.equal('hold/w:a/1');
    expect(() =>
      openRangeValue(parseSealedValue(sealed), {
        fabricKey: pseudonymKey(nameKey, 'hold/w:a/2'),
        logicalPrefix: 'hold/',
        nameKey,
        stateKey,
      }),
    ).to.throw(/swapped/);
    expect(() =>
      openRangeValue(parseSealedValue(sealed), { fabricKey, logicalPrefix: 'earning/', nameKey, stateKey }),
    ).to.throw(/swapped/);
  });
});
