// The domain's EventSink for Fabric, which keeps one chaincode event per transaction: the events a
// transaction emits are collected and set once, at the end, only when it succeeded. No Fabric
// imports, so the client decodes events with the same code.
import type { EventTarget } from '../enclave/ledger-state';
import type { EventPayload, EventSink } from '../ports';
import { canonicalJson } from '../protocol/json';

/** Name of the combined event when a transaction emits more than one domain event. */
export const COMBINED_EVENT_NAME = 'ecar';

export interface LedgerEvent {
  readonly name: string;
  readonly payload: EventPayload;
}

/** Where the collected event goes (the chaincode stub): one definition, the enclave's. */
export type { EventTarget } from '../enclave/ledger-state';

/**
 * Collects domain events. `flush` sets nothing for no event, the event itself (name and canonical
 * JSON payload) for one, and one `ecar` event holding the JSON list `[{name, payload}, ...]` in
 * emission order for several. Payloads are ids and hashes only (a domain rule).
 */
export class CollectingEventSink implements EventSink {
  readonly #events: LedgerEvent[] = [];

  emit(name: string, payload: EventPayload): void {
    this.#events.push({ name, payload: { ...payload } });
  }

  get events(): readonly LedgerEvent[] {
    return this.#events;
  }

  flush(target: EventTarget): void {
    const [only] = this.#events;
    if (only === undefined) return;
    if (this.#events.length === 1) {
      target.setEvent(only.name, Buffer.from(canonicalJson(only.payload), 'utf8'));
      return;
    }
    const list = this.#events.map((event) => ({ name: event.name, payload: event.payload }));
    target.setEvent(COMBINED_EVENT_NAME, Buffer.from(canonicalJson(list), 'utf8'));
  }
}

/**
 * The domain events carried by one chaincode event (the inverse of `flush`).
 * @throws Error when the payload is not what `flush` writes.
 */
export function decodeLedgerEvents(eventName: string, payload: Uint8Array): LedgerEvent[] {
  const parsed = JSON.parse(Buffer.from(payload).toString('utf8')) as unknown;
  if (eventName !== COMBINED_EVENT_NAME) return [{ name: eventName, payload: stringRecord(parsed) }];
  if (!Array.isArray(parsed)) throw new Error(`the '${COMBINED_EVENT_NAME}' event must hold a list`);
  return (parsed as unknown[]).map((item) => {
    if (typeof item !== 'object' || item === null) throw new Error('a combined event entry is not an object');
    const { name, payload: inner } = item as { name?: unknown; payload?: unknown };
    if (typeof name !== 'string') throw new Error('a combined event entry has no name');
    return { name, payload: stringRecord(inner) };
  });
}

function stringRecord(value: unknown): EventPayload {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('an event payload must be a JSON object');
  }
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (typeof item !== 'string') throw new Error(`event payload field '${key}' is not a string`);
    out[key] = item;
  }
  return out;
}
