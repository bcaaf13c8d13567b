// Whether a Fabric client identity is an org administrator: with NodeOUs enabled (as cryptogen and
// Fabric CA set up the test network) an admin's certificate carries the organizational unit `admin`.
import { X509Certificate } from 'node:crypto';

export const ADMIN_NODE_OU = 'admin';

/** True when the certificate's subject has OU=admin. A certificate that does not parse is no admin. */
export function hasAdminNodeOu(certificate: string | Uint8Array): boolean {
  let subject: string;
  try {
    subject = new X509Certificate(typeof certificate === 'string' ? certificate : Buffer.from(certificate))
      .subject;
  } catch {
    return false;
  }
  return subject.split('\n').some((line) => line.trim() === `OU=${ADMIN_NODE_OU}`);
}
