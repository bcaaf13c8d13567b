// Stations and tariffs: registration, updates, meter pinning, the private address, versions.
import { expect } from 'chai';
import {
  DRIVER,
  DRIVER2,
  energyTariff,
  expectError,
  field,
  HOST,
  HOST2,
  meterArgs,
  OPERATOR,
  paramsArgs,
  readyLedger,
  startArgs,
  stationArgs,
} from '../../support/builders';
import { TestLedger } from '../../support/ledger';

async function initialised(): Promise<TestLedger> {
  const ledger = new TestLedger();
  await ledger.submit(OPERATOR, 'initialize', paramsArgs());
  return ledger;
}

describe('stations', () => {
  describe('registerStation', () => {
    it('registers a station with the caller as host and keeps the address out of the public view', async () => {
      const ledger = await initialised();
      const station = await ledger.submit(HOST, 'registerStation', stationArgs());
      expect(station).to.deep.include({
        id: 'st-1',
        host: HOST,
        status: 'AVAILABLE',
        tariffVersion: 0,
        parkingType: 'ON_DRIVEWAY',
      });
      expect(
        JSON.stringify(await ledger.evaluate(DRIVER, 'getStation', { stationId: 'st-1' })),
      ).not.to.contain('Invalidenstrasse');
      expect(ledger.events.at(-1)).to.deep.include({
        name: 'StationRegistered',
        payload: { stationId: 'st-1' },
      });
    });
    it('throws ALREADY_EXISTS for a taken station id', async () => {
      const ledger = await initialised();
      await ledger.submit(HOST, 'registerStation', stationArgs());
      await expectError(
        ledger,
        () =>
          ledger.submit(
            HOST2,
            'registerStation',
            stationArgs({ meter: meterArgs({ publicKey: 'c3'.repeat(32) }) }),
          ),
        'ALREADY_EXISTS',
      );
    });
    it('throws CONFLICT when a meter key is already bound to another station', async () => {
      const ledger = await initialised();
      await ledger.submit(HOST, 'registerStation', stationArgs());
      await expectError(
        ledger,
        () => ledger.submit(HOST2, 'registerStation', stationArgs({ stationId: 'st-2' })),
        'CONFLICT',
        { field: 'meter.publicKey' },
      );
    });
    it('throws METER_KEY_INVALID for a non-hex key or a signature method the operator does not accept', async () => {
      const ledger = await initialised();
      await expectError(
        ledger,
        () =>
          ledger.submit(
            HOST,
            'registerStation',
            stationArgs({ meter: meterArgs({ publicKey: 'zz'.repeat(32) }) }),
          ),
        'METER_KEY_INVALID',
      );
      await expectError(
        ledger,
        () =>
          ledger.submit(
            HOST,
            'registerStation',
            stationArgs({ meter: meterArgs({ signatureMethod: 'ECDSA-secp192k1-SHA256' }) }),
          ),
        'METER_KEY_INVALID',
      );
    });
    it('rounds coordinates with more decimals than the public location keeps, half away from zero', async () => {
      const ledger = await initialised();
      const cases = [
        ['52.5312', '13.385', '52.53', '13.39'],
        ['-33.86785', '-151.2093', '-33.87', '-151.21'],
        ['89.999', '-0.004', '90.00', '0.00'],
        ['52.5', '13', '52.5', '13'],
      ] as const;
      for (const [i, [lat, lon, latitude, longitude]] of cases.entries()) {
        const station = await ledger.submit(
          HOST,
          'registerStation',
          stationArgs({
            stationId: `st-r${i}`,
            meter: meterArgs({ publicKey: `${i}f`.repeat(32) }),
            location: { country: 'DE', city: 'Berlin', latitude: lat, longitude: lon },
          }),
        );
        expect(field(station, 'location'), `${lat} ${lon}`).to.deep.include({ latitude, longitude });
      }
      await expectError(
        ledger,
        () =>
          ledger.submit(
            HOST,
            'registerStation',
            stationArgs({
              stationId: 'st-x',
              meter: meterArgs({ publicKey: 'ee'.repeat(32) }),
              location: { country: 'DE', city: 'Berlin', latitude: '90.005', longitude: '0' },
            }),
          ),
        'INVALID_ARGUMENT',
        { field: 'location.latitude' },
      );
    });
    it('throws INVALID_ARGUMENT naming the field for bad shapes', async () => {
      const ledger = await initialised();
      // deliberately outside the argument types: what a hand-written client could send
      const cases: [Record<string, unknown>, string][] = [
        [
          { location: { country: 'DE', city: 'Berlin', latitude: '52,53', longitude: '13.38' } },
          'location.latitude',
        ],
        [
          { location: { country: 'DE', city: 'Berlin', latitude: '52.53', longitude: '1e2' } },
          'location.longitude',
        ],
        [
          { location: { country: 'Germany', city: 'Berlin', latitude: '52.53', longitude: '13.38' } },
          'location.country',
        ],
        [{ parkingType: 'GARDEN' }, 'parkingType'],
        [{ evses: [] }, 'evses'],
        [
          {
            evses: [
              {
                uid: 'e',
                connectors: [
                  {
                    id: '1',
                    standard: 'IEC_62196_T2',
                    format: 'SOCKET',
                    powerType: 'AC_3_PHASE',
                    maxVoltage: 400,
                    maxAmperage: 16,
                    maxElectricPower: 11.5,
                  },
                ],
              },
            ],
          },
          'evses[0].connectors[0].maxElectricPower',
        ],
        [{ openingHours: { twentyfourseven: false } }, 'openingHours'],
        [{ utcOffsetMinutes: 2000 }, 'utcOffsetMinutes'],
        [{ address: { street: 'x' } }, 'address.houseNumber'],
      ];
      for (const [overrides, fieldName] of cases) {
        await expectError(
          ledger,
          () => ledger.submit(HOST, 'registerStation', { ...stationArgs(), ...overrides }),
          'INVALID_ARGUMENT',
          { field: fieldName },
        );
      }
    });
  });

  describe('updateStation', () => {
    it('lets the host change status and booking terms; others get FORBIDDEN', async () => {
      const ledger = await readyLedger();
      expect(
        field(
          await ledger.submit(HOST, 'updateStation', { stationId: 'st-1', status: 'INOPERATIVE' }),
          'status',
        ),
      ).to.equal('INOPERATIVE');
      await expectError(
        ledger,
        () => ledger.submit(DRIVER, 'updateStation', { stationId: 'st-1', status: 'AVAILABLE' }),
        'FORBIDDEN',
      );
      await expectError(
        ledger,
        () => ledger.submit(HOST, 'updateStation', { stationId: 'st-1' }),
        'INVALID_ARGUMENT',
      );
      await expectError(
        ledger,
        () => ledger.submit(HOST, 'updateStation', { stationId: 'st-9', status: 'AVAILABLE' }),
        'NOT_FOUND',
      );
    });
  });

  describe('pinMeter', () => {
    it('replaces the meter and frees the old key; refused during a session', async () => {
      const ledger = await readyLedger();
      await ledger.submit(HOST, 'pinMeter', {
        stationId: 'st-1',
        meter: meterArgs({ publicKey: 'd4'.repeat(32), serial: 'EMH-0002' }),
      });
      await ledger.submit(HOST2, 'registerStation', stationArgs({ stationId: 'st-2' })); // old key is free again
      await ledger.submit(OPERATOR, 'approveMeter', { stationId: 'st-1', publicKey: 'd4'.repeat(32) });
      await ledger.submit(DRIVER, 'startSession', startArgs());
      await expectError(
        ledger,
        () =>
          ledger.submit(HOST, 'pinMeter', {
            stationId: 'st-1',
            meter: meterArgs({ publicKey: 'e5'.repeat(32) }),
          }),
        'EVSE_OCCUPIED',
      );
      await expectError(
        ledger,
        () =>
          ledger.submit(DRIVER, 'pinMeter', {
            stationId: 'st-1',
            meter: meterArgs({ publicKey: 'e5'.repeat(32) }),
          }),
        'FORBIDDEN',
      );
    });
  });

  describe('getStationAddress', () => {
    it('releases the exact address only to the host and a driver with an open booking', async () => {
      const ledger = await readyLedger();
      expect(field(await ledger.submit(HOST, 'getStationAddress', { stationId: 'st-1' }), 'street')).to.equal(
        'Invalidenstrasse',
      );
      await expectError(
        ledger,
        () => ledger.submit(DRIVER, 'getStationAddress', { stationId: 'st-1' }),
        'FORBIDDEN',
      );
      await ledger.submit(DRIVER, 'createBooking', {
        bookingId: 'bk-1',
        stationId: 'st-1',
        evseUid: 'evse-1',
        startAt: '2026-03-02T10:00:00Z',
        endAt: '2026-03-02T11:00:00Z',
      });
      expect(
        field(await ledger.submit(DRIVER, 'getStationAddress', { stationId: 'st-1' }), 'houseNumber'),
      ).to.equal('117');
      await expectError(
        ledger,
        () => ledger.submit(DRIVER2, 'getStationAddress', { stationId: 'st-1' }),
        'FORBIDDEN',
      );
    });
  });
});

describe('tariffs', () => {
  it('setTariff publishes a new version each time; getTariff reads current and old versions', async () => {
    const ledger = await readyLedger();
    expect(
      field(
        await ledger.submit(HOST, 'setTariff', { stationId: 'st-1', tariff: energyTariff('300') }),
        'version',
      ),
    ).to.equal(2);
    expect(field(await ledger.evaluate(DRIVER, 'getTariff', { stationId: 'st-1' }), 'version')).to.equal(2);
    const v1 = await ledger.evaluate(DRIVER, 'getTariff', { stationId: 'st-1', version: 1 });
    expect(field(v1, 'tariff')).to.deep.equal({
      elements: [{ price_components: [{ type: 'ENERGY', price: '250', step_size: 1 }] }],
    });
    await expectError(
      ledger,
      () => ledger.evaluate(DRIVER, 'getTariff', { stationId: 'st-1', version: 3 }),
      'NOT_FOUND',
    );
  });
  it('throws FORBIDDEN for anyone but the host and INVALID_ARGUMENT for a bad tariff', async () => {
    const ledger = await readyLedger();
    await expectError(
      ledger,
      () => ledger.submit(DRIVER, 'setTariff', { stationId: 'st-1', tariff: energyTariff() }),
      'FORBIDDEN',
    );
    await expectError(
      ledger,
      () => ledger.submit(HOST, 'setTariff', { stationId: 'st-1', tariff: { elements: 'cheap' } }),
      'INVALID_ARGUMENT',
      { field: 'tariff.elements' },
    );
  });
  it('throws NOT_FOUND for a station without tariff', async () => {
    const ledger = await initialised();
    await ledger.submit(HOST, 'registerStation', stationArgs());
    await expectError(ledger, () => ledger.evaluate(DRIVER, 'getTariff', { stationId: 'st-1' }), 'NOT_FOUND');
  });
});
