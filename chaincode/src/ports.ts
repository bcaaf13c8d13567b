// The ports the domain is written against: state, caller, clock, events, meter verification. The
// plain Fabric adapter and the confidential entry point each supply their own implementations.
import type { JsonObject } from './protocol/json';
import type { MeterVerifier } from './protocol/ocmf/pinned-meter';

// The domain's ports speak the wire's JSON types; their home is the protocol (shared with the client).
export type { JsonObject, JsonValue } from './protocol/json';
// The meter port's types are the OCMF protocol's (the verifier that implements it lives there too).
export type {
  MeterVerifier,
  PinnedMeter,
  SignatureMethod,
  VerifiedMeterRecord,
} from './protocol/ocmf/pinned-meter';

/** One entry of a range read. */
export interface StateEntry {
  readonly key: string;
  readonly value: JsonObject;
}

/**
 * Key-value state addressed by logical keys (`account/<id>`, `session/<id>`, ...: printable ASCII,
 * segments separated by `/`). The store serialises values itself, deterministically, with sorted
 * object keys (see `canonicalJson` in `protocol/json.ts`), so every endorser writes identical bytes.
 *
 * Semantics follow Fabric's: reads see the state as committed before this transaction (a write is
 * NOT visible to a later read in the same transaction; the domain never relies on that), and
 * nothing is written when the transaction fails.
 */
export interface StateStore {
  /** The value at `key`, or undefined when there is none. */
  get(key: string): Promise<JsonObject | undefined>;
  /** Writes (creates or replaces) the value at `key`. */
  put(key: string, value: JsonObject): Promise<void>;
  /** Deletes `key`; deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /**
   * Every entry whose key starts with `prefix`, sorted by key (code-unit order, which is byte
   * order for the ASCII keys the domain uses). Fabric re-checks range reads at commit (phantom
   * detection), so a rule that scans a range is safe against concurrent inserts.
   */
  range(prefix: string): Promise<readonly StateEntry[]>;
}

/**
 * Who is calling: an opaque id. Plain mode derives it from the Fabric client identity; confidential
 * mode uses the wallet public key. Roles are looked up from the domain's own parameters, never
 * from here. The id must match `CALLER_ID_PATTERN` (protocol/caller-id.ts; it becomes part of state keys).
 */
export interface Caller {
  readonly id: string;
}

/** The transaction's own time and id: the same on every endorser (never the wall clock). */
export interface Clock {
  /** Transaction timestamp, epoch milliseconds (a safe integer). */
  readonly nowMs: number;
  /** The transaction id; ids the domain derives (supply records, ...) come from it. */
  readonly txId: string;
  /**
   * How far `nowMs` may lie from the true time (ms, >= 0): the submitter writes the timestamp and
   * each endorsing enclave accepts it only within this window of its own clock. Deadlines the
   * domain enforces keep this margin (Tx.surelyAfter / surelyBefore), so a forged time within
   * the window never moves a deadline. 0 where nothing checks the time (plaintext mode, tests).
   */
  readonly skewMs?: number;
}

/** Event payloads carry ids and hashes only: never amounts, balances or identities. */
export type EventPayload = Readonly<Record<string, string>>;

export interface EventSink {
  /** Records an event for this transaction (Fabric keeps only the last one set per transaction). */
  emit(name: string, payload: EventPayload): void;
}

/**
 * What the consortium's founding orgs fixed together (confidential mode): the operator wallet.
 * Where it is supplied, `initialize` accepts only that caller, so the first caller does not own the
 * economy. Plaintext development mode supplies none (the first caller becomes the operator).
 */
export interface Genesis {
  /** Whether the caller id is the operator's; undefined while the founding orgs have not approved a genesis. */
  isOperator(callerId: string): Promise<boolean | undefined>;
}

/** Everything one transaction gives the domain. */
export interface Ports {
  readonly store: StateStore;
  readonly caller: Caller;
  readonly clock: Clock;
  readonly events: EventSink;
  readonly meter: MeterVerifier;
  readonly genesis?: Genesis;
}
