// Trusted time (DESIGN section 5.3): the transaction timestamp is written by whoever builds the
// proposal and no peer checks it, so every endorsing enclave holds it against its own clock. A time
// outside the skew window is refused; inside it, the domain keeps the window as a margin on every
// deadline (Clock.skewMs), so forging a time needs every endorsing org's host clock to agree.
import type { Clock } from '../ports';
import { EcarError } from '../protocol/errors';

/** The default window: enough for honest clocks kept by NTP and a slow endorsement. */
export const DEFAULT_CLOCK_SKEW_MS = 60_000;
export const MIN_CLOCK_SKEW_MS = 1_000;
export const MAX_CLOCK_SKEW_MS = 300_000;

/** Where the enclave reads its own time (the host's clock; the one call to the wall clock). */
export type WallClock = () => number;

export const systemWallClock: WallClock = () => Date.now();

/**
 * The transaction's clock once its time is within `skewMs` of the enclave's own clock, carrying the
 * window for the domain's deadlines.
 *
 * @throws EcarError CLOCK_SKEW when the transaction time is further off than the window.
 */
export function trustedClock(clock: Clock, skewMs: number, wallClock: WallClock): Clock {
  const ownMs = wallClock();
  const offMs = clock.nowMs - ownMs;
  if (Math.abs(offMs) > skewMs) {
    const seconds = Math.round(Math.abs(offMs) / 1000);
    throw new EcarError(
      'CLOCK_SKEW',
      `the transaction time is ${seconds} s ${offMs < 0 ? 'behind' : 'ahead of'} this enclave's clock (at most ${Math.round(skewMs / 1000)} s allowed)`,
      { offMs, skewMs },
    );
  }
  return { nowMs: clock.nowMs, txId: clock.txId, skewMs };
}
