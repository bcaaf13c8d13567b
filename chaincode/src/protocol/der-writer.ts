// A small DER writer, the counterpart of der.ts: enough to build X.509 certificates and CRLs for the
// simulated attestation provider (Node can verify certificates but cannot create them).
import { EcarError } from './errors';

/** One TLV with a definite, minimal length. */
export function derTlv(tag: number, content: Uint8Array): Uint8Array {
  let header: number[];
  const length = content.length;
  if (length < 0x80) header = [tag, length];
  else {
    const bytes: number[] = [];
    for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
    header = [tag, 0x80 | bytes.length, ...bytes];
  }
  const out = new Uint8Array(header.length + length);
  out.set(header, 0);
  out.set(content, header.length);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

export function derSequence(...children: readonly Uint8Array[]): Uint8Array {
  return derTlv(0x30, concat(children));
}

export function derSet(...children: readonly Uint8Array[]): Uint8Array {
  return derTlv(0x31, concat(children));
}

/** A non-negative INTEGER in minimal two's complement. */
export function derInteger(value: bigint | number): Uint8Array {
  let v = BigInt(value);
  if (v < 0n) throw new EcarError('INVALID_ARGUMENT', 'derInteger writes non-negative integers only');
  const bytes: number[] = [];
  do {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  } while (v > 0n);
  if ((bytes[0] as number) & 0x80) bytes.unshift(0);
  return derTlv(0x02, Uint8Array.from(bytes));
}

export function derEnumerated(value: number): Uint8Array {
  const integer = derInteger(value);
  integer[0] = 0x0a;
  return integer;
}

export function derBoolean(value: boolean): Uint8Array {
  return derTlv(0x01, Uint8Array.of(value ? 0xff : 0x00));
}

/** An OBJECT IDENTIFIER from dotted form. */
export function derOid(dotted: string): Uint8Array {
  const parts = dotted.split('.').map((p) => BigInt(p));
  const [first, second, ...rest] = parts;
  if (first === undefined || second === undefined)
    throw new EcarError('INVALID_ARGUMENT', `bad OID ${dotted}`);
  const out: number[] = [];
  for (const arc of [first * 40n + second, ...rest]) {
    const group: number[] = [Number(arc & 0x7fn)];
    for (let v = arc >> 7n; v > 0n; v >>= 7n) group.unshift(Number(v & 0x7fn) | 0x80);
    out.push(...group);
  }
  return derTlv(0x06, Uint8Array.from(out));
}

export function derOctetString(bytes: Uint8Array): Uint8Array {
  return derTlv(0x04, bytes);
}

/** A BIT STRING; `unusedBits` in the last octet (0 for keys and signatures). */
export function derBitString(bytes: Uint8Array, unusedBits = 0): Uint8Array {
  return derTlv(0x03, concat([Uint8Array.of(unusedBits), bytes]));
}

export function derUtf8String(text: string): Uint8Array {
  return derTlv(0x0c, new Uint8Array(Buffer.from(text, 'utf8')));
}

/**
 * A certificate / CRL time from whole epoch seconds: UTCTime for 1950..2049, GeneralizedTime
 * otherwise, as RFC 5280 requires.
 */
export function derTimeValue(seconds: number): Uint8Array {
  const iso = new Date(seconds * 1000).toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const year = Number(iso.slice(0, 4));
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '');
  const text = year >= 1950 && year < 2050 ? `${digits.slice(2)}Z` : `${digits}Z`;
  return derTlv(year >= 1950 && year < 2050 ? 0x17 : 0x18, new Uint8Array(Buffer.from(text, 'latin1')));
}

/** A context-specific constructed [n] EXPLICIT wrapper. */
export function derExplicit(tagNumber: number, child: Uint8Array): Uint8Array {
  return derTlv(0xa0 | tagNumber, child);
}
