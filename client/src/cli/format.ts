// Reading the ledger's JSON answers for people: fields of records, money in minor units shown as
// tokens (displayMoney), times, and the outcome of a committed submit.
import type { JsonObject, JsonValue } from '../../../chaincode/src/protocol/json';
import { displayMoney, parseSignedMoney } from '../../../chaincode/src/protocol/units';
import { isJsonObject, type LedgerSubmitResult } from '../fabric/ledger-client';

/** Fraction digits of the token for display (minor units stay exact on the wire and in --json). */
const TOKEN_DECIMALS = 2;

/** What every write command prints with --json: the domain's result plus where it was committed. */
export interface SubmitOutcome {
  readonly transactionId: string;
  readonly blockNumber: bigint;
  readonly result: JsonValue;
}

export function outcome(submitted: LedgerSubmitResult): SubmitOutcome {
  return {
    transactionId: submitted.transactionId,
    blockNumber: submitted.blockNumber,
    result: submitted.result,
  };
}

export function committedLine(o: SubmitOutcome): string {
  return `transaction ${o.transactionId} committed in block ${o.blockNumber.toString()}`;
}

/** The value as an object ({} when it is not one). */
export function obj(value: JsonValue | undefined): JsonObject {
  return isJsonObject(value) ? value : {};
}

/** The value as a list of objects ([] when it is not a list). */
export function list(value: JsonValue | undefined): JsonObject[] {
  return Array.isArray(value) ? (value as readonly JsonValue[]).filter(isJsonObject) : [];
}

/** A field as text; '-' when absent. */
export function str(record: JsonObject, key: string): string {
  const value = record[key];
  if (value === undefined || value === null) return '-';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A money field (decimal string of minor units) as tokens, e.g. "12.34"; '-' when absent. */
export function tokens(record: JsonObject, key: string): string {
  return showTokens(record[key]);
}

export function showTokens(value: JsonValue | bigint | undefined): string {
  const amount = signedAmount(value);
  return amount === undefined ? '-' : displayMoney(amount, TOKEN_DECIMALS);
}

/** A signed decimal string of minor units (or a bigint) as bigint; undefined when it is not one. */
function signedAmount(value: JsonValue | bigint | undefined): bigint | undefined {
  try {
    return parseSignedMoney(value);
  } catch {
    return undefined;
  }
}

/** Tokens with their unit, "12.34 tokens" (minor units show only in --json). */
export function tokensExact(value: JsonValue | bigint | undefined): string {
  const shown = showTokens(value);
  return shown === '-' ? shown : `${shown} tokens`;
}

/** An epoch-milliseconds field as an ISO time; '-' when absent. */
export function time(record: JsonObject, key: string): string {
  const value = record[key];
  return typeof value === 'number' && Number.isFinite(value) ? new Date(value).toISOString() : '-';
}

/** Milliwatt-hours (decimal string) as kWh with 3 decimals. */
export function kwh(record: JsonObject, key: string): string {
  const value = record[key];
  const mwh = typeof value === 'string' ? signedAmount(value) : undefined;
  if (mwh === undefined) return '-';
  return `${displayMoney(mwh / 1000n, 3)} kWh`;
}
