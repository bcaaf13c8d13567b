// X.509 CRLs (Intel root CA CRL and PCK CA CRL): parsed from DER with the project's reader because
// Node has no CRL API; the signature is checked over the exact TBSCertList bytes.
import { EcarError } from '../errors';
import {
  derBitStringBytes,
  derChildren,
  DerTag,
  derTime,
  derUnsignedInteger,
  expectTag,
  readDerExact,
} from '../der';
import { checkEcdsaSha256, parseName, type Certificate, type DistinguishedName } from './certificates';
import { verifyP256 } from './ecdsa';

export interface Crl {
  readonly raw: Uint8Array;
  /** TBSCertList, exactly as signed. */
  readonly tbs: Uint8Array;
  readonly issuer: DistinguishedName;
  /** thisUpdate / nextUpdate in whole seconds since the Unix epoch. */
  readonly thisUpdate: number;
  readonly nextUpdate: number;
  readonly revokedSerials: ReadonlySet<bigint>;
  /** ECDSA-Sig-Value DER. */
  readonly signature: Uint8Array;
}

const CODE = 'ATTESTATION_COLLATERAL_INVALID';

/** Parses a DER CRL; `what` names it in errors ("PCK CRL"). */
export function parseCrl(der: Uint8Array, what: string): Crl {
  const fail = (why: string): never => {
    throw new EcarError(CODE, `${what}: ${why}`, { item: what });
  };
  const list = expectTag(readDerExact(der, CODE), DerTag.SEQUENCE, 'CertificateList', CODE);
  const [tbsNode, algorithm, signatureValue, ...extra] = derChildren(list, CODE);
  if (!tbsNode || !algorithm || !signatureValue || extra.length > 0) return fail('not a CertificateList');
  checkEcdsaSha256(algorithm, CODE, what);
  const tbs = expectTag(tbsNode, DerTag.SEQUENCE, 'TBSCertList', CODE);
  const fields = derChildren(tbs, CODE);
  let index = 0;
  if (fields[0]?.tag === DerTag.INTEGER) index++; // version v2
  checkEcdsaSha256(expectTag(fields[index++], DerTag.SEQUENCE, 'signature', CODE), CODE, what);
  const issuer = parseName(expectTag(fields[index++], DerTag.SEQUENCE, 'issuer', CODE), CODE);
  const thisUpdate = derTime(fields[index++] ?? fail('thisUpdate missing'), CODE);
  const next = fields[index];
  if (next?.tag !== DerTag.UTC_TIME && next?.tag !== DerTag.GENERALIZED_TIME)
    return fail('nextUpdate missing');
  const nextUpdate = derTime(next, CODE);
  index++;
  const revokedSerials = new Set<bigint>();
  const revoked = fields[index];
  if (revoked?.tag === DerTag.SEQUENCE) {
    for (const entry of derChildren(revoked, CODE)) {
      const [serial] = derChildren(expectTag(entry, DerTag.SEQUENCE, 'revoked entry', CODE), CODE);
      revokedSerials.add(derUnsignedInteger(expectTag(serial, DerTag.INTEGER, 'revoked serial', CODE)));
    }
  }
  return {
    raw: der,
    tbs: tbs.raw,
    issuer,
    thisUpdate,
    nextUpdate,
    revokedSerials,
    signature: derBitStringBytes(signatureValue, CODE),
  };
}

/**
 * Checks the CRL was issued by `issuer`: same name, a CA allowed to sign CRLs, and a valid signature.
 *
 * @throws EcarError ATTESTATION_COLLATERAL_INVALID when it belongs to another CA,
 *   ATTESTATION_SIGNATURE_INVALID when the signature does not verify.
 */
export function verifyCrlIssuedBy(crl: Crl, issuer: Certificate, what: string): void {
  if (!sameName(crl.issuer, issuer.subject)) {
    throw new EcarError(
      CODE,
      `${what} is issued by "${crl.issuer.commonName}", not by "${issuer.subject.commonName}"`,
      { item: what },
    );
  }
  if (issuer.keyUsage && !issuer.keyUsage.cRLSign) {
    throw new EcarError(CODE, `${what}: "${issuer.subject.commonName}" may not sign CRLs`, { item: what });
  }
  if (!verifyP256(issuer.publicKey, crl.tbs, crl.signature, 'der')) {
    throw new EcarError('ATTESTATION_SIGNATURE_INVALID', `${what} signature does not verify`, { item: what });
  }
}

/** True when the CRL lists the certificate's serial number. */
export function isRevoked(crl: Crl, certificate: Certificate): boolean {
  return crl.revokedSerials.has(certificate.serialNumber);
}

export function sameName(a: DistinguishedName, b: DistinguishedName): boolean {
  return Buffer.compare(a.raw, b.raw) === 0;
}
