// The `simulated` attestation provider for machines without SGX: a locally generated DEVELOPMENT root
// (clearly named "NOT SGX"), a PCK-style CA and leaf with the SGX extension, CRLs, signed TCB info and
// QE identity, and quotes in the exact SGX DCAP v3 layout, so the production verifier checks them with
// the same code. Its evidence is accepted only by a policy with allowSimulated and its root key.
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import {
  derBitString,
  derBoolean,
  derEnumerated,
  derExplicit,
  derInteger,
  derOctetString,
  derOid,
  derSequence,
  derSet,
  derTimeValue,
  derUtf8String,
} from '../der-writer';
import { EcarError } from '../errors';
import { concatBytes, toHex } from './bytes';
import { OID_BASIC_CONSTRAINTS, OID_COMMON_NAME, OID_ECDSA_WITH_SHA256, OID_KEY_USAGE } from './certificates';
import type { CollateralJson } from './collateral';
import { isoSeconds } from './json-reader';
import { OID_SGX_EXTENSION } from './pck-extension';
import { ATTESTATION_KEY_TYPE_ECDSA_P256, CERT_DATA_PCK_CHAIN, INTEL_QE_VENDOR_ID } from './quote';
import { SGX_REPORT_BODY_SIZE } from './report-body';
import type { TcbStatus } from './tcb-status';
import { developmentRoot, type TrustAnchor } from './trust-anchors';

export const SIMULATED_ROOT_NAME = 'ecar DEVELOPMENT root — NOT SGX';
const SIMULATED_CA_NAME = 'ecar DEVELOPMENT PCK CA — NOT SGX';
const SIMULATED_PCK_NAME = 'ecar DEVELOPMENT PCK certificate — NOT SGX';
const SIMULATED_TCB_SIGNER_NAME = 'ecar DEVELOPMENT TCB signing — NOT SGX';
/** MRSIGNER of the simulated quoting enclave (a hash of a label, no real enclave has it). */
export const SIMULATED_QE_MRSIGNER = createHash('sha256')
  .update('ecar simulated quoting enclave — NOT SGX')
  .digest();
/** FMSPC of the simulated platform: not a real Intel FMSPC family. */
export const SIMULATED_FMSPC = 'EC0A00000000';

const DAY = 86_400;
const PCE_SVN = 1;
const QE_SVN = 1;
const TCB_COMPONENTS = Array.from({ length: 16 }, () => 1);

export interface SimulatedPlatformOptions {
  /** Start of every certificate and collateral window (pass the current time; never read here). */
  readonly notBefore: Date;
  /** How long TCB info, QE identity and CRLs stay valid. Default 30 days. */
  readonly collateralDays?: number;
  /** How long the certificates stay valid. Default 3650 days. */
  readonly certificateDays?: number;
  /** The TCB status the signed TCB info gives the platform. Default UpToDate. */
  readonly tcbStatus?: Exclude<TcbStatus, 'Revoked'>;
}

export interface SimulatedQuoteInput {
  /** MRENCLAVE: for ecar, the hash of the built chaincode bundle (32 bytes). */
  readonly measurement: Uint8Array;
  /** report_data (64 bytes, or fewer: zero-padded), e.g. enclaveReportData(binding). */
  readonly reportData: Uint8Array;
  /** MRSIGNER (32 bytes). Default: SHA-256 of "ecar simulated enclave signer". */
  readonly mrSigner?: Uint8Array;
  readonly productId?: number;
  readonly svn?: number;
  /** Set the DEBUG attribute. Default false. */
  readonly debug?: boolean;
}

/** A simulated SGX platform with its development root; evidence it makes proves nothing about hardware. */
export interface SimulatedPlatform {
  /** The development root as a trust anchor (simulated: true). */
  readonly trustAnchor: TrustAnchor;
  /** Hex of the root public key, for the policy's `simulatedRootKeys`. */
  readonly rootPublicKeyHex: string;
  /** A quote in the SGX DCAP v3 layout, signed through the development chain. */
  quote(input: SimulatedQuoteInput): Uint8Array;
  /**
   * Collateral in the PCCS JSON shape, valid from `notBefore` for `collateralDays`.
   * `revokePckCertificate` lists the PCK leaf in the PCK CRL (for tests of revocation).
   */
  collateral(options?: { readonly revokePckCertificate?: boolean }): CollateralJson;
}

interface Key {
  readonly privateKey: KeyObject;
  /** Uncompressed point. */
  readonly point: Uint8Array;
  readonly spki: Uint8Array;
}

interface IssuedCertificate {
  readonly der: Uint8Array;
  readonly key: Key;
  readonly name: Uint8Array;
  readonly serial: bigint;
}

/**
 * Creates a simulated platform: new keys for the development root, PCK CA, PCK leaf, TCB signer and
 * attestation key.
 *
 * @example
 * const platform = createSimulatedPlatform({ notBefore: new Date() });
 * const quote = platform.quote({ measurement: bundleHash, reportData: enclaveReportData(binding) });
 * const policy = { ...DEFAULT_POLICY, allowSimulated: true, simulatedRootKeys: [platform.rootPublicKeyHex] };
 * verifyEvidence(quote, platform.collateral(), policy, { at: new Date(), binding });
 */
export function createSimulatedPlatform(options: SimulatedPlatformOptions): SimulatedPlatform {
  const start = Math.floor(options.notBefore.getTime() / 1000);
  if (!Number.isFinite(start)) throw new EcarError('INVALID_ARGUMENT', 'notBefore is not a valid date');
  const certificateEnd = start + (options.certificateDays ?? 3650) * DAY;
  const collateralEnd = start + (options.collateralDays ?? 30) * DAY;
  const tcbStatus = options.tcbStatus ?? 'UpToDate';

  const rootKey = newKey();
  const rootName = distinguishedName(SIMULATED_ROOT_NAME);
  const root = issue({
    subject: rootName,
    key: rootKey,
    issuerName: rootName,
    issuerKey: rootKey,
    ca: true,
    start,
    end: certificateEnd,
  });
  const pckCa = issue({
    subject: distinguishedName(SIMULATED_CA_NAME),
    key: newKey(),
    issuerName: rootName,
    issuerKey: rootKey,
    ca: true,
    start,
    end: certificateEnd,
  });
  const pckLeaf = issue({
    subject: distinguishedName(SIMULATED_PCK_NAME),
    key: newKey(),
    issuerName: pckCa.name,
    issuerKey: pckCa.key,
    ca: false,
    start,
    end: certificateEnd,
    extraExtensions: [sgxExtension()],
  });
  const tcbSigner = issue({
    subject: distinguishedName(SIMULATED_TCB_SIGNER_NAME),
    key: newKey(),
    issuerName: rootName,
    issuerKey: rootKey,
    ca: false,
    start,
    end: certificateEnd,
  });
  const attestationKey = newKey();
  const pem = (...certs: IssuedCertificate[]): string => certs.map((c) => toPem(c.der)).join('');

  return {
    trustAnchor: developmentRoot(toHex(rootKey.point), SIMULATED_ROOT_NAME),
    rootPublicKeyHex: toHex(rootKey.point),

    quote(input: SimulatedQuoteInput): Uint8Array {
      const header = quoteHeader();
      const body = reportBody({
        cpuSvn: Uint8Array.from(TCB_COMPONENTS),
        attributes: input.debug ? 0x07 : 0x05,
        mrEnclave: fixed(input.measurement, 32, 'measurement'),
        mrSigner: fixed(
          input.mrSigner ?? createHash('sha256').update('ecar simulated enclave signer').digest(),
          32,
          'mrSigner',
        ),
        isvProdId: input.productId ?? 0,
        isvSvn: input.svn ?? 0,
        reportData: padded(input.reportData, 64, 'reportData'),
      });
      const attestationPoint = attestationKey.point.subarray(1);
      const qeAuthData = new Uint8Array(randomBytes(32));
      const qeReportData = new Uint8Array(64);
      qeReportData.set(createHash('sha256').update(attestationPoint).update(qeAuthData).digest());
      const qeReport = reportBody({
        cpuSvn: Uint8Array.from(TCB_COMPONENTS),
        attributes: 0x11,
        mrEnclave: createHash('sha256').update('ecar simulated QE enclave').digest(),
        mrSigner: SIMULATED_QE_MRSIGNER,
        isvProdId: 1,
        isvSvn: QE_SVN,
        reportData: qeReportData,
      });
      const certificationData = new Uint8Array(Buffer.from(`${pem(pckLeaf, pckCa, root)}\0`, 'latin1'));
      const signatureData = concatBytes(
        signP1363(attestationKey, concatBytes(header, body)),
        attestationPoint,
        qeReport,
        signP1363(pckLeaf.key, qeReport),
        u16(qeAuthData.length),
        qeAuthData,
        u16(CERT_DATA_PCK_CHAIN),
        u32(certificationData.length),
        certificationData,
      );
      return concatBytes(header, body, u32(signatureData.length), signatureData);
    },

    collateral(collateralOptions = {}): CollateralJson {
      const issueDate = isoSeconds(start);
      const nextUpdate = isoSeconds(collateralEnd);
      const tcbInfo = JSON.stringify({
        id: 'SGX',
        version: 3,
        issueDate,
        nextUpdate,
        fmspc: SIMULATED_FMSPC,
        pceId: '0000',
        tcbType: 0,
        tcbEvaluationDataNumber: 1,
        tcbLevels: [
          {
            tcb: { sgxtcbcomponents: TCB_COMPONENTS.map((svn) => ({ svn })), pcesvn: PCE_SVN },
            tcbDate: issueDate,
            tcbStatus,
            ...(tcbStatus === 'UpToDate' ? {} : { advisoryIDs: ['ECAR-SIMULATED-ADVISORY'] }),
          },
        ],
      });
      const qeIdentity = JSON.stringify({
        id: 'QE',
        version: 2,
        issueDate,
        nextUpdate,
        tcbEvaluationDataNumber: 1,
        miscselect: '00000000',
        miscselectMask: 'FFFFFFFF',
        attributes: '11000000000000000000000000000000',
        attributesMask: 'FBFFFFFFFFFFFFFF0000000000000000',
        mrsigner: toHex(SIMULATED_QE_MRSIGNER).toUpperCase(),
        isvprodid: 1,
        tcbLevels: [{ tcb: { isvsvn: QE_SVN }, tcbDate: issueDate, tcbStatus: 'UpToDate' }],
      });
      const revoked = collateralOptions.revokePckCertificate ? [pckLeaf.serial] : [];
      return {
        pck_crl_issuer_chain: pem(pckCa, root),
        root_ca_crl: toHex(crl(root, start, collateralEnd, [])),
        pck_crl: toHex(crl(pckCa, start, collateralEnd, revoked)),
        tcb_info_issuer_chain: pem(tcbSigner, root),
        tcb_info: tcbInfo,
        tcb_info_signature: toHex(signP1363(tcbSigner.key, Buffer.from(tcbInfo, 'utf8'))),
        qe_identity_issuer_chain: pem(tcbSigner, root),
        qe_identity: qeIdentity,
        qe_identity_signature: toHex(signP1363(tcbSigner.key, Buffer.from(qeIdentity, 'utf8'))),
      };
    },
  };
}

function newKey(): Key {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }));
  return { privateKey, point: spki.subarray(spki.length - 65), spki };
}

function signP1363(key: Key, data: Uint8Array): Uint8Array {
  return new Uint8Array(sign('sha256', data, { key: key.privateKey, dsaEncoding: 'ieee-p1363' }));
}

function signDer(key: Key, data: Uint8Array): Uint8Array {
  return new Uint8Array(sign('sha256', data, { key: key.privateKey, dsaEncoding: 'der' }));
}

const ECDSA_SHA256 = derSequence(derOid(OID_ECDSA_WITH_SHA256));

function distinguishedName(commonName: string): Uint8Array {
  return derSequence(
    derSet(derSequence(derOid(OID_COMMON_NAME), derUtf8String(commonName))),
    derSet(derSequence(derOid('2.5.4.10'), derUtf8String('ecar development (simulated attestation)'))),
  );
}

function extension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  return derSequence(derOid(oid), ...(critical ? [derBoolean(true)] : []), derOctetString(value));
}

function issue(spec: {
  readonly subject: Uint8Array;
  readonly key: Key;
  readonly issuerName: Uint8Array;
  readonly issuerKey: Key;
  readonly ca: boolean;
  readonly start: number;
  readonly end: number;
  readonly extraExtensions?: readonly Uint8Array[];
}): IssuedCertificate {
  const serial = BigInt(`0x${randomBytes(16).toString('hex')}`) | 1n;
  const keyUsage = spec.ca ? derBitString(Uint8Array.of(0x06), 1) : derBitString(Uint8Array.of(0x80), 7);
  const extensions = [
    extension(OID_BASIC_CONSTRAINTS, true, derSequence(...(spec.ca ? [derBoolean(true)] : []))),
    extension(OID_KEY_USAGE, true, keyUsage),
    ...(spec.extraExtensions ?? []),
  ];
  const tbs = derSequence(
    derExplicit(0, derInteger(2)),
    derInteger(serial),
    ECDSA_SHA256,
    spec.issuerName,
    derSequence(derTimeValue(spec.start), derTimeValue(spec.end)),
    spec.subject,
    spec.key.spki,
    derExplicit(3, derSequence(...extensions)),
  );
  const der = derSequence(tbs, ECDSA_SHA256, derBitString(signDer(spec.issuerKey, tbs)));
  return { der, key: spec.key, name: spec.subject, serial };
}

function crl(issuer: IssuedCertificate, start: number, end: number, revoked: readonly bigint[]): Uint8Array {
  const entries = revoked.map((serial) => derSequence(derInteger(serial), derTimeValue(start)));
  const tbs = derSequence(
    derInteger(1),
    ECDSA_SHA256,
    issuer.name,
    derTimeValue(start),
    derTimeValue(end),
    ...(entries.length > 0 ? [derSequence(...entries)] : []),
  );
  return derSequence(tbs, ECDSA_SHA256, derBitString(signDer(issuer.key, tbs)));
}

/** The SGX extension of the simulated PCK leaf: FMSPC, PCE id and the TCB the TCB info lists. */
function sgxExtension(): Uint8Array {
  const entry = (suffix: string, value: Uint8Array): Uint8Array =>
    derSequence(derOid(`${OID_SGX_EXTENSION}.${suffix}`), value);
  const tcb = derSequence(
    ...TCB_COMPONENTS.map((svn, i) => entry(`2.${i + 1}`, derInteger(svn))),
    entry('2.17', derInteger(PCE_SVN)),
    entry('2.18', derOctetString(Uint8Array.from(TCB_COMPONENTS))),
  );
  const value = derSequence(
    entry('1', derOctetString(new Uint8Array(randomBytes(16)))),
    entry('2', tcb),
    entry('3', derOctetString(new Uint8Array(2))),
    entry('4', derOctetString(new Uint8Array(Buffer.from(SIMULATED_FMSPC, 'hex')))),
    entry('5', derEnumerated(0)),
  );
  return extension(OID_SGX_EXTENSION, false, value);
}

function quoteHeader(): Uint8Array {
  const header = new Uint8Array(48);
  const view = Buffer.from(header.buffer);
  view.writeUInt16LE(3, 0);
  view.writeUInt16LE(ATTESTATION_KEY_TYPE_ECDSA_P256, 2);
  view.writeUInt32LE(0, 4); // SGX
  view.writeUInt16LE(QE_SVN, 8);
  view.writeUInt16LE(PCE_SVN, 10);
  header.set(Buffer.from(INTEL_QE_VENDOR_ID, 'hex'), 12);
  header.set(Buffer.from('ecar SIMULATED', 'ascii'), 28); // user data: a marker for humans
  return header;
}

function reportBody(fields: {
  readonly cpuSvn: Uint8Array;
  readonly attributes: number;
  readonly mrEnclave: Uint8Array;
  readonly mrSigner: Uint8Array;
  readonly isvProdId: number;
  readonly isvSvn: number;
  readonly reportData: Uint8Array;
}): Uint8Array {
  const body = new Uint8Array(SGX_REPORT_BODY_SIZE);
  const view = Buffer.from(body.buffer);
  body.set(fields.cpuSvn, 0);
  body[48] = fields.attributes;
  body[56] = 0x03; // XFRM: x87 and SSE
  body.set(fields.mrEnclave, 64);
  body.set(fields.mrSigner, 128);
  view.writeUInt16LE(fields.isvProdId, 256);
  view.writeUInt16LE(fields.isvSvn, 258);
  body.set(fields.reportData, 320);
  return body;
}

function u16(value: number): Uint8Array {
  const out = Buffer.alloc(2);
  out.writeUInt16LE(value);
  return new Uint8Array(out);
}

function u32(value: number): Uint8Array {
  const out = Buffer.alloc(4);
  out.writeUInt32LE(value);
  return new Uint8Array(out);
}

function fixed(bytes: Uint8Array, length: number, what: string): Uint8Array {
  if (bytes.length !== length)
    throw new EcarError('INVALID_ARGUMENT', `${what} must be ${length} bytes, got ${bytes.length}`);
  return bytes;
}

function padded(bytes: Uint8Array, length: number, what: string): Uint8Array {
  if (bytes.length > length)
    throw new EcarError('INVALID_ARGUMENT', `${what} must be at most ${length} bytes`);
  const out = new Uint8Array(length);
  out.set(bytes);
  return out;
}

function toPem(der: Uint8Array): string {
  const base64 = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE-----\n${base64.replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}
