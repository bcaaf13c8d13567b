// OCMF pagination (PG): a context letter and a counter that the signing component increments by one
// for every record it signs in that context.
import { EcarError } from '../errors';

export type PaginationContext = 'T' | 'F';

export interface Pagination {
  /** PG exactly as signed ("T32"). */
  readonly text: string;
  /** T: readings in a transaction; F: fiscal readings outside transactions. */
  readonly context: PaginationContext;
  readonly kind: 'transaction' | 'fiscal';
  readonly number: number;
}

/**
 * Parses PG ("T32", "F7"): a context letter and a counter without leading zeros.
 * @throws EcarError METER_FORMAT_INVALID otherwise.
 */
export function parsePagination(text: string): Pagination {
  const match = /^([TF])(0|[1-9][0-9]{0,14})$/.exec(text);
  if (!match) {
    throw new EcarError(
      'METER_FORMAT_INVALID',
      `pagination PG '${text}' is not T or F followed by a number without leading zeros`,
      { field: 'PG' },
    );
  }
  const context = match[1] === 'F' ? 'F' : 'T';
  return { text, context, kind: context === 'T' ? 'transaction' : 'fiscal', number: Number(match[2]) };
}
