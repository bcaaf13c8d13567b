// A meter public key as a person gives it (PEM file, PEM text or SPKI DER hex), read into the
// lowercase SPKI hex the ledger pins and the OCMF signature method its curve implies.
import { createPublicKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { usageError } from './context';

/** The meter key as lowercase hex of the SPKI DER, and the OCMF method its curve implies. */
export function meterKey(input: string, command: Command): { hex: string; method?: string } {
  const text = existsSync(input) ? readFileSync(input, 'utf8') : input;
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]+$/.test(trimmed)) {
    return {
      hex: trimmed.toLowerCase(),
      ...curveMethod(() =>
        createPublicKey({ key: Buffer.from(trimmed, 'hex'), format: 'der', type: 'spki' }),
      ),
    };
  }
  try {
    const key = createPublicKey(trimmed);
    const der = key.export({ format: 'der', type: 'spki' });
    return { hex: der.toString('hex'), ...curveMethod(() => key) };
  } catch {
    return usageError(command, '--public-key must be a PEM file, PEM text or the hex of the SPKI DER');
  }
}

const CURVE_METHODS: Readonly<Record<string, string>> = {
  prime256v1: 'ECDSA-secp256r1-SHA256',
  secp384r1: 'ECDSA-secp384r1-SHA256',
  secp256k1: 'ECDSA-secp256k1-SHA256',
  brainpoolP256r1: 'ECDSA-brainpool256r1-SHA256',
};

function curveMethod(key: () => ReturnType<typeof createPublicKey>): { method?: string } {
  try {
    const curve = key().asymmetricKeyDetails?.namedCurve;
    const method = curve === undefined ? undefined : CURVE_METHODS[curve];
    return method === undefined ? {} : { method };
  } catch {
    return {};
  }
}
