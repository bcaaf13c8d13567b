// Events of confidential transactions. The domain emits ids only, but in confidential mode even an
// id (a session, a station, a payment reference) is business data, so every value except the
// (public) transaction id is replaced by its SHA-256: a party who knows the id can still match the
// event; a peer operator learns only that some transaction of that kind committed.
import { toHex } from '../protocol/confidential/encoding';
import type { EventPayload, EventSink } from '../ports';
import { sha256 } from '../protocol/confidential/primitives';

const EVENT_ID_DOMAIN = 'ecar/event-id/v1\n';

/** The hex hash an event carries in place of the value `value` of field `field`. */
export function eventIdHash(field: string, value: string): string {
  return toHex(sha256(EVENT_ID_DOMAIN, field, '\n', value));
}

export function hashingEventSink(inner: EventSink): EventSink {
  return {
    emit(name: string, payload: EventPayload): void {
      const hashed: Record<string, string> = {};
      for (const [field, value] of Object.entries(payload)) {
        hashed[field] = field === 'txId' ? value : eventIdHash(field, value);
      }
      inner.emit(name, hashed);
    },
  };
}
