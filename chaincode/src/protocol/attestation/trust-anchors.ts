// The roots a DCAP chain may end at, pinned by public key (Intel re-issued its root certificate with
// the same key, so certificate bytes are not a stable pin).
import { fromHex } from './bytes';
import { P256_POINT_SIZE } from './ecdsa';

export interface TrustAnchor {
  /** For messages and results, e.g. "Intel SGX Root CA". */
  readonly name: string;
  /** Uncompressed P-256 point (65 bytes). */
  readonly publicKey: Uint8Array;
  /**
   * true for a development root of the `simulated` enclave provider: evidence chained to it proves
   * nothing about hardware, and the policy accepts it only with `allowSimulated`.
   */
  readonly simulated: boolean;
}

/** Intel SGX Root CA public key (CN=Intel SGX Root CA, O=Intel Corporation, C=US). */
export const INTEL_SGX_ROOT_CA: TrustAnchor = Object.freeze({
  name: 'Intel SGX Root CA',
  publicKey: fromHex(
    '040ba9c4c0c0c86193a3fe23d6b02cda10a8bbd4e88e48b4458561a36e705525f5' +
      '67918e2edc88e40d860bd0cc4ee26aacc988e505a953558c453f6b0904ae7394',
    'Intel SGX Root CA key',
    'INTERNAL',
    P256_POINT_SIZE,
  ),
  simulated: false,
});

/** A development root for simulated enclaves, from its public key (hex of the 65-byte point). */
export function developmentRoot(
  publicKeyHex: string,
  name = 'ecar development root (simulated, NOT SGX)',
): TrustAnchor {
  return Object.freeze({
    name,
    publicKey: fromHex(publicKeyHex, 'development root public key', 'INVALID_ARGUMENT', P256_POINT_SIZE),
    simulated: true,
  });
}
