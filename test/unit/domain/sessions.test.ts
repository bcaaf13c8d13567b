// Sessions: authorisation statuses, start with a hold, settlement from signed meter records, expiry, invalidation.
import { expect } from 'chai';
import {
  BACKEND,
  DRIVER,
  DRIVER2,
  expectError,
  field,
  HOST,
  HOUR,
  ISSUER,
  meterRecords,
  METER_KEY,
  METER_SERIAL,
  MINUTE,
  OPERATOR,
  readyLedger,
  startArgs,
  stationArgs,
  testAccount,
  AUDITOR,
} from '../../support/builders';
import { signMeterRecord, tamper } from '../../support/signing-meter';
import type { TestLedger } from '../../support/ledger';

const POOR = testAccount('driver-poor');

async function started(ledger: TestLedger, overrides: Parameters<typeof startArgs>[0] = {}): Promise<void> {
  await ledger.submit(DRIVER, 'startSession', startArgs(overrides));
}

function records(ledger: TestLedger, overrides: Partial<Parameters<typeof meterRecords>[0]> = {}): string[] {
  return meterRecords({ beginMs: ledger.nowMs + MINUTE, endMs: ledger.nowMs + 61 * MINUTE, ...overrides });
}

describe('sessions', () => {
  let ledger: TestLedger;
  beforeEach(async () => {
    ledger = await readyLedger();
  });

  describe('canAuthorize', () => {
    const ask = (caller = DRIVER, overrides: Parameters<typeof startArgs>[0] = {}) => {
      const { stationId, evseUid, connectorId, holdAmount } = startArgs(overrides);
      return ledger.evaluate(caller, 'canAuthorize', { stationId, evseUid, connectorId, holdAmount });
    };

    it('answers Accepted for a funded driver at a free EVSE', async () => {
      expect(await ask()).to.deep.equal({ status: 'Accepted' });
    });
    it('answers Unknown for an unknown station', async () => {
      expect(field(await ask(DRIVER, { stationId: 'nope' }), 'status')).to.equal('Unknown');
    });
    it('answers NotAtThisLocation for an unknown EVSE', async () => {
      expect(field(await ask(DRIVER, { evseUid: 'evse-9' }), 'status')).to.equal('NotAtThisLocation');
    });
    it('answers NotAllowedTypeEVSE for an unknown connector', async () => {
      expect(field(await ask(DRIVER, { connectorId: '7' }), 'status')).to.equal('NotAllowedTypeEVSE');
    });
    it('answers NoCredit when purchased tokens do not cover the hold', async () => {
      const result = await ask(DRIVER, { holdAmount: '100000' });
      expect(result).to.deep.include({ status: 'Accepted' });
      await ledger.submit(ISSUER, 'mint', { account: POOR, amount: '1000', paymentRef: 'p-poor' });
      const poor = await ask(POOR);
      expect(poor).to.deep.include({ status: 'NoCredit', code: 'INSUFFICIENT_FUNDS' });
    });
    it('answers ConcurrentTx when the driver already charges elsewhere', async () => {
      await started(ledger);
      expect(await ask(DRIVER, { evseUid: 'evse-2' })).to.deep.include({
        status: 'ConcurrentTx',
        code: 'CONCURRENT_SESSION',
      });
    });
    it('answers NotAtThisTime with EVSE_OCCUPIED for a busy EVSE', async () => {
      await started(ledger);
      expect(await ask(DRIVER2)).to.deep.include({ status: 'NotAtThisTime', code: 'EVSE_OCCUPIED' });
    });
    it('answers Blocked for the host at their own station', async () => {
      expect(await ask(HOST)).to.deep.include({ status: 'Blocked', code: 'FORBIDDEN' });
    });
    it('answers NotAtThisLocation when the host took the station out of order', async () => {
      await ledger.submit(HOST, 'updateStation', { stationId: 'st-1', status: 'OUTOFORDER' });
      expect(await ask()).to.deep.include({ status: 'NotAtThisLocation', code: 'STATION_UNAVAILABLE' });
    });
    it('answers NotAtThisTime outside opening hours', async () => {
      await ledger.submit(HOST, 'updateStation', {
        stationId: 'st-1',
        openingHours: {
          twentyfourseven: false,
          regularHours: [{ weekday: 1, periodBegin: '18:00', periodEnd: '22:00' }],
        },
      });
      expect(await ask()).to.deep.include({ status: 'NotAtThisTime', code: 'STATION_UNAVAILABLE' });
      ledger.advance(10 * HOUR + 30 * MINUTE); // Monday 18:30
      expect(await ask()).to.deep.equal({ status: 'Accepted' });
    });
    it('throws INVALID_ARGUMENT for a hold outside the operator bounds', async () => {
      await expectError(ledger, () => ask(DRIVER, { holdAmount: '5' }), 'INVALID_ARGUMENT', {
        field: 'holdAmount',
      });
    });
  });

  describe('startSession', () => {
    it('moves the hold from purchased into a hold record and freezes the tariff version', async () => {
      const session = await ledger.submit(DRIVER, 'startSession', startArgs());
      expect(session).to.deep.include({
        id: 'sess-1',
        status: 'ACTIVE',
        holdAmount: '20000',
        tariffVersion: 1,
        driver: DRIVER,
        host: HOST,
      });
      const balance = await ledger.evaluate(DRIVER, 'getBalance');
      expect(field(balance, 'purchased')).to.equal('80000');
      expect(field(balance, 'held', 'sessions')).to.equal('20000');
      expect(ledger.events.at(-1)).to.deep.include({
        name: 'SessionStarted',
        payload: { sessionId: 'sess-1', stationId: 'st-1' },
      });
    });
    it('throws ALREADY_EXISTS for a reused session id, even after the first session ended', async () => {
      await started(ledger);
      const raw = records(ledger);
      ledger.advance(62 * MINUTE);
      await ledger.submit(DRIVER, 'stopSession', { sessionId: 'sess-1', ocmf: raw });
      await expectError(ledger, () => ledger.submit(DRIVER2, 'startSession', startArgs()), 'ALREADY_EXISTS', {
        sessionId: 'sess-1',
      });
    });
    it('throws INSUFFICIENT_FUNDS without writing anything', async () => {
      await expectError(
        ledger,
        () => ledger.submit('driver-empty', 'startSession', startArgs()),
        'INSUFFICIENT_FUNDS',
        { bucket: 'purchased' },
      );
    });
    it('throws CONCURRENT_SESSION for a second session of the same driver', async () => {
      await started(ledger);
      await expectError(
        ledger,
        () => ledger.submit(DRIVER, 'startSession', startArgs({ sessionId: 'sess-2', evseUid: 'evse-2' })),
        'CONCURRENT_SESSION',
      );
    });
    it('throws STATION_UNAVAILABLE for a station without tariff', async () => {
      await ledger.submit(HOST, 'registerStation', stationArgs({ stationId: 'st-2', meter: undefined }));
      await expectError(
        ledger,
        () => ledger.submit(DRIVER, 'startSession', startArgs({ stationId: 'st-2' })),
        'STATION_UNAVAILABLE',
      );
    });
    it('throws INVALID_ARGUMENT for a malformed session id and an unknown field', async () => {
      await expectError(
        ledger,
        () => ledger.submit(DRIVER, 'startSession', startArgs({ sessionId: 'bad id!' })),
        'INVALID_ARGUMENT',
        { field: 'sessionId' },
      );
      await expectError(
        ledger,
        () => ledger.submit(DRIVER, 'startSession', { ...startArgs(), priority: 'high' }),
        'INVALID_ARGUMENT',
        { field: 'args.priority' },
      );
      await expectError(ledger, () => ledger.submit(DRIVER, 'startSession', '[1,2]'), 'INVALID_ARGUMENT', {
        field: 'args',
      });
    });
  });

  describe('stopSession', () => {
    beforeEach(async () => {
      await started(ledger);
    });

    it('settles from the signed readings: captures the price, pays the host minus the fee, releases the rest, writes a CDR', async () => {
      const raw = records(ledger); // 10 kWh at 0.25 → 2500
      ledger.advance(62 * MINUTE);
      const result = await ledger.submit(DRIVER, 'stopSession', { sessionId: 'sess-1', ocmf: raw });
      expect(field(result, 'session', 'status')).to.equal('COMPLETED');
      expect(field(result, 'cdr')).to.deep.include({
        id: 'sess-1',
        totalCost: '2500',
        captured: '2500',
        uncollected: '0',
        platformFee: '250',
        hostEarning: '2250',
        totalEnergyMilliWh: '10000000',
        meterSerial: 'EMH-0001',
      });
      expect(field(await ledger.evaluate(DRIVER, 'getBalance'), 'purchased')).to.equal('97500');
      const host = await ledger.evaluate(HOST, 'getBalance');
      expect(field(host, 'earned')).to.deep.equal({ payable: '0', locked: '2250', frozen: '0' });
      const event = ledger.events.at(-1);
      expect(event?.name).to.equal('SessionSettled');
      expect(Object.keys(event?.payload ?? {}).sort()).to.deep.equal([
        'cdrId',
        'meterPayloadHash',
        'sessionId',
      ]);
    });
    it('accepts a backend relaying split begin and end records', async () => {
      const raw = records(ledger, { split: true });
      ledger.advance(62 * MINUTE);
      const result = await ledger.submit(BACKEND, 'stopSession', { sessionId: 'sess-1', ocmf: raw });
      expect(field(result, 'cdr', 'totalCost')).to.equal('2500');
      expect((field(result, 'cdr', 'meterPayloadHashes') as string[]).length).to.equal(2);
    });
    it('throws INVALID_STATE on a second settlement of the same session', async () => {
      const raw = records(ledger);
      ledger.advance(62 * MINUTE);
      await ledger.submit(DRIVER, 'stopSession', { sessionId: 'sess-1', ocmf: raw });
      await expectError(
        ledger,
        () =>
          ledger.submit(DRIVER, 'stopSession', { sessionId: 'sess-1', ocmf: records(ledger, { page: 2 }) }),
        'INVALID_STATE',
        { state: 'COMPLETED' },
      );
    });
    it('throws METER_SIGNATURE_INVALID for a tampered record', async () => {
      const [raw] = records(ledger);
      ledger.advance(62 * MINUTE);
      await expectError(
        ledger,
        () => ledger.submit(DRIVER, 'stopSession', { sessionId: 'sess-1', ocmf: [tamper(raw ?? '')] }),
        'METER_SIGNATURE_INVALID',
      );
    });
    it('throws METER_SIGNATURE_INVALID for readings signed by another meter key', async () => {
      const raw = records(ledger, { publicKey: 'b2'.repeat(32) });
      ledger.advance(62 * MINUTE);
      await expectError(
        ledger,
        () => ledger.submit(DRIVER, 'stopSession', { sessionId: 'sess-1', ocmf: raw }),
        'METER_SIGNATURE_INVALID',
      );
    });
    it('throws METER_MISMATCH for readings from another meter serial', async () => {
      const raw = records(ledger, { serial: 'OTHER-1' });
      ledger.advance(62 * MINUTE);
      await expectError(
        ledger,
        () => ledger.submit(DRIVER, 'stopSession', { sessionId: 'sess-1', ocmf: raw }),
        'METER_MISMATCH',
      );
    });
    it('throws METER_REPLAY for readings whose pagination is not after the last one seen', async () => {
      const first = records(ledger, { page: 5 });
      ledger.advance(62 * MINUTE);
      await ledger.submit(DRIVER, 'stopSession', { sessionId: 'sess-1', ocmf: first });
      await ledger.submit(DRIVER2, 'startSession', startArgs({ sessionId: 'sess-2' }));
      const replay = records(ledger, { page: 5 });
      ledger.advance(62 * MINUTE);
      await expectError(
        ledger,
        () => ledger.submit(DRIVER2, 'stopSession', { sessionId: 'sess-2', ocmf: replay }),
        'METER_REPLAY',
      );
      await expectError(
        ledger,
        () =>
          ledger.submit(DRIVER2, 'stopSession', {
            sessionId: 'sess-2',
            ocmf: records(ledger, {
              page: 4,
              beginMs: ledger.nowMs - 61 * MINUTE,
              endMs: ledger.nowMs - MINUTE,
            }),
          }),
        'METER_REPLAY',
      );
    });
    it('throws METER_READINGS_INVALID for an end reading older than the begin reading', async () => {
      const raw = records(ledger, { beginMs: ledger.nowMs + 30 * MINUTE, endMs: ledger.nowMs + 10 * MINUTE });
      ledger.advance(62 * MINUTE);
      await expectError(
        ledger,
        () => ledger.submit(DRIVER, 'stopSession', { sessionId: 'sess-1', ocmf: raw }),
        'METER_READINGS_INVALID',
      );
    });
    it('throws METER_READINGS_INVALID for readings from before the session or from the future', async () => {
      const old = records(ledger, { beginMs: ledger.nowMs - 2 * HOUR });
      const future = records(ledger, { endMs: ledger.nowMs + 5 * HOUR });
      ledger.advance(62 * MINUTE);
      await expectError(
        ledger,
        () => ledger.submit(DRIVER, 'stopSession', { sessionId: 'sess-1', ocmf: old }),
        'METER_READINGS_INVALID',
      );
      await expectError(
        ledger,
        () => ledger.submit(DRIVER, 'stopSession', { sessionId: 'sess-1', ocmf: future }),
        'METER_READINGS_INVALID',
      );
    });
    it('names the broken rule: TIME_ORDER, SESSION_SPAN before the session and in the future', async () => {
      const backwards = records(ledger, {
        beginMs: ledger.nowMs + 30 * MINUTE,
        endMs: ledger.nowMs + 10 * MINUTE,
      });
      const old = records(ledger, { beginMs: ledger.nowMs - 2 * HOUR });
      const future = records(ledger, { endMs: ledger.nowMs + 5 * HOUR });
      ledger.advance(62 * MINUTE);
      const stop = (ocmf: string[]) => () =>
        ledger.submit(DRIVER, 'stopSession', { sessionId: 'sess-1', ocmf });
      await expectError(ledger, stop(backwards), 'METER_READINGS_INVALID', { rule: 'TIME_ORDER' });
      await expectError(ledger, stop(old), 'METER_READINGS_INVALID', { rule: 'SESSION_SPAN' });
      await expectError(ledger, stop(future), 'METER_READINGS_INVALID', { rule: 'SESSION_SPAN' });
    });
    it('throws METER_READINGS_IMPLAUSIBLE for 7.4 kWh signed over 1.7 s at an 11 kW connector, nothing written', async () => {
      const raw = records(ledger, { endMs: ledger.nowMs + MINUTE + 1_700, energyMilliWh: 7_400_000n });
      ledger.advance(2 * MINUTE);
      const error = await expectError(
        ledger,
        () => ledger.submit(DRIVER, 'stopSession', { sessionId: 'sess-1', ocmf: raw }),
        'METER_READINGS_IMPLAUSIBLE',
        { rule: 'POWER_PLAUSIBLE', energyMilliWh: '7400000', maxMilliWh: '5714' },
      );
      expect(error.details).to.include({ maxPowerW: 11_000, durationMs: 1_700, powerToleranceBps: 1_000 });
      expect(await ledger.evaluate(DRIVER, 'getSession', { sessionId: 'sess-1' })).to.include({
        status: 'ACTIVE',
      });
    });
    it('judges the energy by the tolerance the operator sets (meterPowerToleranceBps)', async () => {
      // 11 kW for 60 min = 11 kWh; 11.5 kWh needs more than the 0 % the operator now allows
      const raw = records(ledger, { energyMilliWh: 11_500_000n });
      ledger.advance(62 * MINUTE);
      await ledger.submit(OPERATOR, 'setParams', { meterPowerToleranceBps: 0 });
      const stop = () => ledger.submit(DRIVER, 'stopSession', { sessionId: 'sess-1', ocmf: raw });
      await expectError(ledger, stop, 'METER_READINGS_IMPLAUSIBLE', { maxMilliWh: '11000001' });
      await ledger.submit(OPERATOR, 'setParams', { meterPowerToleranceBps: 500 });
      expect(field(await stop(), 'cdr', 'totalEnergyMilliWh')).to.equal('11500000');
    });
    it('throws METER_READINGS_INVALID (TIME_SYNC) for readings of a meter whose clock is not set', async () => {
      const raw = [
        signMeterRecord(
          {
            serial: METER_SERIAL,
            page: 1,
            readings: [
              { type: 'B', timeMs: ledger.nowMs + MINUTE, milliWh: 0n, timeStatus: 'U' },
              { type: 'E', timeMs: ledger.nowMs + 61 * MINUTE, milliWh: 1_000_000n, timeStatus: 'U' },
            ],
          },
          METER_KEY,
        ),
      ];
      ledger.advance(62 * MINUTE);
      await expectError(
        ledger,
        () => ledger.submit(DRIVER, 'stopSession', { sessionId: 'sess-1', ocmf: raw }),
        'METER_READINGS_INVALID',
        { rule: 'TIME_SYNC' },
      );
    });
    it('throws INVALID_ARGUMENT when the records are missing', async () => {
      await expectError(
        ledger,
        () => ledger.submit(DRIVER, 'stopSession', { sessionId: 'sess-1' }),
        'INVALID_ARGUMENT',
        { field: 'ocmf' },
      );
      await expectError(
        ledger,
        () => ledger.submit(DRIVER, 'stopSession', { sessionId: 'sess-1', ocmf: ['a', 'b', 'c'] }),
        'INVALID_ARGUMENT',
        { field: 'ocmf' },
      );
    });
    it('throws FORBIDDEN for anyone but the driver or a backend', async () => {
      await expectError(
        ledger,
        () => ledger.submit(DRIVER2, 'stopSession', { sessionId: 'sess-1', ocmf: records(ledger) }),
        'FORBIDDEN',
      );
    });
    it('throws NOT_FOUND for an unknown session', async () => {
      await expectError(
        ledger,
        () => ledger.submit(DRIVER, 'stopSession', { sessionId: 'sess-x', ocmf: records(ledger) }),
        'NOT_FOUND',
        { kind: 'session' },
      );
    });
    it('throws HOLD_EXPIRED after the hold expired', async () => {
      const raw = records(ledger);
      ledger.advance(13 * HOUR);
      await expectError(
        ledger,
        () => ledger.submit(DRIVER, 'stopSession', { sessionId: 'sess-1', ocmf: raw }),
        'HOLD_EXPIRED',
        { sessionId: 'sess-1' },
      );
    });
    it('prices with the tariff version frozen at start, not a newer one', async () => {
      await ledger.submit(HOST, 'setTariff', {
        stationId: 'st-1',
        tariff: { elements: [{ price_components: [{ type: 'ENERGY', price: '900' }] }] },
      });
      const raw = records(ledger);
      ledger.advance(62 * MINUTE);
      const result = await ledger.submit(DRIVER, 'stopSession', { sessionId: 'sess-1', ocmf: raw });
      expect(field(result, 'cdr', 'tariffVersion')).to.equal(1);
      expect(field(result, 'cdr', 'totalCost')).to.equal('2500');
    });
  });

  describe('releaseExpiredHold', () => {
    beforeEach(async () => {
      await started(ledger);
    });
    it('lets anyone release the whole hold after expiry and frees the EVSE', async () => {
      ledger.advance(12 * HOUR + 1);
      const session = await ledger.submit('passer-by', 'releaseExpiredHold', { sessionId: 'sess-1' });
      expect(field(session, 'status')).to.equal('EXPIRED');
      expect(field(await ledger.evaluate(DRIVER, 'getBalance'), 'purchased')).to.equal('100000');
      expect(
        await ledger.evaluate(DRIVER2, 'canAuthorize', {
          stationId: 'st-1',
          evseUid: 'evse-1',
          connectorId: '1',
        }),
      ).to.deep.equal({ status: 'Accepted' });
    });
    it('throws HOLD_NOT_EXPIRED before expiry', async () => {
      await expectError(
        ledger,
        () => ledger.submit('passer-by', 'releaseExpiredHold', { sessionId: 'sess-1' }),
        'HOLD_NOT_EXPIRED',
      );
    });
    it('throws INVALID_STATE for a settled session', async () => {
      const raw = records(ledger);
      ledger.advance(62 * MINUTE);
      await ledger.submit(DRIVER, 'stopSession', { sessionId: 'sess-1', ocmf: raw });
      ledger.advance(13 * HOUR);
      await expectError(
        ledger,
        () => ledger.submit('passer-by', 'releaseExpiredHold', { sessionId: 'sess-1' }),
        'INVALID_STATE',
      );
    });
  });

  describe('invalidateSession', () => {
    beforeEach(async () => {
      await started(ledger);
    });
    it('lets the operator or a backend end a session and release its hold', async () => {
      const session = await ledger.submit(BACKEND, 'invalidateSession', {
        sessionId: 'sess-1',
        reason: 'charger fault',
      });
      expect(session).to.deep.include({ status: 'INVALID', reason: 'charger fault' });
      expect(field(await ledger.evaluate(DRIVER, 'getBalance'), 'purchased')).to.equal('100000');
    });
    it('throws FORBIDDEN for the driver and the host', async () => {
      await expectError(
        ledger,
        () => ledger.submit(DRIVER, 'invalidateSession', { sessionId: 'sess-1', reason: 'x' }),
        'FORBIDDEN',
      );
      await expectError(
        ledger,
        () => ledger.submit(HOST, 'invalidateSession', { sessionId: 'sess-1', reason: 'x' }),
        'FORBIDDEN',
      );
    });
    it('throws INVALID_ARGUMENT without a reason', async () => {
      await expectError(
        ledger,
        () => ledger.submit(OPERATOR, 'invalidateSession', { sessionId: 'sess-1' }),
        'INVALID_ARGUMENT',
        { field: 'reason' },
      );
    });
  });

  describe('getSession', () => {
    it('shows the session to its driver, host and the auditor, not to others', async () => {
      await started(ledger);
      for (const who of [DRIVER, HOST, AUDITOR, OPERATOR])
        expect(field(await ledger.evaluate(who, 'getSession', { sessionId: 'sess-1' }), 'id')).to.equal(
          'sess-1',
        );
      await expectError(
        ledger,
        () => ledger.evaluate(DRIVER2, 'getSession', { sessionId: 'sess-1' }),
        'FORBIDDEN',
      );
    });
  });
});
