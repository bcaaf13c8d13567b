// Formats of values chosen by clients and checked on both sides of the wire: ids and UTC timestamps.
import { invalidArgument } from './errors';

/** What a transaction name looks like (checked at every entry point before the registry lookup). */
export const TRANSACTION_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

/** Ids chosen by clients (stations, sessions, bookings, payouts): OCPI CiString(36)-like. */
export const ID_PATTERN = /^[A-Za-z0-9._-]{1,36}$/;

const ISO_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?Z$/;

/** An RFC 3339 UTC timestamp (`2026-05-01T18:30:00Z`, optional milliseconds) as epoch milliseconds. */
export function isoTime(value: unknown, path: string): number {
  const match = typeof value === 'string' ? ISO_PATTERN.exec(value) : null;
  if (!match) {
    throw invalidArgument(`${path} must be a UTC timestamp like 2026-05-01T18:30:00Z`, { field: path });
  }
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const millis = Number((match[7] ?? '').padEnd(3, '0'));
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const check = new Date(ms);
  if (
    check.getUTCDate() !== day ||
    check.getUTCMonth() !== month - 1 ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    throw invalidArgument(`${path} is not a valid calendar time`, { field: path });
  }
  return ms;
}
