// The enclave's own identity: an X25519 box key pair and an Ed25519 signing key pair, generated
// inside the enclave at first start and kept sealed, so a restarted server keeps its identity.
// The enclave id is the hex of the signing public key.
import { enclaveIdOf } from '../protocol/confidential/key-record';
import { fromB64, fromUtf8, parseJsonObject, toB64, utf8 } from '../protocol/confidential/encoding';
import {
  boxKeyPair,
  KEY_BYTES,
  signingKeyPair,
  type BoxKeyPair,
  type SigningKeyPair,
} from '../protocol/confidential/primitives';
import type { SealedFiles } from './sealing';

export const IDENTITY_FILE = 'identity.sealed';

export interface EnclaveIdentity {
  /** hex(signing public key). */
  readonly id: string;
  readonly box: BoxKeyPair;
  readonly signing: SigningKeyPair;
}

/** Loads the sealed identity, or generates and seals a new one when there is none. */
export function loadOrCreateIdentity(files: SealedFiles): EnclaveIdentity {
  const stored = files.read(IDENTITY_FILE);
  if (stored !== undefined) {
    const raw = parseJsonObject(fromUtf8(stored), 'sealed identity', 'INTERNAL');
    return identityFrom(
      boxKeyPair(fromB64(raw.box, 'box secret', 'INTERNAL', KEY_BYTES)),
      signingKeyPair(fromB64(raw.sign, 'signing seed', 'INTERNAL', KEY_BYTES)),
    );
  }
  const identity = identityFrom(boxKeyPair(), signingKeyPair());
  files.write(
    IDENTITY_FILE,
    utf8(JSON.stringify({ v: 1, box: toB64(identity.box.secretKey), sign: toB64(identity.signing.seed) })),
  );
  return identity;
}

function identityFrom(box: BoxKeyPair, signing: SigningKeyPair): EnclaveIdentity {
  return { id: enclaveIdOf(signing.publicKey), box, signing };
}
