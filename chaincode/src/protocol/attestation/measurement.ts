// The measurement of the chaincode a server runs: one hash over the built chaincode, its module
// descriptor and the dependency lockfile. The simulated provider quotes it as MRENCLAVE, and the
// network scripts derive the chaincode version from it, so both always name the same build.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = join(dir, entry);
    return statSync(full).isDirectory() ? listFiles(full) : [full];
  });
}

/**
 * Hex SHA-256 over every file of dist/chaincode, chaincode/package.json and package-lock.json, in
 * sorted order of their paths relative to `root`; each contributes `path \0 content \0`.
 *
 * @throws Error when the chaincode is not built.
 */
export function chaincodeMeasurement(root: string): string {
  const built = join(root, 'dist', 'chaincode');
  if (!existsSync(built)) throw new Error('chaincode is not built: run `npm run build` first');
  const files = [
    ...listFiles(built),
    join(root, 'chaincode', 'package.json'),
    join(root, 'package-lock.json'),
  ].sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}
