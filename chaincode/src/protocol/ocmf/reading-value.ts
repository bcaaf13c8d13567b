// A reading value (RV with its unit RU): the exact decimal as signed, and for energy units the exact
// amount in milliwatt-hours. Other units are typed but never converted.
import { decimalToMilliWh, type MilliWh } from '../../domain/units';
import { EcarError } from '../errors';

/** Energy units, converted to milli-Wh. */
export const ENERGY_UNITS = ['kWh', 'Wh'] as const;
export type EnergyUnit = (typeof ENERGY_UNITS)[number];

/**
 * Units a reading may carry: OCMF table 20 (kWh, Wh, mOhm, uOhm) plus reactive/apparent energy and
 * durations some meters report.
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
  'min',
  'h',
] as const;
export type ReadingUnit = (typeof READING_UNITS)[number];

export interface ReadingValue {
  /** RV exactly as signed ("0.2596", "2935.600"). */
  readonly text: string;
  /** The same value as a plain decimal without exponent ("1e3" → "1000"). */
  readonly decimal: string;
  readonly unit: ReadingUnit;
  /** Exact energy for kWh and Wh readings; absent for other units. */
  readonly milliWh?: MilliWh;
}

export function isReadingUnit(value: string): value is ReadingUnit {
  return (READING_UNITS as readonly string[]).includes(value);
}

export function isEnergyUnit(unit: ReadingUnit): unit is EnergyUnit {
  return (ENERGY_UNITS as readonly string[]).includes(unit);
}

/**
 * Builds a reading value from the JSON number text and unit.
 * @throws EcarError METER_FORMAT_INVALID for a negative or too finely resolved energy value (more
 *   decimals than 1 mWh resolution are refused, never rounded).
 */
export function readingValue(text: string, unit: ReadingUnit): ReadingValue {
  const decimal = plainDecimal(text);
  if (!isEnergyUnit(unit)) return { text, decimal, unit };
  if (decimal.startsWith('-')) {
    throw new EcarError('METER_FORMAT_INVALID', `energy reading ${text} ${unit} is negative`, {
      field: 'RV',
    });
  }
  try {
    return { text, decimal, unit, milliWh: decimalToMilliWh(withoutSurplusZeros(decimal, unit), unit) };
  } catch {
    throw new EcarError(
      'METER_FORMAT_INVALID',
      `energy reading ${text} ${unit} has more digits than 1 mWh resolution or is too large`,
      { field: 'RV' },
    );
  }
}

/** Writes a JSON number text without exponent, digit for digit ("2.5e-3" → "0.0025"). */
export function plainDecimal(text: string): string {
  const match = /^(-?)([0-9]+)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?$/.exec(text);
  if (!match)
    throw new EcarError('METER_FORMAT_INVALID', `'${text}' is not a decimal number`, { field: 'RV' });
  const [, sign = '', whole = '', fraction = '', exponentText] = match;
  const exponent = exponentText === undefined ? 0 : parseInt(exponentText, 10);
  if (Math.abs(exponent) > 30) {
    throw new EcarError('METER_FORMAT_INVALID', `'${text}' has an exponent out of range`, { field: 'RV' });
  }
  let digits = whole + fraction;
  let point = whole.length + exponent;
  if (point <= 0) {
    digits = '0'.repeat(1 - point) + digits;
    point = 1;
  }
  if (point > digits.length) digits = digits.padEnd(point, '0');
  const intPart = digits.slice(0, point).replace(/^0+(?=[0-9])/, '');
  const fracPart = digits.slice(point);
  return `${sign}${intPart}${fracPart === '' ? '' : `.${fracPart}`}`;
}

/** Drops trailing fraction zeros beyond the unit's milli-Wh resolution ("2935.6000000" kWh is exact). */
function withoutSurplusZeros(decimal: string, unit: EnergyUnit): string {
  const maxFraction = unit === 'kWh' ? 6 : 3;
  const [whole = '', fraction] = decimal.split('.');
  if (fraction === undefined) return whole;
  const kept = fraction.length > maxFraction ? fraction.replace(/0+$/, '') : fraction;
  return kept === '' ? whole : `${whole}.${kept}`;
}
