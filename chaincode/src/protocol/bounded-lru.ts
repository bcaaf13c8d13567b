// One bounded least-recently-used cache for the protocol's memo tables (imported keys, parsed meter
// keys, name pseudonyms): a hit moves the entry to the newest end, an insert past the bound drops the
// oldest entry.

export class BoundedLru<K, V> {
  readonly #entries = new Map<K, V>();
  readonly #max: number;

  constructor(max: number) {
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError('BoundedLru needs a positive bound');
    this.#max = max;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The cached value (now the most recently used), or undefined. */
  get(key: K): V | undefined {
    if (!this.#entries.has(key)) return undefined;
    const value = this.#entries.get(key) as V;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
  }

  /** The cached value, or `make()` cached (a throwing `make` caches nothing). */
  getOrCreate(key: K, make: () => V): V {
    if (this.#entries.has(key)) return this.get(key) as V;
    const value = make();
    this.set(key, value);
    return value;
  }
}
