// Runs the `ecar` command the way a user does, for end-to-end suites: `node bin/ecar.js` in a child
// process with its own ECAR_HOME, profile and wallet passphrase in the environment, nothing else
// inherited from the test process (no stray ECAR_PROFILE), and a deadline.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess, type ProcessRun } from './run-process';
import { projectRoot } from './testdata';

/** What one `ecar` process did. */
export type EcarRun = ProcessRun;

/** The environment of one `ecar` process. */
export interface EcarEnv {
  /** ECAR_HOME (also the working folder, so relative paths resolve there). */
  readonly home: string;
  /** ECAR_PROFILE, when set. */
  readonly profile?: string;
  /** The wallet passphrase, when set: handed over as ECAR_WALLET_PASSPHRASE_FILE (a 0600 file). */
  readonly passphrase?: string;
}

const DEADLINE_MS = 120_000;

/** A private file holding `passphrase` (the way the guides say to hand one to a script). */
function passphraseFile(passphrase: string): string {
  const file = join(
    tmpdir(),
    `.passphrase-${createHash('sha256').update(passphrase).digest('hex').slice(0, 12)}`,
  );
  writeFileSync(file, passphrase, { mode: 0o600 });
  return file;
}

/** Runs `ecar <args>` and resolves with its exit code and output (never rejects on a non-zero exit). */
export function runEcar(args: readonly string[], env: EcarEnv): Promise<EcarRun> {
  return runProcess(process.execPath, [join(projectRoot(), 'bin', 'ecar.js'), ...args], {
    cwd: env.home,
    env: {
      PATH: process.env.PATH ?? '',
      ECAR_HOME: env.home,
      ...(env.profile === undefined ? {} : { ECAR_PROFILE: env.profile }),
      ...(env.passphrase === undefined
        ? {}
        : { ECAR_WALLET_PASSPHRASE_FILE: passphraseFile(env.passphrase) }),
    },
    deadlineMs: DEADLINE_MS,
  });
}

/** The lines of stderr that are `ecar:` messages (progress lines such as "querying …" are not). */
export function errorLines(run: EcarRun): string[] {
  return run.stderr.split('\n').filter((line) => line.startsWith('ecar:'));
}
