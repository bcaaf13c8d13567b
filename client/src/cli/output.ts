// How every `ecar` command speaks: JSON for machines (--json), aligned tables and short lines for
// people, one-line errors that say what to do, exit code 0 only on success.
/** An error a command raises when it ran fine but the answer is "no" (a record is invalid, ...). */
export class CommandFailed extends Error {
  constructor(
    message: string,
    readonly result?: unknown,
    /** The ledger's refusal behind the "no", when there is one: its code and sentence are reported. */
    readonly refusal?: Error,
  ) {
    super(message);
    this.name = 'CommandFailed';
  }
}

/** JSON that keeps bigint values exact (as decimal strings) and Uint8Array as hex. */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
      return v;
    },
    2,
  );
}

/** Aligns rows into columns; the first row is the header. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Key/value lines, keys aligned. */
export function fields(entries: readonly (readonly [string, string])[]): string {
  const width = Math.max(0, ...entries.map(([k]) => k.length));
  return entries.map(([k, v]) => `${`${k}:`.padEnd(width + 1)} ${v}`).join('\n');
}
