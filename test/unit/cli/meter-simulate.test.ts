// `ecar meter simulate` through bin/ecar.js: a development meter whose exports `ecar meter verify`
// accepts as one billable pair, pages and register counting on like a real meter's, always marked
// as development-only.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { projectRoot } from '../../support/testdata';

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function ecar(cwd: string, ...args: string[]): Run {
  const result = spawnSync(process.execPath, [join(projectRoot(), 'bin', 'ecar.js'), ...args], {
    cwd,
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface VerifyReport {
  ok: boolean;
  records: { pagination: string | null; meterSerial: string | null }[];
  pairs: { billable: boolean; energyWh: string | null }[];
}

describe('ecar meter simulate', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ecar-devmeter-'));
  });

  it('new: a private meter file, a PEM public key, and output that says development only', () => {
    const run = ecar(dir, 'meter', 'simulate', 'new', '--file', 'm.json', '--public-key-out', 'm.pem');
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout.split('\n')[0]).to.equal(
      'DEVELOPMENT METER: not a calibrated meter, for a local or test network only',
    );
    expect(run.stdout).to.include('ecar operator approve-meter');
    expect(statSync(join(dir, 'm.json')).mode & 0o777).to.equal(0o600);
    expect(readFileSync(join(dir, 'm.pem'), 'utf8')).to.match(/^-----BEGIN PUBLIC KEY-----/);
  });

  it('new refuses to replace an existing meter file (exit 1, file unchanged)', () => {
    ecar(dir, 'meter', 'simulate', 'new', '--file', 'm.json');
    const before = readFileSync(join(dir, 'm.json'), 'utf8');
    const again = ecar(dir, 'meter', 'simulate', 'new', '--file', 'm.json');
    expect(again.status).to.equal(1);
    expect(again.stderr).to.match(/^ecar: m\.json exists/);
    expect(readFileSync(join(dir, 'm.json'), 'utf8')).to.equal(before);
  });

  it('charge writes an export that meter verify reads as one billable pair of the energy asked', () => {
    ecar(dir, 'meter', 'simulate', 'new', '--file', 'm.json', '--serial', 'DEV-TEST1', '--json');
    const first = ecar(
      dir,
      'meter',
      'simulate',
      'charge',
      '--file',
      'm.json',
      '--kwh',
      '12.345',
      '--xml',
      'a.xml',
    );
    expect(first.status, first.stderr).to.equal(0);
    expect(first.stdout).to.match(/^DEVELOPMENT METER/);
    const second = ecar(
      dir,
      'meter',
      'simulate',
      'charge',
      '--file',
      'm.json',
      '--kwh',
      '7.255',
      '--xml',
      'b.xml',
    );
    expect(second.status, second.stderr).to.equal(0);

    const a = JSON.parse(ecar(dir, 'meter', 'verify', '--xml', 'a.xml', '--json').stdout) as VerifyReport;
    expect(a.ok).to.equal(true);
    expect(a.records.map((r) => [r.meterSerial, r.pagination])).to.deep.equal([
      ['DEV-TEST1', 'T1'],
      ['DEV-TEST1', 'T2'],
    ]);
    expect(a.pairs).to.deep.equal([{ ...a.pairs[0], billable: true, energyWh: '12345' }]);
    const b = JSON.parse(ecar(dir, 'meter', 'verify', '--xml', 'b.xml', '--json').stdout) as VerifyReport;
    expect(b.records.map((r) => r.pagination)).to.deep.equal(['T3', 'T4']);
    expect(b.pairs[0]).to.include({ billable: true, energyWh: '7255' });
  });

  it('refuses energy finer than a milliwatt-hour and an end in the future (exit 2, nothing written)', () => {
    ecar(dir, 'meter', 'simulate', 'new', '--file', 'm.json');
    const fine = ecar(
      dir,
      'meter',
      'simulate',
      'charge',
      '--file',
      'm.json',
      '--kwh',
      '1.0000001',
      '--xml',
      'x.xml',
    );
    expect(fine.status).to.equal(2);
    expect(fine.stderr).to.include('at most 6 decimals');
    const future = ecar(
      dir,
      ...['meter', 'simulate', 'charge', '--file', 'm.json', '--kwh', '1', '--xml', 'x.xml'],
      ...['--end', '2999-01-01T00:00:00Z'],
    );
    expect(future.status).to.equal(2);
    expect(future.stderr).to.include('--end lies in the future');
    expect(() => statSync(join(dir, 'x.xml'))).to.throw();
  });
});
