// The development attestation provider: quotes through the persisted simulated platform (a local
// development root, NOT SGX), with MRENCLAVE = the measurement of the built chaincode and MRSIGNER
// = the platform's development signer. Accepted only by a policy with allowSimulated and that root.
import { SIMULATED_ENCLAVE_PRODUCT_ID, SIMULATED_ENCLAVE_SVN } from './simulated-platform-file';
import type { SimulatedPlatform } from './simulated-platform';
import type { AttestationProvider, ProviderEvidence } from './attestation-provider';

export interface SimulatedProviderOptions {
  readonly platform: SimulatedPlatform;
  /** 32 bytes: chaincodeMeasurement(codeRoot) as bytes. */
  readonly measurement: Uint8Array;
  /** Quote with the DEBUG attribute (ECAR_SIMULATED_DEBUG=1; tests of the debug refusal). */
  readonly debug: boolean;
}

export function simulatedProvider(options: Readonly<SimulatedProviderOptions>): AttestationProvider {
  const { platform, measurement, debug } = options;
  return {
    name: 'simulated',
    evidence(reportData: Uint8Array): ProviderEvidence {
      const quote = platform.quote({
        measurement,
        reportData,
        mrSigner: platform.enclaveSigner,
        productId: SIMULATED_ENCLAVE_PRODUCT_ID,
        svn: SIMULATED_ENCLAVE_SVN,
        debug,
      });
      return { provider: 'simulated', quote, collateral: JSON.stringify(platform.collateral()) };
    },
  };
}
