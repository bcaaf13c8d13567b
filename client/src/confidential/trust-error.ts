// The typed refusal of the enclave set: every reason the client will not encrypt, each with its code.
import { EcarError, type ErrorCode } from '../../../chaincode/src/protocol/errors';

/** One reason the enclave set, the key record or the vouchers are not trusted. */
export interface TrustFailure {
  readonly code: ErrorCode;
  /** Who or what failed: `enclave 3f2a1b2c… of Org2MSP`, `key record of epoch 3`, `vouchers of epoch 3`. */
  readonly subject: string;
  /** A sentence a person can act on. */
  readonly reason: string;
  /** Enclave id (hex) when the failure is about one enclave. */
  readonly enclave?: string;
  readonly mspId?: string;
  /** The policy rule that failed (measurement, debug, tcb-status, simulated, report-data, ...), if any. */
  readonly rule?: string;
}

/**
 * The client refuses to encrypt: the enclaves, the chaincode key record or the vouchers did not pass
 * the client's own policy. `code` is the first failure's (attestation failures before key failures);
 * the message and `failures` name every reason.
 */
export class EnclaveTrustError extends EcarError {
  readonly failures: readonly TrustFailure[];

  constructor(failures: readonly TrustFailure[]) {
    const [first] = failures;
    super(
      first?.code ?? 'KEYS_UNAVAILABLE',
      failures.length === 0
        ? 'the enclave set is not trusted'
        : failures.map((f) => `${f.subject}: ${f.reason}`).join('; '),
      { failures: failures.length, ...(first?.rule === undefined ? {} : { rule: first.rule }) },
    );
    this.name = 'EnclaveTrustError';
    this.failures = failures;
  }
}
