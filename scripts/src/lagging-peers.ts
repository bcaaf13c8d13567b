// Writes that read what the previous write committed, on a network of several orgs' peers.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { EcarError } from '../../chaincode/src/protocol/errors';

/**
 * A write that reads what the previous write committed. The commit status comes from the gateway's
 * peer; the other org's peer, which endorses too, may not have that block yet (Fabric promises no
 * read-your-writes across peers), and then refuses with NOT_FOUND. Setup retries that, bounded.
 */
export async function onceEveryPeerHasIt<T>(write: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      return await write();
    } catch (error) {
      const lagging = error instanceof EcarError && error.code === 'NOT_FOUND';
      if (!lagging || performance.now() > deadline) throw error;
      await sleep(250);
    }
  }
}
