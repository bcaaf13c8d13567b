// Time windows of everything a verification relies on (certificates, CRLs, TCB info, QE identity),
// checked against one given time so that every verifier, given the same time, decides the same.
import { EcarError } from '../errors';
import { isoSeconds } from './json-reader';

export interface ValidityWindow {
  /** What the window belongs to, for messages ("PCK CRL", "TCB info", "certificate \"Intel SGX PCK Processor CA\""). */
  readonly item: string;
  /** Whole seconds since the epoch; valid when notBefore <= at <= notAfter. */
  readonly notBefore: number;
  readonly notAfter: number;
}

export interface ValiditySummary {
  /** The latest start of any window: the collateral is usable from then. */
  readonly validFrom: number;
  /** The earliest end of any window: the collateral must be refreshed by then. */
  readonly validUntil: number;
  /** Which item ends first. */
  readonly expiresFirst: string;
}

/**
 * Checks every window at `at` (whole seconds) and reports all items outside their window at once.
 *
 * @throws EcarError ATTESTATION_COLLATERAL_EXPIRED listing the items not yet valid or expired.
 */
export function checkValidity(windows: readonly ValidityWindow[], at: number): ValiditySummary {
  const notYetValid = windows.filter((w) => at < w.notBefore);
  const expired = windows.filter((w) => at > w.notAfter);
  if (notYetValid.length > 0 || expired.length > 0) {
    const parts = [
      ...notYetValid.map((w) => `${w.item} not valid before ${isoSeconds(w.notBefore)}`),
      ...expired.map((w) => `${w.item} expired at ${isoSeconds(w.notAfter)}`),
    ];
    const state =
      expired.length > 0 ? (notYetValid.length > 0 ? 'not yet valid / expired' : 'expired') : 'not yet valid';
    throw new EcarError(
      'ATTESTATION_COLLATERAL_EXPIRED',
      `collateral ${state} at ${isoSeconds(at)}: ${parts.join('; ')}`,
      {
        at: isoSeconds(at),
        notYetValid: notYetValid.map((w) => w.item).join(', '),
        expired: expired.map((w) => w.item).join(', '),
      },
    );
  }
  let validFrom = -Infinity;
  let validUntil = Infinity;
  let expiresFirst = '';
  for (const w of windows) {
    validFrom = Math.max(validFrom, w.notBefore);
    if (w.notAfter < validUntil) {
      validUntil = w.notAfter;
      expiresFirst = w.item;
    }
  }
  return { validFrom, validUntil, expiresFirst };
}
