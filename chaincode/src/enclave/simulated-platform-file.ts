// DEVELOPMENT ONLY: the simulated attestation platform persisted as one JSON file, so the network's
// enclaves (one process per org, restarted at will) all quote through the same development root and
// a development policy can pin that root. The file holds private keys that mint "attested" evidence:
// it must never exist on a production host, and no production policy trusts its root.
import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { EcarError } from '../protocol/errors';
import { toHex } from '../protocol/attestation/bytes';
import { DEFAULT_POLICY, requirePinnedPolicy, type AttestationPolicy } from '../protocol/attestation/policy';
import {
  createSimulatedPlatform,
  restoreSimulatedPlatform,
  type SimulatedPlatform,
} from './simulated-platform';

/** ISVPRODID and ISVSVN the simulated enclave provider quotes with (the development policy pins them). */
export const SIMULATED_ENCLAVE_PRODUCT_ID = 1;
export const SIMULATED_ENCLAVE_SVN = 1;

const DAY_MS = 86_400_000;

export interface DevelopmentPlatformOptions {
  /** How long the certificates and the collateral stay valid, in days (1..3650). */
  readonly validDays: number;
  /** When the platform is made; default the current time. Its windows start one day earlier (clock skew). */
  readonly now?: Date;
}

/**
 * Generates a new development platform and writes it to `file` (mode 0600, atomically: a temporary
 * file renamed over the target). Call once at network set-up; every enclave of that network loads
 * the same file (ECAR_SIMULATED_PLATFORM). DEVELOPMENT ONLY.
 *
 * @example
 * const platform = createDevelopmentPlatform('.state/network/enclave/development-platform.json', { validDays: 365 });
 * const policy = developmentPolicy(platform); // allowSimulated + this root + this signer
 * const pinned = developmentPolicy(platform, { measurements: [chaincodeMeasurement(root)] });
 * @throws EcarError INVALID_ARGUMENT when validDays is out of range.
 */
export function createDevelopmentPlatform(
  file: string,
  options: DevelopmentPlatformOptions,
): SimulatedPlatform {
  const { validDays } = options;
  if (!Number.isInteger(validDays) || validDays < 1 || validDays > 3650) {
    throw new EcarError('INVALID_ARGUMENT', 'validDays must be a whole number of days from 1 to 3650');
  }
  const now = options.now ?? new Date();
  const platform = createSimulatedPlatform({
    notBefore: new Date(now.getTime() - DAY_MS),
    collateralDays: validDays + 1,
    certificateDays: validDays + 1,
  });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(platform.export(), null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
  return platform;
}

/**
 * Loads a platform written by `createDevelopmentPlatform`. DEVELOPMENT ONLY.
 *
 * @throws EcarError INVALID_ARGUMENT when the file is missing or is not a platform file.
 */
export function loadDevelopmentPlatform(file: string): SimulatedPlatform {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new EcarError(
      'INVALID_ARGUMENT',
      `the simulated attestation platform file '${file}' cannot be read: create it with createDevelopmentPlatform (network set-up)`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new EcarError('INVALID_ARGUMENT', `the simulated attestation platform file '${file}' is not JSON`);
  }
  return restoreSimulatedPlatform(json);
}

/**
 * The attestation policy a development network runs under: the default policy plus allowSimulated
 * with this platform's root, pinned to enclaves signed by its development signer (MRSIGNER, product
 * id 1, SVN >= 1: any build of this network's chaincode, as upgrades need). Give `measurements` to
 * pin exact builds instead (the signer rule is then dropped unless `signers` is given too). Either way
 * the policy pins the code, as requirePinnedPolicy demands. DEVELOPMENT ONLY.
 */
export function developmentPolicy(
  platform: SimulatedPlatform,
  overrides: Partial<AttestationPolicy> = {},
): AttestationPolicy {
  const signers =
    overrides.measurements !== undefined && overrides.measurements.length > 0
      ? []
      : [
          {
            mrSigner: toHex(platform.enclaveSigner),
            productId: SIMULATED_ENCLAVE_PRODUCT_ID,
            minSvn: SIMULATED_ENCLAVE_SVN,
          },
        ];
  return requirePinnedPolicy({
    ...DEFAULT_POLICY,
    allowSimulated: true,
    simulatedRootKeys: [platform.rootPublicKeyHex],
    signers,
    ...overrides,
  });
}
