// Turns any failure of an `ecar` ledger command into one line that says what to do: EcarError codes
// from the chaincode, gateway failures, profile and wallet problems. Details (per-peer messages,
// typed fields) are kept apart for --verbose. Secrets never appear: only codes, ids and reasons.
import { status as GrpcStatus } from '@grpc/grpc-js';
import { GatewayError } from '@hyperledger/fabric-gateway';
import { EcarError, type ErrorCode } from '../../../chaincode/src/protocol/errors';
import { isMoneyText } from '../../../chaincode/src/protocol/units';
import { EnclaveTrustError } from '../confidential/trust-error';
import { ProfileError } from '../profile/profile-error';
import { WalletError } from '../wallet/wallet-error';
import { showTokens } from './format';
import { CommandFailed } from './output';
import { inUserTerms } from './user-terms';

export interface ErrorContext {
  /** The gateway endpoint of the profile in use. */
  readonly endpoint?: string;
  /** The attestation policy file of the profile in use. */
  readonly policy?: string;
  readonly profile?: string;
}

export interface ExplainedError {
  /** Stable code for --json (an EcarError code, WALLET_LOCKED, GATEWAY_UNAVAILABLE, ...). */
  readonly code: string;
  /** One line: what happened and what to do. */
  readonly message: string;
  /** More lines for --verbose. */
  readonly details: readonly string[];
}

type Sentence = (reason: string, context: ErrorContext, details: EcarError['details']) => string;

const asIs: Sentence = (reason) => reason;
const meter: Sentence = (reason) =>
  `the meter data was refused: ${reason}; check it with 'ecar meter verify'`;
const attestation: Sentence = (reason, c) =>
  `attestation refused: ${reason}; check your policy file${c.policy === undefined ? '' : ` (${c.policy})`}`;
const confidential: Sentence = (reason) =>
  `the enclaves refused the confidential request: ${reason}; try again, and if it persists run 'ecar attest status'`;

/** One sentence per chaincode error code (the Record makes a new code a compile error until it has one). */
const SENTENCES: Readonly<Record<ErrorCode, Sentence>> = {
  INVALID_ARGUMENT: (reason) => `invalid input: ${reason}`,
  NOT_FOUND: (reason) => `${reason}: check the id (ecar station search, ecar session list, ecar cdr list)`,
  ALREADY_EXISTS: asIs,
  FORBIDDEN: (reason, c) => forbidden(reason, c),
  CONFLICT: asIs,
  INSUFFICIENT_FUNDS: (reason, _c, details) => insufficientFunds(reason, details),
  INVALID_STATE: asIs,
  SETTLEMENT_EXCEEDS_HOLD: (reason) => `the price exceeds the hold: ${reason}`,
  METER_SIGNATURE_INVALID: meter,
  METER_FORMAT_INVALID: meter,
  METER_KEY_INVALID: meter,
  METER_READINGS_INVALID: meter,
  METER_READINGS_IMPLAUSIBLE: (reason) =>
    `the meter readings are implausible for this session: ${reason}; the wallbox or its meter needs checking (ecar meter verify --max-power-w ...)`,
  METER_REPLAY: meter,
  METER_MISMATCH: meter,
  METER_UNVERIFIED: (reason) =>
    `${reason}; the charging backend pins the meter it reads from the wallbox, or the operator approves it (ecar operator approve-meter)`,
  ATTESTATION_FORMAT_INVALID: attestation,
  ATTESTATION_SIGNATURE_INVALID: attestation,
  ATTESTATION_CHAIN_INVALID: attestation,
  ATTESTATION_COLLATERAL_INVALID: attestation,
  ATTESTATION_COLLATERAL_EXPIRED: attestation,
  ATTESTATION_REVOKED: attestation,
  ATTESTATION_TCB_REJECTED: attestation,
  ATTESTATION_POLICY_REJECTED: attestation,
  ENVELOPE_INVALID: confidential,
  REPLAY: confidential,
  CLOCK_SKEW: (reason) =>
    `the enclaves did not accept the transaction time: ${reason}; set this computer's clock right (NTP) and try again`,
  CONFIDENTIAL_ERROR: confidential,
  KEYS_UNAVAILABLE: (reason) =>
    `the chaincode keys are not available: ${reason}; the consortium operators must provision the enclaves`,
  NOT_CONFIGURED: (reason) =>
    `an enclave refused governance because it is not configured: ${reason}; the org operating it must set that and restart its chaincode server`,
  INTERNAL: (reason) => `the ledger failed: ${reason}; try again, and tell the operator if it persists`,
  UNKNOWN_FUNCTION: (reason) =>
    `the chaincode does not know this transaction (${reason}); is the deployed chaincode older than this ecar?`,
  NOT_INITIALIZED: () => "the ledger is not initialised yet: the operator must run 'ecar operator init'",
  FEATURE_DISABLED: asIs,
  HOLD_EXPIRED: asIs,
  HOLD_NOT_EXPIRED: asIs,
  BOOKING_CONFLICT: asIs,
  EVSE_OCCUPIED: asIs,
  CONCURRENT_SESSION: asIs,
  STATION_UNAVAILABLE: (reason) => `${reason}; pick another station (ecar station search)`,
  DISPUTE_WINDOW_CLOSED: asIs,
  ADDRESS_NOT_RELEASED: (reason) => `${reason}; ask again then (ecar station address)`,
  RATE_LIMITED: asIs,
  OUTSIDE_OPENING_HOURS: asIs,
  NO_FREE_CANCELLATION: (reason) =>
    `${reason}; to book it anyway, add --accept-no-free-cancel to 'ecar booking create'`,
  PAYOUT_DESTINATION_MISSING: () =>
    "no payout destination yet: set where the issuer pays you with 'ecar host payout-destination set --iban <IBAN>' (or --reference)",
};

/**
 * A payout short of payable earnings needs a claim, not a top-up; anything else spends purchased
 * tokens. Read from the refusal's details (bucket, needed, available), never from its sentence.
 */
function insufficientFunds(reason: string, details: EcarError['details']): string {
  const { bucket, needed, available } = details;
  if (bucket === 'earned' && isMoneyText(needed) && isMoneyText(available)) {
    return `not enough payable earnings: ${showTokens(needed)} tokens asked, ${showTokens(available)} payable; lower --amount, or claim earnings whose dispute window closed (ecar host claim, ecar host earnings)`;
  }
  return `not enough tokens: top up with the issuer or lower --hold (${inUserTerms(reason)})`;
}

// A role the operator names (ecar operator init/params set); only for these can another profile help.
const NAMED_ROLE = /\ballowed only for (?:the |an )?(operator|issuer|auditor|backend)s?\b/;

/** A refusal for a role: which profile to use, if you hold it; for anything else, the rule itself. */
function forbidden(reason: string, c: ErrorContext): string {
  const role = NAMED_ROLE.exec(reason)?.[1];
  if (role === undefined) return `not allowed: ${reason}`;
  const current = c.profile === undefined ? '' : ` ('${c.profile}' is not)`;
  return `not allowed: ${reason}; run it with the profile of the ${role}'s wallet (--profile NAME)${current}, or ask the operator to name your account (ecar whoami)`;
}

/** Explains an error in one line (plus details for --verbose). */
export function explainError(error: unknown, context: ErrorContext = {}): ExplainedError {
  if (error instanceof EnclaveTrustError) return explainTrustError(error, context);
  if (error instanceof EcarError) {
    const details = Object.entries(error.details).map(([k, v]) => `${k}: ${String(v)}`);
    if (error.transactionId !== undefined && error.details.transactionId === undefined) {
      details.push(`transactionId: ${error.transactionId}`);
    }
    const field = typeof error.details.field === 'string' ? error.details.field : undefined;
    const reason = error.code === 'INSUFFICIENT_FUNDS' ? error.reason : inUserTerms(error.reason, field);
    return { code: error.code, message: SENTENCES[error.code](reason, context, error.details), details };
  }
  if (error instanceof GatewayError) return explainGatewayError(error, context);
  if (error instanceof ProfileError || error instanceof WalletError) {
    return { code: error.code, message: error.message, details: [] };
  }
  if (error instanceof CommandFailed) {
    if (error.refusal !== undefined) {
      const refused = explainError(error.refusal, context);
      return { ...refused, message: `${firstLine(error.message)}: ${refused.message}` };
    }
    return { code: 'FAILED', message: firstLine(error.message), details: [] };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'ERROR', message: firstLine(message), details: [] };
}

/**
 * Explains an error of a command that checks local data (meter verify, attest verify): the error's
 * own message, which names its code; code as EcarError code, FAILED for a "no", else ERROR.
 */
export function explainOffline(error: unknown): ExplainedError {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof EcarError ? error.code : error instanceof CommandFailed ? 'FAILED' : 'ERROR';
  return { code, message, details: [] };
}

/**
 * The client refused the enclaves before encrypting anything: the first reason, how many more there
 * are (a refused set often has one per enclave, key record and voucher: all of them go to --verbose
 * and 'ecar attest status'), and that the request never left this machine.
 */
function explainTrustError(error: EnclaveTrustError, context: ErrorContext): ExplainedError {
  const reasons = error.failures.map((f) => `${f.subject}: ${f.reason}`);
  const [first = error.reason, ...more] = reasons;
  const status = `ecar attest status${context.profile === undefined ? '' : ` --profile ${context.profile}`}`;
  const others = more.length === 0 ? '' : ` (and ${more.length} more: ${status})`;
  const policy = context.policy === undefined ? '' : ` (${context.policy})`;
  return {
    code: error.code,
    message: `attestation refused, your request was not sent: ${first}${others}; check your policy file${policy}`,
    details: reasons,
  };
}

function explainGatewayError(error: GatewayError, context: ErrorContext): ExplainedError {
  const where = context.endpoint === undefined ? 'the gateway' : `the gateway at ${context.endpoint}`;
  const details = error.details.map((d) => `${d.address} (${d.mspId}): ${firstLine(d.message)}`);
  details.push(`gRPC status ${error.code}: ${firstLine(error.message)}`);
  const known = GATEWAY_SENTENCES.get(error.code);
  if (known) return { code: known.code, message: known.message(where), details };
  return { code: 'GATEWAY_ERROR', message: `${where} failed: ${firstLine(error.message)}`, details };
}

const NETWORK_HINT = 'is the network running? (npm run network -- status)';
const GATEWAY_SENTENCES = new Map<number, { code: string; message: (where: string) => string }>([
  [
    GrpcStatus.UNAVAILABLE,
    { code: 'GATEWAY_UNAVAILABLE', message: (w) => `cannot reach ${w}: ${NETWORK_HINT}` },
  ],
  [
    GrpcStatus.DEADLINE_EXCEEDED,
    { code: 'GATEWAY_TIMEOUT', message: (w) => `${w} did not answer in time: ${NETWORK_HINT}` },
  ],
  ...[GrpcStatus.UNAUTHENTICATED, GrpcStatus.PERMISSION_DENIED].map(
    (status) =>
      [
        status,
        {
          code: 'GATEWAY_DENIED',
          message: (w: string) =>
            `${w} refused this identity: check mspId, certificate and privateKey of the profile`,
        },
      ] as const,
  ),
]);

/** The first line of a message (the rest goes to --verbose, or nowhere). */
export function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? text;
}
