// Readiness: Fabric nodes report health on their operations endpoint (GET /healthz).
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/** GET a path on a loopback operations endpoint; undefined when it does not answer 200. */
export async function getText(port: number, path: string): Promise<string | undefined> {
  return new Promise((resolvePromise) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', timeout: 2000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolvePromise(res.statusCode === 200 ? Buffer.concat(chunks).toString('utf8') : undefined);
      });
    });
    req.on('error', () => {
      resolvePromise(undefined);
    });
    req.on('timeout', () => {
      req.destroy();
      resolvePromise(undefined);
    });
    req.end();
  });
}

/** True once the orderer's Raft node leads the channel (one-node cluster: after its election). */
export async function isRaftLeader(operationsPort: number, channel: string): Promise<boolean> {
  const metrics = await getText(operationsPort, '/metrics');
  return metrics?.includes(`consensus_etcdraft_is_leader{channel="${channel}"} 1`) === true;
}

export async function healthz(port: number): Promise<boolean> {
  return (await getText(port, '/healthz')) !== undefined;
}

/** Polls until `probe` answers true; throws with `what` and the hint after `timeoutMs`. */
export async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
  hint: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline)
      throw new Error(`${what} did not become ready within ${timeoutMs / 1000}s; ${hint}`);
    await sleep(200);
  }
}

/** Number of other peers a peer knows on the channel through gossip (metric of its operations endpoint). */
export async function gossipPeersKnown(operationsPort: number, channel: string): Promise<number> {
  const metrics = await getText(operationsPort, '/metrics');
  const match = new RegExp(`^gossip_membership_total_peers_known\\{channel="${channel}"\\} (\\d+)`, 'm').exec(
    metrics ?? '',
  );
  return match?.[1] === undefined ? 0 : Number.parseInt(match[1], 10);
}
