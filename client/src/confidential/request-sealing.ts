// How a client seals one call for the enclaves: the request body (protocol version, channel,
// chaincode, key epoch, function, arguments, wallet, nonce, notAfter) sealed to the trusted box key
// and signed by the wallet. Shared by the fabric-gateway client and the legacy fabric-network adapter.
import type { JsonValue } from '../../../chaincode/src/protocol/json';
import { toB64 } from '../../../chaincode/src/protocol/confidential/encoding';
import {
  MAX_REQUEST_LIFETIME_MS,
  newRequestNonce,
  PROTOCOL_VERSION,
  sealRequest,
  type RequestBody,
  type SubmitterBinding,
} from '../../../chaincode/src/protocol/confidential/envelope';
import type { SigningKeyPair } from '../../../chaincode/src/protocol/confidential/primitives';
import { encodeArgs, type LedgerArgs } from '../fabric/ledger-client';
import type { TrustedKeys } from './enclave-verifier';
import type { RequestContext } from './sealed-answer';

/** A request is valid for this long by default: enough for endorsement, short enough to bound replays. */
export const DEFAULT_REQUEST_LIFETIME_MS = 2 * 60_000;

/** The request lifetime a client asked for, kept between 1 s and MAX_REQUEST_LIFETIME_MS. */
export function requestLifetimeMs(requested: number | undefined): number {
  return Math.min(MAX_REQUEST_LIFETIME_MS, Math.max(1_000, requested ?? DEFAULT_REQUEST_LIFETIME_MS));
}

/** The arguments as the JSON value the request carries (bigint as decimal strings). */
export function encodeArgValue(args: LedgerArgs): JsonValue {
  return JSON.parse(encodeArgs(args)) as JsonValue;
}

/** Who sends the call and where to. */
export interface SealingParty {
  readonly channel: string;
  readonly chaincode: string;
  readonly wallet: SigningKeyPair;
  /** The Fabric identity that will submit the proposal; the enclave refuses any other. */
  readonly submitter: SubmitterBinding;
}

/**
 * One logical call: its nonce and notAfter are fixed once, and every attempt (a read-conflict retry,
 * a re-seal after a key rotation) carries the same ones, so the enclaves' nonce record lets at most
 * one attempt ever commit, whatever a peer says about the others.
 */
export interface PreparedCall {
  readonly fn: string;
  readonly args: JsonValue;
  readonly nonce: string;
  readonly notAfter: number;
}

/** A new call with a fresh nonce, valid for `lifetimeMs` (already clamped by requestLifetimeMs) from `now`. */
export function prepareCall(fn: string, args: JsonValue, now: Date, lifetimeMs: number): PreparedCall {
  return { fn, args, nonce: newRequestNonce(), notAfter: now.getTime() + lifetimeMs };
}

export interface SealedCall {
  /** The envelope, the one argument of the confidential entry point. */
  readonly envelopeText: string;
  /** What reads the answer, once the transaction id is known. Secret: never logged. */
  readonly contextFor: (txId: string) => RequestContext;
}

/** Seals one attempt of `call` to the trusted keys (a fresh ephemeral key; the call's nonce). */
export function sealCall(party: SealingParty, call: PreparedCall, keys: TrustedKeys): SealedCall {
  const body: RequestBody = {
    v: PROTOCOL_VERSION,
    channel: party.channel,
    chaincode: party.chaincode,
    epoch: keys.epoch,
    fn: call.fn,
    args: call.args,
    wallet: toB64(party.wallet.publicKey),
    nonce: call.nonce,
    notAfter: call.notAfter,
    submitter: party.submitter,
  };
  const { envelopeText, secrets } = sealRequest(body, party.wallet, keys.boxPublicKey);
  return {
    envelopeText,
    contextFor: (txId) => ({ secrets, txId, epoch: keys.epoch, receiptPublicKey: keys.receiptPublicKey }),
  };
}
