// The driver's booking commands (list, show, create past free cancellation) and how a station's
// opening hours are shown, against a recording LedgerClient.
import { expect } from 'chai';
import { EcarError } from '../../../chaincode/src/protocol/errors';
import { json, RecordingLedger, runCli } from './harness';

const BOOKING = {
  id: 'bk-1',
  driver: 'w:' + 'ab'.repeat(32),
  host: 'w:' + 'cd'.repeat(32),
  stationId: 'st-1',
  evseUid: 'EVSE-1',
  startAt: Date.parse('2026-05-01T18:00:00Z'),
  endAt: Date.parse('2026-05-01T19:00:00Z'),
  cancelUntil: Date.parse('2026-05-01T17:00:00Z'),
  noShowFee: '300',
  status: 'CONFIRMED',
  createdAt: Date.parse('2026-05-01T16:50:00Z'),
};

describe('ecar booking', () => {
  describe('list', () => {
    it('evaluates myBookings with the status and limit, and prints a table of the ids', async () => {
      const ledger = new RecordingLedger().answer('myBookings', [BOOKING]);
      const run = await runCli(['booking', 'list', '--status', 'CONFIRMED', '--limit', '5'], { ledger });
      expect(run.code, run.stderr).to.equal(0);
      expect(ledger.calls).to.deep.equal([
        { kind: 'evaluate', fn: 'myBookings', args: { status: 'CONFIRMED', limit: 5 } },
      ]);
      expect(run.stdout).to.match(/bk-1 +st-1 +EVSE-1 +CONFIRMED/);
    });
    it('says so when there are none, and prints [] with --json', async () => {
      const ledger = new RecordingLedger().answer('myBookings', []);
      expect((await runCli(['booking', 'list'], { ledger })).stdout).to.include('no bookings');
      expect(json(await runCli(['booking', 'list', '--json'], { ledger }))).to.deep.equal([]);
    });
    it('exits 2 for an unknown status and sends nothing', async () => {
      const ledger = new RecordingLedger();
      const run = await runCli(['booking', 'list', '--status', 'OPEN'], { ledger });
      expect(run.code).to.equal(2);
      expect(ledger.calls).to.deep.equal([]);
    });
  });

  describe('show', () => {
    it('evaluates getBooking and prints the booking', async () => {
      const ledger = new RecordingLedger().answer('getBooking', BOOKING);
      const run = await runCli(['booking', 'show', '--booking', 'bk-1'], { ledger });
      expect(run.code, run.stderr).to.equal(0);
      expect(ledger.calls).to.deep.equal([
        { kind: 'evaluate', fn: 'getBooking', args: { bookingId: 'bk-1' } },
      ]);
      expect(run.stdout).to.match(/booking: +bk-1/);
      expect(run.stdout).to.match(/free cancel until: +2026-05-01T17:00:00/);
    });
  });

  describe('create', () => {
    it('sends acceptNoFreeCancellation only with --accept-no-free-cancel', async () => {
      const ledger = new RecordingLedger().answer('createBooking', { ...BOOKING, freeCancellation: false });
      const base = ['booking', 'create', '--station', 'st-1', '--evse', 'EVSE-1'];
      const slot = ['--from', '2026-05-01T18:00:00Z', '--to', '2026-05-01T19:00:00Z', '--booking-id', 'bk-1'];
      await runCli([...base, ...slot], { ledger });
      const run = await runCli([...base, ...slot, '--accept-no-free-cancel'], { ledger });
      expect(
        ledger.calls.map((c) => (c.args as Record<string, unknown>).acceptNoFreeCancellation),
      ).to.deep.equal([undefined, true]);
      expect(run.stdout).to.match(/free cancellation: +not available/);
    });
    it('says free cancellation is over and names the flag when the ledger refuses', async () => {
      const ledger = new RecordingLedger().answer(
        'createBooking',
        new EcarError(
          'NO_FREE_CANCELLATION',
          'free cancellation of this slot ended at 2026-05-01T17:00:00.000Z',
        ),
      );
      const run = await runCli(
        ['booking', 'create', '--station', 'st-1', '--evse', 'EVSE-1'].concat([
          '--from',
          '2026-05-01T18:00:00Z',
          '--to',
          '2026-05-01T19:00:00Z',
        ]),
        { ledger },
      );
      expect(run.code).to.equal(1);
      expect(run.stderr).to.include('--accept-no-free-cancel');
    });
  });
});

describe('ecar station show', () => {
  it('prints opening hours with day names, grouped, in the station local time', async () => {
    const ledger = new RecordingLedger().answer('getStation', {
      id: 'st-1',
      name: 'Garage',
      host: 'w:' + 'cd'.repeat(32),
      location: { country: 'DE', city: 'Berlin', latitude: '52.53', longitude: '13.38' },
      parkingType: 'ON_DRIVEWAY',
      utcOffsetMinutes: 60,
      evses: [],
      openingHours: {
        twentyfourseven: false,
        regularHours: [
          { weekday: 1, periodBegin: '08:00', periodEnd: '12:00' },
          { weekday: 6, periodBegin: '09:00', periodEnd: '20:00' },
          { weekday: 7, periodBegin: '09:00', periodEnd: '20:00' },
        ],
      },
      status: 'AVAILABLE',
      tariffVersion: 0,
    });
    const run = await runCli(['station', 'show', '--station', 'st-1'], { ledger });
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(
      /opening hours: +mon 08:00-12:00, sat-sun 09:00-20:00 \(station local time, UTC\+01:00\)/,
    );
  });
});
