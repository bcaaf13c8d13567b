// Certificate path checks for the DCAP chains (PCK, PCK CRL issuer, TCB signing, QE identity signing):
// names link, every issuer is a CA that may sign certificates, every signature verifies, and the chain
// ends at a pinned root key. Validity periods are checked separately, against the verification time.
import { EcarError } from '../errors';
import { bytesEqual } from './bytes';
import type { Certificate } from './certificates';
import { sameName } from './crl';
import { verifyP256 } from './ecdsa';
import type { TrustAnchor } from './trust-anchors';

export interface VerifiedChain {
  readonly leaf: Certificate;
  /** The certificate that issued the leaf (the leaf's CA). */
  readonly leafIssuer: Certificate;
  readonly root: Certificate;
  /** The certificates, leaf first, as given. */
  readonly certificates: readonly Certificate[];
  readonly anchor: TrustAnchor;
}

const CODE = 'ATTESTATION_CHAIN_INVALID';

/**
 * Verifies a chain given leaf first, ending with a self-issued root certificate whose public key is a
 * trust anchor's key (the root's self-signature is not needed: its key is the pin).
 *
 * @param length the exact number of certificates the chain must have (3 for PCK: leaf, CA, root;
 *   2 for the collateral signing chains), so a certificate cannot act outside its level.
 * @throws EcarError ATTESTATION_CHAIN_INVALID naming the failing link.
 */
export function verifyChain(
  certificates: readonly Certificate[],
  anchors: readonly TrustAnchor[],
  what: string,
  length: number,
): VerifiedChain {
  const fail = (why: string): never => {
    throw new EcarError(CODE, `${what}: ${why}`, { chain: what });
  };
  if (certificates.length !== length) fail(`has ${certificates.length} certificates, ${length} expected`);
  const leaf = certificates[0] as Certificate;
  const root = certificates[length - 1] as Certificate;
  const anchor =
    anchors.find((a) => bytesEqual(a.publicKey, root.publicKey)) ??
    fail(
      `does not end at a trusted root ("${root.subject.commonName}" is not a pinned key)${
        /NOT SGX/.test(root.subject.commonName)
          ? ': simulated evidence is trusted only by a policy with allowSimulated and this root key'
          : ''
      }`,
    );
  if (!sameName(root.issuer, root.subject)) fail(`root "${root.subject.commonName}" is not self-issued`);
  for (let i = 0; i + 1 < length; i++) {
    const child = certificates[i] as Certificate;
    const parent = certificates[i + 1] as Certificate;
    const link = `"${child.subject.commonName}" issued by "${parent.subject.commonName}"`;
    if (!sameName(child.issuer, parent.subject)) fail(`${link}: issuer name does not match`);
    if (!parent.isCa) fail(`${link}: the issuer is not a CA`);
    if (parent.keyUsage && !parent.keyUsage.keyCertSign)
      fail(`${link}: the issuer may not sign certificates`);
    if (!verifyP256(parent.publicKey, child.tbs, child.signature, 'der'))
      fail(`${link}: signature does not verify`);
  }
  return { leaf, leafIssuer: certificates[1] as Certificate, root, certificates, anchor };
}
