// `ecar attest verify` end to end through bin/ecar.js: exit codes, JSON fields, one-line reasons.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { createSimulatedPlatform } from '../../../chaincode/src/enclave/simulated-platform';
import { projectRoot, testdataPath } from '../../support/testdata';

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function ecar(...args: string[]): Run {
  const result = spawnSync(process.execPath, [join(projectRoot(), 'bin', 'ecar.js'), ...args], {
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const vector = (name: string): string => testdataPath('attestation', name);

function verify(quote: string, collateral: string, ...extra: string[]): Run {
  return ecar('attest', 'verify', '--quote', vector(quote), '--collateral', vector(collateral), ...extra);
}

function json(run: Run): Record<string, unknown> {
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

/** The advisories the shared testdata README says sgx-v3 carries. */
const SGX_ADVISORIES = ['INTEL-SA-00289', 'INTEL-SA-00615'];

describe('ecar attest verify', () => {
  let dir: string;
  /** A policy file naming sgx-v3's advisories (the default policy accepts no advisory). */
  let named: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ecar-attest-'));
    named = join(dir, 'named-advisories.json');
    writeFileSync(named, JSON.stringify({ allowedAdvisoryIds: SGX_ADVISORIES }));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits 0 for sgx-v3 with its collateral under a policy naming its advisories, and prints the TCB status and advisories', () => {
    const run = verify(
      'sgx-v3.quote.bin',
      'sgx-v3.collateral.json',
      '--at',
      '2025-07-01T00:00:00Z',
      '--policy',
      named,
      '--json',
    );
    expect(run.status, run.stderr).to.equal(0);
    const result = json(run);
    expect(result).to.include({
      ok: true,
      teeType: 'SGX',
      tcbStatus: 'ConfigurationAndSWHardeningNeeded',
      debug: false,
      measurement: '33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb',
      verifiedAt: '2025-07-01T00:00:00Z',
    });
    expect(result.advisoryIds).to.deep.equal(['INTEL-SA-00289', 'INTEL-SA-00615']);
    expect(result.policy).to.deep.include({ accepted: true, failures: [] });
  });

  it('exits 1 for sgx-v3 under the default policy, naming the advisories it does not name', () => {
    const run = verify(
      'sgx-v3.quote.bin',
      'sgx-v3.collateral.json',
      '--at',
      '2025-07-01T00:00:00Z',
      '--json',
    );
    expect(run.status).to.equal(1);
    const output = json(run);
    expect(output.error).to.match(/^ATTESTATION_TCB_REJECTED: .*INTEL-SA-00289, INTEL-SA-00615/);
    const result = output.result as { policy: { failures: { rule: string }[] } };
    expect(result.policy.failures.map((f) => f.rule)).to.deep.equal(['advisory']);
  });

  it('prints the fields for people', () => {
    const run = verify(
      'sgx-v3.quote.bin',
      'sgx-v3.collateral.json',
      '--at',
      '2025-07-01T00:00:00Z',
      '--policy',
      named,
    );
    expect(run.status).to.equal(0);
    expect(run.stdout).to.match(/^verdict: +ACCEPTED$/m);
    expect(run.stdout).to.match(/^TCB status: +ConfigurationAndSWHardeningNeeded$/m);
    expect(run.stdout).to.match(/^advisory ids: +INTEL-SA-00289, INTEL-SA-00615$/m);
    expect(run.stdout).to.match(/^MRENCLAVE: +33d8736d/m);
  });

  it('exits 0 for tdx-v4 as UpToDate', () => {
    const run = verify(
      'tdx-v4.quote.bin',
      'tdx-v4.collateral.json',
      '--at',
      '2025-07-01T00:00:00Z',
      '--json',
    );
    expect(run.status, run.stderr).to.equal(0);
    expect(json(run)).to.include({ ok: true, teeType: 'TDX', tcbStatus: 'UpToDate' });
  });

  it('exits 1 for the debug quote with the policy verdict in the JSON', () => {
    const run = verify(
      'sgx-v3-debug.quote.bin',
      'sgx-v3.collateral.json',
      '--at',
      '2025-07-01T00:00:00Z',
      '--policy',
      named,
      '--json',
    );
    expect(run.status).to.equal(1);
    const output = json(run);
    expect(output.ok).to.equal(false);
    expect(output.error).to.match(/^ATTESTATION_POLICY_REJECTED: policy rejects the enclave: debug enclave/);
    const result = output.result as { debug: boolean; policy: { failures: { rule: string }[] } };
    expect(result.debug).to.equal(true);
    expect(result.policy.failures.map((f) => f.rule)).to.deep.equal(['debug']);
  });

  it('exits 1 with a one-line reason for the debug quote without --json', () => {
    const run = verify('sgx-v3-debug.quote.bin', 'sgx-v3.collateral.json', '--at', '2025-07-01T00:00:00Z');
    expect(run.status).to.equal(1);
    expect(run.stdout).to.match(/^verdict: +REJECTED: debug enclave/m);
    expect(run.stderr.trim().split('\n')).to.have.length(1);
    expect(run.stderr).to.match(/^ecar: ATTESTATION_POLICY_REJECTED/);
  });

  it('exits 1 with ATTESTATION_COLLATERAL_EXPIRED after the collateral expired', () => {
    const run = verify(
      'sgx-v3.quote.bin',
      'sgx-v3.collateral.json',
      '--at',
      '2025-07-19T10:01:19Z',
      '--json',
    );
    expect(run.status).to.equal(1);
    expect(json(run)).to.include({ ok: false, code: 'ATTESTATION_COLLATERAL_EXPIRED' });
  });

  it('exits 1 when the collateral is for another TEE type', () => {
    const run = verify('sgx-v3.quote.bin', 'tdx-v4.collateral.json', '--at', '2025-07-01T00:00:00Z');
    expect(run.status).to.equal(1);
    expect(run.stderr).to.match(
      /ATTESTATION_COLLATERAL_INVALID: collateral is for another platform \/ TEE type/,
    );
  });

  it('reads a quote given as hex text', () => {
    const file = join(dir, 'quote.hex');
    writeFileSync(file, `${readFileSync(vector('sgx-v3.quote.bin')).toString('hex')}\n`);
    const run = ecar(
      'attest',
      'verify',
      '--quote',
      file,
      '--collateral',
      vector('sgx-v3.collateral.json'),
      '--at',
      '2025-07-01T00:00:00Z',
      '--policy',
      named,
    );
    expect(run.status, run.stderr).to.equal(0);
  });

  it('applies a policy file: a measurement not in the list exits 1', () => {
    const file = join(dir, 'policy.json');
    writeFileSync(
      file,
      JSON.stringify({ measurements: ['00'.repeat(32)], allowedAdvisoryIds: SGX_ADVISORIES }),
    );
    const run = verify(
      'sgx-v3.quote.bin',
      'sgx-v3.collateral.json',
      '--at',
      '2025-07-01T00:00:00Z',
      '--policy',
      file,
      '--json',
    );
    expect(run.status).to.equal(1);
    const result = json(run).result as { policy: { failures: { rule: string }[] } };
    expect(result.policy.failures.map((f) => f.rule)).to.deep.equal(['measurement']);
  });

  it('exits 1 for a bad policy file, naming the field', () => {
    const file = join(dir, 'bad-policy.json');
    writeFileSync(file, JSON.stringify({ allowedTcbStatuses: ['Fine'] }));
    const run = verify(
      'sgx-v3.quote.bin',
      'sgx-v3.collateral.json',
      '--at',
      '2025-07-01T00:00:00Z',
      '--policy',
      file,
    );
    expect(run.status).to.equal(1);
    expect(run.stderr).to.match(/invalid attestation policy: policy\.allowedTcbStatuses\[0\]/);
  });

  it('checks --report-data', () => {
    const hello = Buffer.from('Hello, world!').toString('hex');
    const ok = verify(
      'sgx-v3.quote.bin',
      'sgx-v3.collateral.json',
      '--at',
      '2025-07-01T00:00:00Z',
      '--report-data',
      hello,
      '--policy',
      named,
    );
    expect(ok.status, ok.stderr).to.equal(0);
    const bad = verify(
      'sgx-v3.quote.bin',
      'sgx-v3.collateral.json',
      '--at',
      '2025-07-01T00:00:00Z',
      '--report-data',
      'ff',
      '--policy',
      named,
    );
    expect(bad.status).to.equal(1);
    expect(bad.stderr).to.match(/report_data does not bind/);
  });

  it('exits 2 for an --at that is not ISO 8601', () => {
    expect(verify('sgx-v3.quote.bin', 'sgx-v3.collateral.json', '--at', 'yesterday').status).to.equal(2);
  });

  it('exits 1 for a missing quote file', () => {
    const run = ecar(
      'attest',
      'verify',
      '--quote',
      join(dir, 'missing.bin'),
      '--collateral',
      vector('sgx-v3.collateral.json'),
    );
    expect(run.status).to.equal(1);
    expect(run.stderr).to.match(/cannot read --quote/);
  });

  it('accepts simulated evidence only with a policy that allows it and names its root', () => {
    const platform = createSimulatedPlatform({ notBefore: new Date('2026-01-01T00:00:00Z') });
    const quote = join(dir, 'simulated.quote.bin');
    const collateral = join(dir, 'simulated.collateral.json');
    const policy = join(dir, 'simulated.policy.json');
    writeFileSync(
      quote,
      platform.quote({ measurement: new Uint8Array(32).fill(9), reportData: new Uint8Array(64) }),
    );
    writeFileSync(collateral, JSON.stringify(platform.collateral()));
    writeFileSync(
      policy,
      JSON.stringify({ allowSimulated: true, simulatedRootKeys: [platform.rootPublicKeyHex] }),
    );
    const args = [
      'attest',
      'verify',
      '--quote',
      quote,
      '--collateral',
      collateral,
      '--at',
      '2026-01-02T00:00:00Z',
      '--json',
    ];
    const accepted = ecar(...args, '--policy', policy);
    expect(accepted.status, accepted.stderr).to.equal(0);
    expect(json(accepted).trustAnchor).to.deep.include({ simulated: true });
    const refused = ecar(...args);
    expect(refused.status).to.equal(1);
    expect(json(refused)).to.include({ code: 'ATTESTATION_CHAIN_INVALID' });
  });

  it('shows help with an example and exits 0', () => {
    const run = ecar('attest', 'verify', '--help');
    expect(run.status).to.equal(0);
    expect(run.stdout).to.match(/Example:/);
    expect(run.stdout).to.match(/--collateral <file>/);
  });
});
