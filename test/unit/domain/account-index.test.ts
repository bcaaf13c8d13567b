// Per-account index keys: mySessions and myCdrs read (and, in confidential mode, decrypt) only the
// caller's own records, found through account-session/<me>/ and account-cdr/<me>/.
import { expect } from 'chai';
import { dispatch } from '../../../chaincode/src/domain/transactions';
import type { JsonObject, JsonValue, Ports, StateEntry, StateStore } from '../../../chaincode/src/ports';
import {
  DRIVER,
  DRIVER2,
  field,
  HOST,
  meterRecords,
  MINUTE,
  OPERATOR,
  readyLedger,
  startArgs,
} from '../../support/builders';
import { ocmfMeterVerifier } from '../../../chaincode/src/protocol/ocmf';
import type { TestLedger } from '../../support/ledger';

/** Evaluates a transaction and records every key and range prefix it reads. */
async function readsOf(
  ledger: TestLedger,
  caller: string,
  name: string,
  args: JsonObject = {},
): Promise<{ result: JsonValue; gets: string[]; ranges: string[] }> {
  const inner = ledger.store.begin();
  const gets: string[] = [];
  const ranges: string[] = [];
  const store: StateStore = {
    get: (key: string): Promise<JsonObject | undefined> => {
      gets.push(key);
      return inner.get(key);
    },
    put: (key: string, value: JsonObject): Promise<void> => inner.put(key, value),
    delete: (key: string): Promise<void> => inner.delete(key),
    range: (prefix: string): Promise<readonly StateEntry[]> => {
      ranges.push(prefix);
      return inner.range(prefix);
    },
  };
  const ports: Ports = {
    store,
    caller: { id: caller },
    clock: { nowMs: ledger.nowMs, txId: 'tx-reads' },
    events: { emit: () => undefined },
    meter: ocmfMeterVerifier,
  };
  const result = await dispatch(ports, name, args, 'evaluate');
  inner.abort();
  return { result, gets, ranges };
}

async function twoSettledSessions(): Promise<TestLedger> {
  const ledger = await readyLedger();
  await ledger.submit(DRIVER, 'startSession', startArgs());
  await ledger.submit(DRIVER2, 'startSession', startArgs({ sessionId: 'sess-2', evseUid: 'evse-2' }));
  const first = meterRecords({ beginMs: ledger.nowMs + MINUTE, endMs: ledger.nowMs + 61 * MINUTE });
  const second = meterRecords({
    beginMs: ledger.nowMs + MINUTE,
    endMs: ledger.nowMs + 61 * MINUTE,
    page: 2,
  });
  ledger.advance(62 * MINUTE);
  await ledger.submit(DRIVER, 'stopSession', { sessionId: 'sess-1', ocmf: first });
  await ledger.submit(DRIVER2, 'stopSession', { sessionId: 'sess-2', ocmf: second });
  return ledger;
}

describe('per-account index', () => {
  describe('mySessions', () => {
    it("reads only the caller's index and sessions, never the whole session range", async () => {
      const ledger = await twoSettledSessions();
      const { result, gets, ranges } = await readsOf(ledger, DRIVER, 'mySessions');
      expect((result as JsonObject[]).map((s) => s.id)).to.deep.equal(['sess-1']);
      expect(ranges).to.deep.equal([`account-session/${DRIVER}/`]);
      expect(gets.filter((k) => k.startsWith('session/'))).to.deep.equal(['session/sess-1']);
    });
    it('lists every session of a host, as host, in session id order', async () => {
      const ledger = await twoSettledSessions();
      const sessions = (await ledger.evaluate(HOST, 'mySessions')) as JsonObject[];
      expect(sessions.map((s) => [s.id, s.role])).to.deep.equal([
        ['sess-1', 'HOST'],
        ['sess-2', 'HOST'],
      ]);
    });
  });

  describe('myCdrs', () => {
    it("reads only the caller's CDRs, including a credit CDR from a resolved dispute", async () => {
      const ledger = await twoSettledSessions();
      await ledger.submit(DRIVER, 'openDispute', { sessionId: 'sess-1', reason: 'meter looked off' });
      await ledger.submit(OPERATOR, 'resolveDispute', { sessionId: 'sess-1', refund: '5' });
      const { result, gets, ranges } = await readsOf(ledger, DRIVER, 'myCdrs');
      expect((result as JsonObject[]).map((c) => c.id)).to.deep.equal(['sess-1', 'sess-1-C']);
      expect(ranges).to.deep.equal([`account-cdr/${DRIVER}/`]);
      expect(gets.filter((k) => k.startsWith('cdr/'))).to.deep.equal(['cdr/sess-1', 'cdr/sess-1-C']);
      expect(((await ledger.evaluate(HOST, 'myCdrs')) as unknown[]).length).to.equal(3);
    });
    it('honours limit before reading the records', async () => {
      const ledger = await twoSettledSessions();
      const { result, gets } = await readsOf(ledger, HOST, 'myCdrs', { limit: 1 });
      expect(field(result, '0', 'id')).to.equal('sess-1');
      expect(gets.filter((k) => k.startsWith('cdr/'))).to.deep.equal(['cdr/sess-1']);
    });
  });
});
