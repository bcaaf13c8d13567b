// The domain's Caller port from the Fabric client identity of the transaction (plain mode).
import type { Caller } from '../ports';
import { fabricCallerId } from '../protocol/caller-id';

/** The parts of fabric-shim's ClientIdentity this adapter reads. */
export interface ClientIdentityLike {
  getMSPID(): string;
  /** The certificate PEM the client signed the proposal with. */
  getIDBytes(): Uint8Array;
}

/** What `whoami` answers: the caller id the ledger knows you by, and your org. */
export interface CallerInfo {
  readonly id: string;
  readonly mspId: string;
}

/** The caller of this transaction; see `fabricCallerId` for how the id is derived. */
export function callerFromIdentity(identity: ClientIdentityLike): Caller & CallerInfo {
  const mspId = identity.getMSPID();
  return { id: fabricCallerId(mspId, identity.getIDBytes()), mspId };
}
