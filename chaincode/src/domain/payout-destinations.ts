// Where a host's payouts go: an IBAN (checksum-validated, ISO 13616 mod 97) or a payment provider
// reference. Kept under its own key (sealed with the rest of state in confidential mode), never in
// a payout record, event or answer to anyone but the issuer; the host sees it masked.
//   payout-destination/<account>   the account's current destination
import { EcarError } from '../protocol/errors';
import { recordDecoder, type Tx } from './context';
import { loadParams } from './params';
import { parseArgs, string } from './parse';
import type { MaskedDestination, PayoutDestination } from '../protocol/records';

const REFERENCE = /^[A-Za-z0-9._:@+-]{3,64}$/;

const decodeDestination = recordDecoder<PayoutDestination>([]);

export const destinationKeys = {
  destination: (account: string) => `payout-destination/${account}`,
} as const;

/** IBAN lengths of SEPA countries (ISO 13616 registry); other countries need 15-34 characters. */
const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AT: 20,
  BE: 16,
  BG: 22,
  CH: 21,
  CY: 28,
  CZ: 24,
  DE: 22,
  DK: 18,
  EE: 20,
  ES: 24,
  FI: 18,
  FR: 27,
  GB: 22,
  GR: 27,
  HR: 21,
  HU: 28,
  IE: 22,
  IS: 26,
  IT: 27,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  MC: 27,
  MT: 31,
  NL: 18,
  NO: 15,
  PL: 28,
  PT: 25,
  RO: 24,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
};

/** ISO 7064 mod 97-10 over the rearranged IBAN (letters as 10..35): a valid IBAN leaves 1. */
function ibanRemainder(iban: string): number {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const digits = /[0-9]/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const d of digits) remainder = (remainder * 10 + Number(d)) % 97;
  }
  return remainder;
}

/** Parses an IBAN (spaces allowed, any case) into its electronic form, or throws INVALID_ARGUMENT. */
export function parseIban(value: unknown, path = 'iban'): string {
  const text = string(value, path, { min: 15, max: 42 });
  const iban = text.replace(/ /g, '').toUpperCase();
  const refuse = (why: string): never => {
    throw new EcarError('INVALID_ARGUMENT', `${path} is not a valid IBAN: ${why}`, { field: path });
  };
  if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$/.test(iban))
    refuse('expected 2 letters, 2 check digits and 11-30 letters or digits');
  const country = iban.slice(0, 2);
  const length = IBAN_LENGTHS[country];
  if (length !== undefined && iban.length !== length)
    refuse(`an IBAN of ${country} has ${length} characters, this one ${iban.length}`);
  if (ibanRemainder(iban) !== 1) refuse('the check digits do not match (a typo?)');
  return iban;
}

export function mask(destination: PayoutDestination): MaskedDestination {
  return {
    kind: destination.kind,
    masked: `${'*'.repeat(Math.max(0, destination.value.length - 4))}${destination.value.slice(-4)}`,
    updatedAt: destination.updatedAt,
  };
}

/** setPayoutDestination (any account holder, for its own payouts): exactly one of iban, reference. */
export async function setPayoutDestination(tx: Tx, raw: unknown): Promise<MaskedDestination> {
  const f = parseArgs(raw, ['iban', 'reference']);
  if ((f.iban === undefined) === (f.reference === undefined))
    throw new EcarError('INVALID_ARGUMENT', 'give exactly one of iban or reference', { field: 'iban' });
  await loadParams(tx);
  const destination: PayoutDestination =
    f.iban !== undefined
      ? { kind: 'IBAN', value: parseIban(f.iban), updatedAt: tx.now }
      : {
          kind: 'REFERENCE',
          value: string(f.reference, 'reference', {
            min: 3,
            max: 64,
            pattern: REFERENCE,
            hint: '3-64 characters of A-Z a-z 0-9 . _ : @ + -',
          }),
          updatedAt: tx.now,
        };
  await tx.write(destinationKeys.destination(tx.caller), destination);
  tx.emit('PayoutDestinationSet', { txId: tx.txId });
  return mask(destination);
}

/** getPayoutDestination: your own, masked. */
export async function getPayoutDestination(tx: Tx, raw: unknown): Promise<MaskedDestination | null> {
  parseArgs(raw, []);
  await loadParams(tx);
  const destination = await loadPayoutDestination(tx, tx.caller);
  return destination === undefined ? null : mask(destination);
}

export async function loadPayoutDestination(tx: Tx, account: string): Promise<PayoutDestination | undefined> {
  return tx.read(destinationKeys.destination(account), decodeDestination);
}
