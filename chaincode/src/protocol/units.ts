// Money and energy: the one place where they are parsed and printed. Money is integer minor units
// (bigint, decimal strings on the wire); energy is exact milliwatt-hours (bigint) so meter readings
// such as 0.2596 kWh are represented without rounding; billing converts to whole Wh explicitly.
import { invalidArgument } from './errors';

/** Integer minor units of the token (e.g. cents). */
export type Money = bigint;
/** Exact energy in milliwatt-hours. */
export type MilliWh = bigint;

const MONEY_PATTERN = /^(0|[1-9][0-9]{0,29})$/;
const SIGNED_MONEY_PATTERN = /^-?(0|[1-9][0-9]{0,29})$/;

/** Parses a non-negative amount of minor units given as a decimal string (or bigint). */
/** Whether `value` is a non-negative amount of minor units as a decimal string. */
export function isMoneyText(value: unknown): value is string {
  return typeof value === 'string' && MONEY_PATTERN.test(value);
}

export function parseMoney(value: unknown, field = 'amount'): Money {
  if (typeof value === 'bigint' && value >= 0n) return value;
  if (typeof value !== 'string' || !MONEY_PATTERN.test(value)) {
    throw invalidArgument(`${field} must be a non-negative integer of minor units as a decimal string`, {
      field,
    });
  }
  return BigInt(value);
}

/** Parses a signed amount of minor units (deltas, adjustments). */
export function parseSignedMoney(value: unknown, field = 'amount'): Money {
  if (typeof value === 'bigint') return value;
  if (typeof value !== 'string' || !SIGNED_MONEY_PATTERN.test(value) || value === '-0') {
    throw invalidArgument(`${field} must be an integer of minor units as a decimal string`, { field });
  }
  return BigInt(value);
}

export function formatMoney(value: Money): string {
  return value.toString(10);
}

/** Shows minor units as a decimal amount with the given number of fraction digits (2 → "12.34"). */
export function displayMoney(value: Money, fractionDigits = 2): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const scale = 10n ** BigInt(fractionDigits);
  const whole = abs / scale;
  const fraction = (abs % scale).toString().padStart(fractionDigits, '0');
  const text = fractionDigits > 0 ? `${whole.toString()}.${fraction}` : whole.toString();
  return negative ? `-${text}` : text;
}

/** Fraction digits of the ledger's token: 1 token = 100 minor units. */
export const TOKEN_DECIMALS = 2;

/** Why a typed amount of tokens was refused (the caller names the flag). */
export class TokenAmountError extends Error {
  constructor(
    readonly text: string,
    reason: string,
  ) {
    super(reason);
    this.name = 'TokenAmountError';
  }
}

const TOKEN_AMOUNT_PATTERN = /^([0-9]{1,28})(?:\.([0-9]+))?$/;

/**
 * Parses an amount a person types in tokens ("34.90", "34.9", "35") into exact minor units, without
 * floats; more fraction digits than the token has are refused, never rounded.
 */
export function parseTokenAmount(text: string, fractionDigits = TOKEN_DECIMALS): Money {
  const match = TOKEN_AMOUNT_PATTERN.exec(text);
  if (!match) {
    throw new TokenAmountError(
      text,
      `'${text}' is not an amount of tokens: write digits with at most ${fractionDigits} decimals after a point, e.g. 34.90`,
    );
  }
  const fraction = match[2] ?? '';
  if (fraction.length > fractionDigits) {
    throw new TokenAmountError(
      text,
      `'${text}' has ${fraction.length} decimals but the token has ${fractionDigits} (1 minor unit = ${displayMoney(1n, fractionDigits)})`,
    );
  }
  const scale = 10n ** BigInt(fractionDigits);
  return BigInt(match[1] ?? '0') * scale + BigInt(fraction.padEnd(fractionDigits, '0') || '0');
}

const DECIMAL_PATTERN = /^([0-9]{1,15})(?:\.([0-9]{1,6}))?$/;

/**
 * Converts an exact decimal in the given unit to milliwatt-hours. kWh allows up to 6 fraction
 * digits (1 mWh resolution), Wh up to 3. More digits than that are refused rather than rounded.
 */
export function decimalToMilliWh(text: string, unit: 'kWh' | 'Wh'): MilliWh {
  const match = DECIMAL_PATTERN.exec(text.trim());
  const maxFraction = unit === 'kWh' ? 6 : 3;
  if (!match || (match[2]?.length ?? 0) > maxFraction) {
    throw invalidArgument(
      `energy '${text}' ${unit} is not an exact decimal with at most ${maxFraction} decimals`,
    );
  }
  const whole = BigInt(match[1] ?? '0');
  const fraction = (match[2] ?? '').padEnd(maxFraction, '0');
  const factor = unit === 'kWh' ? 1_000_000n : 1_000n;
  return whole * factor + BigInt(fraction === '' ? '0' : fraction);
}

/** Prints milliwatt-hours as Wh without losing precision ("0.1", "266", "1.234"). */
export function formatWh(value: MilliWh): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const whole = abs / 1000n;
  const fraction = (abs % 1000n).toString().padStart(3, '0').replace(/0+$/, '');
  const text = fraction === '' ? whole.toString() : `${whole.toString()}.${fraction}`;
  return negative ? `-${text}` : text;
}

/** Whole Wh for billing: rounds down, so a driver is never billed for energy not delivered. */
export function billableWh(value: MilliWh): bigint {
  if (value < 0n) throw invalidArgument('energy cannot be negative');
  return value / 1000n;
}
