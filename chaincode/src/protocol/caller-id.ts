// The caller id of a Fabric client identity: short, stable, usable as an account id in state keys.
// Free of Fabric imports so the client can compute its own id offline with the same code.
import { createHash, X509Certificate } from 'node:crypto';
import { X509_CALLER_PREFIX } from './account-id';
import { EcarError } from './errors';

export { X509_CALLER_PREFIX };

/** Printable, `/`-free, at most 200 characters: what a caller id may look like (it becomes part of state keys). */
export const CALLER_ID_PATTERN = /^[A-Za-z0-9._:@+=-]{1,200}$/;

/**
 * `x509:` + base64url(SHA-256(utf8(mspId) || 0x0a || certificate DER)), 48 characters.
 *
 * Why these inputs: the MSP id separates two orgs whose CAs issued the same bytes; the DER (not
 * the PEM text) makes the id independent of line endings and armour formatting, so the peer and a
 * client reading the same certificate file always agree. The full 256-bit digest is kept: at 43
 * characters it is already short, and truncating would only weaken collision resistance. The id
 * changes when the certificate is re-issued (a new enrolment is a new account, by design: the
 * ledger never trusts a subject name alone).
 *
 * @throws EcarError FORBIDDEN when the identity bytes are not one PEM or DER X.509 certificate.
 */
export function fabricCallerId(mspId: string, certificate: string | Uint8Array): string {
  let der: Buffer;
  try {
    der = new X509Certificate(typeof certificate === 'string' ? certificate : Buffer.from(certificate)).raw;
  } catch {
    throw new EcarError('FORBIDDEN', 'the client identity is not an X.509 certificate');
  }
  if (mspId.length === 0 || mspId.length > 128 || mspId.includes('\n')) {
    throw new EcarError('FORBIDDEN', 'the client identity has no usable MSP id');
  }
  const digest = createHash('sha256').update(mspId, 'utf8').update('\n', 'utf8').update(der).digest();
  const id = `${X509_CALLER_PREFIX}${digest.toString('base64url')}`;
  if (!CALLER_ID_PATTERN.test(id)) throw new EcarError('INTERNAL', 'derived caller id has an invalid form');
  return id;
}
