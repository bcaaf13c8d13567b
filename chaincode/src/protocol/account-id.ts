// What an account id looks like, for the chaincode and the client alike: the caller ids the ledger
// ever runs a transaction as. A confidential caller is `w:` + the hex of its 32-byte Ed25519 wallet
// key; a plain-mode caller is `x509:` + base64url of a SHA-256 (see protocol/caller-id.ts). An id of
// any other shape can never sign a transaction, so tokens sent to it would be lost.
import { WALLET_CALLER_PREFIX } from './confidential/api';

/** Every plain-mode caller id starts with this. */
export const X509_CALLER_PREFIX = 'x509:';

/** `w:<64 lowercase hex>` or `x509:<43 base64url characters>`. */
export const ACCOUNT_ID_PATTERN = new RegExp(
  `^(?:${WALLET_CALLER_PREFIX}[0-9a-f]{64}|${X509_CALLER_PREFIX}[A-Za-z0-9_-]{43})$`,
);

/** Says in words what ACCOUNT_ID_PATTERN allows (for error messages). */
export const ACCOUNT_ID_HINT =
  "an account id as 'ecar whoami' prints it: w:<64 hex digits> (a wallet) or x509:<43 characters> (a Fabric identity)";

export function isAccountId(value: string): boolean {
  return ACCOUNT_ID_PATTERN.test(value);
}
