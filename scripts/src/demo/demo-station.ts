// A driveway wallbox as a host registers it (one 11 kW AC EVSE, Type 2 socket, Berlin), optionally
// with a pinned signing meter: the one station shape the demo, the benchmark and the tests share.
import type { LedgerArgs } from '../../../client/src/fabric/ledger-client';
import type { DevMeter } from '../../../client/src/meter/dev-meter';

export interface WallboxOptions {
  readonly stationId: string;
  readonly name?: string;
  /** Pinned for energy-priced tariffs: settlement verifies its signatures. */
  readonly meter?: DevMeter;
  readonly meterModel?: string;
  /** Minor units held at booking and kept on a no-show. */
  readonly noShowFee?: bigint;
}

export function wallboxStation(options: Readonly<WallboxOptions>): LedgerArgs {
  return {
    stationId: options.stationId,
    name: options.name ?? 'Driveway wallbox, 11 kW',
    location: { country: 'DE', city: 'Berlin', latitude: '52.53', longitude: '13.38' },
    address: {
      street: 'Invalidenstrasse',
      houseNumber: '117',
      postalCode: '10115',
      city: 'Berlin',
      country: 'DE',
    },
    parkingType: 'ON_DRIVEWAY',
    evses: [
      {
        uid: 'evse-1',
        connectors: [
          {
            id: '1',
            standard: 'IEC_62196_T2',
            format: 'SOCKET',
            powerType: 'AC_3_PHASE',
            maxVoltage: 400,
            maxAmperage: 16,
            maxElectricPower: 11000,
          },
        ],
      },
    ],
    openingHours: { twentyfourseven: true },
    ...(options.meter === undefined
      ? {}
      : {
          meter: {
            vendor: 'ecar',
            model: options.meterModel ?? 'demo-meter',
            serial: options.meter.serial,
            publicKey: options.meter.publicKeyHex,
            signatureMethod: 'ECDSA-secp256r1-SHA256',
          },
        }),
    ...(options.noShowFee === undefined
      ? {}
      : { bookingTerms: { noShowFee: options.noShowFee, cancelBeforeMinutes: 10, maxDurationMinutes: 120 } }),
  };
}
