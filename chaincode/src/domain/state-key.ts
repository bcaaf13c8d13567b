// The state key rule every store enforces: printable ASCII (no U+0000, Fabric's composite-key
// namespace; ASCII code-unit order equals LevelDB's byte order, which prefix range reads rely on).
import { EcarError } from '../protocol/errors';

/** Longest logical key the domain may use; the raw layer allows more for sealed pseudonyms. */
export const LOGICAL_KEY_MAX = 1024;
export const RAW_KEY_MAX = 2048;

const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

export function checkStateKey(key: string, maxLength: number = LOGICAL_KEY_MAX): void {
  if (key.length === 0 || key.length > maxLength || !PRINTABLE_ASCII.test(key)) {
    throw new EcarError(
      'INTERNAL',
      `state key '${key.slice(0, 80)}' is not printable ASCII of at most ${maxLength} characters`,
    );
  }
}
