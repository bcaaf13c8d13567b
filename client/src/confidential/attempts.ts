// What a client may conclude from an enclave's signed refusal about its own call's attempts. Only
// refusals whose receipt verified carry `details.sealed === true` (sealed-answer.ts); a peer's plain
// text never does, so nothing here acts on an unauthenticated word.
import { EcarError } from '../../../chaincode/src/protocol/errors';
import type { CommitOutcome } from '../fabric/commit-retry';

/** A sealed, receipt-checked refusal saying the request was sealed to a retired epoch. */
export function isSignedEpochMoved(error: unknown): boolean {
  return (
    error instanceof EcarError &&
    error.code === 'ENVELOPE_INVALID' &&
    typeof error.details.currentEpoch === 'number' &&
    error.details.sealed === true
  );
}

/**
 * The earlier attempt of this call whose transaction, by the enclaves' signed REPLAY, consumed the
 * call's nonce: a peer reported it as not committed, but it was. Its checked answer is the answer.
 */
export function consumedByEarlierAttempt(
  error: unknown,
  attempts: ReadonlyMap<string, CommitOutcome>,
): CommitOutcome | undefined {
  if (!(error instanceof EcarError) || error.code !== 'REPLAY' || error.details.sealed !== true)
    return undefined;
  const consumedBy = error.details.consumedBy;
  return typeof consumedBy === 'string' ? attempts.get(consumedBy) : undefined;
}
