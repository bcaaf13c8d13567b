// A LedgerClient decorator that tells a person what is happening while the network works:
// "submitting mint… committed in block 12" on stderr. Names and block numbers only, never arguments.
import type { JsonValue } from '../../../chaincode/src/protocol/json';
import { EnclaveTrustError } from '../confidential/trust-error';
import type { LedgerArgs, LedgerClient, LedgerSubmitResult } from '../fabric/ledger-client';

/** Writes progress text (no newline added). */
export type ProgressSink = (text: string) => void;

/** A refusal of the enclave set happens before anything is encrypted or sent: say so. */
function outcome(error: unknown): string {
  return error instanceof EnclaveTrustError ? 'not sent (attestation refused)\n' : 'failed\n';
}

export class ProgressLedgerClient implements LedgerClient {
  readonly #inner: LedgerClient;
  readonly #write: ProgressSink;

  constructor(inner: LedgerClient, write: ProgressSink) {
    this.#inner = inner;
    this.#write = write;
  }

  async submit(fn: string, args?: LedgerArgs): Promise<LedgerSubmitResult> {
    this.#write(`submitting ${fn}… `);
    try {
      const result = await this.#inner.submit(fn, args);
      const retried = result.attempts > 1 ? ` after ${result.attempts} attempts` : '';
      this.#write(`committed in block ${result.blockNumber.toString()}${retried}\n`);
      return result;
    } catch (error) {
      this.#write(outcome(error));
      throw error;
    }
  }

  async evaluate(fn: string, args?: LedgerArgs): Promise<JsonValue> {
    this.#write(`querying ${fn}… `);
    try {
      const result = await this.#inner.evaluate(fn, args);
      this.#write('done\n');
      return result;
    } catch (error) {
      this.#write(outcome(error));
      throw error;
    }
  }

  whoami(): Promise<string> {
    return this.#inner.whoami();
  }
}
