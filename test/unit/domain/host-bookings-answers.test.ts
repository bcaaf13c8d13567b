// What hosts read and say: the bookings on their stations (stationBookings) and their answer to a
// dispute about one of their sessions (answerDispute).
import { expect } from 'chai';
import { dispatch, TRANSACTIONS } from '../../../chaincode/src/domain/transactions';
import { SealedStateStore } from '../../../chaincode/src/enclave/sealed-store';
import type { JsonValue, StateStore } from '../../../chaincode/src/ports';
import { extendBundle } from '../../../chaincode/src/protocol/confidential/key-record';
import { EcarError } from '../../../chaincode/src/protocol/errors';
import {
  AUDITOR,
  BACKEND,
  DRIVER,
  DRIVER2,
  energyTariff,
  expectError,
  field,
  HOST,
  HOST2,
  ISSUER,
  meterArgs,
  meterRecords,
  MINUTE,
  OPERATOR,
  paramsArgs,
  readyLedger,
  startArgs,
  stationArgs,
  settledLedger,
} from '../../support/builders';
import { MemoryLedger } from '../../support/enclave-harness';
import { ocmfMeterVerifier } from '../../../chaincode/src/protocol/ocmf';
import { T0, TestLedger } from '../../support/ledger';
import { MemoryStore } from '../../support/memory-store';

const slot = (overrides: Record<string, string> = {}) => ({
  bookingId: 'bk-1',
  stationId: 'st-1',
  evseUid: 'evse-1',
  startAt: '2026-03-02T12:00:00Z',
  endAt: '2026-03-02T13:00:00Z',
  ...overrides,
});

const ids = (result: JsonValue): JsonValue[] =>
  (result as JsonValue[]).map((_b, i) => field(result, String(i), 'id'));

/**
 * HOST's st-1 has bk-1 (DRIVER, later cancelled) and bk-2 (DRIVER2, confirmed); HOST2's st-2 has
 * bk-3 (DRIVER). Each booking is made a minute after the one before.
 */
async function bookedLedger(): Promise<TestLedger> {
  const ledger = await readyLedger();
  await ledger.submit(
    HOST2,
    'registerStation',
    stationArgs({ stationId: 'st-2', meter: meterArgs({ publicKey: 'c3'.repeat(32) }) }),
  );
  await ledger.submit(DRIVER, 'createBooking', slot());
  ledger.advance(MINUTE);
  await ledger.submit(DRIVER2, 'createBooking', slot({ bookingId: 'bk-2', evseUid: 'evse-2' }));
  ledger.advance(MINUTE);
  await ledger.submit(DRIVER, 'createBooking', slot({ bookingId: 'bk-3', stationId: 'st-2' }));
  ledger.advance(MINUTE);
  await ledger.submit(DRIVER, 'cancelBooking', { bookingId: 'bk-1' });
  return ledger;
}

/** A completed session sess-1 of DRIVER at HOST's st-1, within its dispute window. */
function settled(): Promise<TestLedger> {
  return settledLedger();
}

async function disputed(): Promise<TestLedger> {
  const ledger = await settled();
  await ledger.submit(DRIVER, 'openDispute', { sessionId: 'sess-1', reason: 'charged for 40 kWh' });
  ledger.advance(MINUTE);
  return ledger;
}

describe('stationBookings', () => {
  it('is an evaluate transaction; answerDispute is a submit', () => {
    expect(TRANSACTIONS.stationBookings?.kind).to.equal('evaluate');
    expect(TRANSACTIONS.answerDispute?.kind).to.equal('submit');
  });

  it("lists every booking on the host's stations, newest first, as stored", async () => {
    const ledger = await bookedLedger();
    const mine = await ledger.evaluate(HOST, 'stationBookings');
    expect(ids(mine)).to.deep.equal(['bk-2', 'bk-1']);
    expect(field(mine, '0')).to.deep.include({
      id: 'bk-2',
      driver: DRIVER2,
      host: HOST,
      stationId: 'st-1',
      evseUid: 'evse-2',
      status: 'CONFIRMED',
      noShowFee: '3000',
      startAt: Date.UTC(2026, 2, 2, 12, 0, 0),
      endAt: Date.UTC(2026, 2, 2, 13, 0, 0),
    });
    expect(field(mine, '1', 'status')).to.equal('CANCELLED');
    expect(ids(await ledger.evaluate(HOST2, 'stationBookings'))).to.deep.equal(['bk-3']);
  });

  it("never shows another host's bookings", async () => {
    const ledger = await bookedLedger();
    const text = JSON.stringify(await ledger.evaluate(HOST, 'stationBookings'));
    expect(text).not.to.contain('bk-3');
    expect(text).not.to.contain('st-2');
    expect(await ledger.evaluate(DRIVER, 'stationBookings')).to.deep.equal([]);
    expect(await ledger.evaluate(OPERATOR, 'stationBookings'), 'the operator hosts nothing').to.deep.equal(
      [],
    );
  });

  it('filters by station and status and stops at the limit', async () => {
    const ledger = await bookedLedger();
    expect(ids(await ledger.evaluate(HOST, 'stationBookings', { stationId: 'st-1' }))).to.deep.equal([
      'bk-2',
      'bk-1',
    ]);
    expect(ids(await ledger.evaluate(HOST, 'stationBookings', { status: 'CANCELLED' }))).to.deep.equal([
      'bk-1',
    ]);
    expect(await ledger.evaluate(HOST, 'stationBookings', { status: 'NO_SHOW' })).to.deep.equal([]);
    expect(ids(await ledger.evaluate(HOST, 'stationBookings', { limit: 1 }))).to.deep.equal(['bk-2']);
    expect(ids(await ledger.evaluate(HOST, 'stationBookings', { limit: '500' }))).to.deep.equal([
      'bk-2',
      'bk-1',
    ]);
  });

  it('breaks ties in booking time by id', async () => {
    const ledger = await readyLedger();
    await ledger.submit(DRIVER, 'createBooking', slot({ bookingId: 'bk-b' }));
    await ledger.submit(DRIVER2, 'createBooking', slot({ bookingId: 'bk-a', evseUid: 'evse-2' }));
    expect(ids(await ledger.evaluate(HOST, 'stationBookings'))).to.deep.equal(['bk-a', 'bk-b']);
  });

  it('lets the operator read any station', async () => {
    const ledger = await bookedLedger();
    expect(ids(await ledger.evaluate(OPERATOR, 'stationBookings', { stationId: 'st-2' }))).to.deep.equal([
      'bk-3',
    ]);
  });

  it('throws FORBIDDEN for a station the caller does not host (drivers, other hosts, auditors)', async () => {
    const ledger = await bookedLedger();
    for (const caller of [HOST, DRIVER, AUDITOR]) {
      const error = await expectError(
        ledger,
        () => ledger.evaluate(caller, 'stationBookings', { stationId: 'st-2' }),
        'FORBIDDEN',
      );
      expect(error.details).to.deep.include({ requirement: 'its host or the operator' });
    }
  });

  it('throws NOT_FOUND for an unknown station', async () => {
    const ledger = await bookedLedger();
    await expectError(
      ledger,
      () => ledger.evaluate(HOST, 'stationBookings', { stationId: 'st-9' }),
      'NOT_FOUND',
      { kind: 'station', id: 'st-9' },
    );
  });

  it('throws INVALID_ARGUMENT naming the field for bad arguments', async () => {
    const ledger = await bookedLedger();
    const bad: [Record<string, unknown>, string][] = [
      [{ stationId: 'bad id!' }, 'stationId'],
      [{ stationId: 42 }, 'stationId'],
      [{ status: 'DONE' }, 'status'],
      [{ status: 'confirmed' }, 'status'],
      [{ limit: 0 }, 'limit'],
      [{ limit: 501 }, 'limit'],
      [{ limit: 1.5 }, 'limit'],
      [{ limit: 'ten' }, 'limit'],
      [{ host: HOST2 }, 'args.host'],
    ];
    for (const [args, fieldName] of bad) {
      await expectError(ledger, () => ledger.evaluate(HOST, 'stationBookings', args), 'INVALID_ARGUMENT', {
        field: fieldName,
      });
    }
  });

  it('throws NOT_INITIALIZED before the ledger is initialised', async () => {
    const ledger = new TestLedger();
    await expectError(ledger, () => ledger.evaluate(HOST, 'stationBookings'), 'NOT_INITIALIZED');
  });

  it('writes nothing, even when submitted', async () => {
    const ledger = await bookedLedger();
    const before = ledger.store.snapshot();
    const events = ledger.events.length;
    await ledger.submit(HOST, 'stationBookings', { stationId: 'st-1' });
    expect(ledger.store.snapshot()).to.equal(before);
    expect(ledger.events).to.have.length(events);
  });
});

describe('answerDispute', () => {
  it("stores the host's trimmed statement on the open dispute and emits ids only", async () => {
    const ledger = await disputed();
    const answered = await ledger.submit(HOST, 'answerDispute', {
      sessionId: 'sess-1',
      statement: '  The meter was calibrated in January.\n\tPhotos on request.  ',
    });
    expect(answered).to.deep.include({
      sessionId: 'sess-1',
      status: 'OPEN',
      reason: 'charged for 40 kWh',
      answer: 'The meter was calibrated in January.\n\tPhotos on request.',
      answeredAt: ledger.nowMs,
    });
    const last = ledger.events[ledger.events.length - 1];
    expect(last?.name).to.equal('DisputeAnswered');
    expect(last?.payload).to.deep.equal({ sessionId: 'sess-1' });
  });

  it('writes only the dispute record and moves no money', async () => {
    const ledger = await disputed();
    const others = () => JSON.stringify(ledger.store.entries().filter((e) => e.key !== 'dispute/sess-1'));
    const before = others();
    await ledger.submit(HOST, 'answerDispute', { sessionId: 'sess-1', statement: 'meter calibrated' });
    expect(others()).to.equal(before);
    expect(field(await ledger.evaluate(HOST, 'getBalance'), 'earned', 'frozen')).to.equal('2250');
    expect(field(await ledger.evaluate(AUDITOR, 'auditTotals'), 'balanced')).to.equal(true);
  });

  it('shows the answer to the driver, the host and the operator through getDispute, and keeps it on resolution', async () => {
    const ledger = await disputed();
    await ledger.submit(HOST, 'answerDispute', { sessionId: 'sess-1', statement: 'meter calibrated' });
    for (const caller of [DRIVER, HOST, OPERATOR]) {
      expect(field(await ledger.evaluate(caller, 'getDispute', { sessionId: 'sess-1' }), 'answer')).to.equal(
        'meter calibrated',
      );
    }
    await expectError(
      ledger,
      () => ledger.evaluate(DRIVER2, 'getDispute', { sessionId: 'sess-1' }),
      'FORBIDDEN',
    );
    const resolved = await ledger.submit(OPERATOR, 'resolveDispute', { sessionId: 'sess-1', refund: '0' });
    expect(field(resolved, 'dispute')).to.deep.include({ status: 'RESOLVED', answer: 'meter calibrated' });
  });

  it('accepts a statement of exactly 1000 characters after trimming', async () => {
    const ledger = await disputed();
    const statement = 'x'.repeat(1000);
    const answered = await ledger.submit(HOST, 'answerDispute', {
      sessionId: 'sess-1',
      statement: ` ${statement} `,
    });
    expect(field(answered, 'answer')).to.equal(statement);
  });

  it('throws NOT_FOUND for an unknown session', async () => {
    const ledger = await disputed();
    await expectError(
      ledger,
      () => ledger.submit(HOST, 'answerDispute', { sessionId: 'sess-9', statement: 'x' }),
      'NOT_FOUND',
      { kind: 'session', id: 'sess-9' },
    );
  });

  it("throws FORBIDDEN for anyone but the session's host, before saying anything about the dispute", async () => {
    const ledger = await disputed();
    for (const caller of [DRIVER, DRIVER2, HOST2, OPERATOR, AUDITOR]) {
      await expectError(
        ledger,
        () => ledger.submit(caller, 'answerDispute', { sessionId: 'sess-1', statement: 'x' }),
        'FORBIDDEN',
        { action: 'answerDispute' },
      );
    }
    const undisputed = await settled();
    await expectError(
      undisputed,
      () => undisputed.submit(DRIVER2, 'answerDispute', { sessionId: 'sess-1', statement: 'x' }),
      'FORBIDDEN',
    );
  });

  it('throws INVALID_STATE when the session is not disputed', async () => {
    const ledger = await settled();
    await expectError(
      ledger,
      () => ledger.submit(HOST, 'answerDispute', { sessionId: 'sess-1', statement: 'x' }),
      'INVALID_STATE',
      { kind: 'session', state: 'not disputed' },
    );
  });

  it('throws INVALID_STATE for a second answer', async () => {
    const ledger = await disputed();
    await ledger.submit(HOST, 'answerDispute', { sessionId: 'sess-1', statement: 'first' });
    await expectError(
      ledger,
      () => ledger.submit(HOST, 'answerDispute', { sessionId: 'sess-1', statement: 'second' }),
      'INVALID_STATE',
      { kind: 'dispute', state: 'already answered' },
    );
    expect(field(await ledger.evaluate(HOST, 'getDispute', { sessionId: 'sess-1' }), 'answer')).to.equal(
      'first',
    );
  });

  it('throws INVALID_STATE once the dispute is resolved', async () => {
    const ledger = await disputed();
    await ledger.submit(OPERATOR, 'resolveDispute', { sessionId: 'sess-1', refund: '500' });
    await expectError(
      ledger,
      () => ledger.submit(HOST, 'answerDispute', { sessionId: 'sess-1', statement: 'too late' }),
      'INVALID_STATE',
      { kind: 'dispute', state: 'RESOLVED', expected: 'OPEN' },
    );
  });

  it('throws INVALID_ARGUMENT naming the field for bad arguments', async () => {
    const ledger = await disputed();
    const bad: [Record<string, unknown>, string][] = [
      [{ statement: 'x' }, 'sessionId'],
      [{ sessionId: 'bad id!', statement: 'x' }, 'sessionId'],
      [{ sessionId: 'sess-1' }, 'statement'],
      [{ sessionId: 'sess-1', statement: 42 }, 'statement'],
      [{ sessionId: 'sess-1', statement: '' }, 'statement'],
      [{ sessionId: 'sess-1', statement: ' \n\t ' }, 'statement'],
      [{ sessionId: 'sess-1', statement: 'x'.repeat(1001) }, 'statement'],
      [{ sessionId: 'sess-1', statement: 'see \u001b[2Jhere' }, 'statement'],
      [{ sessionId: 'sess-1', statement: 'line\roverwritten' }, 'statement'],
      [{ sessionId: 'sess-1', statement: 'x', refund: '1' }, 'args.refund'],
    ];
    for (const [args, fieldName] of bad) {
      await expectError(ledger, () => ledger.submit(HOST, 'answerDispute', args), 'INVALID_ARGUMENT', {
        field: fieldName,
      });
    }
  });

  it('refuses to be evaluated (it writes)', async () => {
    const ledger = await disputed();
    await expectError(
      ledger,
      () => ledger.evaluate(HOST, 'answerDispute', { sessionId: 'sess-1', statement: 'x' }),
      'INVALID_ARGUMENT',
    );
  });
});

describe('over the sealed store (confidential mode)', () => {
  // Pseudonymous keys keep the path shape, so the 'booking/' range and the dispute key must give
  // exactly the plain store's answers.
  const SCRIPT: readonly (readonly [atMs: number, caller: string, fn: string, args: unknown])[] = [
    [T0, OPERATOR, 'initialize', paramsArgs()],
    [T0, HOST, 'registerStation', stationArgs()],
    [T0, BACKEND, 'pinMeterFromBackend', { stationId: 'st-1', meter: meterArgs() }],
    [T0, HOST, 'setTariff', { stationId: 'st-1', tariff: energyTariff() }],
    [
      T0,
      HOST2,
      'registerStation',
      stationArgs({ stationId: 'st-2', meter: meterArgs({ publicKey: 'c3'.repeat(32) }) }),
    ],
    [T0, ISSUER, 'mint', { account: DRIVER, amount: '100000', paymentRef: 'pay-1' }],
    [T0, ISSUER, 'mint', { account: DRIVER2, amount: '100000', paymentRef: 'pay-2' }],
    [T0, DRIVER, 'createBooking', slot()],
    [T0 + MINUTE, DRIVER2, 'createBooking', slot({ bookingId: 'bk-2', evseUid: 'evse-2' })],
    [T0 + 2 * MINUTE, DRIVER, 'createBooking', slot({ bookingId: 'bk-3', stationId: 'st-2' })],
    [T0 + 3 * MINUTE, DRIVER, 'cancelBooking', { bookingId: 'bk-1' }],
    [T0 + 3 * MINUTE, HOST, 'stationBookings', {}],
    [T0 + 3 * MINUTE, HOST, 'stationBookings', { status: 'CANCELLED' }],
    [T0 + 3 * MINUTE, OPERATOR, 'stationBookings', { stationId: 'st-2' }],
    [T0 + 3 * MINUTE, HOST, 'stationBookings', { stationId: 'st-2' }],
    [T0 + 4 * MINUTE, DRIVER, 'startSession', startArgs()],
    [
      T0 + 66 * MINUTE,
      DRIVER,
      'stopSession',
      { sessionId: 'sess-1', ocmf: meterRecords({ beginMs: T0 + 5 * MINUTE, endMs: T0 + 65 * MINUTE }) },
    ],
    [T0 + 67 * MINUTE, DRIVER, 'openDispute', { sessionId: 'sess-1', reason: 'charged for 40 kWh' }],
    [T0 + 68 * MINUTE, HOST, 'answerDispute', { sessionId: 'sess-1', statement: ' meter calibrated ' }],
    [T0 + 69 * MINUTE, HOST, 'answerDispute', { sessionId: 'sess-1', statement: 'again' }],
    [T0 + 69 * MINUTE, DRIVER, 'getDispute', { sessionId: 'sess-1' }],
  ];

  async function run(
    begin: (txId: string) => { store: StateStore; commit: () => void },
  ): Promise<JsonValue[]> {
    const results: JsonValue[] = [];
    for (const [index, [atMs, caller, fn, args]] of SCRIPT.entries()) {
      const txId = `tx${index}`;
      const { store, commit } = begin(txId);
      try {
        results.push(
          await dispatch(
            {
              store,
              caller: { id: caller },
              clock: { nowMs: atMs, txId },
              events: { emit: () => undefined },
              meter: ocmfMeterVerifier,
            },
            fn,
            args,
          ),
        );
        commit();
      } catch (error) {
        results.push({ error: error instanceof EcarError ? error.code : String(error) });
      }
    }
    return results;
  }

  it('gives the same bookings and dispute answers as the plain store', async () => {
    const plain = new MemoryStore();
    const expected = await run(() => {
      const tx = plain.begin();
      return {
        store: tx,
        commit: () => {
          tx.commit();
        },
      };
    });
    const sealed = new MemoryLedger();
    const { bundle } = extendBundle(undefined);
    const actual = await run((txId) => {
      const raw = sealed.begin();
      return {
        store: new SealedStateStore(raw, { bundle, epoch: 1, txId }),
        commit: () => {
          raw.commit();
        },
      };
    });
    expect(actual).to.deep.equal(expected);
    const at = (fn: string, nth = 0): JsonValue => {
      const indexes = SCRIPT.flatMap(([, , name], i) => (name === fn ? [i] : []));
      return expected[indexes[nth] ?? -1] ?? null;
    };
    expect(ids(at('stationBookings', 0))).to.deep.equal(['bk-2', 'bk-1']);
    expect(ids(at('stationBookings', 1))).to.deep.equal(['bk-1']);
    expect(ids(at('stationBookings', 2))).to.deep.equal(['bk-3']);
    expect(at('stationBookings', 3)).to.deep.equal({ error: 'FORBIDDEN' });
    expect(field(at('answerDispute', 0), 'answer')).to.equal('meter calibrated');
    expect(at('answerDispute', 1)).to.deep.equal({ error: 'INVALID_STATE' });
    expect(field(at('getDispute'), 'answer')).to.equal('meter calibrated');
    expect(sealed.dump()).not.to.include('meter calibrated');
  });
});
