// The `simulated` attestation provider for machines without SGX: a locally generated DEVELOPMENT root
// (clearly named "NOT SGX"), a PCK-style CA and leaf with the SGX extension, CRLs, signed TCB info and
// QE identity, and quotes in the exact SGX DCAP v3 layout, so the production verifier checks them with
// the same code. Its evidence is accepted only by a policy with allowSimulated and its root key.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  type KeyObject,
  X509Certificate,
} from 'node:crypto';
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
} from '../protocol/der-writer';
import { EcarError } from '../protocol/errors';
import { concatBytes, toHex } from '../protocol/attestation/bytes';
import {
  OID_BASIC_CONSTRAINTS,
  OID_COMMON_NAME,
  OID_ECDSA_WITH_SHA256,
  OID_KEY_USAGE,
} from '../protocol/attestation/certificates';
import type { CollateralJson } from '../protocol/attestation/collateral';
import { isoSeconds } from '../protocol/attestation/json-reader';
import { OID_SGX_EXTENSION } from '../protocol/attestation/pck-extension';
import {
  ATTESTATION_KEY_TYPE_ECDSA_P256,
  CERT_DATA_PCK_CHAIN,
  INTEL_QE_VENDOR_ID,
} from '../protocol/attestation/quote';
import { SGX_REPORT_BODY_SIZE } from '../protocol/attestation/report-body';
import type { TcbStatus } from '../protocol/attestation/tcb-status';
import { developmentRoot, type TrustAnchor } from '../protocol/attestation/trust-anchors';

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
  /**
   * MRSIGNER of this development platform's enclave signer (32 random bytes standing in for the hash
   * of an SGX signing key's modulus): the simulated enclave provider quotes with it, and simulated
   * sealing keys derive from it, as SGX's MRSIGNER sealing does.
   */
  readonly enclaveSigner: Uint8Array;
  /** A quote in the SGX DCAP v3 layout, signed through the development chain. */
  quote(input: SimulatedQuoteInput): Uint8Array;
  /**
   * Collateral in the PCCS JSON shape, valid from `notBefore` for `collateralDays`.
   * `revokePckCertificate` lists the PCK leaf in the PCK CRL (for tests of revocation).
   */
  collateral(options?: { readonly revokePckCertificate?: boolean }): CollateralJson;
  /** Every key and certificate of the platform as JSON (DEVELOPMENT ONLY: it holds private keys). */
  export(): SimulatedPlatformJson;
}

/**
 * A persisted simulated platform: private keys (PKCS#8 DER, base64), certificates (DER, base64) and
 * the validity windows. DEVELOPMENT ONLY: whoever holds this file can mint "attested" evidence for
 * any enclave, which is exactly why only a policy with allowSimulated and this root key accepts it.
 */
export interface SimulatedPlatformJson {
  readonly v: 1;
  readonly kind: typeof SIMULATED_PLATFORM_KIND;
  readonly warning: string;
  /** Seconds since the epoch. */
  readonly start: number;
  readonly certificateEnd: number;
  readonly collateralEnd: number;
  readonly tcbStatus: Exclude<TcbStatus, 'Revoked'>;
  /** Hex, 32 bytes. */
  readonly enclaveSigner: string;
  readonly keys: Readonly<Record<PlatformKeyName, string>>;
  readonly certificates: Readonly<Record<PlatformCertificateName, string>>;
}

export const SIMULATED_PLATFORM_KIND = 'ecar-simulated-attestation-platform';
type PlatformCertificateName = 'root' | 'pckCa' | 'pckLeaf' | 'tcbSigner';
type PlatformKeyName = PlatformCertificateName | 'attestation';
const CERTIFICATE_NAMES: readonly PlatformCertificateName[] = ['root', 'pckCa', 'pckLeaf', 'tcbSigner'];
const SUBJECTS: Readonly<Record<PlatformCertificateName, string>> = {
  root: SIMULATED_ROOT_NAME,
  pckCa: SIMULATED_CA_NAME,
  pckLeaf: SIMULATED_PCK_NAME,
  tcbSigner: SIMULATED_TCB_SIGNER_NAME,
};

/** What a platform is made of; generated once, or restored from its JSON. */
interface PlatformMaterial {
  readonly start: number;
  readonly certificateEnd: number;
  readonly collateralEnd: number;
  readonly tcbStatus: Exclude<TcbStatus, 'Revoked'>;
  readonly enclaveSigner: Uint8Array;
  readonly certificates: Readonly<Record<PlatformCertificateName, IssuedCertificate>>;
  readonly attestationKey: Key;
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
  return platformFrom({
    start,
    certificateEnd,
    collateralEnd,
    tcbStatus,
    enclaveSigner: new Uint8Array(randomBytes(32)),
    certificates: { root, pckCa, pckLeaf, tcbSigner },
    attestationKey: newKey(),
  });
}

/**
 * Restores a platform from `SimulatedPlatform.export()` output (parsed JSON). DEVELOPMENT ONLY.
 *
 * @throws EcarError INVALID_ARGUMENT when the JSON is not a persisted simulated platform.
 */
export function restoreSimulatedPlatform(json: unknown): SimulatedPlatform {
  const fail = (why: string): never => {
    throw new EcarError('INVALID_ARGUMENT', `not a simulated attestation platform: ${why}`);
  };
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return fail('not a JSON object');
  const raw = json as Record<string, unknown>;
  if (raw.v !== 1 || raw.kind !== SIMULATED_PLATFORM_KIND) fail(`kind must be ${SIMULATED_PLATFORM_KIND} v1`);
  const seconds = (name: string): number => {
    const value = raw[name];
    return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
      ? value
      : fail(`${name} must be seconds since the epoch`);
  };
  const tcbStatus = raw.tcbStatus;
  if (typeof tcbStatus !== 'string' || tcbStatus === 'Revoked') fail('tcbStatus missing');
  if (typeof raw.enclaveSigner !== 'string' || !/^[0-9a-f]{64}$/.test(raw.enclaveSigner))
    fail('enclaveSigner must be 64 hex digits');
  const base64 = (group: unknown, name: string): Uint8Array => {
    const value = (group as Record<string, unknown> | undefined)?.[name];
    return typeof value === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(value)
      ? new Uint8Array(Buffer.from(value, 'base64'))
      : fail(`${name} must be base64`);
  };
  const restoreKey = (name: PlatformKeyName): Key => {
    try {
      return keyFrom(
        createPrivateKey({ key: Buffer.from(base64(raw.keys, name)), format: 'der', type: 'pkcs8' }),
      );
    } catch (error) {
      if (error instanceof EcarError) throw error;
      return fail(`key ${name} is not a PKCS#8 P-256 key`);
    }
  };
  const certificates = {} as Record<PlatformCertificateName, IssuedCertificate>;
  for (const name of CERTIFICATE_NAMES) {
    const der = base64(raw.certificates, name);
    certificates[name] = {
      der,
      key: restoreKey(name),
      name: distinguishedName(SUBJECTS[name]),
      serial: certificateSerial(der),
    };
  }
  return platformFrom({
    start: seconds('start'),
    certificateEnd: seconds('certificateEnd'),
    collateralEnd: seconds('collateralEnd'),
    tcbStatus: tcbStatus as Exclude<TcbStatus, 'Revoked'>,
    enclaveSigner: new Uint8Array(Buffer.from(raw.enclaveSigner as string, 'hex')),
    certificates,
    attestationKey: restoreKey('attestation'),
  });
}

function platformFrom(material: PlatformMaterial): SimulatedPlatform {
  const rootKey = material.certificates.root.key;
  return {
    trustAnchor: developmentRoot(toHex(rootKey.point), SIMULATED_ROOT_NAME),
    rootPublicKeyHex: toHex(rootKey.point),
    enclaveSigner: material.enclaveSigner,
    quote: (input) => simulatedQuote(material, input),
    collateral: (collateralOptions = {}) => simulatedCollateral(material, collateralOptions),
    export: () => exportPlatform(material),
  };
}

const pemChain = (...certs: IssuedCertificate[]): string => certs.map((c) => toPem(c.der)).join('');

/** An SGX v3 quote of the platform's attestation key over the enclave's report, with the PCK chain. */
function simulatedQuote(material: PlatformMaterial, input: SimulatedQuoteInput): Uint8Array {
  const { attestationKey } = material;
  const { root, pckCa, pckLeaf } = material.certificates;
  const pem = pemChain;
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
}

/** TCB info, QE identity, CRLs and issuer chains for the platform, signed by its TCB signer. */
function simulatedCollateral(
  material: PlatformMaterial,
  collateralOptions: { readonly revokePckCertificate?: boolean },
): CollateralJson {
  const { start, collateralEnd, tcbStatus } = material;
  const { root, pckCa, pckLeaf, tcbSigner } = material.certificates;
  const pem = pemChain;
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
}

/** The platform's keys and certificates as a file (development only). */
function exportPlatform(material: PlatformMaterial): SimulatedPlatformJson {
  const { attestationKey } = material;
  const { root, pckCa, pckLeaf, tcbSigner } = material.certificates;
  const pkcs8 = (key: Key): string =>
    key.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
  const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
  return {
    v: 1,
    kind: SIMULATED_PLATFORM_KIND,
    warning:
      'DEVELOPMENT ONLY, NOT SGX: these private keys let anyone mint simulated evidence; never trust this root in production',
    start: material.start,
    certificateEnd: material.certificateEnd,
    collateralEnd: material.collateralEnd,
    tcbStatus: material.tcbStatus,
    enclaveSigner: toHex(material.enclaveSigner),
    keys: {
      root: pkcs8(root.key),
      pckCa: pkcs8(pckCa.key),
      pckLeaf: pkcs8(pckLeaf.key),
      tcbSigner: pkcs8(tcbSigner.key),
      attestation: pkcs8(attestationKey),
    },
    certificates: {
      root: b64(root.der),
      pckCa: b64(pckCa.der),
      pckLeaf: b64(pckLeaf.der),
      tcbSigner: b64(tcbSigner.der),
    },
  };
}

function newKey(): Key {
  return keyFrom(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
}

function keyFrom(privateKey: KeyObject): Key {
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new EcarError('INVALID_ARGUMENT', 'simulated platform keys must be P-256');
  }
  const spki = new Uint8Array(createPublicKey(privateKey).export({ format: 'der', type: 'spki' }));
  return { privateKey, point: spki.subarray(spki.length - 65), spki };
}

/** The serial number of a certificate this module issued (for the PCK CRL). */
function certificateSerial(der: Uint8Array): bigint {
  try {
    return BigInt(`0x${new X509Certificate(der).serialNumber}`);
  } catch {
    throw new EcarError(
      'INVALID_ARGUMENT',
      'not a simulated attestation platform: a certificate does not parse',
    );
  }
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
