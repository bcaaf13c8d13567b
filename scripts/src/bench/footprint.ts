// The network's footprint: resident memory and CPU time of each node (orderer, peers, chaincode
// servers) read from /proc, sampled at idle and under load, and the chaincode server's cold start
// (process start to the first confidential answer through its org's peer).
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LedgerClient } from '../../../client/src/fabric/ledger-client';
import { startChaincodeServer, stopChaincodeServer } from '../network/chaincode';
import type { LocalNetwork } from '../network/network';
import type { PeerOrg } from '../network/topology';
import { round } from './stats';

/** Linux USER_HZ: /proc reports CPU time in these ticks (100 on every mainstream kernel build). */
const TICKS_PER_SECOND = 100;

export interface ProcessSample {
  readonly rssKiB: number;
  /** User + system CPU time of the process and its descendants, milliseconds. */
  readonly cpuMs: number;
}

/** Per-node sample: node name (orderer, peer0.org1, ccaas.org1, ...) → sample. */
export type NodeSamples = Readonly<Record<string, ProcessSample>>;

function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter((s) => s !== '')
      .map((s) => Number.parseInt(s, 10));
  } catch {
    return [];
  }
}

/** The process and its descendants (a chaincode server runs under its supervisor), depth-bounded. */
function processTree(pid: number, depth = 0): number[] {
  if (depth > 8) return [pid];
  return [pid, ...children(pid).flatMap((c) => processTree(c, depth + 1))];
}

function ownSample(pid: number): ProcessSample {
  try {
    const rss = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after the parenthesised command: state is field 3, utime 14, stime 15
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
    return {
      rssKiB: rss?.[1] === undefined ? 0 : Number.parseInt(rss[1], 10),
      cpuMs: (ticks * 1000) / TICKS_PER_SECOND,
    };
  } catch {
    return { rssKiB: 0, cpuMs: 0 };
  }
}

/** RSS and CPU time of a process tree. */
export function sampleTree(pid: number): ProcessSample {
  return processTree(pid)
    .map(ownSample)
    .reduce((acc, s) => ({ rssKiB: acc.rssKiB + s.rssKiB, cpuMs: acc.cpuMs + s.cpuMs }), {
      rssKiB: 0,
      cpuMs: 0,
    });
}

/** Samples every running node of the network. */
export function sampleNodes(network: LocalNetwork): NodeSamples {
  const out: Record<string, ProcessSample> = {};
  for (const node of network.status().nodes) {
    if (node.pid !== undefined) out[node.name] = sampleTree(node.pid);
  }
  return out;
}

/** Resident memory of one node over a period. */
export interface RssStats {
  readonly meanMiB: number;
  readonly peakMiB: number;
}

/** Samples the nodes' RSS every `intervalMs` until stopped; CPU is the difference first → last. */
export class NodeSampler {
  readonly #network: LocalNetwork;
  readonly #rss = new Map<string, number[]>();
  readonly #first: NodeSamples;
  #timer: NodeJS.Timeout | undefined;

  constructor(network: LocalNetwork, intervalMs = 1000) {
    this.#network = network;
    this.#first = sampleNodes(network);
    this.#record(this.#first);
    this.#timer = setInterval(() => {
      this.#record(sampleNodes(network));
    }, intervalMs);
    this.#timer.unref();
  }

  #record(samples: NodeSamples): void {
    for (const [name, s] of Object.entries(samples)) {
      const list = this.#rss.get(name) ?? [];
      list.push(s.rssKiB);
      this.#rss.set(name, list);
    }
  }

  /** Stops sampling; returns RSS statistics and CPU milliseconds spent per node since the start. */
  stop(): { rss: Record<string, RssStats>; cpuMs: Record<string, number> } {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    const last = sampleNodes(this.#network);
    this.#record(last);
    const rss: Record<string, RssStats> = {};
    for (const [name, list] of this.#rss) {
      const mean = list.reduce((a, b) => a + b, 0) / Math.max(1, list.length);
      rss[name] = { meanMiB: round(mean / 1024), peakMiB: round(Math.max(...list) / 1024) };
    }
    const cpuMs: Record<string, number> = {};
    for (const [name, s] of Object.entries(last)) {
      const before = this.#first[name];
      cpuMs[name] = before === undefined ? Number.NaN : Math.round(s.cpuMs - before.cpuMs);
    }
    return { rss, cpuMs };
  }
}

/** Whether something accepts TCP connections on the loopback port (connects; never binds it). */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.setTimeout(1000);
    const done = (answer: boolean) => {
      socket.destroy();
      resolvePromise(answer);
    };
    socket.once('connect', () => {
      done(true);
    });
    socket.once('error', () => {
      done(false);
    });
    socket.once('timeout', () => {
      done(false);
    });
  });
}

export interface ColdStart {
  readonly node: string;
  /** Process start until the server's port accepts connections. */
  readonly listeningMs: number;
  /** Process start until a confidential evaluate through the org's peer is answered. */
  readonly firstAnswerMs: number;
  /** Evaluate attempts until the first answer. */
  readonly attempts: number;
}

/**
 * Stops the org's chaincode server, starts it again and times the first confidential answer through
 * that org's peer (`probe` must evaluate through a gateway connected to that peer).
 */
export async function measureColdStart(
  network: LocalNetwork,
  org: PeerOrg,
  probe: LedgerClient,
  timeoutMs = 60_000,
): Promise<ColdStart> {
  const t = network.topology;
  const packageId = network.readRecord()?.chaincode?.packageIds[org.name];
  if (packageId === undefined) throw new Error(`no chaincode package is installed for ${org.name}`);
  await stopChaincodeServer(t, org);
  const t0 = performance.now();
  await startChaincodeServer(t, org, packageId);
  const deadline = t0 + timeoutMs;
  let listeningMs: number | undefined;
  let attempts = 0;
  let last = '';
  while (performance.now() < deadline) {
    if (listeningMs === undefined && (await isListening(org.chaincodeServerPort))) {
      listeningMs = performance.now() - t0;
    }
    if (listeningMs !== undefined) {
      attempts += 1;
      try {
        await probe.evaluate('getParams');
        return {
          node: `ccaas.${org.name}`,
          listeningMs: Math.round(listeningMs),
          firstAnswerMs: Math.round(performance.now() - t0),
          attempts,
        };
      } catch (error) {
        last = error instanceof Error ? error.message : String(error);
      }
    }
    await sleep(20);
  }
  throw new Error(
    `ccaas.${org.name} did not answer within ${timeoutMs / 1000} s after a restart (${last.slice(0, 200)})`,
  );
}
