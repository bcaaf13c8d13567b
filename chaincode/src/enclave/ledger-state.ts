// What the enclave needs from one Fabric transaction: raw state bytes, the transaction clock, the
// channel, who submitted it, and where its chaincode event goes. The Fabric adapter builds it from
// the contract context; unit tests build it over an in-memory store.
import { EcarError } from '../protocol/errors';
import { canonicalJson, toJson } from '../protocol/json';
import type { Clock } from '../ports';
import { fromUtf8, parseJsonObject, utf8 } from '../protocol/confidential/encoding';
import type { ErrorCode } from '../protocol/errors';

export interface RawEntry {
  readonly key: string;
  readonly value: Uint8Array;
}

/** Fabric state as bytes. Reads see committed state only; writes apply when the transaction commits. */
export interface RawState {
  /** The value at `key`, or undefined when there is none. */
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, value: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
  /** Every entry whose key starts with `prefix`, sorted by key. */
  range(prefix: string): Promise<readonly RawEntry[]>;
}

/** The client identity that submitted the transaction. */
export interface Submitter {
  readonly mspId: string;
  /** The identity's certificate carries the NodeOU `admin` (an org administrator). */
  readonly isAdmin: boolean;
  /** SHA-256 (hex) of the identity's credential bytes as the proposal carries them. */
  readonly certHash: string;
}

/** Refuses unless an org administrator submitted (governance and provisioning writes). */
export function requireOrgAdmin(submitter: Submitter, action: string): void {
  if (!submitter.isAdmin) {
    throw new EcarError(
      'FORBIDDEN',
      `${action} is allowed only for an org admin (a certificate with the NodeOU 'admin')`,
      {
        action,
      },
    );
  }
}

/** Where a transaction's one chaincode event goes (the stub). */
export interface EventTarget {
  setEvent(name: string, payload: Uint8Array): void;
}

export interface EnclaveTx {
  readonly state: RawState;
  readonly clock: Clock;
  /** stub.getChannelID(). */
  readonly channel: string;
  readonly submitter: Submitter;
  readonly events: EventTarget;
}

/** A plain JSON record (registry, policy, key records: public by design). */
export async function readRecord(
  state: RawState,
  key: string,
  code: ErrorCode = 'INTERNAL',
): Promise<Record<string, unknown> | undefined> {
  const bytes = await state.get(key);
  return bytes === undefined ? undefined : parseJsonObject(fromUtf8(bytes), `record ${key}`, code);
}

/** Writes a plain record as canonical (sorted-key) JSON, identical on every endorser; undefined fields are left out. */
export async function writeRecord(state: RawState, key: string, value: object): Promise<void> {
  await state.put(key, utf8(canonicalJson(toJson(value))));
}

/** Sets the transaction's chaincode event (ids and public keys only). */
export function setEvent(tx: EnclaveTx, name: string, payload: Readonly<Record<string, string>>): void {
  tx.events.setEvent(name, utf8(canonicalJson(payload)));
}
