// `ecar` as a user runs it after installing the package: `npm install -g` of the checkout (a link,
// as `npm link` makes) into a throw-away prefix, then the command on that prefix's bin/.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runProcess, type ProcessRun } from '../../support/run-process';

const ROOT = resolve(__dirname, '..', '..', '..', '..');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const DEADLINE_MS = 120_000;

describe('the installed ecar command', function () {
  this.timeout(DEADLINE_MS * 2);
  let prefix = '';
  let env: Record<string, string> = {};

  before(async () => {
    prefix = mkdtempSync(join(tmpdir(), 'ecar-prefix-'));
    env = { PATH: `${join(prefix, 'bin')}:${process.env.PATH ?? ''}`, HOME: prefix };
    const install = await runProcess(
      'npm',
      ['install', '-g', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', ROOT],
      { cwd: prefix, env, deadlineMs: DEADLINE_MS },
    );
    expect(install.status, install.stderr).to.equal(0);
  });
  after(() => {
    rmSync(prefix, { recursive: true, force: true });
  });

  const ecar = (args: readonly string[]): Promise<ProcessRun> =>
    runProcess('ecar', args, { cwd: prefix, env, deadlineMs: DEADLINE_MS });

  it('is on the PATH and prints the package version', async () => {
    const run = await ecar(['--version']);
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout.trim()).to.equal(VERSION);
  });

  it("leaves a command's own --version to the command (tariff show --version N)", async () => {
    const run = await ecar(['tariff', 'show', '--station', 'home-42', '--version', '3']);
    expect(run.stdout).not.to.include(VERSION);
    expect(run.stderr).to.match(/no ecar config at .*config\.json/);
    expect(run.status).to.equal(1);
  });

  it('ends quietly when its reader is gone before it writes (ecar --help | true)', async () => {
    const run = await runProcess('bash', ['-c', 'ecar --help | true; exit "${PIPESTATUS[0]}"'], {
      cwd: prefix,
      env,
      deadlineMs: DEADLINE_MS,
    });
    expect(run.stderr).to.equal('');
    expect(run.status).to.equal(0);
  });
});
