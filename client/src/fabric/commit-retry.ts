// The one rule for write transactions, shared by every ledger client: endorse, order and wait for
// the commit; when the commit fails only because its reads went stale (MVCC or phantom read
// conflict), run the whole attempt again (fresh proposal), a bounded number of times with backoff.
// Any other outcome is final.
import { setTimeout as sleep } from 'node:timers/promises';
import type { JsonValue } from '../../../chaincode/src/protocol/json';
import { EcarError } from '../../../chaincode/src/protocol/errors';
import type { LedgerSubmitResult } from './ledger-client';

/** What one endorse-order-commit attempt came to. */
export interface CommitOutcome {
  readonly result: JsonValue;
  readonly committed: boolean;
  /** The commit failed only because the transaction's reads went stale. */
  readonly readConflict: boolean;
  readonly transactionId: string;
  readonly blockNumber: bigint;
  /** The validation code as the SDK reports it (for the error's details). */
  readonly validationCode: number | string;
}

export interface RetryPolicy {
  /** Attempts at most, the first included. */
  readonly maxAttempts: number;
  /** Wait before the n-th retry is n times this, plus up to this much jitter. */
  readonly retryDelayMs: number;
}

/** The policy from a client's options: 4 attempts and 150 ms unless given (at least 1 attempt, 0 ms). */
export function retryPolicy(options: {
  readonly maxAttempts?: number;
  readonly retryDelayMs?: number;
}): RetryPolicy {
  return {
    maxAttempts: Math.max(1, options.maxAttempts ?? 4),
    retryDelayMs: Math.max(0, options.retryDelayMs ?? 150),
  };
}

/**
 * Runs `attempt` until it commits.
 * @throws EcarError CONFLICT after maxAttempts read conflicts; INTERNAL when a commit failed for
 *   another reason (both with transactionId, validationCode and attempts in details).
 */
export async function commitWithRetry(
  fn: string,
  policy: Readonly<RetryPolicy>,
  attempt: (attemptNumber: number) => Promise<CommitOutcome>,
): Promise<LedgerSubmitResult> {
  for (let n = 1; ; n += 1) {
    const outcome = await attempt(n);
    if (outcome.committed) {
      return {
        result: outcome.result,
        transactionId: outcome.transactionId,
        blockNumber: outcome.blockNumber,
        attempts: n,
      };
    }
    const details = {
      transactionId: outcome.transactionId,
      validationCode: outcome.validationCode,
      attempts: n,
    };
    if (!outcome.readConflict) {
      throw new EcarError(
        'INTERNAL',
        `'${fn}' was endorsed but not committed (code ${outcome.validationCode})`,
        details,
      );
    }
    if (n >= policy.maxAttempts) {
      throw new EcarError(
        'CONFLICT',
        `'${fn}' kept conflicting with concurrent transactions (read conflict ${n} times); try again`,
        details,
      );
    }
    await sleep(policy.retryDelayMs * n + Math.floor(Math.random() * policy.retryDelayMs));
  }
}
