// An enclave's signed word on the key status (DESIGN 5.1 and 5.7): the epoch it reads as current from
// its peer's state, whether a record after that epoch exists there, and a hash of the whole key status
// it served, bound to a fresh client challenge and signed by its attested identity key. The gateway
// peer relays other orgs' answers unsigned; with this statement it can withhold them, never forge,
// replay or mix them.
import { canonicalJson } from '../json';
import type { JsonValue } from '../json';
import { EcarError } from '../errors';
import { fromB64, toB64, toHex, utf8 } from './encoding';
import { isEnclaveId, signingKeyOfEnclaveId } from './key-record';
import { randomBytes, sha256, sign, verifySignature } from './primitives';
import type { KeyStatus } from './api';

const STATEMENT_DOMAIN = 'ecar/key-status/v1\n';
/** A challenge is random bytes of this many (16 at least, so it cannot be guessed or reused). */
export const MIN_CHALLENGE_BYTES = 16;
export const MAX_CHALLENGE_BYTES = 64;
export const CHALLENGE_BYTES = 32;

/** What the enclave signs. */
export interface KeyStatusStatement {
  readonly v: 1;
  readonly channel: string;
  readonly chaincode: string;
  /** The org the enclave is attested for (its report_data binds it). */
  readonly mspId: string;
  /** Enclave id: hex of the identity signing key that signed. */
  readonly enclave: string;
  /** The client's challenge, base64, as it was sent. */
  readonly challenge: string;
  readonly currentEpoch: number;
  /** A key record of a later epoch than currentEpoch is in the state the enclave read. */
  readonly hasSuccessor: boolean;
  /** keyStatusDigest of the key status served with the statement. */
  readonly keyStatusHash: string;
}

/** The answer of `attestedKeyStatus`: the key status and the statement that binds it. */
export interface SignedKeyStatus {
  readonly v: 1;
  readonly keyStatus: KeyStatus;
  readonly statement: KeyStatusStatement;
  /** Ed25519 signature by the enclave's identity key, base64. */
  readonly sig: string;
}

/** A fresh challenge (base64) for one read of the key status. */
export function newKeyStatusChallenge(): string {
  return toB64(randomBytes(CHALLENGE_BYTES));
}

/**
 * A challenge as it arrives at the enclave.
 *
 * @throws EcarError INVALID_ARGUMENT unless base64 of MIN_CHALLENGE_BYTES..MAX_CHALLENGE_BYTES bytes.
 */
export function parseKeyStatusChallenge(value: unknown): string {
  const bytes = fromB64(value, 'the key status challenge', 'INVALID_ARGUMENT');
  if (bytes.length < MIN_CHALLENGE_BYTES || bytes.length > MAX_CHALLENGE_BYTES) {
    throw new EcarError(
      'INVALID_ARGUMENT',
      `the key status challenge must be ${MIN_CHALLENGE_BYTES} to ${MAX_CHALLENGE_BYTES} bytes`,
    );
  }
  return value as string;
}

/** SHA-256 (hex) of a key status in canonical JSON, as a peer's answer carries it. */
export function keyStatusDigest(keyStatus: JsonValue | KeyStatus): string {
  return toHex(sha256(canonicalJson(keyStatus as JsonValue)));
}

function statementMessage(statement: KeyStatusStatement): Uint8Array {
  return utf8(STATEMENT_DOMAIN + canonicalJson(statement as unknown as JsonValue));
}

/** The enclave's side: states and signs the key status it read. */
export function signKeyStatus(
  fields: Readonly<{
    channel: string;
    chaincode: string;
    mspId: string;
    enclave: string;
    challenge: string;
    keyStatus: KeyStatus;
  }>,
  signingSeed: Uint8Array,
): SignedKeyStatus {
  const { keyStatus } = fields;
  const statement: KeyStatusStatement = {
    v: 1,
    channel: fields.channel,
    chaincode: fields.chaincode,
    mspId: fields.mspId,
    enclave: fields.enclave,
    challenge: fields.challenge,
    currentEpoch: keyStatus.currentEpoch,
    hasSuccessor: keyStatus.records.some((record) => record.epoch > keyStatus.currentEpoch),
    keyStatusHash: keyStatusDigest(keyStatus),
  };
  return { v: 1, keyStatus, statement, sig: toB64(sign(signingSeed, statementMessage(statement))) };
}

type Fields = Record<string, unknown>;

function fields(value: unknown, what: string): Fields {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new EcarError('KEYS_UNAVAILABLE', `${what} must be a JSON object`);
  }
  return value as Fields;
}

/** The shape of a statement; its signature is checked by verifyKeyStatusStatement. */
export function parseKeyStatusStatement(value: unknown): KeyStatusStatement {
  const s = fields(value, 'the key status statement');
  const bad = (why: string): never => {
    throw new EcarError('KEYS_UNAVAILABLE', `the key status statement: ${why}`);
  };
  if (s.v !== 1) bad('unsupported version (v1 expected)');
  for (const key of ['channel', 'chaincode', 'mspId', 'challenge', 'keyStatusHash'] as const) {
    if (typeof s[key] !== 'string') bad(`'${key}' must be a string`);
  }
  if (!isEnclaveId(s.enclave)) bad("'enclave' must be an enclave id");
  const epoch = s.currentEpoch;
  if (typeof epoch !== 'number' || !Number.isSafeInteger(epoch) || epoch < 0)
    bad("'currentEpoch' must be an epoch");
  if (typeof s.hasSuccessor !== 'boolean') bad("'hasSuccessor' must be true or false");
  return {
    v: 1,
    channel: s.channel as string,
    chaincode: s.chaincode as string,
    mspId: s.mspId as string,
    enclave: s.enclave as string,
    challenge: s.challenge as string,
    currentEpoch: epoch as number,
    hasSuccessor: s.hasSuccessor as boolean,
    keyStatusHash: s.keyStatusHash as string,
  };
}

/** What the client expects of a statement it asked one org for. */
export interface StatementExpectation {
  readonly channel: string;
  readonly chaincode: string;
  /** The org the read was aimed at. */
  readonly mspId: string;
  readonly challenge: string;
  /** keyStatusDigest of the key status that came with the statement. */
  readonly keyStatusHash: string;
  /** The currentEpoch of that key status. */
  readonly currentEpoch: number;
}

/**
 * The reasons a statement does not say what was asked, or is not signed by the enclave it names (an
 * empty list: it is that enclave's fresh word on this key status). Whether that enclave is attested
 * is the caller's judgement (the registry's, under the client's policy).
 */
export function statementFailures(
  statement: KeyStatusStatement,
  sig: string,
  expected: StatementExpectation,
): string[] {
  const reasons: string[] = [];
  let signature: Uint8Array | undefined;
  try {
    signature = fromB64(sig, 'the statement signature', 'KEYS_UNAVAILABLE', 64);
  } catch {
    reasons.push('its signature is not 64 bytes of base64');
  }
  if (signature !== undefined) {
    if (!verifySignature(signingKeyOfEnclaveId(statement.enclave), statementMessage(statement), signature))
      reasons.push('its signature does not verify with the key of the enclave it names (forged or altered)');
  }
  if (statement.challenge !== expected.challenge)
    reasons.push('it answers another challenge (a replayed statement)');
  if (statement.mspId !== expected.mspId)
    reasons.push(`it is from an enclave of ${statement.mspId}, not of ${expected.mspId} (a misrouted read)`);
  if (statement.channel !== expected.channel || statement.chaincode !== expected.chaincode)
    reasons.push(`it is for ${statement.channel}/${statement.chaincode}`);
  if (statement.keyStatusHash !== expected.keyStatusHash || statement.currentEpoch !== expected.currentEpoch)
    reasons.push('the key status served with it is not the one the enclave signed (altered in transit)');
  if (statement.hasSuccessor)
    reasons.push(
      `the enclave reads a key record after epoch ${statement.currentEpoch}, which its state names as current (a rolled-back epoch)`,
    );
  return reasons;
}
