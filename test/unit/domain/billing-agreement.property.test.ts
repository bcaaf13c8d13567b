// Property: for begin/end records generated across every billing rule, stopSession (the real domain
// on the unit-test ledger, real signatures) settles exactly when `ecar meter verify`'s report, given
// the station's key and the session's context, calls the pair billable; the energy is the same, a
// refusal by a billing rule carries the same code and rule on both sides, and a refusal writes nothing.
import { expect } from 'chai';
import fc from 'fast-check';
import { EcarError } from '../../../chaincode/src/protocol/errors';
import {
  BILLING_DEFAULTS,
  formatOcmfTime,
  signOcmfRecord,
  type SessionContext,
  type TimeStatus,
} from '../../../chaincode/src/protocol/ocmf';
import { verifyMeterRecords, type PairReport } from '../../../client/src/meter/report';
import { DRIVER, field, METER_KEY, METER_SERIAL, readyLedger, startArgs } from '../../support/builders';
import { kwhText, meterForKey, signingMeter } from '../../support/signing-meter';

/** The billing rules the generated cases reach through stopSession (SAME_METER and SAME_KEY are met first by METER_MISMATCH and METER_SIGNATURE_INVALID). */
const EXERCISED_RULES = [
  'TRANSACTION_CONTEXT',
  'BEGIN_READING',
  'END_READING',
  'READING_ORDER',
  'PAGINATION_CONSECUTIVE',
  'SAME_UNIT',
  'METER_STATUS',
  'ERROR_FLAGS',
  'IDENTIFICATION',
  'EVENT_COUNTER',
  'TIME_SYNC',
  'TIME_ORDER',
  'END_BELOW_BEGIN',
  'ABSOLUTE_TIME',
  'SESSION_SPAN',
  'POWER_PLAUSIBLE',
] as const;

/** The test station's connectors deliver at most 11 kW (builders.connectorArgs). */
const MAX_POWER_W = 11_000;
const OTHER_KEY = signingMeter('billing-agreement-other').publicKeyHex;

interface ReadingCase {
  readonly tx: string;
  readonly status: string;
  readonly errorFlags: string;
  readonly timeStatus: TimeStatus;
  readonly unit: 'kWh' | 'Wh';
  readonly eventCounter?: number;
}

interface Case {
  readonly split: boolean;
  readonly begin: ReadingCase;
  readonly end: ReadingCase;
  readonly beginContext: 'T' | 'F';
  readonly endContext: 'T' | 'F';
  /** End page minus begin page (1 = consecutive). */
  readonly pageStep: number;
  readonly endSerialOther: boolean;
  readonly endKeyOther: boolean;
  readonly identificationLevel: string;
  /** Begin reading time minus the session start, s. */
  readonly beginOffsetS: number;
  /** End reading time minus begin reading time, ms (negative: time runs backwards). */
  readonly durationMs: number;
  /** Energy as a share of what 11 kW delivers over the duration, per mille (above 1100: implausible). */
  readonly energyPerMille: number;
  readonly endBelowBegin: boolean;
  /** Settlement time minus the end reading time, s (negative: the end lies in the future). */
  readonly settleAfterEndS: number;
  readonly trustedSkewS: number;
}

const rare = <T>(usual: T, ...others: T[]): fc.Arbitrary<T> =>
  fc.oneof(
    { weight: 25, arbitrary: fc.constant(usual) },
    ...others.map((o) => ({ weight: 1, arbitrary: fc.constant(o) })),
  );

const readingArb = (
  usualTx: string,
  otherTx: string[],
  timeStatus: fc.Arbitrary<TimeStatus>,
): fc.Arbitrary<ReadingCase> =>
  fc.record(
    {
      tx: rare(usualTx, ...otherTx),
      status: rare('G', 'E', 'N'),
      errorFlags: rare('', 'E', 't'),
      timeStatus,
      unit: rare<'kWh' | 'Wh'>('kWh', 'Wh'),
      eventCounter: rare(7, 8),
    },
    { requiredKeys: ['tx', 'status', 'errorFlags', 'timeStatus', 'unit'] },
  );

const caseArb: fc.Arbitrary<Case> = fc.record({
  split: fc.boolean(),
  // meters write S or I at begin (KEBA, ebee: I), and S, I or R (relative to the begin) at end
  begin: readingArb('B', ['C', 'E'], rare<TimeStatus>('S', 'I', 'I', 'I', 'R', 'U')),
  end: readingArb(
    'E',
    ['L', 'R', 'A', 'P', 'X', 'C', 'B'],
    fc.constantFrom<TimeStatus>('S', 'I', 'R', 'R', 'U'),
  ),
  beginContext: rare<'T' | 'F'>('T', 'F'),
  endContext: rare<'T' | 'F'>('T', 'F'),
  pageStep: rare(1, 0, 2),
  endSerialOther: rare(false, true),
  endKeyOther: rare(false, true),
  identificationLevel: rare('TRUSTED', 'MISMATCH'),
  beginOffsetS: fc.integer({ min: -600, max: 900 }),
  durationMs: fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: 0, max: 2 * 3_600_000 }) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 5_000 }) },
    { weight: 1, arbitrary: fc.integer({ min: -60_000, max: -1 }) },
  ),
  energyPerMille: fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: 1_000 }) },
    { weight: 3, arbitrary: fc.integer({ min: 1_000, max: 1_300 }) },
    { weight: 1, arbitrary: fc.integer({ min: 1_300, max: 1_000_000 }) },
  ),
  endBelowBegin: rare(false, true),
  settleAfterEndS: fc.integer({ min: -600, max: 1_800 }),
  trustedSkewS: fc.constantFrom(0, 0, 30, 120),
});

/** A register value in the case's unit, exact. */
function value(milliWh: bigint, unit: 'kWh' | 'Wh'): string {
  if (unit === 'kWh') return kwhText(milliWh);
  return `${(milliWh / 1000n).toString()}.${(milliWh % 1000n).toString().padStart(3, '0')}`;
}

interface Reading {
  readonly spec: ReadingCase;
  readonly timeMs: number;
  readonly milliWh: bigint;
}

/** Signs one record; EI (the event counter of early OCMF) is written into the exact payload text. */
function record(
  readings: readonly Reading[],
  page: string,
  serial: string,
  level: string,
  key: string,
): string {
  const draft = signOcmfRecord(
    {
      FV: '1.0',
      GI: 'KEBA_KCP30',
      GS: 'GW-PROP',
      PG: page,
      MS: serial,
      IS: true,
      IL: level,
      IT: 'ISO14443',
      ID: '04A1B2C3',
      RD: readings.map((r) => ({
        TM: formatOcmfTime(r.timeMs, 0, r.spec.timeStatus),
        TX: r.spec.tx,
        RV: value(r.milliWh, r.spec.unit),
        RI: '1-b:1.8.0',
        RU: r.spec.unit,
        EF: r.spec.errorFlags,
        ST: r.spec.status,
      })),
    },
    meterForKey(key).privateKey,
  );
  let index = 0;
  const text = draft.slice('OCMF|'.length, draft.lastIndexOf('|')).replace(/"ST":/g, (match) => {
    const counter = readings[index++]?.spec.eventCounter;
    return counter === undefined ? match : `"EI":${counter},${match}`;
  });
  return signOcmfRecord(text, meterForKey(key).privateKey);
}

function records(c: Case, startedAt: number): { raws: string[]; settleAt: number } {
  const beginMs = startedAt + c.beginOffsetS * 1000;
  const endMs = beginMs + c.durationMs;
  const plausible = (BigInt(MAX_POWER_W) * BigInt(Math.max(0, c.durationMs))) / 3_600n;
  const energy = (plausible * BigInt(c.energyPerMille)) / 1_000n;
  const beginMilliWh = 5_000_000n;
  const endMilliWh = c.endBelowBegin ? beginMilliWh - 1_000n - energy : beginMilliWh + energy;
  const begin: Reading = { spec: c.begin, timeMs: beginMs, milliWh: beginMilliWh };
  const end: Reading = { spec: c.end, timeMs: endMs, milliWh: endMilliWh < 0n ? 0n : endMilliWh };
  const settleAt = Math.max(startedAt + 1_000, endMs + c.settleAfterEndS * 1000);
  const endSerial = c.endSerialOther ? 'OTHER-METER' : METER_SERIAL;
  const endKey = c.endKeyOther ? OTHER_KEY : METER_KEY;
  if (!c.split) {
    return {
      raws: [record([begin, end], `${c.beginContext}1`, METER_SERIAL, c.identificationLevel, METER_KEY)],
      settleAt,
    };
  }
  return {
    raws: [
      record([begin], `${c.beginContext}5`, METER_SERIAL, c.identificationLevel, METER_KEY),
      record([end], `${c.endContext}${5 + c.pageStep}`, endSerial, c.identificationLevel, endKey),
    ],
    settleAt,
  };
}

/** The report's verdict on exactly the records a settlement gets: the pair covering all of them. */
function reportedPair(raws: readonly string[], context: SessionContext): PairReport | undefined {
  const report = verifyMeterRecords(
    raws.map((signedData) => ({ signedData })),
    METER_KEY,
    context,
  );
  const wanted = raws.map((_, i) => i);
  return report.pairs.find(
    (p) => p.records.length === wanted.length && p.records.every((r, i) => r === wanted[i]),
  );
}

describe('billing rules: stopSession and ecar meter verify agree (property)', () => {
  it('settles exactly when the report calls the pair billable, with the same energy or the same reason', async () => {
    const outcomes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const ledger = await readyLedger();
        ledger.skewMs = c.trustedSkewS * 1000;
        const started = await ledger.submit(DRIVER, 'startSession', startArgs());
        const startedAt = field(started, 'startedAt') as number;
        const { raws, settleAt } = records(c, startedAt);
        ledger.nowMs = settleAt;
        const context: SessionContext = {
          maxPowerW: MAX_POWER_W,
          powerToleranceBps: BILLING_DEFAULTS.powerToleranceBps,
          sessionStartMs: startedAt,
          settledAtMs: settleAt,
          trustedTimeSkewMs: ledger.skewMs,
          meterClockSkewMs: BILLING_DEFAULTS.meterClockSkewSeconds * 1000,
        };
        const reported = reportedPair(raws, context);
        const before = ledger.store.snapshot();
        let refusal: EcarError | undefined;
        let energy: string | undefined;
        try {
          const settled = await ledger.submit(DRIVER, 'stopSession', { sessionId: 'sess-1', ocmf: raws });
          energy = field(settled, 'cdr', 'totalEnergyMilliWh') as string;
        } catch (error) {
          if (!(error instanceof EcarError)) throw error;
          refusal = error;
        }
        const why = `case ${JSON.stringify(c)}: chaincode ${refusal?.message ?? `settled ${energy ?? ''}`}, report ${JSON.stringify(reported?.error ?? reported?.energyMilliWh ?? 'no pair')}`;
        expect(refusal === undefined, why).to.equal(reported?.billable === true);
        if (refusal === undefined) {
          expect(energy, why).to.equal(reported?.energyMilliWh);
          expect(reported?.unchecked, why).to.deep.equal([]);
          outcomes.set('settled', (outcomes.get('settled') ?? 0) + 1);
          return;
        }
        expect(ledger.store.snapshot(), `nothing is written on a refusal; ${why}`).to.equal(before);
        const rule = refusal.details.rule;
        // records that do not even look like begin and end (no B, or no end code) form no pair in the report
        const billingRule =
          refusal.code === 'METER_READINGS_INVALID' || refusal.code === 'METER_READINGS_IMPLAUSIBLE';
        if (billingRule && reported !== undefined) {
          expect(reported.error?.code, why).to.equal(refusal.code);
          expect(reported.error?.rule, why).to.equal(rule);
          expect(reported.error?.details, why).to.deep.equal(refusal.details);
        }
        const key = typeof rule === 'string' ? rule : refusal.code;
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      }),
      // A fixed seed, so the coverage floors below are measured, not hoped for; ECAR_PROPERTY_SEED explores others.
      { numRuns: 300, seed: Number(process.env.ECAR_PROPERTY_SEED ?? 20261204) },
    );
    // Measured with the default seed: 49 settled, every rule below refused at least once (ABSOLUTE_TIME,
    // the rarest, once; three other seeds: 45 to 51 settled, ABSOLUTE_TIME 1 to 3 times).
    const seen = JSON.stringify(Object.fromEntries([...outcomes.entries()].sort()));
    expect(outcomes.get('settled') ?? 0, seen).to.be.at.least(20);
    for (const rule of EXERCISED_RULES) {
      expect(outcomes.get(rule) ?? 0, `refusals by ${rule}: ${seen}`).to.be.at.least(1);
    }
  });
});
