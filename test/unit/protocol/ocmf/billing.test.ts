// assessBilling: the pairing rules, then the session rules (absolute time, session span, power).
import { expect } from 'chai';
import {
  assessBilling,
  NotBillable,
  SESSION_RULES,
  type SessionContext,
} from '../../../../chaincode/src/protocol/ocmf';
import { payload, reading, signedAndVerified } from './builders';
import { expectEcarError } from './errors';

// The default payload: 100.000 → 101.250 kWh from 08:00Z to 08:30Z (2.5 kW on average).
const BEGIN_MS = Date.UTC(2024, 4, 1, 8, 0, 0);
const END_MS = Date.UTC(2024, 4, 1, 8, 30, 0);

function context(overrides: Partial<SessionContext> = {}): SessionContext {
  return {
    maxPowerW: 11_000,
    powerToleranceBps: 1_000,
    sessionStartMs: BEGIN_MS - 60_000,
    settledAtMs: END_MS + 60_000,
    trustedTimeSkewMs: 0,
    meterClockSkewMs: 300_000,
    ...overrides,
  };
}

/** One record from `begin` to `end` (local +02:00 times as OCMF writes them). */
function span(beginTm: string, beginKwh: string, endTm: string, endKwh: string, unit = 'kWh') {
  return signedAndVerified(
    payload({
      RD: [
        reading({ TM: beginTm, RV: beginKwh, RU: unit }),
        reading({ TM: endTm, TX: 'E', RV: endKwh, RU: unit }),
      ],
    }),
  );
}

function refused(run: () => unknown, code: 'METER_READINGS_INVALID' | 'METER_READINGS_IMPLAUSIBLE') {
  const error = expectEcarError(run, code);
  expect(error).to.be.instanceOf(NotBillable);
  return error;
}

describe('assessBilling', () => {
  describe('without a session context', () => {
    it('answers the pair and names every session rule as unchecked', () => {
      const { pair, unchecked } = assessBilling(signedAndVerified(payload()), undefined);
      expect(pair.energyMilliWh).to.equal(1_250_000n);
      expect(unchecked).to.deep.equal([...SESSION_RULES]);
    });

    it('refuses a pair the records alone rule out, whatever the context (TIME_SYNC for an unset clock)', () => {
      const record = span('2024-05-01T10:00:00,000+0200 U', '100', '2024-05-01T10:30:00,000+0200 U', '101');
      expect(refused(() => assessBilling(record, undefined), 'METER_READINGS_INVALID').details.rule).to.equal(
        'TIME_SYNC',
      );
      expect(
        refused(() => assessBilling(record, undefined, context()), 'METER_READINGS_INVALID').details.rule,
      ).to.equal('TIME_SYNC');
    });
  });

  describe('with the session context', () => {
    it('bills a plausible pair inside the session and leaves nothing unchecked', () => {
      const { pair, unchecked } = assessBilling(signedAndVerified(payload()), undefined, context());
      expect(pair.energyMilliWh).to.equal(1_250_000n);
      expect(unchecked).to.deep.equal([]);
    });

    it('accepts an informative begin clock and a relative end (KEBA and ebee meters write I then R)', () => {
      const record = span('2024-05-01T10:00:00,000+0200 I', '100', '2024-05-01T10:30:00,000+0200 R', '101');
      expect(assessBilling(record, undefined, context()).pair.energyMilliWh).to.equal(1_000_000n);
    });

    it('refuses a relative begin time, which cannot be placed in the session (ABSOLUTE_TIME)', () => {
      const record = span('2024-05-01T10:00:00,000+0200 R', '100', '2024-05-01T10:30:00,000+0200 R', '101');
      expect(assessBilling(record, undefined).unchecked).to.include('ABSOLUTE_TIME');
      const error = refused(() => assessBilling(record, undefined, context()), 'METER_READINGS_INVALID');
      expect(error.details).to.include({ rule: 'ABSOLUTE_TIME', timeStatus: 'R' });
    });

    it('refuses a begin reading older than the session beyond the meter clock skew (SESSION_SPAN)', () => {
      const record = signedAndVerified(payload());
      const late = context({ sessionStartMs: BEGIN_MS + 300_001 });
      const error = refused(() => assessBilling(record, undefined, late), 'METER_READINGS_INVALID');
      expect(error.details).to.include({ rule: 'SESSION_SPAN', beginAt: '2024-05-01T08:00:00.000Z' });
      expect(assessBilling(record, undefined, context({ sessionStartMs: BEGIN_MS + 300_000 })).unchecked).to
        .be.empty;
    });

    it('refuses an end reading in the future, keeping the trusted-time skew as a margin (SESSION_SPAN)', () => {
      const record = signedAndVerified(payload());
      // the meter clock may run 300 s ahead: an end 300 s after the settlement time is still accepted...
      expect(assessBilling(record, undefined, context({ settledAtMs: END_MS - 300_000 })).unchecked).to.be
        .empty;
      // ...unless the settlement time itself may run late by the trusted-time skew
      const skewed = context({ settledAtMs: END_MS - 300_000, trustedTimeSkewMs: 1 });
      const error = refused(() => assessBilling(record, undefined, skewed), 'METER_READINGS_INVALID');
      expect(error.details).to.include({ rule: 'SESSION_SPAN', endAt: '2024-05-01T08:30:00.000Z' });
    });

    it('refuses 7.4 kWh over 1.7 s at an 11 kW connector (METER_READINGS_IMPLAUSIBLE, POWER_PLAUSIBLE)', () => {
      const record = span('2024-05-01T10:00:00,000+0200 S', '100', '2024-05-01T10:00:01,700+0200 S', '107.4');
      const error = refused(() => assessBilling(record, undefined, context()), 'METER_READINGS_IMPLAUSIBLE');
      // 11 kW × 1.7 s × 1.1 = 5.713 Wh, plus one register step (at most 1 Wh)
      expect(error.details).to.deep.equal({
        rule: 'POWER_PLAUSIBLE',
        energyMilliWh: '7400000',
        maxMilliWh: '6713',
        maxPowerW: 11_000,
        durationMs: 1_700,
        powerToleranceBps: 1_000,
      });
      expect(error.reason).to.include('7400 Wh in 1.7 s');
    });

    it('accepts energy up to max power × duration × (1 + tolerance) + one register step, and not 1 mWh more', () => {
      // 11 kW for 30 min = 5.5 kWh; +10 % = 6.05 kWh; the register resolves 1 mWh (6 decimals)
      const at = (kwh: string) =>
        span('2024-05-01T10:00:00,000+0200 S', '100.000000', '2024-05-01T10:30:00,000+0200 S', kwh);
      expect(assessBilling(at('106.050001'), undefined, context()).pair.energyMilliWh).to.equal(6_050_001n);
      const error = refused(
        () => assessBilling(at('106.050002'), undefined, context()),
        'METER_READINGS_IMPLAUSIBLE',
      );
      expect(error.details.maxMilliWh).to.equal('6050001');
      const strict = context({ powerToleranceBps: 0 });
      expect(refused(() => assessBilling(at('105.500002'), undefined, strict), 'METER_READINGS_IMPLAUSIBLE'))
        .to.exist;
      expect(assessBilling(at('105.500001'), undefined, strict).unchecked).to.be.empty;
    });

    it('allows one step of a whole-Wh register even over no time at all, and not two', () => {
      const at = (wh: string) =>
        span('2024-05-01T10:00:00,000+0200 S', '1833', '2024-05-01T10:00:00,000+0200 S', wh, 'Wh');
      expect(assessBilling(at('1834'), undefined, context()).pair.energyMilliWh).to.equal(1_000n);
      refused(() => assessBilling(at('1835'), undefined, context()), 'METER_READINGS_IMPLAUSIBLE');
    });

    it('checks the session rules only after the pairing rules', () => {
      const record = span('2024-05-01T10:00:00,000+0200 S', '100', '2024-05-01T10:00:01,700+0200 S', '99');
      expect(
        refused(() => assessBilling(record, undefined, context()), 'METER_READINGS_INVALID').details.rule,
      ).to.equal('END_BELOW_BEGIN');
    });
  });
});
