// Events of confidential transactions. The domain emits named events with ids, but in confidential
// mode the name tells which sealed function ran and an id (a session, a station, a payment
// reference) is business data; a plain hash of a public station id can be recomputed by anyone.
// So every successful confidential write sets ONE event of one shape: `Confidential` with a fixed
// number of tags, each an HMAC under a view key that only the enclaves derive from the chaincode
// keys, over (event name, field, value); unused slots hold tags of the transaction id. Holders of the
// view key can match a known id to a transaction; nobody else learns the kind or the ids.
import { toHex } from './encoding';
import { hmacSha256 } from './primitives';

export const CONFIDENTIAL_EVENT_NAME = 'Confidential';
/** Tags per event: more than any one transaction's ids, so every event looks the same. */
export const EVENT_TAG_SLOTS = 8;
const VIEW_KEY_DOMAIN = 'ecar/event-view-key/v1\n';
const TAG_DOMAIN = 'ecar/event-tag/v1\n';

/** The view key of a chaincode key lineage (derived from its name key; never leaves the enclave). */
export function eventViewKey(nameKey: Uint8Array): Uint8Array {
  return hmacSha256(nameKey, VIEW_KEY_DOMAIN);
}

/** The tag an event carries for the id `value` of field `field` of domain event `name`. */
export function eventTag(viewKey: Uint8Array, name: string, field: string, value: string): string {
  return toHex(hmacSha256(viewKey, TAG_DOMAIN, name, '\n', field, '\n', value).subarray(0, 16));
}
