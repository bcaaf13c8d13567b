// The business wrapper around the plain 'ledger' contract: JSON argument encoding, result decoding,
// gateway errors mapped back to typed EcarErrors, and retry of MVCC read conflicts only.
import { GatewayError, StatusCode, type Contract } from '@hyperledger/fabric-gateway';
import type { JsonObject, JsonValue } from '../../../chaincode/src/protocol/json';
import { EcarError, isErrorCode } from '../../../chaincode/src/protocol/errors';
import { commitWithRetry, retryPolicy, type RetryPolicy } from './commit-retry';
import type { ArgObject, ArgValue } from '../../../chaincode/src/protocol/transactions';

/** An argument value: JSON, plus bigint (sent as its decimal string, the domain's money form). */
/** Untyped arguments (names known only at run time): the protocol's argument JSON. */
export type LedgerArg = ArgValue;
export type LedgerArgs = ArgObject;

/** What a committed submit gives back. */
export interface LedgerSubmitResult {
  /** The transaction's JSON result; money stays a decimal string. */
  readonly result: JsonValue;
  readonly transactionId: string;
  readonly blockNumber: bigint;
  /** 1 unless MVCC read conflicts made the client endorse and submit again. */
  readonly attempts: number;
}

/**
 * A ledger session for one identity. The plain implementation is {@link FabricLedgerClient}; the
 * confidential wrapper offers the same interface.
 *
 * @example
 * const ledger: LedgerClient = new FabricLedgerClient({ contract });
 * const me = await ledger.whoami();
 * await ledger.submit('mint', { account: driverId, amount: 5000n, paymentRef: 'psp-123' });
 * const balance = await ledger.evaluate('getBalance', {});
 */
export interface LedgerClient {
  /**
   * Endorses, orders and waits for the commit of a write transaction.
   * @throws EcarError with the chaincode's code (INSUFFICIENT_FUNDS, FORBIDDEN, ...) when the
   *   contract refused it; CONFLICT when it still hit MVCC read conflicts after every attempt;
   *   INTERNAL when it committed with another invalid validation code.
   * @throws GatewayError when the network failed without a contract answer (unreachable, timeout).
   */
  submit(fn: string, args?: LedgerArgs): Promise<LedgerSubmitResult>;
  /**
   * Runs a read on one peer; nothing is ordered or committed.
   * @throws EcarError with the chaincode's code; GatewayError as for submit.
   */
  evaluate(fn: string, args?: LedgerArgs): Promise<JsonValue>;
  /** The caller id the ledger knows this identity by (what role assignments name). */
  whoami(): Promise<string>;
}

export interface FabricLedgerClientOptions {
  /** The 'ledger' contract of the chaincode (network.getContract(chaincode, 'ledger')). */
  readonly contract: Pick<Contract, 'submitAsync' | 'evaluateTransaction'>;
  /** Submits of one call at most, MVCC read conflicts included; default 4. */
  readonly maxAttempts?: number;
  /** Wait before the n-th retry is n times this (plus jitter); default 150 ms. */
  readonly retryDelayMs?: number;
}

const decoder = new TextDecoder();

/**
 * Validation codes that mean "your reads went stale before commit": a key read (MVCC) or a range
 * read (phantom) changed. Endorsing the same call again is safe; any other code is final.
 */
export function isReadConflict(code: number): boolean {
  return code === StatusCode.MVCC_READ_CONFLICT || code === StatusCode.PHANTOM_READ_CONFLICT;
}

export class FabricLedgerClient implements LedgerClient {
  readonly #contract: FabricLedgerClientOptions['contract'];
  readonly #retry: RetryPolicy;

  constructor(options: Readonly<FabricLedgerClientOptions>) {
    this.#contract = options.contract;
    this.#retry = retryPolicy(options);
  }

  async submit(fn: string, args: LedgerArgs = {}): Promise<LedgerSubmitResult> {
    const argsJson = encodeArgs(args);
    return commitWithRetry(fn, this.#retry, async () => {
      const submitted = await this.#contract
        .submitAsync('submit', { arguments: [fn, argsJson] })
        .catch((error: unknown) => {
          throw toLedgerError(error);
        });
      const status = await submitted.getStatus();
      return {
        result: status.successful ? decodeResult(submitted.getResult()) : null,
        committed: status.successful,
        readConflict: isReadConflict(status.code),
        transactionId: status.transactionId,
        blockNumber: status.blockNumber,
        validationCode: status.code,
      };
    });
  }

  async evaluate(fn: string, args: LedgerArgs = {}): Promise<JsonValue> {
    try {
      return decodeResult(await this.#contract.evaluateTransaction('evaluate', fn, encodeArgs(args)));
    } catch (error) {
      throw toLedgerError(error);
    }
  }

  async whoami(): Promise<string> {
    let answer: JsonValue;
    try {
      answer = decodeResult(await this.#contract.evaluateTransaction('whoami'));
    } catch (error) {
      throw toLedgerError(error);
    }
    const id = isJsonObject(answer) ? answer.id : undefined;
    if (typeof id !== 'string') throw new EcarError('INTERNAL', 'whoami answered without an id');
    return id;
  }
}

/** A JSON object (not null, not an array). */
export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON text of the arguments; bigint as decimal strings, undefined fields dropped. */
export function encodeArgs(args: LedgerArgs): string {
  return JSON.stringify(args, (_key, value: unknown) => {
    if (typeof value === 'bigint') return value.toString(10);
    if (typeof value === 'number' && !Number.isSafeInteger(value)) {
      throw new EcarError(
        'INVALID_ARGUMENT',
        `argument number ${value} is not a safe integer; send a decimal string`,
      );
    }
    return value;
  });
}

/** The JSON result of a transaction (numbers the domain sends are safe integers; money is strings). */
export function decodeResult(bytes: Uint8Array): JsonValue {
  const text = decoder.decode(bytes);
  if (text === '') return null;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    throw new EcarError('INTERNAL', 'the ledger answered with text that is not JSON');
  }
}

/**
 * The typed error a gateway failure carries. The chaincode's message (`CODE: reason [details:{json}]`)
 * arrives in the per-peer details of an EndorseError/GatewayError (`chaincode response 500, ...`) or,
 * for some evaluate paths, in the error message itself; the first known code found wins, and the
 * EcarError keeps the transaction id and the gateway error as `cause`. An error without a known code
 * (network down, timeout) is returned unchanged.
 */
export function toLedgerError(error: unknown): unknown {
  if (error instanceof EcarError) return error;
  const messages: string[] = [];
  if (error instanceof GatewayError) messages.push(...error.details.map((d) => d.message));
  if (error instanceof Error) messages.push(error.message);
  for (const message of messages) {
    const mapped = ecarErrorIn(message);
    if (mapped) return mapped.placed({ transactionId: transactionIdOf(error), cause: error });
  }
  return error;
}

/** The transaction id fabric-gateway's EndorseError, SubmitError and CommitStatusError carry. */
export function transactionIdOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('transactionId' in error)) return undefined;
  const id = error.transactionId;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** The EcarError whose `CODE: reason` appears in the message, if a known code does. */
export function ecarErrorIn(message: string): EcarError | undefined {
  for (const match of message.matchAll(/\b([A-Z][A-Z_]+): /g)) {
    const code = match[1];
    if (code !== undefined && isErrorCode(code)) return EcarError.fromMessage(message.slice(match.index));
  }
  return undefined;
}
