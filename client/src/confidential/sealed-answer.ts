// Reads what the enclave answered to one request: the sealed response of a success, or the sealed
// error inside an endorsement failure. The receipt is checked before anything is believed.
import { GatewayError } from '@hyperledger/fabric-gateway';
import type { JsonValue } from '../../../chaincode/src/protocol/json';
import {
  extractSealedError,
  openResponse,
  type RequestSecrets,
  type ResponsePayload,
} from '../../../chaincode/src/protocol/confidential/envelope';
import { EcarError, isErrorCode } from '../../../chaincode/src/protocol/errors';
import { toLedgerError } from '../fabric/ledger-client';

/** What the client kept of one request to read its answer. Secret: never logged. */
export interface RequestContext {
  readonly secrets: RequestSecrets;
  readonly txId: string;
  readonly epoch: number;
  readonly receiptPublicKey: Uint8Array;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Opens a sealed response (receipt first) and returns the result.
 *
 * @throws EcarError ENVELOPE_INVALID when the receipt or the box does not verify (the answer is dropped);
 *   the enclave's own code when it answered with a sealed refusal.
 */
export function openAnswer(bytes: Uint8Array, context: RequestContext): JsonValue {
  return openVerifiedAnswer(bytes, context).result;
}

/** What an enclave answered, receipt checked: the result and the digest of the state it read. */
export interface VerifiedAnswer {
  readonly result: JsonValue;
  /** Absent from an enclave that does not report its read set. */
  readonly readSet?: string;
}

/**
 * openAnswer with the read-set digest the receipt covers.
 *
 * @throws as openAnswer.
 */
export function openVerifiedAnswer(bytes: Uint8Array, context: RequestContext): VerifiedAnswer {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw envelopeInvalid('the response is not UTF-8 text', context.txId, undefined);
  }
  const payload = openResponse(text, context);
  if (payload.ok)
    return { result: payload.result, ...(payload.readSet === undefined ? {} : { readSet: payload.readSet }) };
  throw refusalError(payload, context.txId);
}

/** The typed error of an enclave's sealed refusal, placed at its transaction. */
function refusalError(
  payload: Extract<ResponsePayload, { ok: false }>,
  txId: string,
  cause?: unknown,
): EcarError {
  const prefix = `${payload.code}: `;
  const reason = payload.message.startsWith(prefix) ? payload.message.slice(prefix.length) : payload.message;
  // `sealed: true` marks the enclave's own, receipt-checked word (never set from a peer's plain text)
  const details = { ...payload.details, transactionId: txId, sealed: true };
  const origin = { transactionId: txId, ...(cause === undefined ? {} : { cause }) };
  if (isErrorCode(payload.code)) return new EcarError(payload.code, reason, details, origin);
  return new EcarError('CONFIDENTIAL_ERROR', `${payload.code}: ${reason}`, details, origin);
}

/**
 * Maps a failed endorsement or evaluation to a typed error. A sealed error (SEALED_ERROR_PREFIX) in any
 * peer's detail or the message is opened with the request's secrets, receipt checked, and becomes the
 * EcarError the enclave sealed; a plain `CODE: reason` becomes that EcarError; anything else (network
 * failure) is returned unchanged.
 */
export function answerError(error: unknown, context: RequestContext): unknown {
  const messages: string[] = [];
  if (error instanceof GatewayError) messages.push(...error.details.map((d) => d.message));
  if (error instanceof Error) messages.push(error.message);
  return sealedErrorIn(messages, context, error) ?? toLedgerError(error);
}

/**
 * The error an enclave sealed, found in peer messages: the first sealed error whose receipt verifies
 * becomes the EcarError it carries (one peer's forged or garbled error does not hide another peer's
 * genuine one); ENVELOPE_INVALID when sealed errors were there but none verified; else undefined.
 */
export function sealedErrorIn(
  messages: readonly string[],
  context: RequestContext,
  cause?: unknown,
): EcarError | undefined {
  let sealedButUnverified = false;
  for (const message of messages) {
    const sealed = extractSealedError(message);
    if (sealed === undefined) continue;
    let payload: ResponsePayload;
    try {
      payload = openResponse(sealed, context);
    } catch {
      sealedButUnverified = true;
      continue;
    }
    return payload.ok
      ? envelopeInvalid('a sealed error opened to a success', context.txId, cause)
      : refusalError(payload, context.txId, cause);
  }
  return sealedButUnverified
    ? envelopeInvalid(
        'the sealed error does not verify: the answer is not from an attested enclave',
        context.txId,
        cause,
      )
    : undefined;
}

function envelopeInvalid(reason: string, txId: string, cause: unknown): EcarError {
  return new EcarError(
    'ENVELOPE_INVALID',
    reason,
    { transactionId: txId },
    {
      transactionId: txId,
      ...(cause === undefined ? {} : { cause }),
    },
  );
}
