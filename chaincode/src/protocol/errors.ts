// Typed errors with stable codes: one family (EcarError) an application can `instanceof`. Only an
// error's message crosses from chaincode to client (plain mode), so the message starts with the code
// and ends with its structured details (`wireMessage`); `EcarError.fromMessage` rebuilds both on the
// client side. In confidential mode the details travel sealed inside the signed refusal instead.

/** Stable error codes. Add new ones here; never rename one (clients match on them). */
export const ErrorCodes = [
  'INVALID_ARGUMENT',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'FORBIDDEN',
  'CONFLICT',
  'INSUFFICIENT_FUNDS',
  'INVALID_STATE',
  'SETTLEMENT_EXCEEDS_HOLD',
  'METER_SIGNATURE_INVALID',
  'METER_FORMAT_INVALID',
  'METER_KEY_INVALID',
  'METER_READINGS_INVALID',
  'ATTESTATION_FORMAT_INVALID',
  'ATTESTATION_SIGNATURE_INVALID',
  'ATTESTATION_CHAIN_INVALID',
  'ATTESTATION_COLLATERAL_INVALID',
  'ATTESTATION_COLLATERAL_EXPIRED',
  'ATTESTATION_REVOKED',
  'ATTESTATION_TCB_REJECTED',
  'ATTESTATION_POLICY_REJECTED',
  'ENVELOPE_INVALID',
  'REPLAY',
  'INTERNAL',
  'UNKNOWN_FUNCTION',
  'NOT_INITIALIZED',
  'FEATURE_DISABLED',
  'HOLD_EXPIRED',
  'HOLD_NOT_EXPIRED',
  'BOOKING_CONFLICT',
  'EVSE_OCCUPIED',
  'CONCURRENT_SESSION',
  'STATION_UNAVAILABLE',
  'METER_REPLAY',
  'METER_MISMATCH',
  'DISPUTE_WINDOW_CLOSED',
  'CONFIDENTIAL_ERROR',
  'KEYS_UNAVAILABLE',
  'CLOCK_SKEW',
  'METER_UNVERIFIED',
  'ADDRESS_NOT_RELEASED',
  'RATE_LIMITED',
  'NOT_CONFIGURED',
  'METER_READINGS_IMPLAUSIBLE',
  'OUTSIDE_OPENING_HOURS',
  'NO_FREE_CANCELLATION',
  'PAYOUT_DESTINATION_MISSING',
] as const;

export type ErrorCode = (typeof ErrorCodes)[number];

export type ErrorDetails = Readonly<Record<string, string | number | boolean>>;

/** Where a client met the error: the transaction it belongs to and the failure underneath. */
export interface ErrorOrigin {
  /** The Fabric transaction id of the call that was refused. */
  readonly transactionId?: string;
  /** The underlying error (e.g. fabric-gateway's EndorseError), kept as the standard `cause`. */
  readonly cause?: unknown;
}

export class EcarError extends Error {
  readonly code: ErrorCode;
  /** Structured facts of the refusal (amounts as decimal strings of minor units, ids, the rule). */
  readonly details: ErrorDetails;
  /** The transaction the refusal answered, when a client knows it. */
  readonly transactionId: string | undefined;
  /** The human part of the message, without the leading code. */
  readonly reason: string;

  constructor(code: ErrorCode, reason: string, details: ErrorDetails = {}, origin: ErrorOrigin = {}) {
    super(`${code}: ${reason}`, origin.cause === undefined ? undefined : { cause: origin.cause });
    this.name = 'EcarError';
    this.code = code;
    this.reason = reason;
    this.details = details;
    this.transactionId = origin.transactionId;
  }

  /**
   * The same refusal as it leaves the chaincode in plain mode: its message is `wireMessage`, so the
   * details survive fabric, which passes on only the message.
   */
  onWire(): EcarError {
    const wired = new EcarError(this.code, this.reason, this.details);
    wired.message = wireMessage(this);
    return wired;
  }

  /** The same refusal, placed: with the transaction id and the underlying error as `cause`. */
  placed(origin: ErrorOrigin): EcarError {
    return new EcarError(this.code, this.reason, this.details, {
      transactionId: origin.transactionId ?? this.transactionId,
      cause: origin.cause ?? this.cause,
    });
  }

  /**
   * Recovers a typed error from a message that crossed the wire (`CODE: reason`, then optionally
   * the details `wireMessage` appended), if it has a known code. Details that are not what
   * `wireMessage` writes are dropped, never half-read.
   */
  static fromMessage(message: string): EcarError | undefined {
    const match = /\b([A-Z][A-Z_]+): (.*)$/s.exec(message);
    if (!match) return undefined;
    const [, code, text] = match;
    if (code === undefined || text === undefined || !isErrorCode(code)) return undefined;
    const { reason, details } = splitWireDetails(text);
    return new EcarError(code, reason, details);
  }
}

// `CODE: reason [details:{json}]`: the one-line form a plain-mode refusal's message takes on the wire.
const DETAILS_OPEN = ' [details:';
const DETAILS_MAX_LENGTH = 4096;
const DETAILS_MAX_ENTRIES = 32;
/**
 * Details only the client itself sets: `sealed` marks an enclave's receipt-checked word, so a plain
 * message (which any peer can write) must never carry it; the transaction id comes from the proposal.
 */
const CLIENT_ONLY_DETAILS: readonly string[] = ['sealed', 'transactionId'];

/** The message a refusal crosses the wire with: its `CODE: reason`, then its details as JSON. */
export function wireMessage(error: EcarError): string {
  const entries = Object.entries(error.details).filter(([key]) => !CLIENT_ONLY_DETAILS.includes(key));
  if (entries.length === 0) return error.message;
  return `${error.message}${DETAILS_OPEN}${JSON.stringify(Object.fromEntries(entries))}]`;
}

/** The reason and details of a wire message's text after `CODE: `; no details unless well formed. */
function splitWireDetails(text: string): { reason: string; details: ErrorDetails } {
  const at = text.lastIndexOf(DETAILS_OPEN);
  if (at < 0 || !text.endsWith(']')) return { reason: text, details: {} };
  const json = text.slice(at + DETAILS_OPEN.length, -1);
  const details = json.length <= DETAILS_MAX_LENGTH ? parseDetails(json) : undefined;
  return details === undefined ? { reason: text, details: {} } : { reason: text.slice(0, at), details };
}

function parseDetails(json: string): ErrorDetails | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > DETAILS_MAX_ENTRIES) return undefined;
  const details: Record<string, string | number | boolean> = {};
  for (const [key, v] of entries) {
    if (CLIENT_ONLY_DETAILS.includes(key)) continue;
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return undefined;
    details[key] = v;
  }
  return details;
}

export function isErrorCode(value: string): value is ErrorCode {
  return (ErrorCodes as readonly string[]).includes(value);
}

export function invalidArgument(message: string, details: ErrorDetails = {}): EcarError {
  return new EcarError('INVALID_ARGUMENT', message, details);
}
