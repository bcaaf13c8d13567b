// The benchmark's own Fabric network: own state folder and ports, plaintext serving on (the baseline
// contract beside the confidential one in the same chaincode servers), timed `up`, and enough
// cryptogen users for one gateway identity per closed-loop worker.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseDocument } from 'yaml';
import type { Progress } from '../progress';
import { locateFabric, runFabric, type FabricInstall } from '../network/fabric-tools';
import { LocalNetwork } from '../network/network';
import { makeTopology, paths, type Topology } from '../network/topology';
import { round } from './stats';

export const BENCH_BASE_PORT = 27000;

/** How the bench network came up: created from nothing, resumed from a stopped folder, or already running. */
export type UpKind = 'created' | 'resumed' | 'reused';

export interface BenchNetwork {
  readonly network: LocalNetwork;
  readonly topology: Topology;
  readonly fabric: FabricInstall;
  readonly up: { readonly kind: UpKind; readonly seconds: number };
}

export function benchTopology(root: string, stateDir?: string, basePort = BENCH_BASE_PORT): Topology {
  return makeTopology({
    root,
    stateDir: resolve(stateDir ?? join(root, '.state', 'bench-network')),
    basePort,
    plaintext: true,
  });
}

/** Brings the bench network up (or reuses it) and times it. */
export async function bringUp(
  options: Readonly<{ root: string; stateDir?: string; basePort?: number; progress: Progress }>,
): Promise<BenchNetwork> {
  const topology = benchTopology(options.root, options.stateDir, options.basePort);
  const fabric = locateFabric(options.root, process.env.FABRIC_HOME);
  const network = new LocalNetwork({ topology, fabric, progress: options.progress });
  const before = network.status().state;
  const t0 = performance.now();
  const result = await network.up();
  const seconds = round((performance.now() - t0) / 1000, 2);
  const kind: UpKind = result.alreadyRunning ? 'reused' : before === 'absent' ? 'created' : 'resumed';
  return { network, topology, fabric, up: { kind, seconds } };
}

/** cryptogen user name of worker `index`: even workers on org1, odd on org2, from User3 up. */
export function workerIdentity(index: number): { org: 'org1' | 'org2'; user: string } {
  return { org: index % 2 === 0 ? 'org1' : 'org2', user: `User${3 + Math.floor(index / 2)}` };
}

/**
 * Makes sure each peer org has at least the users `workers` closed-loop workers need (one gateway
 * identity each: in plaintext mode the ledger knows a caller by its certificate) with `cryptogen
 * extend`, which keeps the existing CAs and users.
 */
export async function ensureWorkerUsers(t: Topology, fabric: FabricInstall, workers: number): Promise<void> {
  const needed = 2 + Math.ceil(workers / 2);
  const doc = parseDocument(readFileSync(join(t.root, 'network', 'crypto-config.yaml'), 'utf8'));
  const orgs = doc.get('PeerOrgs');
  if (orgs === undefined) throw new Error('network/crypto-config.yaml has no PeerOrgs');
  const count = Number(doc.getIn(['PeerOrgs', 0, 'Users', 'Count']) ?? 0);
  if (count >= needed) return;
  for (let i = 0; i < t.orgs.length; i++) doc.setIn(['PeerOrgs', i, 'Users', 'Count'], needed);
  const dir = join(t.stateDir, 'bench');
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'crypto-config.yaml');
  writeFileSync(config, doc.toString());
  await runFabric(fabric, 'cryptogen', ['extend', '--input', paths.crypto(t), '--config', config]);
}
