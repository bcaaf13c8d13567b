// In-memory StateStore with Fabric's semantics: a transaction reads committed state only, buffers
// its writes, and the harness commits them only when the transaction succeeds.
import type { JsonObject, StateEntry, StateStore } from '../../chaincode/src/ports';
import { canonicalJson } from '../../chaincode/src/protocol/json';

const KEY_PATTERN = /^[\x21-\x7e]{1,1024}$/;

export class MemoryStore {
  readonly #committed = new Map<string, string>();

  /** Starts a transaction over the current committed state. */
  begin(): MemoryTransaction {
    return new MemoryTransaction(this.#committed);
  }

  /** Committed entries under a prefix, sorted (for assertions). */
  entries(prefix = ''): StateEntry[] {
    return [...this.#committed.keys()]
      .filter((key) => key.startsWith(prefix))
      .sort()
      .map((key) => ({ key, value: JSON.parse(this.#committed.get(key) ?? 'null') as JsonObject }));
  }

  /** The committed bytes of every key: equal snapshots mean nothing was written. */
  snapshot(): string {
    return JSON.stringify([...this.#committed.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}

export class MemoryTransaction implements StateStore {
  readonly #committed: Map<string, string>;
  readonly #writes = new Map<string, string | null>();
  #done = false;

  constructor(committed: Map<string, string>) {
    this.#committed = committed;
  }

  get(key: string): Promise<JsonObject | undefined> {
    this.#check(key);
    // Fabric does not show a transaction its own writes; the domain must never rely on it.
    if (this.#writes.has(key))
      return Promise.reject(new Error(`read of '${key}' after writing it in the same transaction`));
    const text = this.#committed.get(key);
    return Promise.resolve(text === undefined ? undefined : (JSON.parse(text) as JsonObject));
  }

  put(key: string, value: JsonObject): Promise<void> {
    this.#check(key);
    this.#writes.set(key, canonicalJson(value));
    return Promise.resolve();
  }

  delete(key: string): Promise<void> {
    this.#check(key);
    this.#writes.set(key, null);
    return Promise.resolve();
  }

  range(prefix: string): Promise<readonly StateEntry[]> {
    if (this.#done) return Promise.reject(new Error('transaction already finished'));
    const entries = [...this.#committed.keys()]
      .filter((key) => key.startsWith(prefix))
      .sort()
      .map((key) => ({ key, value: JSON.parse(this.#committed.get(key) ?? 'null') as JsonObject }));
    return Promise.resolve(entries);
  }

  /** Keys this transaction would write (deletes as null), sorted. */
  writeSet(): [string, string | null][] {
    return [...this.#writes.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  }

  commit(): void {
    this.#finish();
    for (const [key, value] of this.#writes) {
      if (value === null) this.#committed.delete(key);
      else this.#committed.set(key, value);
    }
  }

  abort(): void {
    this.#finish();
  }

  #finish(): void {
    if (this.#done) throw new Error('transaction already finished');
    this.#done = true;
  }

  #check(key: string): void {
    if (this.#done) throw new Error('transaction already finished');
    if (!KEY_PATTERN.test(key)) throw new Error(`invalid state key '${key}'`);
  }
}
