// The version `ecar --version` prints: the one in the package.json of the installed package,
// found by walking up from the compiled code (a linked checkout and an installed copy alike).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const PACKAGE_NAME = 'ecar';

/** The version of the `ecar` package this code belongs to; 'unknown' when no package.json says. */
export function packageVersion(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const version = versionIn(join(dir, 'package.json'));
    if (version !== undefined) return version;
    if (dirname(dir) === dir) return 'unknown';
  }
}

function versionIn(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
    return pkg.name === PACKAGE_NAME && typeof pkg.version === 'string' ? pkg.version : undefined;
  } catch {
    return undefined;
  }
}
