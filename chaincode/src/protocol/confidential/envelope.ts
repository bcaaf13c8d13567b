// The confidential transaction envelope (DESIGN section 5), protocol version 2. A wallet-signed
// request, bound to the Fabric identity allowed to submit it, is padded and boxed to the chaincode's
// box key with a fresh ephemeral key; the enclave answers sealed to that ephemeral key with a
// synthetic nonce (a keyed hash of the transaction id, the request and the answer's plaintext, so two
// different answers never share a nonce, even when a peer re-runs one request against edited state),
// plus an Ed25519 receipt over (request hash, response nonce and ciphertext hash, transaction id).
// Everything enclave-side is deterministic, so every endorsing enclave produces byte-identical
// responses.
import { TRANSACTION_NAME_PATTERN } from '../wire-formats';
import { canonicalJson } from '../json';
import type { JsonValue } from '../json';
import { EcarError, type ErrorDetails } from '../errors';
import { fromB64, fromUtf8, pad, parseJsonObject, toB64, toHex, unpad, utf8 } from './encoding';
import {
  boxSharedKey,
  ephemeralBoxKey,
  hmacSha256,
  KEY_BYTES,
  NONCE_BYTES,
  randomBytes,
  secretOpen,
  secretSeal,
  sha256,
  sign,
  verifySignature,
  type SigningKeyPair,
} from './primitives';

/**
 * 2: requests name their submitter, answers carry a synthetic nonce (`n`) under the receipt. Version 1
 * envelopes are refused: their answers could share a key stream (see responseNonce).
 */
export const PROTOCOL_VERSION = 2;
/** The largest request envelope accepted (a 1 MiB padded plaintext is about 1.4 MB of base64). */
export const MAX_ENVELOPE_LENGTH = 2_000_000;
const REQUEST_DOMAIN = 'ecar/request/v1\n';
const RECEIPT_DOMAIN_V2 = 'ecar/receipt/v2\n';
const RESPONSE_NONCE_DOMAIN = 'ecar/response-nonce/v2\n';
/**
 * A request may be valid for at most this long: it bounds how long a captured or refused request
 * stays usable by its submitter, and how long nonces must be remembered (plus the clock skew).
 */
export const MAX_REQUEST_LIFETIME_MS = 5 * 60 * 1000;

/**
 * The Fabric identity a wallet allows to submit its request: MSP id and SHA-256 (hex) of the
 * identity's credentials exactly as the proposal carries them (the PEM certificate bytes). Nobody
 * else can submit a copy, so a peer that captured the envelope cannot run it under its own identity.
 */
export interface SubmitterBinding {
  readonly mspId: string;
  readonly certHash: string;
}

/** SHA-256 (hex) of an identity's credential bytes, as a request's submitter names them. */
export function credentialsHash(credentials: Uint8Array): string {
  return toHex(sha256(credentials));
}

/** The binding of an identity: its MSP id and the hash of its credential bytes. */
export function submitterBinding(mspId: string, credentials: Uint8Array): SubmitterBinding {
  return { mspId, certHash: credentialsHash(credentials) };
}

/** What the wallet signs: the binding fields and the call. */
export interface RequestBody {
  readonly v: number;
  readonly channel: string;
  readonly chaincode: string;
  readonly epoch: number;
  readonly fn: string;
  readonly args: JsonValue;
  /** Ed25519 public key of the wallet, base64. */
  readonly wallet: string;
  /** 16 random bytes, base64: makes every request unique; the enclave refuses a second use. */
  readonly nonce: string;
  /** Epoch milliseconds after which the request is refused (compared with the transaction time). */
  readonly notAfter: number;
  /** Who may submit it (the proposal's creator). */
  readonly submitter: SubmitterBinding;
}

/** The visible part of a request: which epoch's key it is boxed to, the ephemeral key, ciphertext. */
export interface RequestEnvelope {
  readonly v: number;
  readonly epoch: number;
  readonly eph: string;
  readonly n: string;
  readonly ct: string;
}

/** What the client keeps to read the answer. */
export interface RequestSecrets {
  readonly sharedKey: Uint8Array;
  readonly envelopeText: string;
}

export function newRequestNonce(): string {
  return toB64(randomBytes(16));
}

/** Client side: signs the body with the wallet key and boxes it to the chaincode box key. */
export function sealRequest(
  body: RequestBody,
  wallet: SigningKeyPair,
  chaincodeBoxPublicKey: Uint8Array,
): { envelopeText: string; secrets: RequestSecrets } {
  const bodyText = canonicalJson(body as unknown as JsonValue);
  const signature = sign(wallet.seed, utf8(REQUEST_DOMAIN + bodyText));
  const plaintext = pad(utf8(JSON.stringify({ body: bodyText, sig: toB64(signature) })));
  const ephemeral = ephemeralBoxKey(chaincodeBoxPublicKey);
  const sharedKey = ephemeral.sharedKey;
  const nonce = randomBytes(NONCE_BYTES);
  const envelope: RequestEnvelope = {
    v: PROTOCOL_VERSION,
    epoch: body.epoch,
    eph: toB64(ephemeral.publicKey),
    n: toB64(nonce),
    ct: toB64(secretSeal(sharedKey, nonce, plaintext)),
  };
  const envelopeText = JSON.stringify(envelope);
  return { envelopeText, secrets: { sharedKey, envelopeText } };
}

/** An envelope whose visible header is checked and whose fields are decoded (parsed once). */
export interface ParsedEnvelope {
  /** The envelope text as received (the receipt covers it). */
  readonly text: string;
  readonly epoch: number;
  readonly ephemeralKey: Uint8Array;
  readonly nonce: Uint8Array;
  readonly ciphertext: Uint8Array;
}

/** Reads the visible header of an envelope (to pick the epoch's key) and decodes it, without opening it. */
export function parseEnvelope(envelopeText: unknown): ParsedEnvelope {
  if (typeof envelopeText !== 'string' || envelopeText.length > MAX_ENVELOPE_LENGTH) {
    throw new EcarError('ENVELOPE_INVALID', 'the request envelope must be a JSON string');
  }
  const raw = parseJsonObject(envelopeText, 'request envelope', 'ENVELOPE_INVALID');
  if (raw.v !== PROTOCOL_VERSION)
    throw new EcarError('ENVELOPE_INVALID', `unsupported envelope version ${String(raw.v)}`);
  if (typeof raw.epoch !== 'number' || !Number.isSafeInteger(raw.epoch) || raw.epoch < 1) {
    throw new EcarError('ENVELOPE_INVALID', 'envelope epoch must be a positive integer');
  }
  return {
    text: envelopeText,
    epoch: raw.epoch,
    ephemeralKey: fromB64(raw.eph, 'ephemeral key', 'ENVELOPE_INVALID', KEY_BYTES),
    nonce: fromB64(raw.n, 'nonce', 'ENVELOPE_INVALID', NONCE_BYTES),
    ciphertext: fromB64(raw.ct, 'ciphertext', 'ENVELOPE_INVALID'),
  };
}

export interface OpenedRequest {
  readonly body: RequestBody;
  readonly walletPublicKey: Uint8Array;
  readonly sharedKey: Uint8Array;
}

/**
 * Enclave side: opens the box with the chaincode box secret and checks the wallet signature. The
 * signed epoch is not compared here: checkRequestBinding holds it to the current epoch, and the
 * caller picks the key by the envelope's epoch (the entry point refuses any but the current one).
 */
export function openRequest(envelope: ParsedEnvelope, chaincodeBoxSecretKey: Uint8Array): OpenedRequest {
  const sharedKey = boxSharedKey(envelope.ephemeralKey, chaincodeBoxSecretKey);
  const padded = secretOpen(sharedKey, envelope.nonce, envelope.ciphertext);
  if (padded === undefined) {
    throw new EcarError('ENVELOPE_INVALID', "the request does not open with this epoch's chaincode key");
  }
  const inner = parseJsonObject(fromUtf8(unpad(padded, 'ENVELOPE_INVALID')), 'request', 'ENVELOPE_INVALID');
  if (typeof inner.body !== 'string') throw new EcarError('ENVELOPE_INVALID', 'request body missing');
  const body = parseRequestBody(parseJsonObject(inner.body, 'request body', 'ENVELOPE_INVALID'));
  const walletPublicKey = fromB64(body.wallet, 'wallet key', 'ENVELOPE_INVALID', KEY_BYTES);
  const signature = fromB64(inner.sig, 'wallet signature', 'ENVELOPE_INVALID', 64);
  // the signature covers the canonical form, so re-serialise what was parsed and compare
  if (canonicalJson(body as unknown as JsonValue) !== inner.body) {
    throw new EcarError('ENVELOPE_INVALID', 'request body is not in canonical form');
  }
  if (!verifySignature(walletPublicKey, utf8(REQUEST_DOMAIN + inner.body), signature)) {
    throw new EcarError('ENVELOPE_INVALID', 'the wallet signature does not verify');
  }
  return { body, walletPublicKey, sharedKey };
}

const REQUEST_FIELDS = [
  'v',
  'channel',
  'chaincode',
  'epoch',
  'fn',
  'args',
  'wallet',
  'nonce',
  'notAfter',
  'submitter',
];

function requestBodyFailure(why: string): never {
  throw new EcarError('ENVELOPE_INVALID', `request body: ${why}`);
}

function parseRequestBody(raw: Record<string, unknown>): RequestBody {
  const fail = requestBodyFailure;
  for (const key of Object.keys(raw)) if (!REQUEST_FIELDS.includes(key)) fail(`unknown field '${key}'`);
  if (raw.v !== PROTOCOL_VERSION) fail('unsupported version');
  if (typeof raw.channel !== 'string' || raw.channel === '') fail('channel missing');
  if (typeof raw.chaincode !== 'string' || raw.chaincode === '') fail('chaincode missing');
  if (typeof raw.epoch !== 'number' || !Number.isSafeInteger(raw.epoch)) fail('epoch missing');
  if (typeof raw.fn !== 'string' || !TRANSACTION_NAME_PATTERN.test(raw.fn))
    fail('fn must be a function name');
  if (!('args' in raw)) fail('args missing');
  if (typeof raw.wallet !== 'string') fail('wallet missing');
  if (typeof raw.nonce !== 'string') fail('nonce missing');
  fromB64(raw.nonce, 'request nonce', 'ENVELOPE_INVALID', 16);
  if (typeof raw.notAfter !== 'number' || !Number.isSafeInteger(raw.notAfter)) fail('notAfter missing');
  checkSubmitterField(raw.submitter);
  return raw as unknown as RequestBody;
}

/** The body's submitter: exactly {mspId, certHash}, an MSP id and a lowercase SHA-256 hex. */
function checkSubmitterField(submitter: unknown): void {
  const fail = requestBodyFailure;
  if (
    submitter === null ||
    typeof submitter !== 'object' ||
    Array.isArray(submitter) ||
    Object.keys(submitter).sort().join(',') !== 'certHash,mspId'
  ) {
    fail('submitter must be {mspId, certHash}');
  }
  const { mspId, certHash } = submitter as Record<string, unknown>;
  if (typeof mspId !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,248}$/.test(mspId)) fail('submitter mspId');
  if (typeof certHash !== 'string' || !/^[0-9a-f]{64}$/.test(certHash)) fail('submitter certHash');
}

/** Enclave side: the binding and freshness rules every endorsing enclave enforces. */
export function checkRequestBinding(
  body: RequestBody,
  expected: Readonly<{
    channel: string;
    chaincode: string;
    epoch: number;
    nowMs: number;
    submitter: SubmitterBinding;
  }>,
): void {
  if (body.channel !== expected.channel) {
    throw new EcarError(
      'ENVELOPE_INVALID',
      `request is bound to channel '${body.channel}', not '${expected.channel}'`,
    );
  }
  if (body.chaincode !== expected.chaincode) {
    throw new EcarError(
      'ENVELOPE_INVALID',
      `request is bound to chaincode '${body.chaincode}', not '${expected.chaincode}'`,
    );
  }
  if (body.epoch !== expected.epoch) {
    throw new EcarError(
      'ENVELOPE_INVALID',
      `request is for key epoch ${body.epoch}; the current epoch is ${expected.epoch}`,
    );
  }
  if (
    body.submitter.mspId !== expected.submitter.mspId ||
    body.submitter.certHash !== expected.submitter.certHash
  ) {
    throw new EcarError(
      'ENVELOPE_INVALID',
      `the wallet allowed ${body.submitter.mspId} identity ${body.submitter.certHash.slice(0, 12)}… to submit this request, not this submitter`,
    );
  }
  if (body.notAfter < expected.nowMs)
    throw new EcarError('ENVELOPE_INVALID', 'request has expired (notAfter passed)');
  if (body.notAfter - expected.nowMs > MAX_REQUEST_LIFETIME_MS) {
    throw new EcarError('ENVELOPE_INVALID', 'request notAfter is too far in the future');
  }
}

/** The answer inside the sealed response. */
export type ResponsePayload =
  | {
      readonly ok: true;
      readonly result: JsonValue;
      /**
       * SHA-256 (hex) of the state keys and sealed values the enclave read for this answer, in call
       * order (enclave/read-set.ts): two orgs' answers to one read over the same state carry the same.
       */
      readonly readSet?: string;
    }
  | {
      readonly ok: false;
      readonly code: string;
      readonly message: string;
      /** The refusal's typed fields (amounts as decimal strings, ids, the rule). */
      readonly details?: ErrorDetails;
    };

export interface SealedResponse {
  readonly v: number;
  readonly epoch: number;
  /** The synthetic nonce, base64. */
  readonly n: string;
  readonly ct: string;
  readonly receipt: string;
}

/**
 * The answer's nonce: HMAC under the request's shared key of (transaction id, request, padded
 * plaintext). Deterministic, so every endorser seals identical bytes; different for every different
 * answer, so a peer that re-runs a captured request against state it edited (same transaction id,
 * same key) gets a refusal under another nonce and cannot XOR two answers.
 */
export function responseNonce(
  sharedKey: Uint8Array,
  txId: string,
  envelopeText: string,
  paddedPlaintext: Uint8Array,
): Uint8Array {
  return hmacSha256(
    sharedKey,
    RESPONSE_NONCE_DOMAIN,
    txId,
    '\n',
    sha256(envelopeText),
    paddedPlaintext,
  ).subarray(0, NONCE_BYTES);
}

function receiptMessage(
  envelopeText: string,
  nonce: Uint8Array,
  ciphertext: Uint8Array,
  txId: string,
): Uint8Array {
  return utf8(
    `${RECEIPT_DOMAIN_V2}${toHex(sha256(envelopeText))}\n${toHex(nonce)}\n${toHex(sha256(ciphertext))}\n${txId}`,
  );
}

/** Enclave side: seals the answer for the client and signs the receipt (deterministic per tx). */
export function sealResponse(
  payload: ResponsePayload,
  context: Readonly<{
    sharedKey: Uint8Array;
    envelopeText: string;
    txId: string;
    epoch: number;
    receiptSeed: Uint8Array;
  }>,
): string {
  const padded = pad(utf8(canonicalJson(payload)));
  const nonce = responseNonce(context.sharedKey, context.txId, context.envelopeText, padded);
  const ciphertext = secretSeal(context.sharedKey, nonce, padded);
  const receipt = sign(
    context.receiptSeed,
    receiptMessage(context.envelopeText, nonce, ciphertext, context.txId),
  );
  const sealed: SealedResponse = {
    v: PROTOCOL_VERSION,
    epoch: context.epoch,
    n: toB64(nonce),
    ct: toB64(ciphertext),
    receipt: toB64(receipt),
  };
  return JSON.stringify(sealed);
}

/** Client side: checks the receipt first, then opens the answer. */
export function openResponse(
  responseText: string,
  context: Readonly<{ secrets: RequestSecrets; txId: string; receiptPublicKey: Uint8Array; epoch: number }>,
): ResponsePayload {
  const raw = parseJsonObject(responseText, 'response', 'ENVELOPE_INVALID');
  if (raw.v !== PROTOCOL_VERSION || raw.epoch !== context.epoch) {
    throw new EcarError('ENVELOPE_INVALID', 'response is for another protocol version or key epoch');
  }
  const nonce = fromB64(raw.n, 'response nonce', 'ENVELOPE_INVALID', NONCE_BYTES);
  const ciphertext = fromB64(raw.ct, 'response ciphertext', 'ENVELOPE_INVALID');
  const receipt = fromB64(raw.receipt, 'receipt', 'ENVELOPE_INVALID', 64);
  if (
    !verifySignature(
      context.receiptPublicKey,
      receiptMessage(context.secrets.envelopeText, nonce, ciphertext, context.txId),
      receipt,
    )
  ) {
    throw new EcarError(
      'ENVELOPE_INVALID',
      'the enclave receipt does not verify: the answer is not from an attested enclave',
    );
  }
  const padded = secretOpen(context.secrets.sharedKey, nonce, ciphertext);
  if (padded === undefined)
    throw new EcarError('ENVELOPE_INVALID', "the response does not open with this request's key");
  // the nonce must be the one this plaintext and request give: an enclave never reuses one
  const expectedNonce = responseNonce(
    context.secrets.sharedKey,
    context.txId,
    context.secrets.envelopeText,
    padded,
  );
  if (Buffer.compare(Buffer.from(expectedNonce), Buffer.from(nonce)) !== 0) {
    throw new EcarError('ENVELOPE_INVALID', 'the response nonce is not the synthetic nonce of its answer');
  }
  const payload = parseJsonObject(
    fromUtf8(unpad(padded, 'ENVELOPE_INVALID')),
    'response payload',
    'ENVELOPE_INVALID',
  );
  if (payload.ok === true && 'result' in payload) {
    const { readSet } = payload;
    if (readSet !== undefined && (typeof readSet !== 'string' || !/^[0-9a-f]{64}$/.test(readSet)))
      throw new EcarError('ENVELOPE_INVALID', 'response read-set digest is not 32 bytes of hex');
    return { ok: true, result: payload.result as JsonValue, ...(readSet === undefined ? {} : { readSet }) };
  }
  if (payload.ok === false && typeof payload.code === 'string' && typeof payload.message === 'string') {
    const details = parseDetails(payload.details);
    return {
      ok: false,
      code: payload.code,
      message: payload.message,
      ...(details === undefined ? {} : { details }),
    };
  }
  throw new EcarError('ENVELOPE_INVALID', 'response payload has an unknown shape');
}

function parseDetails(value: unknown): ErrorDetails | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new EcarError('ENVELOPE_INVALID', 'response details must be an object');
  }
  const details: Record<string, string | number | boolean> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') {
      throw new EcarError('ENVELOPE_INVALID', `response detail '${key}' is not a string, number or boolean`);
    }
    details[key] = item;
  }
  return details;
}

/** Prefix of the error a confidential call fails with: the sealed response follows, opaque to peers. */
export const SEALED_ERROR_PREFIX = 'CONFIDENTIAL_ERROR: ';

/** Finds a sealed error response inside an error message (as the gateway relays it), if any. */
export function extractSealedError(message: string): string | undefined {
  const at = message.indexOf(SEALED_ERROR_PREFIX);
  if (at < 0) return undefined;
  const rest = message.slice(at + SEALED_ERROR_PREFIX.length);
  const end = rest.indexOf('}');
  return end < 0 ? undefined : rest.slice(0, end + 1);
}
