// The guides, followed literally: the '$ ' commands of each docs/guide-*.md console block run in a
// shell, in the order operator, issuer, host, driver, auditor, against the e2e network with the
// profiles it generated (ECAR_HOME and ECAR_WALLET_PASSPHRASE_FILE as the README says). A command
// fails the test when it exits non-zero, prints an `ecar:` error or a Node warning, or does not
// print a line the guide shows under it.
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { walletPaths } from '../../scripts/src/network/roles';
import { e2eNetwork } from '../support/e2e-network';
import { guideCommands, outputShows, type GuideCommand } from '../support/guide-commands';
import { runProcess, type ProcessRun } from '../support/run-process';
import { projectRoot } from '../support/testdata';

const ORDER = ['operator', 'issuer', 'host', 'driver', 'auditor'] as const;
const DEADLINE_MS = 180_000;

type ShellRun = ProcessRun;

/** Runs one guide command in bash (strict mode) with only the environment the guides describe. */
function shell(command: string, cwd: string, env: Readonly<Record<string, string>>): Promise<ShellRun> {
  return runProcess('bash', ['-c', `set -euo pipefail\n${command}`], { cwd, env, deadlineMs: DEADLINE_MS });
}

/** A folder on PATH whose `ecar` runs this checkout's bin/ecar.js, as an installed ecar would. */
function ecarOnPath(dir: string): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const script = join(bin, 'ecar');
  writeFileSync(
    script,
    `#!/bin/sh\nexec "${process.execPath}" "${join(projectRoot(), 'bin', 'ecar.js')}" "$@"\n`,
  );
  chmodSync(script, 0o755);
  return bin;
}

function describeRun(guide: string, c: GuideCommand, run: ShellRun): string {
  return `docs/guide-${guide}.md:${c.line}: $ ${c.command}\n→ exit ${String(run.status)}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`;
}

describe('the guides, followed literally on the network', () => {
  const t = e2eNetwork().topology;
  let work = '';
  let env: Record<string, string> = {};
  let initialised = false;

  before(async function () {
    this.timeout(120_000);
    work = mkdtempSync(join(tmpdir(), 'ecar-guides-'));
    const home = join(work, 'ecar-home');
    mkdirSync(home);
    copyFileSync(join(walletPaths.ecarHome(t), 'config.json'), join(home, 'config.json'));
    env = {
      PATH: `${ecarOnPath(work)}:${process.env.PATH ?? ''}`,
      HOME: work,
      ECAR_HOME: home,
      ECAR_WALLET_PASSPHRASE_FILE: walletPaths.passphrase(t),
    };
    // '# once per ledger' commands (operator init) become `params set` when another suite already ran them
    const params = await shell('ecar operator params show --profile operator --json', work, env);
    initialised = params.status === 0;
  });

  after(() => {
    rmSync(work, { recursive: true, force: true });
  });

  for (const guide of ORDER) {
    it(`docs/guide-${guide}.md: every command runs and prints what the guide shows`, async function () {
      this.timeout(20 * DEADLINE_MS);
      const markdown = readFileSync(join(projectRoot(), 'docs', `guide-${guide}.md`), 'utf8');
      const commands = guideCommands(markdown);
      expect(commands, `docs/guide-${guide}.md has runnable commands`).to.have.length.greaterThan(0);
      for (const c of commands) {
        // on a ledger another suite initialised, the guide's roles are named as the guide says for
        // that case: the same flags with `operator params set`
        const command =
          c.oncePerLedger && initialised
            ? c.command.replace('ecar operator init ', 'ecar operator params set ')
            : c.command;
        if (c.oncePerLedger && initialised && command === c.command) continue;
        const run = await shell(command, work, env);
        const where = describeRun(guide, c, run);
        expect(run.status, where).to.equal(0);
        expect(run.stderr, where).not.to.match(/^ecar: /m);
        expect(`${run.stdout}${run.stderr}`, where).not.to.match(/\(node:[0-9]+\)|Warning:/);
        for (const line of c.expected) {
          expect(outputShows(run.stdout, line), `${where}\nexpected a line like: ${line}`).to.equal(true);
        }
        if (c.oncePerLedger) initialised = true;
      }
    });
  }
});
