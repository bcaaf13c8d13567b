// The domain's StateStore over the chaincode stub (plain mode): logical keys used as Fabric simple
// keys, values written as canonical (sorted-key) JSON so every endorser writes identical bytes.
import type { JsonObject, StateEntry, StateStore } from '../ports';
import { canonicalJson } from '../domain/json';
import { EcarError } from '../protocol/errors';

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

/**
 * Domain keys are printable ASCII (`account/<id>`, ...). Fabric simple keys must not start with
 * U+0000 (the composite-key namespace, where the heartbeat contract lives), and code-unit order of
 * ASCII equals LevelDB's byte order, so a range [prefix, prefix + U+FFFF) holds exactly the keys
 * that start with `prefix`: every ASCII continuation sorts below the UTF-8 bytes EF BF BF.
 */
const KEY_PATTERN = /^[\x21-\x7e]{1,1024}$/;
const RANGE_END = '\uffff';

export class StubStateStore implements StateStore {
  readonly #stub: StateStub;

  constructor(stub: StateStub) {
    this.#stub = stub;
  }

  async get(key: string): Promise<JsonObject | undefined> {
    checkKey(key);
    const bytes = await this.#stub.getState(key);
    return bytes.length === 0 ? undefined : parseValue(key, bytes);
  }

  async put(key: string, value: JsonObject): Promise<void> {
    checkKey(key);
    await this.#stub.putState(key, Buffer.from(canonicalJson(value), 'utf8'));
  }

  async delete(key: string): Promise<void> {
    checkKey(key);
    await this.#stub.deleteState(key);
  }

  async range(prefix: string): Promise<readonly StateEntry[]> {
    checkKey(prefix);
    const iterator = await this.#stub.getStateByRange(prefix, prefix + RANGE_END);
    const entries: StateEntry[] = [];
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done) break; // fabric-shim answers { done: true } without a value at the end
        if (next.value.key.startsWith(prefix)) {
          entries.push({ key: next.value.key, value: parseValue(next.value.key, next.value.value) });
        }
      }
    } finally {
      await iterator.close();
    }
    return entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}

function checkKey(key: string): void {
  if (!KEY_PATTERN.test(key)) {
    throw new EcarError('INTERNAL', `state key '${key.slice(0, 80)}' is not printable ASCII`);
  }
}

function parseValue(key: string, bytes: Uint8Array): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new EcarError('INTERNAL', `state at '${key.slice(0, 80)}' is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EcarError('INTERNAL', `state at '${key.slice(0, 80)}' is not a JSON object`);
  }
  return value as JsonObject;
}
