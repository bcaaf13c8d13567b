// Writes a S.A.F.E. transparency XML export the way a wallbox does (<values><value><signedData>…):
// what `ecar meter simulate` writes, and what tests hand `ecar session stop --xml` or `ecar meter verify --xml`.

/** One <value>: an OCMF record and, optionally, the meter key as SPKI DER hex. */
export interface SafeXmlEntry {
  readonly record: string;
  readonly context?: 'Transaction.Begin' | 'Transaction.End';
  readonly publicKeyHex?: string;
}

const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The XML text of an export holding `entries` in order, all of one transaction. */
export function safeXmlExport(transactionId: string, entries: readonly SafeXmlEntry[]): string {
  const values = entries.map((entry) =>
    [
      `  <value transactionId="${escapeXml(transactionId)}"${entry.context === undefined ? '' : ` context="${entry.context}"`}>`,
      `    <signedData format="OCMF" encoding="plain">${escapeXml(entry.record)}</signedData>`,
      ...(entry.publicKeyHex === undefined
        ? []
        : [`    <publicKey encoding="hex">${entry.publicKeyHex}</publicKey>`]),
      '  </value>',
    ].join('\n'),
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n<values>\n${values.join('\n')}\n</values>\n`;
}
