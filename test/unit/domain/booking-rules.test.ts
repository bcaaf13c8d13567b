// Booking rules drivers met on a fresh network: opening hours in the station's local time, a
// slot already past its free cancellation, and the driver's own booking list.
import { expect } from 'chai';
import {
  DRIVER,
  DRIVER2,
  expectError,
  field,
  HOST,
  MINUTE,
  OPERATOR,
  readyLedger,
} from '../../support/builders';
import { T0 } from '../../support/ledger';
import { MemoryTransaction } from '../../support/memory-store';

const WEEKEND = {
  twentyfourseven: false,
  regularHours: [6, 7].map((weekday) => ({ weekday, periodBegin: '09:00', periodEnd: '20:00' })),
};

const slot = (startAt: string, endAt: string, overrides: Record<string, unknown> = {}) => ({
  bookingId: 'bk-1',
  stationId: 'st-1',
  evseUid: 'evse-1',
  startAt,
  endAt,
  ...overrides,
});

describe('createBooking', () => {
  describe('opening hours', () => {
    it('throws OUTSIDE_OPENING_HOURS for Saturday 02:00-03:00 at a station open sat-sun 09:00-20:00', async () => {
      const ledger = await readyLedger({ station: { openingHours: WEEKEND } });
      await expectError(
        ledger,
        () => ledger.submit(DRIVER, 'createBooking', slot('2026-03-07T02:00:00Z', '2026-03-07T03:00:00Z')),
        'OUTSIDE_OPENING_HOURS',
        { stationId: 'st-1', field: 'startAt' },
      );
      expect(field(await ledger.evaluate(DRIVER, 'getBalance'), 'held', 'bookings')).to.equal('0');
      await ledger.submit(DRIVER, 'createBooking', slot('2026-03-07T10:00:00Z', '2026-03-07T11:00:00Z'));
    });
    it('throws OUTSIDE_OPENING_HOURS for a slot that runs past closing or starts on a closed weekday', async () => {
      const ledger = await readyLedger({ station: { openingHours: WEEKEND } });
      for (const [from, to] of [
        ['2026-03-07T19:30:00Z', '2026-03-07T20:30:00Z'],
        ['2026-03-06T10:00:00Z', '2026-03-06T11:00:00Z'],
        ['2026-03-07T08:59:00Z', '2026-03-07T09:30:00Z'],
      ] as const) {
        await expectError(
          ledger,
          () => ledger.submit(DRIVER, 'createBooking', slot(from, to)),
          'OUTSIDE_OPENING_HOURS',
        );
      }
      // ends exactly at closing time: the last booked minute (19:59) is open
      await ledger.submit(DRIVER, 'createBooking', slot('2026-03-07T19:00:00Z', '2026-03-07T20:00:00Z'));
    });
    it("judges the hours in the station's local time (utcOffsetMinutes)", async () => {
      const ledger = await readyLedger({ station: { openingHours: WEEKEND, utcOffsetMinutes: 60 } });
      // 08:30 UTC is 09:30 at the station: open; 07:30 UTC is 08:30 there: closed
      await ledger.submit(DRIVER, 'createBooking', slot('2026-03-07T08:30:00Z', '2026-03-07T09:30:00Z'));
      await expectError(
        ledger,
        () =>
          ledger.submit(
            DRIVER2,
            'createBooking',
            slot('2026-03-07T07:30:00Z', '2026-03-07T08:00:00Z', { bookingId: 'bk-2', evseUid: 'evse-2' }),
          ),
        'OUTSIDE_OPENING_HOURS',
      );
      // 19:30 UTC is 20:30 there: closed, although 19:30 is within the hours read as UTC
      await expectError(
        ledger,
        () =>
          ledger.submit(
            DRIVER2,
            'createBooking',
            slot('2026-03-07T19:00:00Z', '2026-03-07T19:30:00Z', { bookingId: 'bk-2', evseUid: 'evse-2' }),
          ),
        'OUTSIDE_OPENING_HOURS',
      );
    });
  });

  describe('free cancellation', () => {
    const soon = (minutes: number): string => new Date(T0 + minutes * MINUTE).toISOString();

    it('throws NO_FREE_CANCELLATION and holds nothing when free cancellation is already over', async () => {
      const ledger = await readyLedger();
      // free cancellation ends 60 minutes before the start, i.e. 30 minutes ago
      await expectError(
        ledger,
        () => ledger.submit(DRIVER, 'createBooking', slot(soon(30), soon(90))),
        'NO_FREE_CANCELLATION',
        { stationId: 'st-1', noShowFee: '3000' },
      );
      expect(field(await ledger.evaluate(DRIVER, 'getBalance'), 'held', 'bookings')).to.equal('0');
    });
    it('books with acceptNoFreeCancellation and answers freeCancellation: false', async () => {
      const ledger = await readyLedger();
      const booked = await ledger.submit(
        DRIVER,
        'createBooking',
        slot(soon(30), soon(90), { acceptNoFreeCancellation: true }),
      );
      expect(booked).to.deep.include({ status: 'CONFIRMED', freeCancellation: false });
      expect(
        field(await ledger.submit(DRIVER, 'cancelBooking', { bookingId: 'bk-1' }), 'feeCharged'),
      ).to.equal('3000');
    });
    it('answers freeCancellation: true for a slot far enough ahead', async () => {
      const ledger = await readyLedger();
      const booked = await ledger.submit(DRIVER, 'createBooking', slot(soon(120), soon(180)));
      expect(booked).to.deep.include({ freeCancellation: true, cancelUntil: T0 + 60 * MINUTE });
    });
    it('needs no acceptance when the station charges no no-show fee', async () => {
      const ledger = await readyLedger({
        station: { bookingTerms: { noShowFee: '0', cancelBeforeMinutes: 60, maxDurationMinutes: 240 } },
      });
      expect(await ledger.submit(DRIVER, 'createBooking', slot(soon(30), soon(90)))).to.deep.include({
        freeCancellation: false,
      });
    });
  });
});

describe('myBookings and getBooking', () => {
  it("lists only the caller's own bookings, newest first, by status", async () => {
    const ledger = await readyLedger();
    await ledger.submit(DRIVER, 'createBooking', slot('2026-03-03T12:00:00Z', '2026-03-03T13:00:00Z'));
    ledger.advance(MINUTE);
    await ledger.submit(
      DRIVER,
      'createBooking',
      slot('2026-03-04T12:00:00Z', '2026-03-04T13:00:00Z', { bookingId: 'bk-0' }),
    );
    await ledger.submit(
      DRIVER2,
      'createBooking',
      slot('2026-03-05T12:00:00Z', '2026-03-05T13:00:00Z', { bookingId: 'bk-9' }),
    );
    await ledger.submit(DRIVER, 'cancelBooking', { bookingId: 'bk-1' });
    const mine = (await ledger.evaluate(DRIVER, 'myBookings')) as { id: string; status: string }[];
    expect(mine.map((b) => [b.id, b.status])).to.deep.equal([
      ['bk-0', 'CONFIRMED'],
      ['bk-1', 'CANCELLED'],
    ]);
    const open = (await ledger.evaluate(DRIVER, 'myBookings', { status: 'CONFIRMED' })) as { id: string }[];
    expect(open.map((b) => b.id)).to.deep.equal(['bk-0']);
    expect(await ledger.evaluate(HOST, 'myBookings')).to.deep.equal([]);
  });
  it('reads only the per-driver index, never the whole booking family', async () => {
    const ledger = await readyLedger();
    await ledger.submit(DRIVER, 'createBooking', slot('2026-03-03T12:00:00Z', '2026-03-03T13:00:00Z'));
    expect(ledger.store.entries(`account-booking/${DRIVER}/`).map((e) => e.key)).to.deep.equal([
      `account-booking/${DRIVER}/bk-1`,
    ]);
    const ranges: string[] = [];
    const original = Object.getOwnPropertyDescriptor(MemoryTransaction.prototype, 'range');
    const range = original?.value as MemoryTransaction['range'];
    MemoryTransaction.prototype.range = function (this: MemoryTransaction, prefix: string) {
      ranges.push(prefix);
      return range.call(this, prefix);
    };
    try {
      await ledger.evaluate(DRIVER, 'myBookings');
    } finally {
      MemoryTransaction.prototype.range = range;
    }
    expect(ranges).to.deep.equal([`account-booking/${DRIVER}/`]);
  });
  it('shows a booking to its driver, its host and the operator; throws FORBIDDEN for others', async () => {
    const ledger = await readyLedger();
    await ledger.submit(DRIVER, 'createBooking', slot('2026-03-03T12:00:00Z', '2026-03-03T13:00:00Z'));
    for (const who of [DRIVER, HOST, OPERATOR]) {
      expect(field(await ledger.evaluate(who, 'getBooking', { bookingId: 'bk-1' }), 'id')).to.equal('bk-1');
    }
    await expectError(
      ledger,
      () => ledger.evaluate(DRIVER2, 'getBooking', { bookingId: 'bk-1' }),
      'FORBIDDEN',
    );
    await expectError(
      ledger,
      () => ledger.evaluate(DRIVER, 'getBooking', { bookingId: 'bk-x' }),
      'NOT_FOUND',
    );
  });
});
