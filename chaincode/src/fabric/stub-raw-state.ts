// Raw state over the chaincode stub: bytes in and out, prefix ranges in byte order with the iterator
// always closed. The enclave's sealed store and the plain JSON store both sit on it.
import type { RawEntry, RawState } from '../enclave/ledger-state';
import { checkStateKey, RAW_KEY_MAX } from '../domain/state-key';
import type { StateStub } from './stub-state-store';

/**
 * Keys are printable ASCII (domain keys like `account/<id>`, sealed pseudonyms `s/<b64url>/...`).
 * Fabric simple keys must not start with U+0000 (the composite-key namespace, where the heartbeat
 * contract lives), and code-unit order of ASCII equals LevelDB's byte order, so a range
 * [prefix, prefix + U+FFFF) holds exactly the keys that start with `prefix`: every ASCII
 * continuation sorts below the UTF-8 bytes EF BF BF.
 */
const RANGE_END = '\uffff';

export class StubRawState implements RawState {
  readonly #stub: StateStub;

  constructor(stub: StateStub) {
    this.#stub = stub;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    checkStateKey(key, RAW_KEY_MAX);
    const bytes = await this.#stub.getState(key);
    return bytes.length === 0 ? undefined : bytes;
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    checkStateKey(key, RAW_KEY_MAX);
    await this.#stub.putState(key, Buffer.from(value));
  }

  async delete(key: string): Promise<void> {
    checkStateKey(key, RAW_KEY_MAX);
    await this.#stub.deleteState(key);
  }

  async range(prefix: string): Promise<readonly RawEntry[]> {
    checkStateKey(prefix, RAW_KEY_MAX);
    const iterator = await this.#stub.getStateByRange(prefix, prefix + RANGE_END);
    const entries: RawEntry[] = [];
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        if (next.value.key.startsWith(prefix)) entries.push({ key: next.value.key, value: next.value.value });
      }
    } finally {
      await iterator.close();
    }
    return entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}
