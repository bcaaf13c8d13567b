// The public OCMF samples of test/data/ocmf (README there): each export gives the result the
// transparency software and the other OCMF implementations give, through the report `ecar meter
// verify` prints.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { formatExact, pairReadings, verifyOcmfRecord } from '../../../../chaincode/src/protocol/ocmf';
import { verifyMeterRecords, type MeterVerifyReport } from '../../../../client/src/meter/report';
import { readSafeXml, xmlPublicKeyInput } from '../../../../client/src/meter/safe-xml';
import { projectRoot } from '../../../support/testdata';

function samplePath(file: string): string {
  return join(projectRoot(), 'test', 'data', 'ocmf', file);
}

function verifyFile(file: string): MeterVerifyReport {
  const values = readSafeXml(readFileSync(samplePath(file), 'utf8'));
  return verifyMeterRecords(
    values.map((value) => {
      const key = value.publicKey;
      return {
        signedData: value.signedData,
        format: value.format,
        ...(key === undefined ? {} : { embeddedKey: () => xmlPublicKeyInput(key) }),
      };
    }),
  );
}

interface Expected {
  readonly file: string;
  /** Per record: 'valid', or the error code. */
  readonly records: readonly string[];
  readonly curve?: string;
  readonly paginations?: readonly string[];
  /** Per pair in report order: the exact Wh, or the broken rule. */
  readonly pairs: readonly ({ readonly wh: string } | { readonly rule: string })[];
}

const valid = (n: number): string[] => Array.from({ length: n }, () => 'valid');

const SAMPLES: readonly Expected[] = [
  {
    file: 'tsw-Ocmf_Example_OBIS_98.8.0_2.8.0.xml',
    records: ['valid'],
    curve: 'secp256k1',
    paginations: ['T76'],
    pairs: [{ wh: '1000' }],
  },
  {
    file: 'tsw-nistP384_0Wh.xml',
    records: valid(2),
    curve: 'secp384r1',
    paginations: ['T5', 'T6'],
    pairs: [{ wh: '0' }],
  },
  {
    file: 'tsw-second_key_fail_ocmf.xml',
    records: ['valid', 'METER_KEY_INVALID'],
    paginations: ['T1040', 'T1041'],
    pairs: [{ rule: 'RECORD_INVALID' }],
  },
  {
    file: 'tsw-measurements.xml',
    records: valid(21),
    curve: 'secp256r1',
    // a meter clock that is not set (U) cannot place the readings in a session: not billable
    pairs: Array.from({ length: 21 }, () => ({ rule: 'TIME_SYNC' })),
  },
  {
    file: 'tsw-signature_16955306_ALL.xml',
    records: ['METER_KEY_INVALID', 'METER_KEY_INVALID'],
    paginations: ['T504', 'T503'],
    pairs: [],
  },
  {
    file: 'tsw-20211007-device-with-evt-ocmf-sss-ses.xml',
    records: valid(2),
    paginations: ['T2', 'T3'],
    pairs: [{ rule: 'METER_STATUS' }],
  },
  {
    file: 'tsw-keba_test.xml',
    records: valid(100),
    curve: 'secp256r1',
    pairs: Array.from({ length: 100 }, () => ({ rule: 'TIME_SYNC' })),
  },
  {
    file: 'tsw-OCMF-receipt-with_publickey_and_data.xml',
    records: ['valid'],
    curve: 'secp256r1',
    paginations: ['T0'],
    pairs: [{ rule: 'METER_STATUS' }],
  },
  {
    file: 'tsw-OCMF-receipt-with_import_and_export.xml',
    records: ['METER_SIGNATURE_INVALID'],
    pairs: [{ rule: 'RECORD_INVALID' }],
  },
  { file: 'tsw-VW_OCMF_load.xml', records: ['valid'], paginations: ['T144'], pairs: [{ wh: '1101' }] },
  { file: 'tsw-ocmf_tariff_1.xml', records: ['valid'], paginations: ['T86'], pairs: [{ rule: 'TIME_SYNC' }] },
  {
    file: 'tsw-OCMF_Test_Data_00.xml',
    records: valid(2),
    curve: 'secp256k1',
    paginations: ['T198', 'T199'],
    pairs: [{ wh: '0' }],
  },
  {
    file: 'tsw-ocmf_sec.xml',
    records: valid(2),
    curve: 'secp256k1',
    paginations: ['T6', 'T7'],
    pairs: [{ wh: '0' }],
  },
  { file: 'tsw-chargepoint_3.xml', records: ['valid'], paginations: ['T2'], pairs: [{ wh: '1304' }] },
  { file: 'pyocmf-base64_ocmf.xml', records: ['valid'], paginations: ['T17'], pairs: [{ wh: '0' }] },
  { file: 'pyocmf-working_ocmf.xml', records: ['valid'], paginations: ['T51'], pairs: [{ wh: '17796' }] },
];

describe('public OCMF samples (test/data/ocmf)', () => {
  for (const sample of SAMPLES) {
    describe(sample.file, () => {
      let report: MeterVerifyReport;
      before(() => {
        report = verifyFile(sample.file);
      });

      it(`gives ${sample.records.length} record result(s) as the transparency software does`, () => {
        const got = report.records.map((r) => (r.valid ? 'valid' : (r.error?.code ?? '?')));
        expect(got).to.deep.equal(sample.records);
        expect(report.ok).to.equal(sample.records.every((r) => r === 'valid'));
        if (sample.curve !== undefined) {
          expect(report.records.map((r) => r.curve)).to.deep.equal(sample.records.map(() => sample.curve));
        }
        if (sample.paginations !== undefined) {
          expect(report.records.map((r) => r.pagination)).to.deep.equal(sample.paginations);
        }
      });

      it('gives the stated pairs: exact energy, or the rule that makes them not billable', () => {
        const got = report.pairs.map((p) =>
          p.billable ? { wh: p.energyWh ?? '?' } : { rule: p.error?.rule ?? '?' },
        );
        expect(got).to.deep.equal(sample.pairs);
      });
    });
  }

  describe('tsw-OCMF-receipt-with_publickey_and_data.xml', () => {
    it('verifies a raw r||s signature with a bare X||Y key and reads padded string values', () => {
      const record = verifyFile('tsw-OCMF-receipt-with_publickey_and_data.xml').records[0];
      expect(record).to.include({ signature: 'valid', signatureForm: 'raw', keySource: 'embedded' });
      expect(record?.readings.map((r) => [r.value, r.valueWh, r.meterStatus, r.errorFlags])).to.deep.equal([
        ['00000000.000', '0', 'E', 'E'],
        ['00000000.000', '0', 'E', 'E'],
        ['00000000.000', '0', 'E', 'E'],
      ]);
    });
  });

  describe('tsw-keba_test.xml', () => {
    it('reads IS without IT as an identification without type, and the third reading inherits TM and ST', () => {
      const record = verifyFile('tsw-keba_test.xml').records[0];
      expect(record?.identification).to.deep.equal({
        assigned: false,
        level: null,
        type: null,
        flags: [],
        data: '',
      });
      expect(record?.readings[2]).to.include({ obis: '1-b:1.9.0', meterStatus: 'G', value: '0.00' });
    });
  });

  describe('pyocmf-base64_ocmf.xml', () => {
    it('keeps 1709.539307 Wh exactly, and gives no milliWh, which would have to be rounded', () => {
      const value = readSafeXml(readFileSync(samplePath('pyocmf-base64_ocmf.xml'), 'utf8'))[0];
      if (value?.publicKey === undefined) throw new Error('the sample has a key');
      const record = verifyOcmfRecord(value.signedData, xmlPublicKeyInput(value.publicKey));
      const reading = record.payload.readings[0]?.value;
      expect(reading?.wh && formatExact(reading.wh)).to.equal('1709.539307');
      expect(reading?.milliWh).to.equal(undefined);
    });
  });

  describe('ocmfjs-verify-example.json', () => {
    it('verifies the ocmf-js example record and bills exactly 7800.08 Wh', () => {
      const sample = JSON.parse(readFileSync(samplePath('ocmfjs-verify-example.json'), 'utf8')) as {
        record: string;
        publicKey: string;
      };
      const pair = pairReadings(verifyOcmfRecord(sample.record, sample.publicKey));
      expect(formatExact(pair.energyWh)).to.equal('7800.08');
      expect(pair.energyMilliWh).to.equal(7_800_080n);
    });
  });
});
