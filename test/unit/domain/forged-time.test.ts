// Deadlines under a forged transaction time: the submitter writes the time and the enclaves accept
// it within Clock.skewMs of their own clocks, so every deadline must hold for any time in that window.
import { expect } from 'chai';
import {
  DRIVER,
  DRIVER2,
  expectError,
  field,
  HOST,
  HOUR,
  meterRecords,
  MINUTE,
  readyLedger,
  startArgs,
  settledLedger,
} from '../../support/builders';
import { T0, type TestLedger } from '../../support/ledger';

const SKEW = 5 * MINUTE;

/** 12:00-13:00 on the T0 day; free cancellation until 11:00 (the station's 60 minutes). */
const slot = (overrides: Record<string, string> = {}) => ({
  bookingId: 'bk-1',
  stationId: 'st-1',
  evseUid: 'evse-1',
  startAt: '2026-03-02T12:00:00Z',
  endAt: '2026-03-02T13:00:00Z',
  ...overrides,
});
const NOON = T0 + 4 * HOUR;

/** Sets the transaction time to `ms` (what the submitter writes) with the enclaves' skew window. */
function at(ledger: TestLedger, ms: number, skewMs = SKEW): TestLedger {
  ledger.nowMs = ms;
  ledger.skewMs = skewMs;
  return ledger;
}

async function settledSession(): Promise<{ ledger: TestLedger; settledAt: number }> {
  const ledger = await settledLedger();
  return { ledger, settledAt: ledger.nowMs };
}

describe('deadlines under a forged transaction time', () => {
  describe('releaseExpiredHold', () => {
    it('throws HOLD_NOT_EXPIRED when a driver forges the time past the expiry of its own hold mid-session', async () => {
      const ledger = await readyLedger();
      await ledger.submit(DRIVER, 'startSession', startArgs());
      const expiresAt = T0 + 12 * HOUR;
      at(ledger, expiresAt + MINUTE); // the true time may be 4 minutes before the expiry
      await expectError(
        ledger,
        () => ledger.submit(DRIVER, 'releaseExpiredHold', { sessionId: 'sess-1' }),
        'HOLD_NOT_EXPIRED',
        { sessionId: 'sess-1' },
      );
      expect(field(await ledger.evaluate(DRIVER, 'getSession', { sessionId: 'sess-1' }), 'status')).to.equal(
        'ACTIVE',
      );
    });
    it('releases the hold once the expiry has passed by more than the skew', async () => {
      const ledger = await readyLedger();
      await ledger.submit(DRIVER, 'startSession', startArgs());
      at(ledger, T0 + 12 * HOUR + SKEW + 1);
      expect(
        field(await ledger.submit(DRIVER, 'releaseExpiredHold', { sessionId: 'sess-1' }), 'status'),
      ).to.equal('EXPIRED');
    });
    it('lets the session settle exactly while its hold cannot be released yet', async () => {
      const ledger = await readyLedger();
      await ledger.submit(DRIVER, 'startSession', startArgs());
      const raw = meterRecords({ beginMs: T0 + MINUTE, endMs: T0 + 61 * MINUTE });
      at(ledger, T0 + 12 * HOUR + MINUTE);
      expect(
        field(
          await ledger.submit(DRIVER, 'stopSession', { sessionId: 'sess-1', ocmf: raw }),
          'session',
          'status',
        ),
      ).to.equal('COMPLETED');
    });
    it('behaves as without a window when skewMs is 0', async () => {
      const ledger = await readyLedger();
      await ledger.submit(DRIVER, 'startSession', startArgs());
      at(ledger, T0 + 12 * HOUR, 0);
      await expectError(
        ledger,
        () => ledger.submit(DRIVER, 'releaseExpiredHold', { sessionId: 'sess-1' }),
        'HOLD_NOT_EXPIRED',
      );
      at(ledger, T0 + 12 * HOUR + 1, 0);
      await ledger.submit(DRIVER, 'releaseExpiredHold', { sessionId: 'sess-1' });
    });
  });

  describe('stopSession', () => {
    it('throws HOLD_EXPIRED once the expiry has surely passed', async () => {
      const ledger = await readyLedger();
      await ledger.submit(DRIVER, 'startSession', startArgs());
      const raw = meterRecords({ beginMs: T0 + MINUTE, endMs: T0 + 61 * MINUTE });
      at(ledger, T0 + 12 * HOUR + SKEW + 1);
      await expectError(
        ledger,
        () => ledger.submit(DRIVER, 'stopSession', { sessionId: 'sess-1', ocmf: raw }),
        'HOLD_EXPIRED',
      );
    });
    it('throws METER_READINGS_INVALID for an end reading that is in the future if the time runs late', async () => {
      const ledger = await readyLedger();
      await ledger.submit(DRIVER, 'startSession', startArgs());
      // meterClockSkewSeconds is 300: today's rule accepts an end reading up to 5 minutes ahead.
      const stopAt = T0 + 2 * HOUR;
      const raw = meterRecords({ beginMs: T0 + MINUTE, endMs: stopAt + 4 * MINUTE });
      at(ledger, stopAt);
      await expectError(
        ledger,
        () => ledger.submit(DRIVER, 'stopSession', { sessionId: 'sess-1', ocmf: raw }),
        'METER_READINGS_INVALID',
      );
      at(ledger, stopAt, 0);
      await ledger.submit(DRIVER, 'stopSession', { sessionId: 'sess-1', ocmf: raw });
    });
  });

  describe('claimEarnings', () => {
    it('claims nothing and writes nothing when the host forges the time just past the dispute window', async () => {
      const { ledger, settledAt } = await settledSession();
      at(ledger, settledAt + 3 * 24 * HOUR + MINUTE);
      const before = ledger.store.snapshot();
      expect(await ledger.submit(HOST, 'claimEarnings')).to.deep.include({ claimed: '0', count: 0 });
      expect(ledger.store.snapshot()).to.equal(before);
      at(ledger, settledAt + 3 * 24 * HOUR + SKEW);
      expect(await ledger.submit(HOST, 'claimEarnings')).to.deep.include({ count: 1 });
    });
    it('claims nothing a minute after settlement even with a zero dispute window', async () => {
      const ledger = await readyLedger({ params: { disputeWindowSeconds: 0 } });
      await ledger.submit(DRIVER, 'startSession', startArgs());
      const raw = meterRecords({ beginMs: T0 + MINUTE, endMs: T0 + 61 * MINUTE });
      at(ledger, T0 + 62 * MINUTE);
      await ledger.submit(DRIVER, 'stopSession', { sessionId: 'sess-1', ocmf: raw });
      ledger.advance(MINUTE);
      expect(await ledger.submit(HOST, 'claimEarnings')).to.deep.include({ count: 0, stillLocked: 1 });
    });
  });

  describe('openDispute', () => {
    it('throws DISPUTE_WINDOW_CLOSED when the time may already be past the window', async () => {
      const { ledger, settledAt } = await settledSession();
      at(ledger, settledAt + 3 * 24 * HOUR - MINUTE);
      await expectError(
        ledger,
        () => ledger.submit(DRIVER, 'openDispute', { sessionId: 'sess-1', reason: 'too expensive' }),
        'DISPUTE_WINDOW_CLOSED',
        { sessionId: 'sess-1' },
      );
      at(ledger, settledAt + 3 * 24 * HOUR - MINUTE, 0);
      await ledger.submit(DRIVER, 'openDispute', { sessionId: 'sess-1', reason: 'too expensive' });
    });
  });

  describe('settleNoShow', () => {
    it('throws HOLD_NOT_EXPIRED when a host marks a booking two days ahead as a no-show', async () => {
      const ledger = await readyLedger();
      await ledger.submit(
        DRIVER,
        'createBooking',
        slot({ startAt: '2026-03-04T12:00:00Z', endAt: '2026-03-04T13:00:00Z' }),
      );
      await expectError(
        ledger,
        () => ledger.submit(HOST, 'settleNoShow', { bookingId: 'bk-1' }),
        'HOLD_NOT_EXPIRED',
        { bookingId: 'bk-1' },
      );
    });
    it('throws HOLD_NOT_EXPIRED when the time is forged just past the end of the slot', async () => {
      const ledger = await readyLedger();
      await ledger.submit(DRIVER, 'createBooking', slot());
      at(ledger, NOON + HOUR + MINUTE);
      await expectError(
        ledger,
        () => ledger.submit(HOST, 'settleNoShow', { bookingId: 'bk-1' }),
        'HOLD_NOT_EXPIRED',
      );
      // Still cancellable (late, so the fee is charged): a booking is always one or the other.
      expect(
        field(await ledger.submit(DRIVER, 'cancelBooking', { bookingId: 'bk-1' }), 'feeCharged'),
      ).to.equal('3000');
    });
  });

  describe('createBooking', () => {
    it('throws INVALID_ARGUMENT for a start that is in the past if the time runs late', async () => {
      const ledger = await readyLedger();
      at(ledger, NOON - 2 * MINUTE);
      await expectError(ledger, () => ledger.submit(DRIVER, 'createBooking', slot()), 'INVALID_ARGUMENT', {
        field: 'startAt',
      });
      at(ledger, NOON - 2 * MINUTE, 0);
      await ledger.submit(DRIVER, 'createBooking', { ...slot(), acceptNoFreeCancellation: true });
    });
    it('throws INVALID_ARGUMENT for a start more than 30 days ahead if the time runs early', async () => {
      const ledger = await readyLedger();
      at(ledger, NOON - 30 * 24 * HOUR + 2 * MINUTE);
      await expectError(ledger, () => ledger.submit(DRIVER, 'createBooking', slot()), 'INVALID_ARGUMENT', {
        field: 'startAt',
      });
    });
  });

  describe('cancelBooking', () => {
    it('charges the no-show fee when the time is forged back into the free cancellation period', async () => {
      const ledger = await readyLedger();
      await ledger.submit(DRIVER, 'createBooking', slot());
      at(ledger, NOON - HOUR - MINUTE); // a minute before cancelUntil: the true time may be past it
      const cancelled = await ledger.submit(DRIVER, 'cancelBooking', { bookingId: 'bk-1' });
      expect(field(cancelled, 'feeCharged')).to.equal('3000');
      expect(field(await ledger.evaluate(DRIVER, 'getBalance'), 'purchased')).to.equal('97000');
    });
    it('is free through cancelUntil when skewMs is 0', async () => {
      const ledger = await readyLedger();
      await ledger.submit(DRIVER, 'createBooking', slot());
      at(ledger, NOON - HOUR, 0);
      expect(
        field(await ledger.submit(DRIVER, 'cancelBooking', { bookingId: 'bk-1' }), 'feeCharged'),
      ).to.equal('0');
    });
  });

  describe('startSession', () => {
    it("throws BOOKING_CONFLICT when the time may lie inside someone else's booking", async () => {
      const ledger = await readyLedger();
      await ledger.submit(DRIVER2, 'createBooking', slot());
      at(ledger, NOON - 15 * MINUTE - 2 * MINUTE); // arrival grace opens at 11:45
      await expectError(ledger, () => ledger.submit(DRIVER, 'startSession', startArgs()), 'BOOKING_CONFLICT');
      at(ledger, NOON - 15 * MINUTE - 2 * MINUTE, 0);
      await ledger.submit(DRIVER, 'startSession', startArgs());
    });
    it('does not use (and refund) the own booking unless the time surely lies inside it', async () => {
      const ledger = await readyLedger();
      await ledger.submit(DRIVER, 'createBooking', slot());
      at(ledger, NOON + HOUR - 2 * MINUTE); // two minutes before the slot ends
      const session = await ledger.submit(DRIVER, 'startSession', startArgs());
      expect(field(session, 'bookingId')).to.equal(null);
      expect(field(await ledger.evaluate(DRIVER, 'getBalance'), 'held', 'bookings')).to.equal('3000');
    });
    it('uses the own booking when the time surely lies inside it', async () => {
      const ledger = await readyLedger();
      await ledger.submit(DRIVER, 'createBooking', slot());
      at(ledger, NOON);
      expect(field(await ledger.submit(DRIVER, 'startSession', startArgs()), 'bookingId')).to.equal('bk-1');
      expect(field(await ledger.evaluate(DRIVER, 'getBalance'), 'held', 'bookings')).to.equal('0');
    });
    it('throws STATION_UNAVAILABLE when the station may still be closed', async () => {
      const ledger = await readyLedger({
        station: {
          openingHours: {
            twentyfourseven: false,
            regularHours: [{ weekday: 1, periodBegin: '09:00', periodEnd: '22:00' }],
          },
        },
      });
      at(ledger, T0 + HOUR + 2 * MINUTE); // 09:02
      await expectError(
        ledger,
        () => ledger.submit(DRIVER, 'startSession', startArgs()),
        'STATION_UNAVAILABLE',
      );
      at(ledger, T0 + HOUR + 2 * MINUTE, 0);
      await ledger.submit(DRIVER, 'startSession', startArgs());
    });
  });
});
