// Bookings (hold, free and late cancellation, no-show, use at start), disputes and ratings.
import { expect } from 'chai';
import {
  AUDITOR,
  DRIVER,
  DRIVER2,
  expectError,
  field,
  HOST,
  HOUR,
  MINUTE,
  OPERATOR,
  readyLedger,
  startArgs,
  settledLedger,
} from '../../support/builders';
import type { TestLedger } from '../../support/ledger';

const slot = (overrides: Record<string, string> = {}) => ({
  bookingId: 'bk-1',
  stationId: 'st-1',
  evseUid: 'evse-1',
  startAt: '2026-03-02T12:00:00Z',
  endAt: '2026-03-02T13:00:00Z',
  ...overrides,
});

function settled(): Promise<TestLedger> {
  return settledLedger();
}

describe('bookings', () => {
  it('createBooking holds the no-show fee', async () => {
    const ledger = await readyLedger();
    expect(await ledger.submit(DRIVER, 'createBooking', slot())).to.deep.include({
      status: 'CONFIRMED',
      noShowFee: '3000',
    });
    expect(field(await ledger.evaluate(DRIVER, 'getBalance'), 'held', 'bookings')).to.equal('3000');
  });
  it('throws BOOKING_CONFLICT for an overlapping slot on the same EVSE, not on another EVSE', async () => {
    const ledger = await readyLedger();
    await ledger.submit(DRIVER, 'createBooking', slot());
    await expectError(
      ledger,
      () =>
        ledger.submit(
          DRIVER2,
          'createBooking',
          slot({ bookingId: 'bk-2', startAt: '2026-03-02T12:30:00Z', endAt: '2026-03-02T13:30:00Z' }),
        ),
      'BOOKING_CONFLICT',
    );
    await ledger.submit(DRIVER2, 'createBooking', slot({ bookingId: 'bk-2', evseUid: 'evse-2' }));
  });
  it('throws INVALID_ARGUMENT for past, reversed or too long slots and bad times', async () => {
    const ledger = await readyLedger();
    await expectError(
      ledger,
      () => ledger.submit(DRIVER, 'createBooking', slot({ startAt: '2026-03-02T07:00:00Z' })),
      'INVALID_ARGUMENT',
      { field: 'startAt' },
    );
    await expectError(
      ledger,
      () => ledger.submit(DRIVER, 'createBooking', slot({ endAt: '2026-03-02T11:00:00Z' })),
      'INVALID_ARGUMENT',
      { field: 'endAt' },
    );
    await expectError(
      ledger,
      () => ledger.submit(DRIVER, 'createBooking', slot({ endAt: '2026-03-02T18:00:00Z' })),
      'INVALID_ARGUMENT',
      { field: 'endAt' },
    );
    await expectError(
      ledger,
      () => ledger.submit(DRIVER, 'createBooking', slot({ startAt: '2026-02-30T12:00:00Z' })),
      'INVALID_ARGUMENT',
      { field: 'startAt' },
    );
    await expectError(
      ledger,
      () => ledger.submit(DRIVER, 'createBooking', slot({ startAt: 'tomorrow' })),
      'INVALID_ARGUMENT',
      { field: 'startAt' },
    );
  });
  it('throws FORBIDDEN for the host booking their own station and INSUFFICIENT_FUNDS without tokens', async () => {
    const ledger = await readyLedger();
    await expectError(ledger, () => ledger.submit(HOST, 'createBooking', slot()), 'FORBIDDEN');
    await expectError(
      ledger,
      () => ledger.submit('driver-empty', 'createBooking', slot()),
      'INSUFFICIENT_FUNDS',
    );
  });
  it('cancelBooking is free before cancelUntil and charges the fee after it', async () => {
    const ledger = await readyLedger();
    await ledger.submit(DRIVER, 'createBooking', slot());
    expect(field(await ledger.submit(DRIVER, 'cancelBooking', { bookingId: 'bk-1' }), 'feeCharged')).to.equal(
      '0',
    );
    expect(field(await ledger.evaluate(DRIVER, 'getBalance'), 'purchased')).to.equal('100000');
    await ledger.submit(DRIVER, 'createBooking', slot({ bookingId: 'bk-2' }));
    ledger.advance(3 * HOUR + 30 * MINUTE); // 11:30, cancelUntil was 11:00
    expect(field(await ledger.submit(DRIVER, 'cancelBooking', { bookingId: 'bk-2' }), 'feeCharged')).to.equal(
      '3000',
    );
    expect(field(await ledger.evaluate(HOST, 'getBalance'), 'earned', 'locked')).to.equal('2700');
    await expectError(
      ledger,
      () => ledger.submit(DRIVER, 'cancelBooking', { bookingId: 'bk-2' }),
      'INVALID_STATE',
    );
    await expectError(
      ledger,
      () => ledger.submit(DRIVER2, 'cancelBooking', { bookingId: 'bk-2' }),
      'FORBIDDEN',
    );
  });
  it('a host cancellation is always free for the driver', async () => {
    const ledger = await readyLedger();
    await ledger.submit(DRIVER, 'createBooking', slot());
    ledger.advance(3 * HOUR + 30 * MINUTE);
    expect(field(await ledger.submit(HOST, 'cancelBooking', { bookingId: 'bk-1' }), 'feeCharged')).to.equal(
      '0',
    );
  });
  it('settleNoShow pays the host after the slot; HOLD_NOT_EXPIRED before', async () => {
    const ledger = await readyLedger();
    await ledger.submit(DRIVER, 'createBooking', slot());
    await expectError(
      ledger,
      () => ledger.submit(DRIVER2, 'settleNoShow', { bookingId: 'bk-1' }),
      'HOLD_NOT_EXPIRED',
    );
    ledger.advance(5 * HOUR);
    expect(field(await ledger.submit(DRIVER2, 'settleNoShow', { bookingId: 'bk-1' }), 'status')).to.equal(
      'NO_SHOW',
    );
    await expectError(
      ledger,
      () => ledger.submit(DRIVER2, 'settleNoShow', { bookingId: 'bk-1' }),
      'INVALID_STATE',
    );
  });
  it('the booked EVSE is reserved for its driver: others get BOOKING_CONFLICT, the driver starts and the booking is used', async () => {
    const ledger = await readyLedger();
    await ledger.submit(DRIVER, 'createBooking', slot());
    ledger.advance(3 * HOUR + 50 * MINUTE); // 11:50, within the arrival grace
    await expectError(
      ledger,
      () => ledger.submit(DRIVER2, 'startSession', startArgs({ sessionId: 'sess-9' })),
      'BOOKING_CONFLICT',
    );
    const session = await ledger.submit(DRIVER, 'startSession', startArgs());
    expect(field(session, 'bookingId')).to.equal('bk-1');
    const balance = await ledger.evaluate(DRIVER, 'getBalance');
    expect(field(balance, 'held')).to.deep.equal({ sessions: '20000', bookings: '0', payouts: '0' });
    expect(field(balance, 'purchased')).to.equal('80000');
  });
});

describe('disputes', () => {
  it('openDispute freezes the earning; resolveDispute refunds with a credit CDR and unfreezes the rest', async () => {
    const ledger = await settled();
    await ledger.submit(DRIVER, 'openDispute', {
      sessionId: 'sess-1',
      reason: 'charged for energy my car did not get',
    });
    expect(field(await ledger.evaluate(HOST, 'getBalance'), 'earned')).to.deep.equal({
      payable: '0',
      locked: '0',
      frozen: '2250',
    });
    ledger.advance(4 * 24 * HOUR);
    expect(field(await ledger.submit(HOST, 'claimEarnings'), 'claimed')).to.equal('0');
    const result = await ledger.submit(OPERATOR, 'resolveDispute', { sessionId: 'sess-1', refund: '1000' });
    expect(field(result, 'creditCdr')).to.deep.include({
      id: 'sess-1-C',
      credit: true,
      totalCost: '-1000',
      creditReferenceId: 'sess-1',
    });
    expect(field(await ledger.evaluate(DRIVER, 'getBalance'), 'purchased')).to.equal('98500');
    expect(field(await ledger.submit(HOST, 'claimEarnings'), 'claimed')).to.equal('1250');
    expect(field(await ledger.evaluate(AUDITOR, 'auditTotals'), 'balanced')).to.equal(true);
  });
  it('throws DISPUTE_WINDOW_CLOSED after the window, ALREADY_EXISTS twice, FORBIDDEN for others', async () => {
    const ledger = await settled();
    await expectError(
      ledger,
      () => ledger.submit(HOST, 'openDispute', { sessionId: 'sess-1', reason: 'x' }),
      'FORBIDDEN',
    );
    await ledger.submit(DRIVER, 'openDispute', { sessionId: 'sess-1', reason: 'x' });
    await expectError(
      ledger,
      () => ledger.submit(DRIVER, 'openDispute', { sessionId: 'sess-1', reason: 'x' }),
      'ALREADY_EXISTS',
    );
    const late = await settled();
    late.advance(3 * 24 * HOUR);
    await expectError(
      late,
      () => late.submit(DRIVER, 'openDispute', { sessionId: 'sess-1', reason: 'x' }),
      'DISPUTE_WINDOW_CLOSED',
    );
  });
  it('resolveDispute throws FORBIDDEN for non-operators, INVALID_ARGUMENT above the earning, INVALID_STATE twice', async () => {
    const ledger = await settled();
    await ledger.submit(DRIVER, 'openDispute', { sessionId: 'sess-1', reason: 'x' });
    await expectError(
      ledger,
      () => ledger.submit(DRIVER, 'resolveDispute', { sessionId: 'sess-1', refund: '1' }),
      'FORBIDDEN',
    );
    await expectError(
      ledger,
      () => ledger.submit(OPERATOR, 'resolveDispute', { sessionId: 'sess-1', refund: '2251' }),
      'INVALID_ARGUMENT',
      { field: 'refund' },
    );
    await ledger.submit(OPERATOR, 'resolveDispute', { sessionId: 'sess-1', refund: '0' });
    await expectError(
      ledger,
      () => ledger.submit(OPERATOR, 'resolveDispute', { sessionId: 'sess-1', refund: '0' }),
      'INVALID_STATE',
    );
    expect(field(await ledger.evaluate(HOST, 'getDispute', { sessionId: 'sess-1' }), 'status')).to.equal(
      'RESOLVED',
    );
    await expectError(
      ledger,
      () => ledger.evaluate(DRIVER2, 'getDispute', { sessionId: 'sess-1' }),
      'FORBIDDEN',
    );
  });
  it('throws INVALID_STATE for an active session', async () => {
    const ledger = await readyLedger();
    await ledger.submit(DRIVER, 'startSession', startArgs());
    await expectError(
      ledger,
      () => ledger.submit(DRIVER, 'openDispute', { sessionId: 'sess-1', reason: 'x' }),
      'INVALID_STATE',
    );
  });
});

describe('ratings', () => {
  it('lets the driver and the host rate a completed session once each', async () => {
    const ledger = await settled();
    await ledger.submit(DRIVER, 'rateSession', { sessionId: 'sess-1', score: 5, comment: 'easy to find' });
    await ledger.submit(HOST, 'rateSession', { sessionId: 'sess-1', score: 4 });
    await expectError(
      ledger,
      () => ledger.submit(DRIVER, 'rateSession', { sessionId: 'sess-1', score: 1 }),
      'ALREADY_EXISTS',
    );
    await expectError(
      ledger,
      () => ledger.submit(DRIVER2, 'rateSession', { sessionId: 'sess-1', score: 1 }),
      'FORBIDDEN',
    );
    expect(await ledger.evaluate(DRIVER2, 'getStationRatings', { stationId: 'st-1' })).to.deep.equal({
      stationId: 'st-1',
      count: 1,
      scoreSum: 5,
    });
  });
  it('throws INVALID_ARGUMENT for scores outside 1-5 and INVALID_STATE before completion', async () => {
    const ledger = await readyLedger();
    await ledger.submit(DRIVER, 'startSession', startArgs());
    await expectError(
      ledger,
      () => ledger.submit(DRIVER, 'rateSession', { sessionId: 'sess-1', score: 6 }),
      'INVALID_ARGUMENT',
      { field: 'score' },
    );
    await expectError(
      ledger,
      () => ledger.submit(DRIVER, 'rateSession', { sessionId: 'sess-1', score: 3 }),
      'INVALID_STATE',
    );
  });
});
