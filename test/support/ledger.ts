// Test harness: runs registry transactions against the memory store like a peer would (commit on
// success only), with a controllable transaction clock and recorded events.
import type { EventPayload, JsonValue, MeterVerifier, Ports } from '../../chaincode/src/ports';
import { dispatch } from '../../chaincode/src/domain/transactions';
import { ocmfMeterVerifier } from '../../chaincode/src/protocol/ocmf';
import { MemoryStore } from './memory-store';

export interface RecordedEvent {
  readonly txId: string;
  readonly name: string;
  readonly payload: EventPayload;
}

/** 2026-03-02T08:00:00Z, a Monday. */
export const T0 = Date.UTC(2026, 2, 2, 8, 0, 0);

export class TestLedger {
  readonly store = new MemoryStore();
  readonly events: RecordedEvent[] = [];
  nowMs: number;
  /** Clock.skewMs the transactions see (0: no window, as in plaintext mode). */
  skewMs = 0;
  meter: MeterVerifier = ocmfMeterVerifier;
  #counter = 0;

  constructor(nowMs = T0) {
    this.nowMs = nowMs;
  }

  advance(ms: number): this {
    this.nowMs += ms;
    return this;
  }

  /** Submits: commits the write set only if the transaction succeeds. */
  async submit(caller: string, name: string, args: unknown = {}): Promise<JsonValue> {
    return this.#run(caller, name, args, 'submit');
  }

  /** Evaluates: never commits. */
  async evaluate(caller: string, name: string, args: unknown = {}): Promise<JsonValue> {
    return this.#run(caller, name, args, 'evaluate');
  }

  async #run(caller: string, name: string, args: unknown, kind: 'submit' | 'evaluate'): Promise<JsonValue> {
    this.#counter += 1;
    const txId = `tx${String(this.#counter).padStart(6, '0')}`;
    const store = this.store.begin();
    const events: RecordedEvent[] = [];
    const ports: Ports = {
      store,
      caller: { id: caller },
      clock: { nowMs: this.nowMs, txId, skewMs: this.skewMs },
      events: { emit: (eventName, payload) => events.push({ txId, name: eventName, payload }) },
      meter: this.meter,
    };
    try {
      const result = await dispatch(ports, name, args, kind);
      if (kind === 'submit') {
        store.commit();
        this.events.push(...events);
      } else {
        store.abort();
      }
      return result;
    } catch (error) {
      store.abort();
      throw error;
    }
  }
}
