// Files a command reads from its flags: a problem reading one is a usage error (exit 2) naming the
// flag, the file and why.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { JsonObject } from '../../../chaincode/src/protocol/json';
import { usageError } from './context';

/** The text of `file` given with `flag`; exit 2 when it cannot be read. */
export function readTextFile(file: string, flag: string, command: Command): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const why = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    return usageError(command, `cannot read ${flag} ${file} (${why})`);
  }
}

/** The JSON object in `file` given with `flag`; exit 2 when it is unreadable, not JSON or not an object. */
export function readJsonFile(file: string, flag: string, command: Command): JsonObject {
  const text = readTextFile(file, flag, command);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return usageError(command, `${flag} ${file} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return usageError(command, `${flag} ${file} must hold a JSON object`);
  }
  return value as JsonObject;
}
