// Typed errors with stable codes. Only an error's message crosses from chaincode to client, so the
// message always starts with the code; `EcarError.fromMessage` maps it back on the client side.

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

export class EcarError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(`${code}: ${message}`);
    this.name = 'EcarError';
    this.code = code;
    this.details = details;
  }

  /** The human part of the message, without the leading code. */
  get reason(): string {
    return this.message.slice(this.code.length + 2);
  }

  /** Recovers a typed error from a message that crossed the wire (`CODE: reason`), if it has one. */
  static fromMessage(message: string): EcarError | undefined {
    const match = /\b([A-Z][A-Z_]+): (.*)$/s.exec(message);
    if (!match) return undefined;
    const [, code, reason] = match;
    if (code === undefined || reason === undefined || !isErrorCode(code)) return undefined;
    return new EcarError(code, reason);
  }
}

export function isErrorCode(value: string): value is ErrorCode {
  return (ErrorCodes as readonly string[]).includes(value);
}

export function invalidArgument(message: string, details: ErrorDetails = {}): EcarError {
  return new EcarError('INVALID_ARGUMENT', message, details);
}
