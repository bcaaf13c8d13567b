// The domain's StateStore in confidential mode: logical keys become path-preserving pseudonyms, values
// are sealed with the state key of the current epoch (read with the epoch that sealed them), range
// reads go over the pseudonym prefix and come back opened and sorted by logical key. Sealing is
// deterministic per (transaction, key, value), so every endorser writes byte-identical state.
import type { JsonObject, StateEntry, StateStore } from '../ports';
import type { KeyBundle } from '../protocol/confidential/key-record';
import {
  openRangeValue,
  openValue,
  parseSealedValue,
  pseudonymKey,
  pseudonymPrefix,
  sealValue,
} from '../protocol/confidential/sealed-state';
import { checkStateKey } from '../domain/state-key';
import { EcarError } from '../protocol/errors';
import type { RawState } from './ledger-state';

export interface SealedStoreContext {
  readonly bundle: KeyBundle;
  /** The epoch new values are sealed with (the current one). */
  readonly epoch: number;
  readonly txId: string;
}

export class SealedStateStore implements StateStore {
  readonly #state: RawState;
  readonly #bundle: KeyBundle;
  readonly #epoch: number;
  readonly #txId: string;
  readonly #writeKey: Uint8Array;

  constructor(state: RawState, context: SealedStoreContext) {
    this.#state = state;
    this.#bundle = context.bundle;
    this.#epoch = context.epoch;
    this.#txId = context.txId;
    this.#writeKey = this.#stateKey(context.epoch);
  }

  async get(key: string): Promise<JsonObject | undefined> {
    checkStateKey(key);
    const stored = await this.#state.get(pseudonymKey(this.#bundle.nameKey, key));
    if (stored === undefined) return undefined;
    const sealed = parseSealedValue(stored);
    return openValue(sealed, { logicalKey: key, stateKey: this.#stateKey(sealed.epoch) }).value;
  }

  async put(key: string, value: JsonObject): Promise<void> {
    checkStateKey(key);
    const sealed = sealValue(value, {
      logicalKey: key,
      txId: this.#txId,
      epoch: this.#epoch,
      stateKey: this.#writeKey,
    });
    await this.#state.put(pseudonymKey(this.#bundle.nameKey, key), sealed);
  }

  async delete(key: string): Promise<void> {
    checkStateKey(key);
    await this.#state.delete(pseudonymKey(this.#bundle.nameKey, key));
  }

  async range(prefix: string): Promise<readonly StateEntry[]> {
    checkStateKey(prefix);
    const nameKey = this.#bundle.nameKey;
    const entries = await this.#state.range(pseudonymPrefix(nameKey, prefix));
    return entries
      .map((entry) => {
        const sealed = parseSealedValue(entry.value);
        const opened = openRangeValue(sealed, {
          fabricKey: entry.key,
          logicalPrefix: prefix,
          nameKey,
          stateKey: this.#stateKey(sealed.epoch),
        });
        return { key: opened.logicalKey, value: opened.value };
      })
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  #stateKey(epoch: number): Uint8Array {
    const secrets = this.#bundle.epochs.get(epoch);
    if (secrets === undefined) {
      throw new EcarError('KEYS_UNAVAILABLE', `this enclave does not hold the state key of epoch ${epoch}`);
    }
    return secrets.stateKey;
  }
}
