// pairReadings: the billing rules for begin/end readings in one record or in consecutive records.
import { expect } from 'chai';
import { pairReadings } from '../../../../chaincode/src/protocol/ocmf';
import { beginRecord, endRecord, payload, reading, signedAndVerified } from './builders';
import { expectEcarError } from './errors';

const END_TIME = '2024-05-01T10:30:00,000+0200 S';

function refusedRule(run: () => unknown): unknown {
  return expectEcarError(run, 'METER_READINGS_INVALID').details.rule;
}

describe('pairReadings', () => {
  describe('one record with begin and end', () => {
    it('returns the exact energy and time span between B and E', () => {
      const pair = pairReadings(signedAndVerified(payload()));
      expect(pair.energyMilliWh).to.equal(1_250_000n);
      expect(pair).to.include({
        singleRecord: true,
        unit: 'kWh',
        meterSerial: 'METER-1',
        durationMs: 1_800_000,
      });
      expect(pair.startedAt).to.equal('2024-05-01T08:00:00.000Z');
    });

    it('pairs the end reading of the same register when a record holds several registers', () => {
      const record = signedAndVerified(
        payload({
          RD: [
            reading({ RI: '01-00:B0.08.00*FF', RV: '10' }),
            reading({ RI: '01-00:B3.08.00*FF', RV: '0' }),
            reading({ TX: 'E', TM: END_TIME, RI: '01-00:B0.08.00*FF', RV: '12' }),
            reading({ TX: 'E', TM: END_TIME, RI: '01-00:B3.08.00*FF', RV: '1.9' }),
          ],
        }),
      );
      expect(pairReadings(record).energyMilliWh).to.equal(2_000_000n);
    });

    it('refuses an end reading that comes before the begin reading (READING_ORDER)', () => {
      const record = signedAndVerified(
        payload({ RD: [reading({ TX: 'E' }), reading({ TX: 'B', TM: END_TIME })] }),
      );
      expect(refusedRule(() => pairReadings(record))).to.equal('READING_ORDER');
    });

    it('refuses an end value below the begin value (END_BELOW_BEGIN)', () => {
      const record = signedAndVerified(
        payload({ RD: [reading({ RV: '5' }), reading({ TX: 'E', TM: END_TIME, RV: '4.999' })] }),
      );
      expect(refusedRule(() => pairReadings(record))).to.equal('END_BELOW_BEGIN');
    });

    it('refuses an end time before the begin time (TIME_ORDER)', () => {
      const record = signedAndVerified(
        payload({
          RD: [reading({ TM: END_TIME }), reading({ TX: 'E', TM: '2024-05-01T10:00:00,000+0200 S' })],
        }),
      );
      expect(refusedRule(() => pairReadings(record))).to.equal('TIME_ORDER');
    });

    it('refuses readings with a meter error state (METER_STATUS)', () => {
      const record = signedAndVerified(
        payload({ RD: [reading(), reading({ TX: 'E', TM: END_TIME, ST: 'M' })] }),
      );
      expect(refusedRule(() => pairReadings(record))).to.equal('METER_STATUS');
    });

    it('refuses energy flagged unusable (ERROR_FLAGS)', () => {
      const record = signedAndVerified(
        payload({ RD: [reading(), reading({ TX: 'E', TM: END_TIME, EF: 'E' })] }),
      );
      expect(refusedRule(() => pairReadings(record))).to.equal('ERROR_FLAGS');
    });

    it('refuses a transaction with an exception reading in between (EXCEPTION)', () => {
      const record = signedAndVerified(
        payload({
          RD: [reading(), reading({ TX: 'X', RV: '100.5' }), reading({ TX: 'E', TM: END_TIME, RV: '101' })],
        }),
      );
      expect(refusedRule(() => pairReadings(record))).to.equal('EXCEPTION');
    });

    it('refuses a user assignment error level (IDENTIFICATION)', () => {
      expect(refusedRule(() => pairReadings(signedAndVerified(payload({ IL: 'MISMATCH' }))))).to.equal(
        'IDENTIFICATION',
      );
    });

    it('refuses a user assignment error level written without IS (IDENTIFICATION)', () => {
      const draft = payload({ IL: 'MISMATCH', IS: undefined });
      expect(refusedRule(() => pairReadings(signedAndVerified(draft)))).to.equal('IDENTIFICATION');
    });

    it('refuses readings that are not energy (ENERGY_UNIT) and mixed units (SAME_UNIT)', () => {
      const time = signedAndVerified(
        payload({
          RD: [reading({ RU: 'h', RV: '1' }), reading({ TX: 'E', TM: END_TIME, RU: 'h', RV: '2' })],
        }),
      );
      expect(refusedRule(() => pairReadings(time))).to.equal('ENERGY_UNIT');
      const mixed = signedAndVerified(
        payload({ RD: [reading(), reading({ TX: 'E', TM: END_TIME, RU: 'Wh', RV: '100001' })] }),
      );
      expect(refusedRule(() => pairReadings(mixed))).to.equal('SAME_UNIT');
    });

    it('refuses a fiscal record (TRANSACTION_CONTEXT)', () => {
      const fiscal = signedAndVerified(payload({ PG: 'F3' }));
      expect(refusedRule(() => pairReadings(fiscal))).to.equal('TRANSACTION_CONTEXT');
    });

    it('refuses a record without begin reading (BEGIN_READING)', () => {
      expect(refusedRule(() => pairReadings(signedAndVerified(endRecord())))).to.equal('BEGIN_READING');
    });
  });

  describe('two records', () => {
    it('pairs a begin record with the end record that directly follows it', () => {
      const pair = pairReadings(signedAndVerified(beginRecord()), signedAndVerified(endRecord()));
      expect(pair).to.include({ singleRecord: false, energyMilliWh: 1_250_000n });
      expect([pair.begin.pagination, pair.end.pagination]).to.deep.equal(['T10', 'T11']);
    });

    it('refuses the records given the other way round, the begin after the end (READING_ORDER or BEGIN_READING)', () => {
      const rule = refusedRule(() =>
        pairReadings(signedAndVerified(endRecord()), signedAndVerified(beginRecord())),
      );
      expect(rule).to.equal('BEGIN_READING');
    });

    it('refuses a begin record whose pagination is after the end record (PAGINATION_CONSECUTIVE)', () => {
      const begin = signedAndVerified(beginRecord({ PG: 'T12' }));
      expect(refusedRule(() => pairReadings(begin, signedAndVerified(endRecord())))).to.equal(
        'PAGINATION_CONSECUTIVE',
      );
    });

    it('refuses equal pagination and gaps in pagination (PAGINATION_CONSECUTIVE)', () => {
      const begin = signedAndVerified(beginRecord());
      for (const pg of ['T10', 'T12']) {
        const end = signedAndVerified(endRecord({ PG: pg }));
        expect(refusedRule(() => pairReadings(begin, end))).to.equal('PAGINATION_CONSECUTIVE');
      }
    });

    it('refuses records of different meters (SAME_METER)', () => {
      const end = signedAndVerified(endRecord({ MS: 'METER-2' }));
      expect(refusedRule(() => pairReadings(signedAndVerified(beginRecord()), end))).to.equal('SAME_METER');
    });

    it('refuses records verified with different keys (SAME_KEY)', () => {
      const end = signedAndVerified(endRecord(), 'secp256k1');
      expect(refusedRule(() => pairReadings(signedAndVerified(beginRecord()), end))).to.equal('SAME_KEY');
    });

    it('refuses an end value below the begin value (END_BELOW_BEGIN)', () => {
      const end = signedAndVerified(endRecord({ RD: [reading({ TX: 'E', TM: END_TIME, RV: '99.999' })] }));
      expect(refusedRule(() => pairReadings(signedAndVerified(beginRecord()), end))).to.equal(
        'END_BELOW_BEGIN',
      );
    });

    it('refuses a begin record that already ends its transaction (READING_ORDER)', () => {
      const rule = refusedRule(() =>
        pairReadings(signedAndVerified(payload()), signedAndVerified(endRecord())),
      );
      expect(rule).to.equal('READING_ORDER');
    });
  });
});
