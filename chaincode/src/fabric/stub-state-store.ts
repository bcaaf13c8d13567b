// The domain's StateStore over the chaincode stub (plain mode): logical keys used as Fabric simple
// keys, values written as canonical (sorted-key) JSON so every endorser writes identical bytes.
import type { JsonObject, StateEntry, StateStore } from '../ports';
import { canonicalJson } from '../protocol/json';
import { parseJsonObject } from '../protocol/confidential/encoding';
import { checkStateKey } from '../domain/state-key';
import { StubRawState } from './stub-raw-state';

/** One entry of a range iterator (fabric-shim's Iterators.KV). */
export interface StubKV {
  readonly key: string;
  readonly value: Uint8Array;
}

/** fabric-shim's StateQueryIterator: must be closed, or the peer keeps the query open. */
export interface StubIterator {
  next(): Promise<{ readonly value: StubKV; readonly done?: boolean }>;
  close(): Promise<void>;
}

/** The parts of the chaincode stub the store uses. */
export interface StateStub {
  getState(key: string): Promise<Uint8Array>;
  putState(key: string, value: Uint8Array): Promise<void>;
  deleteState(key: string): Promise<void>;
  getStateByRange(startKey: string, endKey: string): Promise<StubIterator>;
}

/** The domain's JSON records over the raw byte state (key rules and range reads live there). */
export class StubStateStore implements StateStore {
  readonly #raw: StubRawState;

  constructor(stub: StateStub) {
    this.#raw = new StubRawState(stub);
  }

  async get(key: string): Promise<JsonObject | undefined> {
    checkStateKey(key);
    const bytes = await this.#raw.get(key);
    return bytes === undefined ? undefined : parseValue(key, bytes);
  }

  async put(key: string, value: JsonObject): Promise<void> {
    checkStateKey(key);
    await this.#raw.put(key, Buffer.from(canonicalJson(value), 'utf8'));
  }

  async delete(key: string): Promise<void> {
    checkStateKey(key);
    await this.#raw.delete(key);
  }

  async range(prefix: string): Promise<readonly StateEntry[]> {
    checkStateKey(prefix);
    return (await this.#raw.range(prefix)).map((entry) => ({
      key: entry.key,
      value: parseValue(entry.key, entry.value),
    }));
  }
}

function parseValue(key: string, bytes: Uint8Array): JsonObject {
  return parseJsonObject(
    Buffer.from(bytes).toString('utf8'),
    `state at '${key.slice(0, 80)}'`,
    'INTERNAL',
  ) as JsonObject;
}
