// Records what a confidential call read from its peer's state (pseudonymous keys and sealed bytes, in
// call order) and digests it for the receipt-covered answer, so a client can compare the answers of
// two orgs' enclaves to one read and tell when one peer served other state. Writes pass through.
import { canonicalJson } from '../protocol/json';
import { toB64, toHex } from '../protocol/confidential/encoding';
import { sha256 } from '../protocol/confidential/primitives';
import type { RawEntry, RawState } from './ledger-state';

const READ_SET_DOMAIN = 'ecar/read-set/v1\n';

type Read = ['get', string, string | null] | ['range', string, [string, string][]];

export class ReadSetRecorder implements RawState {
  readonly #state: RawState;
  readonly #reads: (Read | undefined)[] = [];

  constructor(state: RawState) {
    this.#state = state;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    // the slot is taken at the call, so reads issued together keep their call order
    const slot = this.#reads.push(undefined) - 1;
    const value = await this.#state.get(key);
    this.#reads[slot] = ['get', key, value === undefined ? null : toB64(value)];
    return value;
  }

  async range(prefix: string): Promise<readonly RawEntry[]> {
    const slot = this.#reads.push(undefined) - 1;
    const entries = await this.#state.range(prefix);
    this.#reads[slot] = ['range', prefix, entries.map((entry) => [entry.key, toB64(entry.value)])];
    return entries;
  }

  put(key: string, value: Uint8Array): Promise<void> {
    return this.#state.put(key, value);
  }

  delete(key: string): Promise<void> {
    return this.#state.delete(key);
  }

  /** SHA-256 (hex) of every read so far with what it returned; equal state and call give equal digests. */
  digest(): string {
    const reads = this.#reads.map((read) => read ?? ['pending']);
    return toHex(sha256(READ_SET_DOMAIN, canonicalJson(reads)));
  }
}
