// The exact address reaches a booked driver only close to the slot (or once cancelling costs the
// fee), and only for a few distinct stations a day: booking far ahead, reading the address and
// cancelling for free no longer scrapes addresses.
import { expect } from 'chai';
import {
  DRIVER,
  expectError,
  field,
  HOST,
  HOST2,
  HOUR,
  meterArgs,
  MINUTE,
  OPERATOR,
  readyLedger,
  stationArgs,
} from '../../support/builders';
import { T0, type TestLedger } from '../../support/ledger';

const DAY = 24 * HOUR;

/** A booking on `stationId` starting `startInMs` after T0 for one hour (free cancellation until 60 min before). */
function booking(bookingId: string, startInMs: number, stationId = 'st-1') {
  return {
    bookingId,
    stationId,
    evseUid: 'evse-1',
    startAt: new Date(T0 + startInMs).toISOString(),
    endAt: new Date(T0 + startInMs + HOUR).toISOString(),
  };
}

const address = (ledger: TestLedger, stationId = 'st-1') =>
  ledger.submit(DRIVER, 'getStationAddress', { stationId });

describe('getStationAddress', () => {
  describe('release time', () => {
    it('throws ADDRESS_NOT_RELEASED, saying when, for a booking two days ahead; nothing is written', async () => {
      const ledger = await readyLedger();
      await ledger.submit(DRIVER, 'createBooking', booking('bk-1', 2 * DAY));
      const error = await expectError(ledger, () => address(ledger), 'ADDRESS_NOT_RELEASED', {
        stationId: 'st-1',
        availableAt: '2026-03-04T06:00:00.000Z',
      });
      expect(error.message).to.include('2026-03-04T06:00:00');
    });
    it('releases the address from addressReleaseSeconds before the start', async () => {
      const ledger = await readyLedger();
      await ledger.submit(DRIVER, 'createBooking', booking('bk-1', 2 * DAY));
      ledger.advance(2 * DAY - 2 * HOUR);
      expect(field(await address(ledger), 'houseNumber')).to.equal('117');
    });
    it('releases the address once free cancellation has ended, when that comes first', async () => {
      const ledger = await readyLedger({
        station: {
          bookingTerms: { noShowFee: '3000', cancelBeforeMinutes: 6 * 60, maxDurationMinutes: 240 },
        },
      });
      await ledger.submit(DRIVER, 'createBooking', booking('bk-1', DAY));
      ledger.advance(DAY - 6 * HOUR + 1); // free cancellation ended; 6 hours before the start
      expect(field(await address(ledger), 'street')).to.equal('Invalidenstrasse');
    });
    it('throws ADDRESS_NOT_RELEASED when the time is forged just past the release', async () => {
      const ledger = await readyLedger();
      await ledger.submit(DRIVER, 'createBooking', booking('bk-1', 2 * DAY));
      ledger.advance(2 * DAY - 2 * HOUR + MINUTE);
      ledger.skewMs = 5 * MINUTE;
      await expectError(ledger, () => address(ledger), 'ADDRESS_NOT_RELEASED');
    });
    it('follows addressReleaseSeconds set by the operator', async () => {
      const ledger = await readyLedger();
      await ledger.submit(OPERATOR, 'setParams', { addressReleaseSeconds: (3 * DAY) / 1000 });
      await ledger.submit(DRIVER, 'createBooking', booking('bk-1', 2 * DAY));
      expect(field(await address(ledger), 'houseNumber')).to.equal('117');
    });
    it('still answers the host at any time, without counting', async () => {
      const ledger = await readyLedger();
      await ledger.submit(HOST, 'getStationAddress', { stationId: 'st-1' });
      expect(ledger.store.entries('address-release/')).to.deep.equal([]);
    });
  });

  describe('rate limit', () => {
    async function stations(count: number): Promise<TestLedger> {
      const ledger = await readyLedger({ params: {}, fund: '1000000' });
      await ledger.submit(OPERATOR, 'setParams', { addressReleasesPerDay: count - 1 });
      for (let i = 2; i <= count; i += 1) {
        const stationId = `st-${i}`;
        await ledger.submit(
          HOST2,
          'registerStation',
          stationArgs({
            stationId,
            meter: meterArgs({ publicKey: i.toString(16).padStart(2, '0').repeat(32) }),
          }),
        );
      }
      for (let i = 1; i <= count; i += 1) {
        await ledger.submit(DRIVER, 'createBooking', booking(`bk-${i}`, HOUR, `st-${i}`));
      }
      return ledger;
    }

    it('throws RATE_LIMITED for one station more than addressReleasesPerDay in a day; nothing is written', async () => {
      const ledger = await stations(3);
      await address(ledger, 'st-1');
      await address(ledger, 'st-2');
      const error = await expectError(ledger, () => address(ledger, 'st-3'), 'RATE_LIMITED', {
        retryAt: '2026-03-03T08:00:00.000Z',
      });
      expect(error.message).to.include('try again after 2026-03-03T08:00:00.000Z');
      expect(error.details.limit).to.equal(2);
    });
    it('lets a driver read a station it already received again', async () => {
      const ledger = await stations(3);
      await address(ledger, 'st-1');
      await address(ledger, 'st-2');
      expect(field(await address(ledger, 'st-1'), 'stationId')).to.equal('st-1');
    });
    it('counts a release for 24 hours, and drops it afterwards', async () => {
      const ledger = await stations(3);
      await address(ledger, 'st-1');
      ledger.advance(30 * MINUTE);
      await address(ledger, 'st-2');
      await ledger.submit(OPERATOR, 'setParams', { addressReleasesPerDay: 2 });
      ledger.advance(DAY - 30 * MINUTE);
      // st-1 rolled off: st-3 fits (still inside its booking), and the old record is gone.
      await ledger.submit(DRIVER, 'createBooking', booking('bk-9', DAY + HOUR, 'st-3'));
      await address(ledger, 'st-3');
      expect(ledger.store.entries(`address-release/${DRIVER}/`).map((e) => e.key)).to.deep.equal([
        `address-release/${DRIVER}/st-2`,
        `address-release/${DRIVER}/st-3`,
      ]);
    });
  });
});
