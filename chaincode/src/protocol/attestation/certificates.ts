// X.509 certificates as the DCAP chains use them (ECDSA P-256 with SHA-256), parsed with the project's
// DER reader so the verifier sees exactly the signed TBS bytes and the times it checks.
import { EcarError, type ErrorCode } from '../errors';
import {
  derBitStringBytes,
  derChildren,
  derOid,
  derString,
  DerTag,
  derTime,
  derUnsignedInteger,
  expectTag,
  readDerExact,
  type DerNode,
} from '../der';

export const OID_ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
export const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
export const OID_PRIME256V1 = '1.2.840.10045.3.1.7';
export const OID_COMMON_NAME = '2.5.4.3';
export const OID_KEY_USAGE = '2.5.29.15';
export const OID_BASIC_CONSTRAINTS = '2.5.29.19';

/** A distinguished name: its exact DER (compared byte for byte) and its CN for messages. */
export interface DistinguishedName {
  readonly raw: Uint8Array;
  readonly commonName: string;
}

export interface CertificateExtension {
  readonly critical: boolean;
  /** The extnValue OCTET STRING content. */
  readonly value: Uint8Array;
}

export interface Certificate {
  readonly raw: Uint8Array;
  /** The TBSCertificate encoding, exactly as signed. */
  readonly tbs: Uint8Array;
  readonly serialNumber: bigint;
  readonly issuer: DistinguishedName;
  readonly subject: DistinguishedName;
  /** Validity, in whole seconds since the Unix epoch. */
  readonly notBefore: number;
  readonly notAfter: number;
  /** Uncompressed P-256 point. */
  readonly publicKey: Uint8Array;
  /** ECDSA-Sig-Value DER. */
  readonly signature: Uint8Array;
  /** basicConstraints cA (false when the extension is absent). */
  readonly isCa: boolean;
  /** keyUsage bits, or undefined when the extension is absent. */
  readonly keyUsage: { readonly keyCertSign: boolean; readonly cRLSign: boolean } | undefined;
  /** Extensions by OID. */
  readonly extensions: ReadonlyMap<string, CertificateExtension>;
}

const KNOWN_CRITICAL = new Set([OID_KEY_USAGE, OID_BASIC_CONSTRAINTS]);

/** Parses one DER certificate; `errorCode` names the failure in the caller's domain. */
export function parseCertificate(der: Uint8Array, errorCode: ErrorCode, what = 'certificate'): Certificate {
  const fail = (why: string): never => {
    throw new EcarError(errorCode, `${what}: ${why}`);
  };
  const certificate = expectTag(readDerExact(der, errorCode), DerTag.SEQUENCE, 'Certificate', errorCode);
  const [tbsNode, algorithm, signatureValue, ...extra] = derChildren(certificate, errorCode);
  if (!tbsNode || !algorithm || !signatureValue || extra.length > 0) fail('not a Certificate');
  const tbs = expectTag(tbsNode, DerTag.SEQUENCE, 'TBSCertificate', errorCode);
  checkEcdsaSha256(algorithm as DerNode, errorCode, what);

  const fields = derChildren(tbs, errorCode);
  let index = 0;
  if (fields[0]?.tag === 0xa0) index++; // [0] EXPLICIT version
  const serial = expectTag(fields[index++], DerTag.INTEGER, 'serialNumber', errorCode);
  const innerAlgorithm = expectTag(fields[index++], DerTag.SEQUENCE, 'signature algorithm', errorCode);
  checkEcdsaSha256(innerAlgorithm, errorCode, what);
  const issuer = parseName(expectTag(fields[index++], DerTag.SEQUENCE, 'issuer', errorCode), errorCode);
  const validity = expectTag(fields[index++], DerTag.SEQUENCE, 'validity', errorCode);
  const [notBefore, notAfter] = derChildren(validity, errorCode);
  if (!notBefore || !notAfter) fail('validity needs notBefore and notAfter');
  const subject = parseName(expectTag(fields[index++], DerTag.SEQUENCE, 'subject', errorCode), errorCode);
  const spki = expectTag(fields[index++], DerTag.SEQUENCE, 'subjectPublicKeyInfo', errorCode);
  const publicKey = parseP256SubjectPublicKeyInfo(spki, errorCode, what);

  const extensions = new Map<string, CertificateExtension>();
  for (const field of fields.slice(index)) {
    if (field.tag !== 0xa3) continue; // issuer/subject unique ids are ignored
    const [list] = derChildren(field, errorCode);
    for (const extension of derChildren(
      expectTag(list, DerTag.SEQUENCE, 'Extensions', errorCode),
      errorCode,
    )) {
      const parts = derChildren(expectTag(extension, DerTag.SEQUENCE, 'Extension', errorCode), errorCode);
      const oid = derOid(expectTag(parts[0], DerTag.OID, 'extnID', errorCode), errorCode);
      const critical = parts.length === 3 && parts[1]?.tag === DerTag.BOOLEAN && parts[1].content[0] !== 0;
      const value = expectTag(parts[parts.length - 1], DerTag.OCTET_STRING, 'extnValue', errorCode).content;
      if (extensions.has(oid)) fail(`duplicate extension ${oid}`);
      if (critical && !KNOWN_CRITICAL.has(oid)) fail(`unknown critical extension ${oid}`);
      extensions.set(oid, { critical, value });
    }
  }

  return {
    raw: der,
    tbs: tbs.raw,
    serialNumber: derUnsignedInteger(serial),
    issuer,
    subject,
    notBefore: derTime(notBefore as DerNode, errorCode),
    notAfter: derTime(notAfter as DerNode, errorCode),
    publicKey,
    signature: derBitStringBytes(signatureValue as DerNode, errorCode),
    isCa: parseBasicConstraints(extensions.get(OID_BASIC_CONSTRAINTS), errorCode),
    keyUsage: parseKeyUsage(extensions.get(OID_KEY_USAGE), errorCode),
    extensions,
  };
}

/** Parses the CERTIFICATE blocks of a PEM text, in order. */
export function parsePemCertificates(pem: string, errorCode: ErrorCode, what: string): Certificate[] {
  const blocks = [...pem.matchAll(/-----BEGIN CERTIFICATE-----([^-]*)-----END CERTIFICATE-----/g)];
  if (blocks.length === 0) throw new EcarError(errorCode, `${what} holds no PEM certificate`);
  return blocks.map((block, i) => {
    const base64 = (block[1] ?? '').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 !== 0) {
      throw new EcarError(errorCode, `${what}: certificate ${i + 1} is not valid base64`);
    }
    return parseCertificate(
      new Uint8Array(Buffer.from(base64, 'base64')),
      errorCode,
      `${what} certificate ${i + 1}`,
    );
  });
}

/** Checks an AlgorithmIdentifier is ecdsa-with-SHA256 (the only algorithm in DCAP collateral). */
export function checkEcdsaSha256(algorithm: DerNode, errorCode: ErrorCode, what: string): void {
  const [oid] = derChildren(
    expectTag(algorithm, DerTag.SEQUENCE, 'AlgorithmIdentifier', errorCode),
    errorCode,
  );
  const name = derOid(expectTag(oid, DerTag.OID, 'algorithm OID', errorCode), errorCode);
  if (name !== OID_ECDSA_WITH_SHA256) {
    throw new EcarError(errorCode, `${what}: signature algorithm ${name} is not ecdsa-with-SHA256`);
  }
}

/** A Name's raw DER and its first CN (empty when it has none). */
export function parseName(name: DerNode, errorCode: ErrorCode): DistinguishedName {
  let commonName = '';
  for (const rdn of derChildren(name, errorCode)) {
    for (const attribute of derChildren(expectTag(rdn, DerTag.SET, 'RDN', errorCode), errorCode)) {
      const [type, value] = derChildren(
        expectTag(attribute, DerTag.SEQUENCE, 'AttributeTypeAndValue', errorCode),
        errorCode,
      );
      if (!type || !value) throw new EcarError(errorCode, 'malformed DER: incomplete name attribute');
      if (commonName === '' && derOid(type, errorCode) === OID_COMMON_NAME)
        commonName = derString(value, errorCode);
    }
  }
  return { raw: name.raw, commonName };
}

function parseP256SubjectPublicKeyInfo(spki: DerNode, errorCode: ErrorCode, what: string): Uint8Array {
  const [algorithm, key] = derChildren(spki, errorCode);
  const [type, curve] = derChildren(
    expectTag(algorithm, DerTag.SEQUENCE, 'key algorithm', errorCode),
    errorCode,
  );
  const typeOid = derOid(expectTag(type, DerTag.OID, 'key type', errorCode), errorCode);
  const curveOid = curve?.tag === DerTag.OID ? derOid(curve, errorCode) : '';
  if (typeOid !== OID_EC_PUBLIC_KEY || curveOid !== OID_PRIME256V1) {
    throw new EcarError(errorCode, `${what}: public key is not an EC P-256 key`);
  }
  const point = derBitStringBytes(
    expectTag(key, DerTag.BIT_STRING, 'subjectPublicKey', errorCode),
    errorCode,
  );
  if (point.length !== 65 || point[0] !== 0x04) {
    throw new EcarError(errorCode, `${what}: public key is not an uncompressed P-256 point`);
  }
  return point;
}

function parseBasicConstraints(extension: CertificateExtension | undefined, errorCode: ErrorCode): boolean {
  if (!extension) return false;
  const sequence = expectTag(
    readDerExact(extension.value, errorCode),
    DerTag.SEQUENCE,
    'BasicConstraints',
    errorCode,
  );
  const [first] = derChildren(sequence, errorCode);
  return first?.tag === DerTag.BOOLEAN && first.content[0] !== 0;
}

function parseKeyUsage(
  extension: CertificateExtension | undefined,
  errorCode: ErrorCode,
): Certificate['keyUsage'] {
  if (!extension) return undefined;
  const bits = readDerExact(extension.value, errorCode);
  if (bits.tag !== DerTag.BIT_STRING || bits.content.length < 2) {
    return { keyCertSign: false, cRLSign: false };
  }
  const first = bits.content[1] as number; // bit 0 is the MSB of the first content octet
  return { keyCertSign: (first & 0x04) !== 0, cRLSign: (first & 0x02) !== 0 };
}
