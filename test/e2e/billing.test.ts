// Settlement by the billing rules on the real network: a session settles from a S.A.F.E. transparency
// export shaped like a KEBA KCP30's (one T record with B and E, informative then relative clock, kWh
// with four decimals), signed by a test meter the charging backend pinned; an implausible export
// (7.4 kWh over 1.7 s at an 11 kW connector) is refused with its typed reason in the sealed answer and
// nothing written. Each time `ecar meter verify`'s report, given the session context, says the same.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import type { JsonObject, JsonValue } from '../../chaincode/src/protocol/json';
import { EcarError } from '../../chaincode/src/protocol/errors';
import {
  BILLING_DEFAULTS,
  formatOcmfTime,
  signOcmfRecord,
  type SessionContext,
} from '../../chaincode/src/protocol/ocmf';
import { verifyMeterRecords, type PairReport } from '../../client/src/meter/report';
import { readSafeXml } from '../../client/src/meter/safe-xml';
import { E2E_CLOCK_SKEW_MS, e2eNetwork } from '../support/e2e-network';
import { newTestMeter, openActor, type Actor, type TestMeter } from '../support/ledger-actors';
import { openRoleActor } from '../support/network-role-actor';
import { safeXmlExport } from '../../client/src/meter/safe-xml-write';

const MAX_POWER_W = 11_000;
const PRICE_PER_KWH = 3_490_000n;
const MINTED = 200_000n;
const HOLD = 60_000n;
const CHARGE_MS = 5_000;

function obj(value: JsonValue | undefined): JsonObject {
  expect(value, 'a JSON object').to.be.an('object').and.not.be.an('array');
  return value as JsonObject;
}

function at(value: JsonValue, ...path: string[]): JsonValue {
  let current: JsonValue = value;
  for (const key of path) current = obj(current)[key] ?? null;
  return current;
}

/** A KEBA KCP30-shaped transaction record: one T record, B then E, the end time relative (R). */
function kebaRecord(meter: TestMeter, page: number, begin: Reading, end: Reading): string {
  return signOcmfRecord(
    {
      FV: '1.0',
      GI: 'KEBA_KCP30',
      GS: meter.serial,
      GV: '2.8.5',
      PG: `T${page}`,
      IS: false,
      IL: 'NONE',
      IF: ['RFID_NONE', 'OCPP_NONE', 'ISO15118_NONE', 'PLMN_NONE'],
      IT: 'NONE',
      ID: '',
      RD: [
        {
          TM: formatOcmfTime(begin.timeMs, 0, 'I'),
          TX: 'B',
          EF: '',
          ST: 'G',
          RV: begin.kwh,
          RI: '1-b:1.8.0',
          RU: 'kWh',
        },
        {
          TM: formatOcmfTime(end.timeMs, 0, 'R'),
          TX: 'E',
          EF: '',
          ST: 'G',
          RV: end.kwh,
          RI: '1-b:1.8.0',
          RU: 'kWh',
        },
      ],
    },
    meter.privateKey,
  );
}

interface Reading {
  readonly timeMs: number;
  /** kWh with four decimals, as KEBA writes them. */
  readonly kwh: string;
}

describe('settlement by the billing rules on the network (KEBA-shaped S.A.F.E. exports)', () => {
  const t = e2eNetwork().topology;
  const run = randomBytes(3).toString('hex');
  const stationId = `e2e-bill-${run}`;
  // KEBA identifies the signing component by the gateway serial (GS) only
  const meter: TestMeter = newTestMeter(`1761${run}`);
  let operator: Actor;
  let issuer: Actor;
  let auditor: Actor;
  let backend: Actor;
  let host: Actor;
  let driver: Actor;
  const ids: Record<string, string> = {};

  before(async () => {
    operator = await openRoleActor(t, 'operator');
    issuer = openActor(t, 'org2', 'User1');
    auditor = openActor(t, 'org2', 'User2');
    backend = openActor(t, 'org1', 'User4');
    host = openActor(t, 'org1', 'User2');
    driver = openActor(t, 'org2', 'User3');
    for (const [role, actor] of Object.entries({ issuer, auditor, backend, host, driver })) {
      ids[role] = await actor.ledger.whoami();
    }
  });
  after(() => {
    for (const actor of [operator, issuer, auditor, backend, host, driver]) actor.close();
  });

  /** The wallets and audit totals a settlement touches, and the session's own record. */
  async function snapshot(sessionId: string): Promise<string> {
    const parts = await Promise.all([
      auditor.ledger.evaluate('getBalance', { account: ids.driver! }),
      auditor.ledger.evaluate('getBalance', { account: ids.host! }),
      auditor.ledger.evaluate('auditTotals'),
      driver.ledger.evaluate('getSession', { sessionId }),
    ]);
    return JSON.stringify(parts);
  }

  /** The report of `ecar meter verify --xml` with the station's key and the session's context. */
  function reportOf(xml: string, startedAt: number, settledAt: number): PairReport | undefined {
    const context: SessionContext = {
      maxPowerW: MAX_POWER_W,
      powerToleranceBps: BILLING_DEFAULTS.powerToleranceBps,
      sessionStartMs: startedAt,
      settledAtMs: settledAt,
      trustedTimeSkewMs: E2E_CLOCK_SKEW_MS,
      meterClockSkewMs: BILLING_DEFAULTS.meterClockSkewSeconds * 1000,
    };
    const inputs = readSafeXml(xml).map((v) => ({ signedData: v.signedData, format: v.format }));
    return verifyMeterRecords(inputs, meter.publicKeyHex, context).pairs[0];
  }

  async function start(sessionId: string, evseUid: string): Promise<number> {
    const started = await driver.ledger.submit('startSession', {
      sessionId,
      stationId,
      evseUid,
      connectorId: '1',
      holdAmount: HOLD,
    });
    return at(started.result, 'startedAt') as number;
  }

  it('sets up roles, a station whose meter key the charging backend pins, a tariff and a funded driver', async () => {
    const params = {
      issuer: ids.issuer!,
      auditors: [ids.auditor!],
      backends: [ids.backend!],
      holdDefault: HOLD,
      holdMinimum: 1_000n,
      holdMaximum: 100_000n,
    };
    try {
      await operator.ledger.submit('initialize', params);
    } catch (error) {
      // initialised by an earlier suite with this operator wallet: this suite's roles and holds again
      if (!(error instanceof EcarError && error.code === 'ALREADY_EXISTS')) throw error;
      await operator.ledger.submit('setParams', params);
    }
    const read = await driver.ledger.evaluate('getParams');
    expect(at(read, 'meterPowerToleranceBps')).to.equal(BILLING_DEFAULTS.powerToleranceBps);
    const pinnedMeter = {
      vendor: 'KEBA',
      model: 'KC-P30',
      serial: meter.serial,
      publicKey: meter.publicKeyHex,
      signatureMethod: 'ECDSA-secp256r1-SHA256',
    };
    await host.ledger.submit('registerStation', {
      stationId,
      name: 'E2E KEBA wallbox',
      location: { country: 'DE', city: 'Berlin', latitude: '52.53', longitude: '13.38' },
      address: {
        street: 'Invalidenstrasse',
        houseNumber: '117',
        postalCode: '10115',
        city: 'Berlin',
        country: 'DE',
      },
      parkingType: 'ON_DRIVEWAY',
      evses: ['evse-1', 'evse-2'].map((uid) => ({
        uid,
        connectors: [
          {
            id: '1',
            standard: 'IEC_62196_T2',
            format: 'SOCKET',
            powerType: 'AC_3_PHASE',
            maxVoltage: 400,
            maxAmperage: 16,
            maxElectricPower: MAX_POWER_W,
          },
        ],
      })),
      openingHours: { twentyfourseven: true },
      meter: pinnedMeter,
    });
    const pinned = await backend.ledger.submit('pinMeterFromBackend', { stationId, meter: pinnedMeter });
    expect(at(pinned.result, 'meterVerification')).to.equal('BACKEND');
    await host.ledger.submit('setTariff', {
      stationId,
      tariff: { elements: [{ price_components: [{ type: 'ENERGY', price: PRICE_PER_KWH, step_size: 1 }] }] },
    });
    await issuer.ledger.submit('mint', { account: ids.driver!, amount: MINTED, paymentRef: `bill-${run}` });
  });

  it('settles a session from the KEBA-shaped export, as the report said it would', async () => {
    const sessionId = `bill-ok-${run}`;
    const startedAt = await start(sessionId, 'evse-1');
    await sleep(Math.max(0, startedAt + CHARGE_MS - Date.now())); // charging takes time
    const record = kebaRecord(
      meter,
      32,
      { timeMs: startedAt, kwh: '1520.4000' },
      { timeMs: Date.now(), kwh: '1520.4120' },
    );
    const xml = safeXmlExport(sessionId, [{ record, publicKeyHex: meter.publicKeyHex }]);
    const report = reportOf(xml, startedAt, Date.now());
    expect(report, 'the report judges the pair').to.deep.include({
      billable: true,
      energyMilliWh: '12000',
      unchecked: [],
    });

    const ocmf = readSafeXml(xml).map((v) => v.signedData);
    const settled = await driver.ledger.submit('stopSession', { sessionId, ocmf });
    const cdr = at(settled.result, 'cdr');
    expect(at(cdr, 'totalEnergyMilliWh')).to.equal('12000');
    expect(at(cdr, 'totalCost')).to.equal(((12n * PRICE_PER_KWH) / 1000n).toString()); // 41880
    expect(at(cdr, 'meterSerial')).to.equal(meter.serial);
    expect(at(settled.result, 'session', 'status')).to.equal('COMPLETED');
  });

  it('refuses 7.4 kWh signed over 1.7 s at the 11 kW connector (METER_READINGS_IMPLAUSIBLE), nothing written', async () => {
    const sessionId = `bill-bad-${run}`;
    const startedAt = await start(sessionId, 'evse-2');
    await sleep(Math.max(0, startedAt + 2_000 - Date.now())); // the end reading lies in the past
    const record = kebaRecord(
      meter,
      33,
      { timeMs: startedAt, kwh: '1520.4120' },
      { timeMs: startedAt + 1_700, kwh: '1527.8120' },
    );
    const xml = safeXmlExport(sessionId, [{ record, publicKeyHex: meter.publicKeyHex }]);
    const report = reportOf(xml, startedAt, Date.now());
    expect(report?.billable).to.equal(false);
    expect(report?.error).to.deep.include({ code: 'METER_READINGS_IMPLAUSIBLE', rule: 'POWER_PLAUSIBLE' });

    const before = await snapshot(sessionId);
    const ocmf = readSafeXml(xml).map((v) => v.signedData);
    const refusal = await driver.ledger.submit('stopSession', { sessionId, ocmf }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal, 'a typed refusal').to.be.instanceOf(EcarError);
    const error = refusal as EcarError;
    expect(error.code, error.message).to.equal('METER_READINGS_IMPLAUSIBLE');
    // the reason and its figures travel in the sealed answer, the same as the report's
    expect(error.details).to.include({ sealed: true, ...report?.error?.details });
    expect(error.details).to.include({
      rule: 'POWER_PLAUSIBLE',
      energyMilliWh: '7400000',
      maxPowerW: MAX_POWER_W,
    });
    expect(error.reason).to.equal(report?.error?.reason);
    expect(await snapshot(sessionId), 'balances, totals and the session are unchanged').to.equal(before);
    expect(at(await driver.ledger.evaluate('getSession', { sessionId }), 'status')).to.equal('ACTIVE');

    // the backend ends it without charge, so the driver may charge again in other suites
    await backend.ledger.submit('invalidateSession', { sessionId, reason: 'implausible meter data' });
    const balance = await driver.ledger.evaluate('getBalance');
    expect(at(balance, 'held', 'sessions')).to.equal('0');
  });
});
