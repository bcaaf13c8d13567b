// Parser for Intel DCAP quotes: SGX quote v3 and TDX quote v4 (ECDSA P-256 attestation key, PCK chain
// in the certification data). Every length is checked; a bad quote gives ATTESTATION_FORMAT_INVALID.
import { EcarError } from '../errors';
import { ByteReader, isAllZero, toHex } from './bytes';
import {
  parseSgxReportBody,
  parseTdReport10,
  SGX_REPORT_BODY_SIZE,
  TD_REPORT10_SIZE,
  type SgxReportBody,
  type TdReport10,
} from './report-body';

export type TeeType = 'SGX' | 'TDX';

/** Attestation key type 2: ECDSA-256-with-P-256 curve. */
export const ATTESTATION_KEY_TYPE_ECDSA_P256 = 2;
/** Intel's QE vendor id (939A7233-F79C-4CA9-940A-0DB3957F0607). */
export const INTEL_QE_VENDOR_ID = '939a7233f79c4ca9940a0db3957f0607';
/** Certification data type 5: PEM PCK leaf, PCK CA and root certificates. */
export const CERT_DATA_PCK_CHAIN = 5;
/** Certification data type 6 (v4): QE report certification data wrapping the QE report and type 5. */
export const CERT_DATA_QE_REPORT = 6;

const TEE_TYPE_SGX = 0x00000000;
const TEE_TYPE_TDX = 0x00000081;

export interface QuoteHeader {
  readonly version: number;
  readonly attestationKeyType: number;
  readonly teeType: TeeType;
  /** QE SVN (v3 only; reserved in v4). */
  readonly qeSvn: number;
  /** PCE SVN (v3 only; reserved in v4). */
  readonly pceSvn: number;
  readonly qeVendorId: Uint8Array;
  readonly userData: Uint8Array;
}

export type QuoteBody =
  | { readonly teeType: 'SGX'; readonly report: SgxReportBody }
  | { readonly teeType: 'TDX'; readonly report: TdReport10 };

/** The quote's signature data, with the v4 nesting flattened. */
export interface QuoteSignatureData {
  /** ECDSA signature (r||s) by the attestation key over header||body. */
  readonly quoteSignature: Uint8Array;
  /** The attestation public key (x||y, 64 bytes). */
  readonly attestationKey: Uint8Array;
  readonly qeReport: SgxReportBody;
  /** ECDSA signature (r||s) by the PCK leaf key over the QE report. */
  readonly qeReportSignature: Uint8Array;
  readonly qeAuthData: Uint8Array;
  /** The PEM PCK certificate chain (leaf first). */
  readonly pckChainPem: string;
}

export interface Quote {
  readonly header: QuoteHeader;
  readonly body: QuoteBody;
  /** header || body: the bytes the attestation key signed. */
  readonly signedBytes: Uint8Array;
  readonly signature: QuoteSignatureData;
}

/**
 * Parses a DCAP quote. Zero bytes after the signature data are tolerated (some producers pad the
 * quote buffer); anything else after it is rejected.
 *
 * @throws EcarError ATTESTATION_FORMAT_INVALID for truncation, bad lengths or unsupported variants.
 */
export function parseQuote(bytes: Uint8Array): Quote {
  const reader = new ByteReader(bytes, 'quote');
  const header = parseHeader(reader);
  const bodySize = header.teeType === 'SGX' ? SGX_REPORT_BODY_SIZE : TD_REPORT10_SIZE;
  const bodyBytes = reader.bytes(bodySize, 'report body');
  const body: QuoteBody =
    header.teeType === 'SGX'
      ? { teeType: 'SGX', report: parseSgxReportBody(bodyBytes, 'report body') }
      : { teeType: 'TDX', report: parseTdReport10(bodyBytes, 'TD report') };
  const signedBytes = bytes.subarray(0, reader.offset);
  const signatureLength = reader.u32('signature data length');
  const signatureReader = new ByteReader(reader.bytes(signatureLength, 'signature data'), 'signature data');
  const signature =
    header.version === 3 ? parseSignatureV3(signatureReader) : parseSignatureV4(signatureReader);
  expectConsumed(signatureReader, 'signature data');
  if (!isAllZero(reader.rest())) {
    throw new EcarError('ATTESTATION_FORMAT_INVALID', 'quote has non-zero bytes after the signature data');
  }
  return { header, body, signedBytes, signature };
}

function parseHeader(reader: ByteReader): QuoteHeader {
  const version = reader.u16('version');
  const attestationKeyType = reader.u16('attestation key type');
  const teeTypeValue = reader.u32('TEE type');
  const qeSvn = reader.u16('QE SVN');
  const pceSvn = reader.u16('PCE SVN');
  const qeVendorId = reader.bytes(16, 'QE vendor id');
  const userData = reader.bytes(20, 'user data');
  const fail = (why: string): never => {
    throw new EcarError('ATTESTATION_FORMAT_INVALID', why, { version, teeType: teeTypeValue });
  };
  let teeType: TeeType;
  if (teeTypeValue === TEE_TYPE_SGX) teeType = 'SGX';
  else if (teeTypeValue === TEE_TYPE_TDX) teeType = 'TDX';
  else return fail(`unknown TEE type 0x${teeTypeValue.toString(16)}`);
  if (version !== 3 && version !== 4) fail(`quote version ${version} is not supported (3 and 4 are)`);
  if (version === 3 && teeType !== 'SGX') fail('a version 3 quote must be an SGX quote');
  if (attestationKeyType !== ATTESTATION_KEY_TYPE_ECDSA_P256) {
    fail(`attestation key type ${attestationKeyType} is not supported (2 = ECDSA P-256 is)`);
  }
  if (toHex(qeVendorId) !== INTEL_QE_VENDOR_ID) fail(`QE vendor id ${toHex(qeVendorId)} is not Intel's`);
  return { version, attestationKeyType, teeType, qeSvn, pceSvn, qeVendorId, userData };
}

function parseSignatureV3(reader: ByteReader): QuoteSignatureData {
  const quoteSignature = reader.bytes(64, 'quote signature');
  const attestationKey = reader.bytes(64, 'attestation key');
  return { quoteSignature, attestationKey, ...parseQeReportCertificationData(reader) };
}

function parseSignatureV4(reader: ByteReader): QuoteSignatureData {
  const quoteSignature = reader.bytes(64, 'quote signature');
  const attestationKey = reader.bytes(64, 'attestation key');
  const type = reader.u16('certification data type');
  if (type !== CERT_DATA_QE_REPORT) {
    throw new EcarError(
      'ATTESTATION_FORMAT_INVALID',
      `v4 certification data type ${type} is not supported (6 = QE report certification data is)`,
    );
  }
  const size = reader.u32('certification data size');
  const inner = new ByteReader(
    reader.bytes(size, 'QE report certification data'),
    'QE report certification data',
  );
  const rest = parseQeReportCertificationData(inner);
  expectConsumed(inner, 'QE report certification data');
  return { quoteSignature, attestationKey, ...rest };
}

/** QE report, its signature, QE auth data and the type 5 PCK chain (v3 inline, v4 inside type 6). */
function parseQeReportCertificationData(
  reader: ByteReader,
): Omit<QuoteSignatureData, 'quoteSignature' | 'attestationKey'> {
  const qeReport = parseSgxReportBody(reader.bytes(SGX_REPORT_BODY_SIZE, 'QE report'), 'QE report');
  const qeReportSignature = reader.bytes(64, 'QE report signature');
  const qeAuthData = reader.bytes(reader.u16('QE auth data size'), 'QE auth data');
  const type = reader.u16('certification data type');
  if (type !== CERT_DATA_PCK_CHAIN) {
    throw new EcarError(
      'ATTESTATION_FORMAT_INVALID',
      `certification data type ${type} is not supported (5 = PEM PCK certificate chain is)`,
    );
  }
  const data = reader.bytes(reader.u32('certification data size'), 'PCK certificate chain');
  // Producers often NUL-terminate the PEM text.
  const pckChainPem = Buffer.from(data).toString('latin1').replace(/\0+$/, '');
  return { qeReport, qeReportSignature, qeAuthData, pckChainPem };
}

function expectConsumed(reader: ByteReader, what: string): void {
  if (reader.remaining !== 0) {
    throw new EcarError(
      'ATTESTATION_FORMAT_INVALID',
      `${what} has ${reader.remaining} unexpected trailing bytes`,
    );
  }
}
