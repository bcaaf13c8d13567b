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
  const pckChain = verifyChain(pckCertificates, anchors, 'PCK certificate chain', 3);
  const chains = [
    pckChain,
    verifyChain(parsedCollateral.pckCrlIssuerChain, anchors, 'PCK CRL issuer chain', 2),
    verifyChain(parsedCollateral.tcbInfoIssuerChain, anchors, 'TCB info issuer chain', 2),
    verifyChain(parsedCollateral.qeIdentityIssuerChain, anchors, 'QE identity issuer chain', 2),
  ];
  const anchor = pckChain.anchor;
  if (chains.some((c) => c.anchor !== anchor)) {
    throw new EcarError('ATTESTATION_CHAIN_INVALID', 'the quote and its collateral chain to different roots');
  }
  const [, crlIssuerChain, tcbChain, qeChain] = chains as [
    VerifiedChain,
    VerifiedChain,
    VerifiedChain,
    VerifiedChain,
  ];

  // 4. CRLs: signed by the root and by the PCK leaf's CA; nothing used is revoked.
  verifyCrlIssuedBy(parsedCollateral.rootCaCrl, pckChain.root, 'root CA CRL');
  if (!bytesEqual(crlIssuerChain.leaf.publicKey, pckChain.leafIssuer.publicKey)) {
    throw new EcarError(
      'ATTESTATION_COLLATERAL_INVALID',
      `the PCK CRL issuer chain is for "${crlIssuerChain.leaf.subject.commonName}", the PCK certificate was issued by "${pckChain.leafIssuer.subject.commonName}"`,
      { item: 'PCK CRL' },
    );
  }
  verifyCrlIssuedBy(parsedCollateral.pckCrl, pckChain.leafIssuer, 'PCK CRL');
  checkNotRevoked(chains, pckChain, parsedCollateral);

  // 5. Signed collateral: TCB info and QE identity over their exact JSON text.
  if (
    !verifyP256(
      tcbChain.leaf.publicKey,
      Buffer.from(parsedCollateral.tcbInfoText, 'utf8'),
      parsedCollateral.tcbInfoSignature,
      'p1363',
    )
  ) {
    throw new EcarError('ATTESTATION_SIGNATURE_INVALID', 'TCB info signature does not verify', {
      item: 'tcb_info',
    });
  }
  if (
    !verifyP256(
      qeChain.leaf.publicKey,
      Buffer.from(parsedCollateral.qeIdentityText, 'utf8'),
      parsedCollateral.qeIdentitySignature,
      'p1363',
    )
  ) {
    throw new EcarError('ATTESTATION_SIGNATURE_INVALID', 'QE identity signature does not verify', {
      item: 'qe_identity',
    });
  }

  // 6. Everything is inside its validity window at the given time.
  const validity = checkValidity(validityWindows(chains, parsedCollateral), at);

  // 7. The quoting enclave: its report signed by the PCK key, binding the attestation key.
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

  // 8. The quote itself, signed by the attestation key.
  if (
    !verifyP256(
      pointFromRawKey(signature.attestationKey),
      parsedQuote.signedBytes,
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

  const sgx = body.teeType === 'SGX' ? body.report : undefined;
  const td = body.teeType === 'TDX' ? body.report : undefined;
  return {
    teeType: header.teeType,
    quoteVersion: header.version,
    tcbStatus: tcb.status,
    advisoryIds: tcb.advisoryIds,
    debug: body.report.debug,
    measurement: sgx ? sgx.mrEnclave : (td as NonNullable<typeof td>).mrTd,
    mrSigner: sgx?.mrSigner,
    productId: sgx?.isvProdId,
    svn: sgx?.isvSvn,
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
    trustAnchor: { name: anchor.name, simulated: anchor.simulated },
    tdx: td && {
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
