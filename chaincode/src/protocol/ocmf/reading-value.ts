// A reading value (RV with its unit RU): the exact decimal as signed, at whatever precision the meter
// writes it, and for energy units the exact amount in Wh. Other units are typed but never converted.
// Nothing is rounded here; the one rounding happens at billing time, on the difference (`floorMilliWh`).
import type { MilliWh } from '../units';
import { EcarError } from '../errors';

/** Energy units, converted to Wh. */
export const ENERGY_UNITS = ['kWh', 'Wh'] as const;
export type EnergyUnit = (typeof ENERGY_UNITS)[number];

/**
 * Units a reading may carry: OCMF table 20 (kWh, Wh, mOhm, uOhm) plus reactive/apparent energy and
 * durations some meters report ('sec' is how ISA meters write seconds).
 */
export const READING_UNITS = [
  'kWh',
  'Wh',
  'mOhm',
  'uOhm',
  'varh',
  'kvarh',
  'VAh',
  'kVAh',
  's',
  'sec',
  'min',
  'h',
] as const;
export type ReadingUnit = (typeof READING_UNITS)[number];

/** An exact decimal: `coefficient × 10^-scale` (0.2596 is 2596n with scale 4). */
export interface ExactDecimal {
  readonly coefficient: bigint;
  readonly scale: number;
}

export interface ReadingValue {
  /** RV exactly as signed ("0.2596", "2935.600", "00000000.000"). */
  readonly text: string;
  /** The same value as a plain decimal without exponent or padding ("1e3" → "1000", "007.50" → "7.50"). */
  readonly decimal: string;
  readonly unit: ReadingUnit;
  /** The exact value in Wh for kWh and Wh readings; absent for other units. */
  readonly wh?: ExactDecimal;
  /**
   * The energy in milli-Wh for kWh and Wh readings when that is exact; absent for other units and for
   * values finer than 1 mWh (then only `wh` holds it). Kept for callers that compute in milli-Wh:
   * rounding each reading before subtracting could bill up to 1 mWh, and so after the Wh rounding
   * 1 Wh, more than was delivered, so such a caller refuses rather than rounds. Billing takes the
   * difference on `wh` and rounds once, down (`pairReadings`, `floorMilliWh`).
   */
  readonly milliWh?: MilliWh;
}

/** Digits a reading value may have (before and after the point); meters write fewer than 20. */
export const MAX_VALUE_DIGITS = 40;

export function isReadingUnit(value: string): value is ReadingUnit {
  return (READING_UNITS as readonly string[]).includes(value);
}

export function isEnergyUnit(unit: ReadingUnit): unit is EnergyUnit {
  return (ENERGY_UNITS as readonly string[]).includes(unit);
}

/**
 * Builds a reading value from the RV text (a JSON number's source text, or the content of a JSON
 * string for meters that quote their values) and unit.
 * @throws EcarError METER_FORMAT_INVALID for text that is not a decimal number, has more than
 *   {@link MAX_VALUE_DIGITS} digits, or is a negative energy value.
 */
export function readingValue(text: string, unit: ReadingUnit): ReadingValue {
  const decimal = plainDecimal(text);
  if (!isEnergyUnit(unit)) return { text, decimal, unit };
  const exact = parseExactDecimal(decimal);
  if (exact.coefficient < 0n) {
    throw new EcarError('METER_FORMAT_INVALID', `energy reading ${text} ${unit} is negative`, {
      field: 'RV',
    });
  }
  const wh = unit === 'kWh' ? { coefficient: exact.coefficient * 1000n, scale: exact.scale } : exact;
  const exactWh = normalise(wh);
  return {
    text,
    decimal,
    unit,
    wh: exactWh,
    ...(isWholeMilliWh(exactWh) ? { milliWh: floorMilliWh(exactWh) } : {}),
  };
}

/** `a - b`, exact. */
export function subtractExact(a: ExactDecimal, b: ExactDecimal): ExactDecimal {
  const scale = Math.max(a.scale, b.scale);
  return normalise({
    coefficient:
      a.coefficient * 10n ** BigInt(scale - a.scale) - b.coefficient * 10n ** BigInt(scale - b.scale),
    scale,
  });
}

/** Compares exactly: negative, 0 or positive like `a - b`. */
export function compareExact(a: ExactDecimal, b: ExactDecimal): number {
  const difference = subtractExact(a, b).coefficient;
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}

/** Wh to whole milli-Wh, rounded down (toward zero for non-negative energy): the billing rounding. */
export function floorMilliWh(wh: ExactDecimal): MilliWh {
  const shifted = wh.scale <= 3 ? wh.coefficient * 10n ** BigInt(3 - wh.scale) : undefined;
  if (shifted !== undefined) return shifted;
  const divisor = 10n ** BigInt(wh.scale - 3);
  const quotient = wh.coefficient / divisor;
  // BigInt division truncates toward zero; floor needs one less for an inexact negative value.
  return wh.coefficient < 0n && quotient * divisor !== wh.coefficient ? quotient - 1n : quotient;
}

/** Whether the decimal has no digits below 1 mWh. */
export function isWholeMilliWh(wh: ExactDecimal): boolean {
  return wh.scale <= 3 || wh.coefficient % 10n ** BigInt(wh.scale - 3) === 0n;
}

/** Prints an exact decimal without exponent and without trailing fraction zeros ("1709.539307", "0.1"). */
export function formatExact(value: ExactDecimal): string {
  const { coefficient, scale } = normalise(value);
  const negative = coefficient < 0n;
  const digits = (negative ? -coefficient : coefficient).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale);
  return `${negative ? '-' : ''}${whole}${fraction === '' ? '' : `.${fraction}`}`;
}

/** Reads a plain decimal ("-12.3400") into an exact value. */
export function parseExactDecimal(decimal: string): ExactDecimal {
  const match = /^(-?)([0-9]+)(?:\.([0-9]+))?$/.exec(decimal);
  if (!match) throw valueError(`'${decimal}' is not a decimal number`);
  const [, sign = '', whole = '', fraction = ''] = match;
  const coefficient = BigInt(whole + fraction);
  return { coefficient: sign === '-' ? -coefficient : coefficient, scale: fraction.length };
}

/**
 * Writes a decimal number text without exponent and leading zeros, digit for digit ("2.5e-3" →
 * "0.0025", "00000000.000" → "0.000"). Accepts what meters write into RV: JSON numbers, and the same
 * inside a string, also with leading zeros, a leading '+' or a point without digits on one side.
 * @throws EcarError METER_FORMAT_INVALID otherwise, or beyond {@link MAX_VALUE_DIGITS} digits.
 */
export function plainDecimal(text: string): string {
  if (text.length > 2 * MAX_VALUE_DIGITS) throw valueError(`'${text.slice(0, 24)}…' has too many digits`);
  const match = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]{1,3}))?$/.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) {
    throw valueError(`'${text}' is not a decimal number`);
  }
  const [, signText = '', whole = '', fraction = '', exponentText] = match;
  const sign = signText === '-' ? '-' : '';
  if (whole.length + fraction.length > MAX_VALUE_DIGITS) {
    throw valueError(`'${text}' has more than ${MAX_VALUE_DIGITS} digits`);
  }
  const exponent = exponentText === undefined ? 0 : parseInt(exponentText, 10);
  if (Math.abs(exponent) > 30) throw valueError(`'${text}' has an exponent out of range`);
  let digits = whole + fraction;
  let point = whole.length + exponent;
  if (point <= 0) {
    digits = '0'.repeat(1 - point) + digits;
    point = 1;
  }
  if (point > digits.length) digits = digits.padEnd(point, '0');
  const intPart = digits.slice(0, point).replace(/^0+(?=[0-9])/, '');
  const fracPart = digits.slice(point);
  return `${sign}${intPart === '' ? '0' : intPart}${fracPart === '' ? '' : `.${fracPart}`}`;
}

/** Drops trailing fraction zeros (2935600 with scale 3 stays; 25960 scale 5 → 2596 scale 4). */
function normalise(value: ExactDecimal): ExactDecimal {
  let { coefficient, scale } = value;
  while (scale > 0 && coefficient % 10n === 0n) {
    coefficient /= 10n;
    scale--;
  }
  return { coefficient, scale };
}

function valueError(message: string): EcarError {
  return new EcarError('METER_FORMAT_INVALID', message, { field: 'RV' });
}
