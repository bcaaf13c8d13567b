// Regression tests for the classic failures of earlier P2P charging platforms.
import { expect } from 'chai';
import { capture } from '../../../chaincode/src/domain/sessions';
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
  AUDITOR,
} from '../../support/builders';
import { signingMeter, signMeterRecord } from '../../support/signing-meter';

describe('regressions of earlier P2P charging platforms', () => {
  it('session overwrite on a busy charger: a second start on an active EVSE is refused and the first session survives', async () => {
    const ledger = await readyLedger();
    await ledger.submit(DRIVER, 'startSession', startArgs());
    await expectError(
      ledger,
      () => ledger.submit(DRIVER2, 'startSession', startArgs({ sessionId: 'sess-2' })),
      'EVSE_OCCUPIED',
      { evseUid: 'evse-1' },
    );
    await expectError(ledger, () => ledger.submit(DRIVER2, 'startSession', startArgs()), 'ALREADY_EXISTS');
    const session = await ledger.evaluate(DRIVER, 'getSession', { sessionId: 'sess-1' });
    expect(session).to.deep.include({ driver: DRIVER, status: 'ACTIVE', holdAmount: '20000' });
  });

  it('settlement above the hold: the capture is capped at the hold, the excess is recorded as uncollected, nothing goes negative', async () => {
    const ledger = await readyLedger({
      tariff: { elements: [{ price_components: [{ type: 'ENERGY', price: '5000' }] }] },
    });
    await ledger.submit(DRIVER, 'startSession', startArgs({ holdAmount: '1000' }));
    const raw = meterRecords({
      beginMs: ledger.nowMs + MINUTE,
      endMs: ledger.nowMs + 61 * MINUTE,
      energyMilliWh: 10_000_000n,
    }); // 50.00 EUR
    ledger.advance(62 * MINUTE);
    const result = await ledger.submit(DRIVER, 'stopSession', { sessionId: 'sess-1', ocmf: raw });
    expect(field(result, 'cdr')).to.deep.include({
      totalCost: '50000',
      captured: '1000',
      uncollected: '49000',
      platformFee: '100',
      hostEarning: '900',
    });
    const driver = await ledger.evaluate(DRIVER, 'getBalance');
    expect(field(driver, 'purchased')).to.equal('99000');
    expect(field(driver, 'held', 'sessions')).to.equal('0');
    expect(field(await ledger.evaluate(AUDITOR, 'auditTotals'), 'balanced')).to.equal(true);
  });

  it('settlement above the hold: the capture rule itself never takes more than the hold', () => {
    expect(capture('s', 5n, 10n)).to.deep.equal({ captured: 5n, uncollected: 0n, refund: 5n });
    expect(capture('s', 50n, 10n)).to.deep.equal({ captured: 10n, uncollected: 40n, refund: 0n });
    expect(capture('s', 10n, 10n)).to.deep.equal({ captured: 10n, uncollected: 0n, refund: 0n });
  });

  it('escrow with no expiry: every session hold carries an expiry after which anyone releases it', async () => {
    const ledger = await readyLedger();
    const session = await ledger.submit(DRIVER, 'startSession', startArgs());
    expect(field(session, 'holdExpiresAt')).to.equal(ledger.nowMs + 12 * HOUR);
    ledger.advance(12 * HOUR + 1);
    await ledger.submit('anyone-at-all', 'releaseExpiredHold', { sessionId: 'sess-1' });
    expect(field(await ledger.evaluate(DRIVER, 'getBalance'), 'total')).to.equal('100000');
  });

  it('escrow with no expiry: a booking hold ends at the booked slot and anyone can settle the no-show', async () => {
    const ledger = await readyLedger();
    await ledger.submit(DRIVER, 'createBooking', {
      bookingId: 'bk-1',
      stationId: 'st-1',
      evseUid: 'evse-1',
      startAt: '2026-03-02T10:00:00Z',
      endAt: '2026-03-02T11:00:00Z',
    });
    ledger.advance(3 * HOUR);
    await ledger.submit('anyone-at-all', 'settleNoShow', { bookingId: 'bk-1' });
    expect(field(await ledger.evaluate(DRIVER, 'getBalance'), 'held', 'bookings')).to.equal('0');
  });

  describe('owner-asserted usage', () => {
    it('refuses a stop by the host: only the driver or the charging backend may end a session', async () => {
      const ledger = await readyLedger();
      await ledger.submit(DRIVER, 'startSession', startArgs());
      const raw = meterRecords({ beginMs: ledger.nowMs + MINUTE, endMs: ledger.nowMs + 61 * MINUTE });
      ledger.advance(62 * MINUTE);
      await expectError(
        ledger,
        () => ledger.submit(HOST, 'stopSession', { sessionId: 'sess-1', ocmf: raw }),
        'FORBIDDEN',
      );
    });

    it('has no way to state energy: a stop with an energy figure is refused', async () => {
      const ledger = await readyLedger();
      await ledger.submit(DRIVER, 'startSession', startArgs());
      await expectError(
        ledger,
        () => ledger.submit(DRIVER, 'stopSession', { sessionId: 'sess-1', energyWh: '40000' }),
        'INVALID_ARGUMENT',
        { field: 'args.energyWh' },
      );
    });

    it('refuses readings the host signed with a key of their own instead of the pinned meter', async () => {
      const ledger = await readyLedger();
      await ledger.submit(DRIVER, 'startSession', startArgs());
      const forged = signMeterRecord(
        {
          serial: 'EMH-0001',
          page: 1,
          readings: [
            { type: 'B', timeMs: ledger.nowMs + MINUTE, milliWh: 0n },
            { type: 'E', timeMs: ledger.nowMs + 61 * MINUTE, milliWh: 9_000_000n },
          ],
        },
        signingMeter('host-own').publicKeyHex,
      );
      ledger.advance(62 * MINUTE);
      await expectError(
        ledger,
        () => ledger.submit(DRIVER, 'stopSession', { sessionId: 'sess-1', ocmf: [forged] }),
        'METER_SIGNATURE_INVALID',
      );
    });

    it('refuses an energy-priced tariff on a station without a pinned meter', async () => {
      const ledger = await readyLedger({
        station: { meter: undefined },
        tariff: { elements: [{ price_components: [{ type: 'TIME', price: '2000' }] }] },
      });
      await expectError(
        ledger,
        () =>
          ledger.submit(HOST, 'setTariff', {
            stationId: 'st-1',
            tariff: { elements: [{ price_components: [{ type: 'ENERGY', price: '250' }] }] },
          }),
        'INVALID_ARGUMENT',
        { field: 'tariff' },
      );
    });
  });
});
