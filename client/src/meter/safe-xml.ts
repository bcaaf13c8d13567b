// Reads the S.A.F.E. transparency XML that wallboxes export (<values><value><signedData>…<publicKey>…)
// into OCMF record texts and their public keys, decoding the encodings the exports use.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { EcarError } from '../../../chaincode/src/protocol/errors';
import type { MeterPublicKeyInput } from '../../../chaincode/src/protocol/ocmf';

/** A public key as the XML gives it. */
export interface XmlPublicKey {
  readonly text: string;
  /** The `encoding` attribute; "auto" when absent (PEM, hex or base64 is then recognised). */
  readonly encoding: 'hex' | 'base64' | 'plain' | 'auto';
}

export interface SafeXmlValue {
  /** Position among the <value> elements, from 0. */
  readonly index: number;
  readonly transactionId?: string;
  /** e.g. "Transaction.Begin" */
  readonly context?: string;
  /** The signedData `format` attribute (OCMF when absent). */
  readonly format: string;
  /** The signed data as text (for OCMF: the record `OCMF|…|…`), decoded from its `encoding`. */
  readonly signedData: string;
  readonly publicKey?: XmlPublicKey;
}

type XmlNode = Readonly<Record<string, unknown>>;

/**
 * Bounds that keep a hostile file to a clear refusal in bounded time and memory; real exports stay far
 * below them (a KEBA export of 100 records is 80 kB with 300 attributes).
 */
export const SAFE_XML_LIMITS = {
  /** Characters of the whole file. */
  length: 4 * 1024 * 1024,
  /** <value> elements. */
  values: 10_000,
  /** Attributes in the whole file. */
  attributes: 50_000,
  /** Characters of one attribute value. */
  attributeLength: 4096,
} as const;

/**
 * Parses a transparency XML export.
 * @throws EcarError METER_FORMAT_INVALID when the text is not well-formed XML, has no <values> root,
 *   or a <value> lacks <signedData> or uses an encoding this reader does not know.
 */
export function readSafeXml(xml: string): SafeXmlValue[] {
  const text = xml.replace(/^\uFEFF/, '');
  refuseHostileShapes(text);
  // The validator moved to the separate package fast-xml-validator in v5; until that is a dependency,
  // the bundled one still catches truncated and malformed exports the lenient parser would accept.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw formatError(`not well-formed XML (line ${valid.err.line}: ${valid.err.msg})`);
  }
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    alwaysCreateTextNode: true,
    isArray: (name) => name === 'value',
  });
  let document: unknown;
  try {
    document = parser.parse(text) as unknown;
  } catch (error) {
    // e.g. "Maximum nested tags exceeded": the parser's own bounds, reported as a format refusal.
    throw formatError(`cannot be read (${error instanceof Error ? error.message : 'parser error'})`);
  }
  const root = child(document, 'values');
  if (root === undefined) throw formatError('the XML has no <values> root element');
  const values = root.value;
  if (!Array.isArray(values) || values.length === 0) throw formatError('the XML has no <value> elements');
  return (values as unknown[]).map((value, index) => readValue(value, index));
}

/**
 * Refuses, before any parsing, what no meter export contains and what makes XML parsers expand or
 * fetch data: a DTD (entity definitions: billion laughs, external entities / XXE), and sizes or
 * counts beyond {@link SAFE_XML_LIMITS}.
 * @throws EcarError METER_FORMAT_INVALID naming the limit.
 */
function refuseHostileShapes(text: string): void {
  const limits = SAFE_XML_LIMITS;
  if (text.length > limits.length) {
    throw formatError(`the file has more than ${limits.length} characters, too large for a meter export`);
  }
  if (/<!(?:DOCTYPE|ENTITY)/i.test(text)) {
    throw formatError('a DTD or entity declaration (<!DOCTYPE, <!ENTITY) is not allowed in a meter export');
  }
  if (countMatches(text, /<value[\s>/]/g, limits.values) > limits.values) {
    throw formatError(`the file has more than ${limits.values} <value> elements`);
  }
  if (countMatches(text, /\s[^\s<>="'/]+\s*=\s*["']/g, limits.attributes) > limits.attributes) {
    throw formatError(`the file has more than ${limits.attributes} attributes`);
  }
  const over = limits.attributeLength + 1;
  const longAttribute = new RegExp(`\\s[^\\s<>="'/]+\\s*=\\s*(?:"[^"]{${over}}|'[^']{${over}})`);
  if (longAttribute.test(text)) {
    throw formatError(`an attribute value is longer than ${limits.attributeLength} characters`);
  }
}

/** Counts matches of a global pattern, stopping once the count exceeds `limit`. */
function countMatches(text: string, pattern: RegExp, limit: number): number {
  let count = 0;
  while (pattern.exec(text) !== null && count <= limit) count++;
  return count;
}

/**
 * The key in the form the OCMF verifier takes: bytes for hex and base64, the text itself (PEM, or
 * hex/base64 recognised by the verifier) for "plain" and for keys without an encoding attribute.
 * @throws EcarError METER_KEY_INVALID when the text does not match its declared encoding.
 */
export function xmlPublicKeyInput(key: XmlPublicKey): MeterPublicKeyInput {
  const compact = key.text.replace(/\s/g, '');
  if (key.encoding === 'hex') {
    if (!/^(?:[0-9a-fA-F]{2})+$/.test(compact))
      throw keyError('the publicKey is declared hex but is not hex');
    return new Uint8Array(Buffer.from(compact, 'hex'));
  }
  if (key.encoding === 'base64') {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact))
      throw keyError('the publicKey is declared base64 but is not base64');
    return new Uint8Array(Buffer.from(compact, 'base64'));
  }
  return key.text;
}

function readValue(value: unknown, index: number): SafeXmlValue {
  if (!isNode(value)) throw formatError(`<value> ${index} is empty`);
  const signed = child(value, 'signedData');
  const signedText = signed === undefined ? undefined : textOf(signed);
  if (signed === undefined || signedText === undefined) {
    throw formatError(`<value> ${index} has no <signedData>`);
  }
  const key = child(value, 'publicKey');
  const keyText = key === undefined ? undefined : textOf(key);
  const transactionId = attribute(value, 'transactionId');
  const context = attribute(value, 'context');
  return {
    index,
    ...(transactionId === undefined ? {} : { transactionId }),
    ...(context === undefined ? {} : { context }),
    format: attribute(signed, 'format') ?? 'OCMF',
    signedData: decodeSignedData(signedText, attribute(signed, 'encoding') ?? 'plain', index),
    ...(key === undefined || keyText === undefined
      ? {}
      : { publicKey: { text: keyText, encoding: keyEncoding(attribute(key, 'encoding'), index) } }),
  };
}

function decodeSignedData(text: string, encoding: string, index: number): string {
  switch (encoding) {
    case 'plain':
      return text;
    case 'base64':
      return Buffer.from(text.replace(/\s/g, ''), 'base64').toString('utf8');
    case 'hex': {
      const compact = text.replace(/\s/g, '');
      if (!/^(?:[0-9a-fA-F]{2})*$/.test(compact))
        throw formatError(`<value> ${index}: signedData is not hex`);
      return Buffer.from(compact, 'hex').toString('utf8');
    }
    default:
      throw formatError(`<value> ${index}: unknown signedData encoding '${encoding}'`);
  }
}

function keyEncoding(encoding: string | undefined, index: number): XmlPublicKey['encoding'] {
  if (encoding === undefined) return 'auto';
  if (encoding === 'hex' || encoding === 'base64' || encoding === 'plain') return encoding;
  throw formatError(`<value> ${index}: unknown publicKey encoding '${encoding}'`);
}

function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function child(node: unknown, name: string): XmlNode | undefined {
  if (!isNode(node)) return undefined;
  const value = node[name];
  if (Array.isArray(value)) return isNode(value[0]) ? value[0] : undefined;
  return isNode(value) ? value : undefined;
}

function textOf(node: XmlNode): string | undefined {
  const text = node['#text'];
  return typeof text === 'string' && text !== '' ? text : undefined;
}

function attribute(node: XmlNode, name: string): string | undefined {
  const value = node[`@${name}`];
  return typeof value === 'string' ? value : undefined;
}

function formatError(message: string): EcarError {
  return new EcarError('METER_FORMAT_INVALID', `transparency XML: ${message}`);
}

function keyError(message: string): EcarError {
  return new EcarError('METER_KEY_INVALID', `transparency XML: ${message}`);
}
