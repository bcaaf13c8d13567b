// The plain 'ledger' contract runs the domain in clear; it answers only where the operator enabled
// plaintext mode (ECAR_PLAINTEXT=1: benchmarks, development). Everywhere else every call is refused.
import { readPlaintextMode } from '../enclave/config';
import { EcarError } from '../protocol/errors';

let plaintextMode: boolean | undefined;

/** @throws EcarError FORBIDDEN unless ECAR_PLAINTEXT=1 (read once per process). */
export function assertPlaintextMode(): void {
  plaintextMode ??= readPlaintextMode();
  if (!plaintextMode) {
    throw new EcarError('FORBIDDEN', 'plaintext mode is disabled: use the confidential contract');
  }
}
