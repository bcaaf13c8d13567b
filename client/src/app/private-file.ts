// Files only their owner may read (wallets, the profile config): written atomically, a 0600
// temporary file in the same folder renamed over the target, the temporary file removed on failure.
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type PrivateWriteOptions =
  /** Replace the file if it exists. */
  | { readonly replace: true }
  /** Never clobber: if the file exists when the write would land, throw `existing(file)`. */
  | { readonly replace: false; readonly existing: (file: string) => Error };

/** Writes `text` to `file` (mode 0600, folder 0700 when created), atomically. */
export function writePrivateFileAtomic(file: string, text: string, options: PrivateWriteOptions): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text, { mode: 0o600, flag: 'wx' });
    chmodSync(temporary, 0o600);
    if (!options.replace && existsSync(file)) throw options.existing(file);
    renameSync(temporary, file);
  } finally {
    rmSync(temporary, { force: true });
  }
}
