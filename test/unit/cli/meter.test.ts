// `ecar meter verify` end to end through bin/ecar.js: exit codes and the JSON report per test vector.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { signOcmfRecord } from '../../../chaincode/src/protocol/ocmf';
import { readSafeXml } from '../../../client/src/meter/safe-xml';
import { payload, reading, testMeter } from '../protocol/ocmf/builders';
import { projectRoot, testdataPath } from '../../support/testdata';

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function ecar(...args: string[]): Run {
  const result = spawnSync(process.execPath, ['bin/ecar.js', 'meter', 'verify', ...args], {
    cwd: projectRoot(),
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface Report {
  ok: boolean;
  recordCount: number;
  validCount: number;
  records: {
    index: number;
    valid: boolean;
    error: { code: string } | null;
    meterSerial: string | null;
    pagination: string | null;
    curve: string | null;
    energyWh: string | null;
    keySource: string;
    readings: { type: string | null; value: string | null; unit: string | null; valueWh: string | null }[];
  }[];
  pairs: {
    records: number[];
    billable: boolean;
    energyWh: string | null;
    error: { code: string; rule: string | null; details: Record<string, unknown> } | null;
    unchecked: string[];
  }[];
}

function report(run: Run): Report {
  const parsed = JSON.parse(run.stdout) as Report | { ok: false; code: string; result: Report };
  return 'result' in parsed ? parsed.result : parsed;
}

function xml(file: string, ...more: string[]): Run {
  return ecar('--xml', testdataPath('ocmf', file), '--json', ...more);
}

/** The key test_ocmf_ebee_02.xml carries (SubjectPublicKeyInfo DER). */
const EBEE_KEY_HEX =
  readSafeXml(
    readFileSync(testdataPath('ocmf', 'test_ocmf_ebee_02.xml'), 'utf8'),
  )[0]?.publicKey?.text.replace(/\s/g, '') ?? '';

describe('ecar meter verify', () => {
  describe('test vectors', () => {
    it('reports keba_kcp30 as valid secp256r1 with exactly 0.1 Wh and exits 0', () => {
      const run = xml('test_ocmf_keba_kcp30.xml');
      expect(run.status).to.equal(0);
      const r = report(run);
      expect(r.records[0]).to.include({
        valid: true,
        curve: 'secp256r1',
        pagination: 'T32',
        energyWh: '0.1',
      });
      expect(r.records[0]?.readings.map((x) => [x.type, x.value, x.unit, x.valueWh])).to.deep.equal([
        ['B', '0.2596', 'kWh', '259.6'],
        ['E', '0.2597', 'kWh', '259.7'],
      ]);
      expect(r.pairs).to.have.length(1);
      expect(r.pairs[0]).to.include({ billable: true, energyWh: '0.1' });
    });

    it('reports keba_kcp30_fail as invalid and exits 1 with the FAILED wrapper', () => {
      const run = xml('test_ocmf_keba_kcp30_fail.xml');
      expect(run.status).to.equal(1);
      const wrapped = JSON.parse(run.stdout) as { ok: boolean; code: string };
      expect(wrapped).to.include({ ok: false, code: 'FAILED' });
      expect(report(run).records[0]?.error?.code).to.equal('METER_SIGNATURE_INVALID');
    });

    it('pairs ebee_01 records 0 and 1 to 0 Wh', () => {
      const run = xml('test_ocmf_ebee_01.xml');
      expect(run.status).to.equal(0);
      const pair = report(run).pairs[0];
      expect(pair).to.include({ billable: true, energyWh: '0' });
      expect(pair?.records).to.deep.equal([0, 1]);
    });

    it('reports ebee_02 record 0 invalid, record 1 valid, the pair not billable, and exits 1', () => {
      const run = xml('test_ocmf_ebee_02.xml');
      expect(run.status).to.equal(1);
      const r = report(run);
      expect(r.records.map((x) => x.valid)).to.deep.equal([false, true]);
      expect(r.pairs[0]).to.include({ billable: false });
      expect(r.pairs[0]?.error?.rule).to.equal('RECORD_INVALID');
    });

    it('reports ebz secp192r1 records at 266 and 268 Wh', () => {
      const run = xml('ebz_ld3_secp192r1.xml');
      expect(run.status).to.equal(0);
      expect(report(run).records.map((x) => [x.valid, x.curve, x.energyWh])).to.deep.equal([
        [true, 'secp192r1', '266'],
        [true, 'secp192r1', '268'],
      ]);
    });

    it('reports brainpoolP256r1 records valid with a 0 Wh pair', () => {
      const run = xml('brainpoolP256r1.xml');
      expect(run.status).to.equal(0);
      const r = report(run);
      expect(r.records.map((x) => x.curve)).to.deep.equal(['brainpoolP256r1', 'brainpoolP256r1']);
      expect(r.pairs[0]).to.include({ billable: true, energyWh: '0' });
    });

    it('reports two_values with valid signatures but a pair that is not billable, and exits 0', () => {
      const run = xml('test_ocmf_transaction_two_values.xml');
      expect(run.status).to.equal(0);
      const r = report(run);
      expect(r.validCount).to.equal(2);
      expect(r.pairs[0]).to.include({ billable: false });
      expect(r.pairs[0]?.error?.rule).to.equal('PAGINATION_CONSECUTIVE');
    });
  });

  describe('keys', () => {
    it('uses the pinned --public-key over the key in the XML', () => {
      const other = testMeter('secp256r1').publicKeyHex;
      const run = xml('test_ocmf_keba_kcp30.xml', '--public-key', other);
      expect(run.status).to.equal(1);
      const r = report(run);
      expect(r.records[0]).to.include({ valid: false, keySource: 'pinned' });
      expect(r.records[0]?.error?.code).to.equal('METER_SIGNATURE_INVALID');
    });

    it('verifies a single --ocmf record with a PEM key', () => {
      const meter = testMeter('secp384r1');
      const pem = meter.publicKey.export({ format: 'pem', type: 'spki' }).toString();
      const run = ecar('--ocmf', signOcmfRecord(payload(), meter.privateKey), '--public-key', pem, '--json');
      expect(run.status).to.equal(0);
      expect(report(run).records[0]).to.include({ valid: true, curve: 'secp384r1', energyWh: '1250' });
    });

    it('reports a record without any key as invalid with METER_KEY_INVALID', () => {
      const run = ecar('--ocmf', signOcmfRecord(payload(), testMeter().privateKey), '--json');
      expect(run.status).to.equal(1);
      expect(report(run).records[0]?.error?.code).to.equal('METER_KEY_INVALID');
    });
  });

  describe('the session context (the rules a settlement adds)', () => {
    // 100 → 107.4 kWh signed over 1.7 s: what no 11 kW connector delivers
    const implausible = () =>
      signOcmfRecord(
        payload({
          RD: [
            reading({ TM: '2024-05-01T10:00:00,000+0200 S', RV: '100' }),
            reading({ TM: '2024-05-01T10:00:01,700+0200 S', TX: 'E', RV: '107.4' }),
          ],
        }),
        testMeter().privateKey,
      );
    const key = () => testMeter().publicKeyHex;

    it('without it, calls the pair billable by the records and lists the session rules still unchecked', () => {
      const run = ecar('--ocmf', implausible(), '--public-key', key(), '--json');
      expect(run.status).to.equal(0);
      expect(report(run).pairs[0]).to.deep.include({
        billable: true,
        unchecked: ['ABSOLUTE_TIME', 'SESSION_SPAN', 'POWER_PLAUSIBLE'],
      });
      const human = ecar('--ocmf', implausible(), '--public-key', key());
      expect(human.stdout).to.contain(
        'a settlement also checks ABSOLUTE_TIME, SESSION_SPAN, POWER_PLAUSIBLE',
      );
    });

    it('with --max-power-w and --session-start, refuses it with the code, rule and figures a settlement gives', () => {
      const context = ['--max-power-w', '11000', '--session-start', '2024-05-01T07:59:00Z'];
      const run = ecar(
        '--ocmf',
        implausible(),
        '--public-key',
        key(),
        ...context,
        '--settled-at',
        '2024-05-01T08:01:00Z',
        '--json',
      );
      expect(run.status).to.equal(0);
      const pair = report(run).pairs[0];
      expect(pair?.billable).to.equal(false);
      expect(pair?.error).to.deep.include({ code: 'METER_READINGS_IMPLAUSIBLE', rule: 'POWER_PLAUSIBLE' });
      expect(pair?.error?.details).to.include({
        energyMilliWh: '7400000',
        maxMilliWh: '6713',
        maxPowerW: 11000,
      });
      const human = ecar('--ocmf', implausible(), '--public-key', key(), ...context);
      expect(human.stdout).to.contain('METER_READINGS_IMPLAUSIBLE [POWER_PLAUSIBLE]');
    });

    it('exits 2 when only part of the context is given', () => {
      expect(ecar('--ocmf', implausible(), '--max-power-w', '11000').status).to.equal(2);
      expect(ecar('--ocmf', implausible(), '--session-start', '2024-05-01T07:59:00Z').status).to.equal(2);
      expect(
        ecar('--ocmf', implausible(), '--max-power-w', '0', '--session-start', '2024-05-01T07:59:00Z').status,
      ).to.equal(2);
    });
  });

  describe('human output and usage', () => {
    it('prints validity, meter, pagination, readings and energy', () => {
      const run = ecar('--xml', testdataPath('ocmf', 'test_ocmf_keba_kcp30.xml'));
      expect(run.status).to.equal(0);
      expect(run.stdout).to.contain('record 0: valid');
      expect(run.stdout).to.contain('meter 17619300');
      expect(run.stdout).to.contain('T32');
      expect(run.stdout).to.contain('0.2596 kWh');
      expect(run.stdout).to.contain('energy 0.1 Wh');
    });

    it('shows what a transparency tool shows: vendor, key fingerprint, signature result, states, why not billable', () => {
      const run = ecar('--xml', testdataPath('ocmf', 'test_ocmf_ebee_02.xml'));
      expect(run.status).to.equal(1);
      const fingerprint = createHash('sha256')
        .update(Buffer.from(EBEE_KEY_HEX, 'hex'))
        .digest('hex')
        .toUpperCase();
      expect(run.stdout).to.contain('meter 000033022620 (unverified)  DZG DVH4013');
      expect(run.stdout).to.contain('signature invalid: ECDSA-secp256r1-SHA256 (secp256r1, DER hex)');
      expect(run.stdout).to.contain(`SHA-256 ${fingerprint}`);
      expect(run.stdout).to.contain('G OK');
      expect(run.stdout).to.contain('(R: relative (legal time since start))');
      expect(run.stdout).to.contain('not billable: not billable as a pair: record 0 is not valid');
    });

    it('gives the same facts with --json: signature result, fingerprint, states and billing per record', () => {
      const run = ecar('--xml', testdataPath('ocmf', 'test_ocmf_ebee_02.xml'), '--json');
      const records = (JSON.parse(run.stdout) as { result: { records: Record<string, unknown>[] } }).result
        .records;
      expect(records.map((r) => [r.signature, r.billable, r.meterVendor, r.meterModel])).to.deep.equal([
        ['invalid', false, 'DZG', 'DVH4013'],
        ['valid', false, 'DZG', 'DVH4013'],
      ]);
      expect(records[1]).to.include({ signatureForm: 'der', signatureEncoding: 'hex' });
      expect(records[1]?.keyFingerprint).to.equal(records[0]?.keyFingerprint);
      expect((records[1]?.readings as Record<string, unknown>[])[0]).to.include({
        meterStatus: 'G',
        meterStatusText: 'OK',
        timeStatus: 'R',
      });
    });

    it('reports a record whose signature holds but whose payload is unreadable as signature valid, record invalid', () => {
      const meter = testMeter('secp256r1');
      const record = signOcmfRecord('{"PG":"T1","MS":"M","RD":[]}', meter.privateKey);
      const run = ecar('--ocmf', record, '--public-key', meter.publicKeyHex, '--json');
      expect(run.status).to.equal(1);
      const r = report(run).records[0] as unknown as Record<string, unknown>;
      expect(r).to.include({ valid: false, signature: 'valid' });
    });

    it('exits 2 when neither --ocmf nor --xml is given, or both are', () => {
      expect(ecar().status).to.equal(2);
      expect(ecar('--ocmf', 'x', '--xml', 'y').status).to.equal(2);
    });

    it('exits 2 when the XML file does not exist', () => {
      expect(ecar('--xml', 'no-such-file.xml').status).to.equal(2);
    });

    it('exits 1 with METER_FORMAT_INVALID for a file that is not XML', () => {
      const file = join(mkdtempSync(join(tmpdir(), 'ecar-meter-')), 'garbage.xml');
      writeFileSync(file, '<values><value><signedData>OCMF|{}');
      const run = ecar('--xml', file, '--json');
      expect(run.status).to.equal(1);
      expect(JSON.parse(run.stdout)).to.include({ ok: false, code: 'METER_FORMAT_INVALID' });
    });

    it('shows an example in --help and exits 0', () => {
      const run = ecar('--help');
      expect(run.status).to.equal(0);
      expect(run.stdout).to.contain('Examples:');
      expect(run.stdout).to.contain('--public-key');
    });
  });
});
