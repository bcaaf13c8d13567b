// Runs the Fabric binaries that scripts/install-fabric.sh put into .cache/fabric.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface FabricInstall {
  readonly home: string;
  readonly binDir: string;
  /** The installed module's sampleconfig (core.yaml, orderer.yaml). */
  readonly sampleConfigDir: string;
}

/** Finds the installed Fabric: FABRIC_HOME if given, else the newest complete install in .cache/fabric. */
export function locateFabric(root: string, fabricHome: string | undefined): FabricInstall {
  let home = fabricHome;
  if (home === undefined || home === '') {
    const cache = join(root, '.cache', 'fabric');
    const candidates = existsSync(cache)
      ? readdirSync(cache)
          .map((d) => join(cache, d))
          .filter((d) => existsSync(join(d, '.complete')))
          .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)
      : [];
    home = candidates[0];
  }
  if (home === undefined || !existsSync(join(home, '.complete'))) {
    throw new Error('Fabric binaries are not installed: run scripts/install-fabric.sh (or npm start) first.');
  }
  return { home, binDir: join(home, 'bin'), sampleConfigDir: join(home, 'config') };
}

export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`${command} failed (exit ${exitCode ?? 'signal'}): ${lastLines(stderr, 6)}`);
    this.name = 'CommandError';
  }
}

function lastLines(text: string, count: number): string {
  return text.trim().split('\n').slice(-count).join(' | ');
}

/** Runs a Fabric binary and returns its stdout; throws CommandError with stderr on failure. */
export async function runFabric(
  fabric: FabricInstall,
  tool: 'peer' | 'orderer' | 'configtxgen' | 'cryptogen' | 'osnadmin',
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<string> {
  const bin = join(fabric.binDir, tool);
  return new Promise((resolvePromise, reject) => {
    execFile(
      bin,
      [...args],
      {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
        maxBuffer: 64 << 20,
      },
      (error, stdout, stderr) => {
        if (error) {
          const code = typeof error.code === 'number' ? error.code : null;
          reject(new CommandError(`${tool} ${args.slice(0, 3).join(' ')}`, code, `${stderr}\n${stdout}`));
        } else {
          resolvePromise(stdout);
        }
      },
    );
  });
}
