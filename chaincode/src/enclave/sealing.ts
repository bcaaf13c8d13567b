// Sealing: bytes encrypted with a key only this enclave build on this platform can derive (SGX
// MRENCLAVE sealing), so a restarted enclave of the same measurement reads its own files and nothing
// else can: not another build signed by the same org (never attested, never in the policy), not
// another host. An upgraded build starts with a new identity and receives the chaincode keys through
// attested sharing. Files are written atomically into the enclave's folder.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import {
  hmacSha256,
  NONCE_BYTES,
  randomBytes,
  secretOpen,
  secretSeal,
} from '../protocol/confidential/primitives';
import { EcarError } from '../protocol/errors';

const SEAL_DOMAIN = 'ecar/seal/mrenclave/v1';
const FILE_KEY_DOMAIN = 'ecar/seal/file/v1\n';
const MAGIC = Buffer.from('ECS1', 'ascii');

/** Seals and unseals bytes under a label (a file's purpose): a sealed blob opens only under its label. */
export interface Sealer {
  seal(label: string, plaintext: Uint8Array): Uint8Array;
  /** @throws SealError when the blob was sealed by another measurement, platform or label, or altered. */
  unseal(label: string, sealed: Uint8Array): Uint8Array;
}

/**
 * A sealed file does not open here: another enclave build (measurement) or host sealed it, or it was
 * altered. Fatal for the enclave: it never replaces the file, so an upgrade cannot erase its
 * predecessor's keys, and the operator gives each measurement its own folder.
 */
export class SealError extends EcarError {
  /** The sealing label (file name) that did not open. */
  readonly label: string;

  constructor(label: string) {
    super(
      'INTERNAL',
      `sealed ${label} does not unseal here: it was sealed by another enclave build (measurement) or host, or altered; give each build its own enclave folder`,
      { label },
    );
    this.name = 'SealError';
    this.label = label;
  }
}

/** A sealer over a 32-byte sealing key; one derived key per label, secretbox with a random nonce. */
export function sealerFromKey(sealingKey: Uint8Array): Sealer {
  const keyFor = (label: string): Uint8Array => hmacSha256(sealingKey, FILE_KEY_DOMAIN, label);
  return {
    seal(label, plaintext) {
      const nonce = randomBytes(NONCE_BYTES);
      return new Uint8Array(Buffer.concat([MAGIC, nonce, secretSeal(keyFor(label), nonce, plaintext)]));
    },
    unseal(label, sealed) {
      const bytes = Buffer.from(sealed);
      const opened =
        bytes.length > MAGIC.length + NONCE_BYTES && bytes.subarray(0, MAGIC.length).equals(MAGIC)
          ? secretOpen(
              keyFor(label),
              bytes.subarray(MAGIC.length, MAGIC.length + NONCE_BYTES),
              bytes.subarray(MAGIC.length + NONCE_BYTES),
            )
          : undefined;
      if (opened === undefined) throw new SealError(label);
      return opened;
    },
  };
}

/**
 * Simulated MRENCLAVE sealing: key = HMAC-SHA256(host CPU secret, "ecar/seal/mrenclave/v1" ||
 * MRENCLAVE). The CPU secret stands in for the fused key of a real CPU; the measurement is the one the
 * simulated provider quotes (the hash of the built chaincode bundle), so no other build derives it.
 */
export function simulatedSealer(cpuSecret: Uint8Array, mrEnclave: Uint8Array): Sealer {
  if (cpuSecret.length < 16)
    throw new EcarError('INTERNAL', 'the simulated CPU secret must be at least 16 bytes');
  if (mrEnclave.length !== 32) throw new EcarError('INTERNAL', 'MRENCLAVE must be 32 bytes');
  return sealerFromKey(hmacSha256(cpuSecret, SEAL_DOMAIN, mrEnclave));
}

/** Gramine's pseudo-file holding the SGX MRENCLAVE sealing key: 16 raw bytes (EGETKEY, KEYPOLICY=MRENCLAVE). */
export const GRAMINE_MRENCLAVE_KEY_FILE = '/dev/attestation/keys/_sgx_mrenclave';

/**
 * Gramine MRENCLAVE sealing: our key is derived from the hardware key rather than used directly, as
 * Gramine's manifest documentation asks (one key must not serve two purposes). Never the MRSIGNER
 * key: every build signed by the org's key could derive that one.
 */
export function gramineSealer(keyFile: string = GRAMINE_MRENCLAVE_KEY_FILE): Sealer {
  let hardwareKey: Buffer;
  try {
    hardwareKey = readFileSync(keyFile);
  } catch {
    throw new EcarError(
      'INTERNAL',
      `cannot read the SGX sealing key ${keyFile}: is this running inside gramine-sgx?`,
    );
  }
  if (hardwareKey.length !== 16) throw new EcarError('INTERNAL', `${keyFile} must hold a 16-byte key`);
  return sealerFromKey(hmacSha256(new Uint8Array(hardwareKey), SEAL_DOMAIN));
}

/** Sealed files in the enclave's folder, one per purpose; the file name is the sealing label. */
export class SealedFiles {
  readonly #dir: string;
  readonly #sealer: Sealer;

  constructor(dir: string, sealer: Sealer) {
    this.#dir = dir;
    this.#sealer = sealer;
  }

  /** The unsealed content, or undefined when the file does not exist. */
  read(name: string): Uint8Array | undefined {
    let sealed: Buffer;
    try {
      sealed = readFileSync(join(this.#dir, name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new EcarError('INTERNAL', `cannot read the sealed file ${name} in the enclave folder`);
    }
    return this.#sealer.unseal(name, new Uint8Array(sealed));
  }

  /** Seals and writes atomically: a temporary file, flushed, renamed over the old one. */
  write(name: string, plaintext: Uint8Array): void {
    const target = join(this.#dir, name);
    const temporary = `${target}.${process.pid}.tmp`;
    try {
      const fd = openSync(temporary, 'w', 0o600);
      try {
        writeSync(fd, this.#sealer.seal(name, plaintext));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temporary, target);
    } catch (error) {
      if (error instanceof EcarError) throw error;
      throw new EcarError('INTERNAL', `cannot write the sealed file ${name} in the enclave folder`);
    }
  }
}
