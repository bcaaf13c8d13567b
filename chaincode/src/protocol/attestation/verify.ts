// The DCAP quote verifier: Intel's checks (chains to a pinned root, CRLs, signed TCB info and QE
// identity, QE report and quote signatures, TCB level) at a given time. Deterministic: the time is a
// parameter and nothing here reads a clock, so enclaves verifying with the transaction timestamp agree.
import { createHash } from 'node:crypto';
import { EcarError } from '../errors';
import { bytesEqual } from './bytes';
import { verifyChain, type VerifiedChain } from './chain';
import { parseCollateral, type Collateral } from './collateral';
import { parsePemCertificates, type Certificate } from './certificates';
import { isRevoked, sameName, verifyCrlIssuedBy } from './crl';
import { pointFromRawKey, verifyP256 } from './ecdsa';
import { parsePckExtension } from './pck-extension';
import { matchQeIdentity } from './qe-identity';
import { parseQuote, type Quote, type TeeType } from './quote';
import { matchTcb } from './tcb';
import type { IdentityTcbStatus, TcbStatus } from './tcb-status';
import { INTEL_SGX_ROOT_CA, type TrustAnchor } from './trust-anchors';
import { checkValidity, type ValidityWindow } from './validity';

export interface VerifyQuoteOptions {
  /**
   * The time to verify at: the transaction timestamp inside chaincode, the current time in a client.
   * Compared in whole seconds; a window's bounds are inclusive.
   */
  readonly at: Date;
  /** Roots the chains may end at (pinned by key). Default: the Intel SGX Root CA only. */
  readonly trustAnchors?: readonly TrustAnchor[];
}

/** What a quote proves once Intel's checks passed. The policy decides whether that is acceptable. */
export interface VerifiedQuote {
  readonly teeType: TeeType;
  readonly quoteVersion: number;
  /** Combined TCB status (platform level, TDX module, QE), as Intel's QVL computes it. */
  readonly tcbStatus: TcbStatus;
  /** Advisory ids of every TCB level that contributed. */
  readonly advisoryIds: readonly string[];
  /** SGX DEBUG attribute / TDX TUD.DEBUG: a debuggable enclave has no confidentiality. */
  readonly debug: boolean;
  /** MRENCLAVE (SGX, 32 bytes) or MRTD (TDX, 48 bytes). */
  readonly measurement: Uint8Array;
  /** MRSIGNER (SGX); undefined for TDX. */
  readonly mrSigner: Uint8Array | undefined;
  /** ISVPRODID (SGX); undefined for TDX. */
  readonly productId: number | undefined;
  /** ISVSVN (SGX); undefined for TDX. */
  readonly svn: number | undefined;
  /** The 64 bytes the enclave bound into its report. */
  readonly reportData: Uint8Array;
  /** Platform FMSPC and PCE id (upper-case hex). */
  readonly fmspc: string;
  readonly pceId: string;
  readonly tcbDate: string;
  readonly platformTcbStatus: TcbStatus;
  readonly qeTcbStatus: IdentityTcbStatus;
  readonly tdxModuleTcbStatus: IdentityTcbStatus | undefined;
  readonly collateral: {
    /** The latest start of any certificate, CRL, TCB info or QE identity window used. */
    readonly validFrom: Date;
    /** The earliest expiry among them: verification at a later time fails. */
    readonly validUntil: Date;
    readonly expiresFirst: string;
    readonly tcbEvaluationDataNumber: number;
  };
  readonly trustAnchor: { readonly name: string; readonly simulated: boolean };
  /** TDX-only measurements. */
  readonly tdx:
    | {
        readonly mrSeam: Uint8Array;
        readonly mrSignerSeam: Uint8Array;
        readonly tdAttributes: Uint8Array;
        readonly xfam: Uint8Array;
        readonly mrConfigId: Uint8Array;
        readonly mrOwner: Uint8Array;
        readonly mrOwnerConfig: Uint8Array;
        readonly rtmrs: readonly Uint8Array[];
        readonly teeTcbSvn: Uint8Array;
      }
    | undefined;
}

/**
 * Verifies a DCAP quote (SGX v3, TDX v4) with its collateral at the given time. The collateral is a
 * parsed `Collateral`, its JSON text, or its parsed JSON value (see `parseCollateral`).
 *
 * @example
 * const verified = verifyQuote(quoteBytes, collateralJsonText, { at: txTimestamp });
 * if (verified.debug) throw ...; // or: appraise(verified, policy)
 * @throws EcarError ATTESTATION_FORMAT_INVALID (quote), ATTESTATION_COLLATERAL_INVALID (collateral
 *   malformed or for another platform / TEE type), ATTESTATION_CHAIN_INVALID, ATTESTATION_REVOKED,
 *   ATTESTATION_SIGNATURE_INVALID, ATTESTATION_COLLATERAL_EXPIRED, ATTESTATION_TCB_REJECTED.
 */
export function verifyQuote(
  quote: Uint8Array | Quote,
  collateral: unknown,
  options: VerifyQuoteOptions,
): VerifiedQuote {
  const at = Math.floor(options.at.getTime() / 1000);
  if (!Number.isFinite(at)) throw new EcarError('INVALID_ARGUMENT', 'verification time is not a valid date');
  const anchors = options.trustAnchors ?? [INTEL_SGX_ROOT_CA];
  const parsedQuote = quote instanceof Uint8Array ? parseQuote(quote) : quote;
  const parsedCollateral = isParsedCollateral(collateral) ? collateral : parseCollateral(collateral);
  const { header, body, signature } = parsedQuote;
  const { tcbInfo, qeIdentity } = parsedCollateral;

  // 1. The PCK certificate and what it says about the platform.
  const pckCertificates = parsePemCertificates(
    signature.pckChainPem,
    'ATTESTATION_FORMAT_INVALID',
    'PCK certificate chain',
  );
  const pck = parsePckExtension(pckCertificates[0] as Certificate);

  // 2. The collateral must be for this platform and TEE type.
  checkCollateralApplies(header.teeType, pck.fmspc, pck.pceId, parsedCollateral);

  // 3. Every chain ends at the same pinned root.
  const chains = verifyChains(pckCertificates, parsedCollateral, anchors);
  const [pckChain] = chains;

  // 4. CRLs: signed by the root and by the PCK leaf's CA; nothing used is revoked.
  verifyCrls(chains, parsedCollateral);

  // 5. Signed collateral: TCB info and QE identity over their exact JSON text.
  verifyCollateralSignatures(chains, parsedCollateral);

  // 6. Everything is inside its validity window at the given time.
  const validity = checkValidity(validityWindows(chains, parsedCollateral), at);

  // 7. The quoting enclave: its report signed by the PCK key, binding the attestation key.
  verifyQeReport(parsedQuote, pckChain);

  // 8. The quote itself, signed by the attestation key.
  verifyQuoteSignature(parsedQuote);

  // 9. Which QE and which TCB level: the statuses.
  const qeTcb = matchQeIdentity(signature.qeReport, qeIdentity);
  const tcb = matchTcb(tcbInfo, pck, body.teeType === 'TDX' ? body.report : undefined, qeTcb);
  if (tcb.status === 'Revoked') {
    throw new EcarError(
      'ATTESTATION_REVOKED',
      `the platform TCB is revoked (advisories ${tcb.advisoryIds.join(', ') || 'none'})`,
      {
        item: 'tcb',
      },
    );
  }
  return {
    teeType: header.teeType,
    quoteVersion: header.version,
    tcbStatus: tcb.status,
    advisoryIds: tcb.advisoryIds,
    debug: body.report.debug,
    ...measurementsOf(parsedQuote),
    reportData: body.report.reportData,
    fmspc: pck.fmspc,
    pceId: pck.pceId,
    tcbDate: tcb.tcbDate,
    platformTcbStatus: tcb.platformStatus,
    qeTcbStatus: qeTcb.status,
    tdxModuleTcbStatus: tcb.tdxModule?.status,
    collateral: {
      validFrom: new Date(validity.validFrom * 1000),
      validUntil: new Date(validity.validUntil * 1000),
      expiresFirst: validity.expiresFirst,
      tcbEvaluationDataNumber: Math.min(tcbInfo.tcbEvaluationDataNumber, qeIdentity.tcbEvaluationDataNumber),
    },
    trustAnchor: { name: pckChain.anchor.name, simulated: pckChain.anchor.simulated },
  };
}

type Chains = readonly [pck: VerifiedChain, crlIssuer: VerifiedChain, tcb: VerifiedChain, qe: VerifiedChain];

/** Step 3: the PCK chain and the three collateral issuer chains, all to the same pinned root. */
function verifyChains(
  pckCertificates: readonly Certificate[],
  collateral: Collateral,
  anchors: readonly TrustAnchor[],
): Chains {
  const chains: Chains = [
    verifyChain(pckCertificates, anchors, 'PCK certificate chain', 3),
    verifyChain(collateral.pckCrlIssuerChain, anchors, 'PCK CRL issuer chain', 2),
    verifyChain(collateral.tcbInfoIssuerChain, anchors, 'TCB info issuer chain', 2),
    verifyChain(collateral.qeIdentityIssuerChain, anchors, 'QE identity issuer chain', 2),
  ];
  if (chains.some((c) => c.anchor !== chains[0].anchor)) {
    throw new EcarError('ATTESTATION_CHAIN_INVALID', 'the quote and its collateral chain to different roots');
  }
  return chains;
}

/** Step 4: the root CRL by the root, the PCK CRL by the PCK leaf's issuer; nothing used is revoked. */
function verifyCrls(chains: Chains, collateral: Collateral): void {
  const [pckChain, crlIssuerChain] = chains;
  verifyCrlIssuedBy(collateral.rootCaCrl, pckChain.root, 'root CA CRL');
  if (!bytesEqual(crlIssuerChain.leaf.publicKey, pckChain.leafIssuer.publicKey)) {
    throw new EcarError(
      'ATTESTATION_COLLATERAL_INVALID',
      `the PCK CRL issuer chain is for "${crlIssuerChain.leaf.subject.commonName}", the PCK certificate was issued by "${pckChain.leafIssuer.subject.commonName}"`,
      { item: 'PCK CRL' },
    );
  }
  verifyCrlIssuedBy(collateral.pckCrl, pckChain.leafIssuer, 'PCK CRL');
  checkNotRevoked(chains, pckChain, collateral);
}

/** Step 5: TCB info and QE identity signed by their issuers over their exact JSON text. */
function verifyCollateralSignatures(chains: Chains, collateral: Collateral): void {
  const [, , tcbChain, qeChain] = chains;
  const signed = [
    [tcbChain, collateral.tcbInfoText, collateral.tcbInfoSignature, 'TCB info', 'tcb_info'],
    [qeChain, collateral.qeIdentityText, collateral.qeIdentitySignature, 'QE identity', 'qe_identity'],
  ] as const;
  for (const [chain, text, signatureBytes, what, item] of signed) {
    if (!verifyP256(chain.leaf.publicKey, Buffer.from(text, 'utf8'), signatureBytes, 'p1363')) {
      throw new EcarError('ATTESTATION_SIGNATURE_INVALID', `${what} signature does not verify`, { item });
    }
  }
}

/** Step 7: the QE report signed by the PCK key, its report data binding the attestation key. */
function verifyQeReport(quote: Quote, pckChain: VerifiedChain): void {
  const { signature } = quote;
  if (!verifyP256(pckChain.leaf.publicKey, signature.qeReport.raw, signature.qeReportSignature, 'p1363')) {
    throw new EcarError(
      'ATTESTATION_SIGNATURE_INVALID',
      'QE report signature does not verify with the PCK certificate key',
      {
        item: 'qe_report',
      },
    );
  }
  const binding = createHash('sha256').update(signature.attestationKey).update(signature.qeAuthData).digest();
  if (!bytesEqual(binding, signature.qeReport.reportData.subarray(0, 32))) {
    throw new EcarError(
      'ATTESTATION_SIGNATURE_INVALID',
      'QE report data does not bind the attestation key and QE auth data',
      {
        item: 'qe_report_data',
      },
    );
  }
}

/** Step 8: the quote signed by the attestation key. */
function verifyQuoteSignature(quote: Quote): void {
  const { signature } = quote;
  if (
    !verifyP256(
      pointFromRawKey(signature.attestationKey),
      quote.signedBytes,
      signature.quoteSignature,
      'p1363',
    )
  ) {
    throw new EcarError(
      'ATTESTATION_SIGNATURE_INVALID',
      'quote signature does not verify with the attestation key',
      {
        item: 'quote',
      },
    );
  }
}

/** The enclave's measurement and identity (SGX) or the TD's measurements (TDX). */
function measurementsOf(
  quote: Quote,
): Pick<VerifiedQuote, 'measurement' | 'mrSigner' | 'productId' | 'svn' | 'tdx'> {
  const { body } = quote;
  if (body.teeType === 'SGX') {
    const sgx = body.report;
    return {
      measurement: sgx.mrEnclave,
      mrSigner: sgx.mrSigner,
      productId: sgx.isvProdId,
      svn: sgx.isvSvn,
      tdx: undefined,
    };
  }
  const td = body.report;
  return {
    measurement: td.mrTd,
    mrSigner: undefined,
    productId: undefined,
    svn: undefined,
    tdx: {
      mrSeam: td.mrSeam,
      mrSignerSeam: td.mrSignerSeam,
      tdAttributes: td.tdAttributes,
      xfam: td.xfam,
      mrConfigId: td.mrConfigId,
      mrOwner: td.mrOwner,
      mrOwnerConfig: td.mrOwnerConfig,
      rtmrs: td.rtmrs,
      teeTcbSvn: td.teeTcbSvn,
    },
  };
}

function isParsedCollateral(value: unknown): value is Collateral {
  return typeof value === 'object' && value !== null && 'tcbInfoText' in value && 'rootCaCrl' in value;
}

/** TEE type, FMSPC and PCE id of the collateral must be the quote's. */
function checkCollateralApplies(
  teeType: TeeType,
  fmspc: string,
  pceId: string,
  collateral: Collateral,
): void {
  const mismatch = (why: string, check: string): never => {
    throw new EcarError(
      'ATTESTATION_COLLATERAL_INVALID',
      `collateral is for another platform / TEE type: ${why}`,
      {
        check,
      },
    );
  };
  const { tcbInfo, qeIdentity } = collateral;
  if (tcbInfo.id !== teeType || (teeType === 'TDX' && tcbInfo.version < 3)) {
    mismatch(
      `the TCB info is for ${tcbInfo.id} (version ${tcbInfo.version}), the quote is ${teeType === 'SGX' ? 'an' : 'a'} ${teeType} quote`,
      'tee-type',
    );
  }
  const expectedQe = teeType === 'SGX' ? 'QE' : 'TD_QE';
  if (qeIdentity.id !== expectedQe) {
    mismatch(
      `the QE identity is "${qeIdentity.id}", a ${teeType} quote needs "${expectedQe}"`,
      'qe-identity-id',
    );
  }
  if (tcbInfo.fmspc !== fmspc) {
    mismatch(
      `the TCB info is for FMSPC ${tcbInfo.fmspc}, the PCK certificate is for FMSPC ${fmspc}`,
      'fmspc',
    );
  }
  if (tcbInfo.pceId !== pceId) {
    mismatch(
      `the TCB info is for PCE id ${tcbInfo.pceId}, the PCK certificate has PCE id ${pceId}`,
      'pce-id',
    );
  }
}

/** The root CRL revokes CA and signing certificates issued by the root; the PCK CRL the PCK leaf. */
function checkNotRevoked(
  chains: readonly VerifiedChain[],
  pckChain: VerifiedChain,
  collateral: Collateral,
): void {
  const revoked = (certificate: Certificate, crl: string): never => {
    throw new EcarError(
      'ATTESTATION_REVOKED',
      `certificate "${certificate.subject.commonName}" is revoked by the ${crl}`,
      {
        serial: certificate.serialNumber.toString(16),
        crl,
      },
    );
  };
  for (const chain of chains) {
    for (const certificate of chain.certificates) {
      if (sameName(certificate.issuer, chain.root.subject) && isRevoked(collateral.rootCaCrl, certificate)) {
        revoked(certificate, 'root CA CRL');
      }
    }
  }
  if (isRevoked(collateral.pckCrl, pckChain.leaf)) revoked(pckChain.leaf, 'PCK CRL');
}

function validityWindows(chains: readonly VerifiedChain[], collateral: Collateral): ValidityWindow[] {
  const windows = new Map<string, ValidityWindow>();
  for (const chain of chains) {
    for (const c of chain.certificates) {
      const item = `certificate "${c.subject.commonName}" (serial ${c.serialNumber.toString(16)})`;
      windows.set(item, { item, notBefore: c.notBefore, notAfter: c.notAfter });
    }
  }
  const { rootCaCrl, pckCrl, tcbInfo, qeIdentity } = collateral;
  return [
    ...windows.values(),
    { item: 'root CA CRL', notBefore: rootCaCrl.thisUpdate, notAfter: rootCaCrl.nextUpdate },
    { item: 'PCK CRL', notBefore: pckCrl.thisUpdate, notAfter: pckCrl.nextUpdate },
    { item: 'TCB info', notBefore: tcbInfo.issueDate, notAfter: tcbInfo.nextUpdate },
    { item: 'QE identity', notBefore: qeIdentity.issueDate, notAfter: qeIdentity.nextUpdate },
  ];
}
