// Meter keys from a source the consortium trusts: a key the host typed in stays UNVERIFIED and
// cannot settle energy-priced sessions; the charging backend pins keys it read from the wallbox,
// the operator approves a pinned key.
import { expect } from 'chai';
import {
  BACKEND,
  DRIVER,
  expectError,
  field,
  HOST,
  HOST2,
  meterArgs,
  meterRecords,
  METER_KEY,
  MINUTE,
  OPERATOR,
  readyLedger,
  startArgs,
  stationArgs,
} from '../../support/builders';

const OTHER_KEY = 'f6'.repeat(32);

describe('meter verification', () => {
  describe('startSession', () => {
    it('throws METER_UNVERIFIED for an energy price on a meter the host pinned itself', async () => {
      const ledger = await readyLedger({ meterPinnedBy: 'host' });
      await expectError(
        ledger,
        () => ledger.submit(DRIVER, 'startSession', startArgs()),
        'METER_UNVERIFIED',
        {
          stationId: 'st-1',
        },
      );
      expect(
        await ledger.evaluate(DRIVER, 'canAuthorize', {
          stationId: 'st-1',
          evseUid: 'evse-1',
          connectorId: '1',
        }),
      ).to.deep.include({
        status: 'NotAtThisLocation',
        code: 'METER_UNVERIFIED',
      });
    });
    it('accepts a host-pinned meter when the consortium allows unverified meter keys', async () => {
      const ledger = await readyLedger({ meterPinnedBy: 'host', params: { allowUnverifiedMeterKeys: true } });
      expect(field(await ledger.submit(DRIVER, 'startSession', startArgs()), 'status')).to.equal('ACTIVE');
    });
    it('accepts a host-pinned meter for a tariff without an ENERGY component', async () => {
      const ledger = await readyLedger({
        meterPinnedBy: 'host',
        tariff: { elements: [{ price_components: [{ type: 'FLAT', price: '500' }] }] },
      });
      expect(field(await ledger.submit(DRIVER, 'startSession', startArgs()), 'status')).to.equal('ACTIVE');
    });
  });

  describe('stopSession', () => {
    it('throws METER_UNVERIFIED and writes nothing when unverified keys were disallowed during the session', async () => {
      const ledger = await readyLedger({ meterPinnedBy: 'host', params: { allowUnverifiedMeterKeys: true } });
      await ledger.submit(DRIVER, 'startSession', startArgs());
      await ledger.submit(OPERATOR, 'setParams', { allowUnverifiedMeterKeys: false });
      const raw = meterRecords({ beginMs: ledger.nowMs + MINUTE, endMs: ledger.nowMs + 61 * MINUTE });
      ledger.advance(62 * MINUTE);
      await expectError(
        ledger,
        () => ledger.submit(DRIVER, 'stopSession', { sessionId: 'sess-1', ocmf: raw }),
        'METER_UNVERIFIED',
      );
    });
    it('refuses an untrusted meter before it reads any record (METER_UNVERIFIED, not a record error)', async () => {
      const ledger = await readyLedger({ meterPinnedBy: 'host', params: { allowUnverifiedMeterKeys: true } });
      await ledger.submit(DRIVER, 'startSession', startArgs());
      await ledger.submit(OPERATOR, 'setParams', { allowUnverifiedMeterKeys: false });
      ledger.advance(62 * MINUTE);
      await expectError(
        ledger,
        () => ledger.submit(DRIVER, 'stopSession', { sessionId: 'sess-1', ocmf: ['OCMF|{not json', 'x'] }),
        'METER_UNVERIFIED',
      );
    });
  });

  describe('pinMeterFromBackend', () => {
    it('marks the key BACKEND, and a later host pin makes it UNVERIFIED again', async () => {
      const ledger = await readyLedger({ meterPinnedBy: 'host' });
      expect(
        field(await ledger.evaluate(DRIVER, 'getStation', { stationId: 'st-1' }), 'meterVerification'),
      ).to.equal('UNVERIFIED');
      await ledger.submit(BACKEND, 'pinMeterFromBackend', { stationId: 'st-1', meter: meterArgs() });
      expect(
        field(await ledger.evaluate(DRIVER, 'getStation', { stationId: 'st-1' }), 'meterVerification'),
      ).to.equal('BACKEND');
      await ledger.submit(HOST, 'pinMeter', { stationId: 'st-1', meter: meterArgs() });
      expect(
        field(await ledger.evaluate(DRIVER, 'getStation', { stationId: 'st-1' }), 'meterVerification'),
      ).to.equal('UNVERIFIED');
    });
    it('throws FORBIDDEN when a host calls it to vouch for its own meter', async () => {
      const ledger = await readyLedger({ meterPinnedBy: 'host' });
      await expectError(
        ledger,
        () => ledger.submit(HOST, 'pinMeterFromBackend', { stationId: 'st-1', meter: meterArgs() }),
        'FORBIDDEN',
      );
    });
    it("takes a real meter's key over from a station whose host squatted it unverified", async () => {
      const ledger = await readyLedger();
      await ledger.submit(
        HOST2,
        'registerStation',
        stationArgs({ stationId: 'st-2', meter: meterArgs({ publicKey: OTHER_KEY }) }),
      );
      await ledger.submit(BACKEND, 'pinMeterFromBackend', {
        stationId: 'st-1',
        meter: meterArgs({ publicKey: OTHER_KEY }),
      });
      expect(field(await ledger.evaluate(DRIVER, 'getStation', { stationId: 'st-2' }), 'meter')).to.equal(
        null,
      );
      expect(
        field(await ledger.evaluate(DRIVER, 'getStation', { stationId: 'st-1' }), 'meter', 'publicKey'),
      ).to.equal(OTHER_KEY);
    });
    it('throws CONFLICT for a key that is verified on another station, whoever pins it', async () => {
      const ledger = await readyLedger();
      await ledger.submit(
        HOST2,
        'registerStation',
        stationArgs({ stationId: 'st-2', meter: meterArgs({ publicKey: OTHER_KEY }) }),
      );
      await expectError(
        ledger,
        () =>
          ledger.submit(HOST2, 'pinMeter', { stationId: 'st-2', meter: meterArgs({ publicKey: METER_KEY }) }),
        'CONFLICT',
      );
      await expectError(
        ledger,
        () =>
          ledger.submit(BACKEND, 'pinMeterFromBackend', {
            stationId: 'st-2',
            meter: meterArgs({ publicKey: METER_KEY }),
          }),
        'CONFLICT',
      );
    });
  });

  describe('approveMeter', () => {
    it('marks the pinned key OPERATOR so energy-priced sessions start', async () => {
      const ledger = await readyLedger({ meterPinnedBy: 'host' });
      const station = await ledger.submit(OPERATOR, 'approveMeter', {
        stationId: 'st-1',
        publicKey: METER_KEY,
      });
      expect(field(station, 'meterVerification')).to.equal('OPERATOR');
      expect(field(await ledger.submit(DRIVER, 'startSession', startArgs()), 'status')).to.equal('ACTIVE');
    });
    it('throws FORBIDDEN for anyone but the operator, and METER_MISMATCH for another key than the pinned one', async () => {
      const ledger = await readyLedger({ meterPinnedBy: 'host' });
      await expectError(
        ledger,
        () => ledger.submit(HOST, 'approveMeter', { stationId: 'st-1', publicKey: METER_KEY }),
        'FORBIDDEN',
      );
      await expectError(
        ledger,
        () => ledger.submit(OPERATOR, 'approveMeter', { stationId: 'st-1', publicKey: OTHER_KEY }),
        'METER_MISMATCH',
        { stationId: 'st-1' },
      );
    });
  });
});
