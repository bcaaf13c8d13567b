// The enclave's event sink for confidential transactions: it turns the domain's named events into
// the one tagged `Confidential` event whose shape protocol/confidential/event-tags.ts defines.
import { canonicalJson } from '../protocol/json';
import { CONFIDENTIAL_EVENT_NAME, EVENT_TAG_SLOTS, eventTag } from '../protocol/confidential/event-tags';
import type { EventPayload, EventSink } from '../ports';
import type { EventTarget } from './ledger-state';

/** Collects a transaction's domain events as tags and sets the one confidential event. */
export class TaggingEventSink implements EventSink {
  readonly #viewKey: Uint8Array;
  readonly #tags: string[] = [];

  constructor(viewKey: Uint8Array) {
    this.#viewKey = viewKey;
  }

  emit(name: string, payload: EventPayload): void {
    for (const [field, value] of Object.entries(payload)) {
      if (field !== 'txId') this.#tags.push(eventTag(this.#viewKey, name, field, value));
    }
  }

  /** Sets the event: the tags sorted (emission order would hint at the kind), padded to the slots. */
  flush(target: EventTarget, txId: string): void {
    const tags = [...new Set(this.#tags)].slice(0, EVENT_TAG_SLOTS);
    for (let slot = 0; tags.length < EVENT_TAG_SLOTS; slot += 1) {
      tags.push(eventTag(this.#viewKey, '', 'padding', `${txId}/${slot}`));
    }
    tags.sort();
    target.setEvent(CONFIDENTIAL_EVENT_NAME, Buffer.from(canonicalJson({ tags }), 'utf8'));
  }
}
