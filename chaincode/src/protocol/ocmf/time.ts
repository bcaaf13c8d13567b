// OCMF reading times ("2018-07-24T13:22:04,000+0200 S"): parsed exactly to epoch milliseconds, the
// original text kept, and the synchronisation state (OCMF table 19) typed.
import { EcarError } from '../errors';

/** U unknown/unsynchronised, I informative (info clock), S synchronised, R relative (legal duration). */
export const TIME_STATUSES = ['U', 'I', 'S', 'R'] as const;
export type TimeStatus = (typeof TIME_STATUSES)[number];

export interface OcmfTime {
  /** The TM field exactly as signed. */
  readonly text: string;
  /** The instant in UTC, ISO 8601 with milliseconds ("2018-07-24T11:22:04.000Z"). */
  readonly iso: string;
  /** Milliseconds since the Unix epoch. */
  readonly epochMs: number;
  /** The meter's UTC offset in minutes (+0200 → 120). */
  readonly offsetMinutes: number;
  readonly status: TimeStatus;
}

const TM_PATTERN =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2}),([0-9]{3})([+-])([0-9]{2})([0-9]{2}) ([A-Z])$/;

/**
 * Parses an OCMF TM value.
 * @throws EcarError METER_FORMAT_INVALID when the text does not follow the OCMF scheme or names an
 *   impossible date, time, offset or an unknown synchronisation state.
 */
export function parseOcmfTime(text: string): OcmfTime {
  const match = TM_PATTERN.exec(text);
  const fail = (why: string): never => {
    throw new EcarError('METER_FORMAT_INVALID', `reading time '${text}' ${why}`, { field: 'TM' });
  };
  if (!match) return fail('is not <yyyy>-<MM>-<dd>T<HH>:<mm>:<ss>,<SSS><+hhmm> <status>');
  const group = (i: number): number => parseInt(match[i] ?? '', 10);
  const [year, month, day] = [group(1), group(2), group(3)];
  const [hour, minute, second, milli] = [group(4), group(5), group(6), group(7)];
  const [offH, offM] = [group(9), group(10)];
  const sign = match[8];
  const status = match[11] ?? '';
  if (year < 1970) fail('is before 1970');
  if (month < 1 || month > 12) fail('has no such month');
  if (day < 1 || day > daysInMonth(year, month)) fail('has no such day');
  if (hour > 23 || minute > 59 || second > 59) fail('has no such time of day');
  if (offH > 14 || offM > 59) fail('has an impossible UTC offset');
  if (!isTimeStatus(status)) return fail(`has an unknown synchronisation state '${status}'`);
  const offsetMinutes = (sign === '-' ? -1 : 1) * (offH * 60 + offM);
  const epochMs = Date.UTC(year, month - 1, day, hour, minute, second, milli) - offsetMinutes * 60_000;
  return { text, iso: new Date(epochMs).toISOString(), epochMs, offsetMinutes, status };
}

/**
 * Writes an OCMF TM value for an instant, in the given UTC offset (minutes) and synchronisation state.
 * @example formatOcmfTime(Date.UTC(2018, 6, 24, 11, 22, 4), 120, 'S') === '2018-07-24T13:22:04,000+0200 S'
 */
export function formatOcmfTime(epochMs: number, offsetMinutes = 0, status: TimeStatus = 'S'): string {
  if (
    !Number.isSafeInteger(epochMs) ||
    !Number.isInteger(offsetMinutes) ||
    Math.abs(offsetMinutes) > 14 * 60 + 59
  ) {
    throw new EcarError('INVALID_ARGUMENT', 'time and UTC offset must be whole milliseconds and minutes');
  }
  const local = new Date(epochMs + offsetMinutes * 60_000).toISOString(); // yyyy-MM-ddTHH:mm:ss.SSSZ
  const abs = Math.abs(offsetMinutes);
  const offset = `${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
  return `${local.slice(0, 19)},${local.slice(20, 23)}${offset} ${status}`;
}

function isTimeStatus(value: string): value is TimeStatus {
  return (TIME_STATUSES as readonly string[]).includes(value);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function pad(value: number): string {
  return value.toString().padStart(2, '0');
}
