// Locates the shared test vectors (../shared/testdata from the project root) for tests.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The project root: the nearest folder above this file that holds package-lock.json. */
export function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package-lock.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('project root not found (no package-lock.json above the tests)');
    dir = parent;
  }
  return dir;
}

/** Path of a file under shared/testdata; fails clearly when the shared folder is missing. */
export function testdataPath(...parts: string[]): string {
  const base = resolve(projectRoot(), '..', 'shared', 'testdata');
  if (!existsSync(base)) {
    throw new Error(`shared test vectors not found at ../shared/testdata (next to the project folder)`);
  }
  return join(base, ...parts);
}
