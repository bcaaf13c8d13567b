// Parsing OCMF parts: exact JSON numbers, reading values, times, pagination and inherited reading fields.
import { expect } from 'chai';
import {
  JsonNumber,
  parseExactJson,
  parseOcmfPayload,
  parseOcmfTime,
  parsePagination,
  formatOcmfTime,
  readingValue,
} from '../../../../chaincode/src/protocol/ocmf';
import { expectEcarError } from './errors';

describe('parseExactJson', () => {
  describe('numbers', () => {
    it('keeps numbers as their exact source text', () => {
      const value = parseExactJson('{"RV":0.2596,"X":[2935.600,1e3]}', 'test') as ReadonlyMap<
        string,
        unknown
      >;
      expect((value.get('RV') as JsonNumber).text).to.equal('0.2596');
      expect((value.get('X') as JsonNumber[]).map((n) => n.text)).to.deep.equal(['2935.600', '1e3']);
    });

    it('throws METER_FORMAT_INVALID for trailing text, bad escapes and deep nesting', () => {
      for (const text of ['{} x', '{"a":"\\q"}', '['.repeat(40) + ']'.repeat(40), '{"a":01}', '']) {
        expectEcarError(() => parseExactJson(text, 'test'), 'METER_FORMAT_INVALID');
      }
    });
  });
});

describe('readingValue', () => {
  describe('energy units', () => {
    it('converts kWh and Wh to exact milli-Wh, including exponents and surplus zeros', () => {
      expect(readingValue('0.2596', 'kWh').milliWh).to.equal(259_600n);
      expect(readingValue('2850685', 'Wh').milliWh).to.equal(2_850_685_000n);
      expect(readingValue('2.5e-3', 'kWh').milliWh).to.equal(2_500n);
      expect(readingValue('2935.6000000', 'kWh').milliWh).to.equal(2_935_600_000n);
    });

    it('keeps other units typed without converting them', () => {
      expect(readingValue('12.5', 'varh')).to.deep.equal({ text: '12.5', decimal: '12.5', unit: 'varh' });
    });
  });
});

describe('parseOcmfTime', () => {
  describe('valid times', () => {
    it('reads time, offset and synchronisation state exactly', () => {
      const time = parseOcmfTime('2021-08-25T10:01:04,123+0200 I');
      expect(time).to.deep.equal({
        text: '2021-08-25T10:01:04,123+0200 I',
        iso: '2021-08-25T08:01:04.123Z',
        epochMs: Date.UTC(2021, 7, 25, 8, 1, 4, 123),
        offsetMinutes: 120,
        status: 'I',
      });
    });

    it('is the inverse of formatOcmfTime', () => {
      const text = formatOcmfTime(Date.UTC(2018, 6, 24, 11, 22, 4), 120, 'S');
      expect(text).to.equal('2018-07-24T13:22:04,000+0200 S');
      expect(parseOcmfTime(text).epochMs).to.equal(Date.UTC(2018, 6, 24, 11, 22, 4));
    });
  });

  describe('invalid times', () => {
    it('throws METER_FORMAT_INVALID for ISO times with a dot, unknown states and impossible values', () => {
      for (const text of [
        '2021-08-25T10:01:04.000+0200 I',
        '2021-08-25T10:01:04,000+0200 Q',
        '2021-13-25T10:01:04,000+0200 I',
        '2021-08-25T24:01:04,000+0200 I',
      ]) {
        expectEcarError(() => parseOcmfTime(text), 'METER_FORMAT_INVALID');
      }
    });
  });
});

describe('parsePagination', () => {
  describe('contexts', () => {
    it('reads transaction and fiscal pagination', () => {
      expect(parsePagination('T32')).to.deep.equal({
        text: 'T32',
        context: 'T',
        kind: 'transaction',
        number: 32,
      });
      expect(parsePagination('F0')).to.include({ kind: 'fiscal', number: 0 });
      expectEcarError(() => parsePagination('X1'), 'METER_FORMAT_INVALID');
    });
  });
});

describe('parseOcmfPayload', () => {
  describe('readings', () => {
    it('carries omitted fields forward from the previous reading of the record', () => {
      const payload = parseOcmfPayload(
        '{"PG":"T1","MS":"M","IS":false,"IT":"NONE","RD":[' +
          '{"TM":"2024-01-01T00:00:00,000+0000 S","TX":"B","RV":1,"RI":"1-b:1.8.0","RU":"kWh","ST":"G"},' +
          '{"TX":"C","RV":2},{"RV":3},{"TM":"2024-01-01T01:00:00,000+0000 S","TX":"E","RV":4}]}',
      );
      expect(payload.readings.map((r) => r.transaction)).to.deep.equal(['B', 'C', 'C', 'E']);
      expect(payload.readings.map((r) => r.value?.milliWh)).to.deep.equal([
        1_000_000n,
        2_000_000n,
        3_000_000n,
        4_000_000n,
      ]);
      expect(payload.readings[2]?.inherited).to.deep.equal(['TM', 'TX', 'RI', 'RU', 'ST']);
      expect(payload.readings[2]?.obis).to.equal('1-b:1.8.0');
    });

    it('uses the gateway serial when a record has no meter serial', () => {
      const payload = parseOcmfPayload(
        '{"GS":"17619300","PG":"T32","IS":false,"IT":"NONE","RD":[{"TM":"2024-01-01T00:00:00,000+0000 S","ST":"G"}]}',
      );
      expect(payload.meter).to.deep.equal({ serial: '17619300', serialField: 'GS' });
      expect(payload.readings[0]?.value).to.equal(undefined);
    });
  });
});
