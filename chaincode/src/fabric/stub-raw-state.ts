// The enclave's RawState over the chaincode stub: bytes in and out, prefix ranges in byte order with
// the iterator always closed (the plain store's rules, without its JSON layer).
import type { RawEntry, RawState } from '../enclave/ledger-state';
import { EcarError } from '../protocol/errors';
import type { StateStub } from './stub-state-store';

const KEY_PATTERN = /^[\x21-\x7e]{1,2048}$/;
const RANGE_END = '\uffff';

export class StubRawState implements RawState {
  readonly #stub: StateStub;

  constructor(stub: StateStub) {
    this.#stub = stub;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    checkKey(key);
    const bytes = await this.#stub.getState(key);
    return bytes.length === 0 ? undefined : bytes;
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    checkKey(key);
    await this.#stub.putState(key, Buffer.from(value));
  }

  async delete(key: string): Promise<void> {
    checkKey(key);
    await this.#stub.deleteState(key);
  }

  async range(prefix: string): Promise<readonly RawEntry[]> {
    checkKey(prefix);
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

function checkKey(key: string): void {
  if (!KEY_PATTERN.test(key)) {
    throw new EcarError('INTERNAL', `state key '${key.slice(0, 80)}' is not printable ASCII`);
  }
}
