// Profiles one org's chaincode server under load: restarts it under `node --cpu-prof`, runs the
// given load, stops it so V8 writes the profile, restarts it normally, and summarises self time by
// package / source file and by function.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chaincodeMeasurement } from '../../../chaincode/src/protocol/attestation/measurement';
import { startChaincodeServer, stopChaincodeServer } from '../network/chaincode';
import { enclaveEnv } from '../network/enclave-setup';
import type { LocalNetwork } from '../network/network';
import { isAlive } from '../network/processes';
import type { PeerOrg } from '../network/topology';
import { isListening } from './footprint';
import { round } from './stats';

interface CpuProfileNode {
  readonly id: number;
  readonly children?: readonly number[];
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly CpuProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileEntry {
  readonly name: string;
  readonly selfMs: number;
  readonly share: number;
}

export interface ProfileSummary {
  readonly totalMs: number;
  /** Self time outside idle, by npm package or project source file. */
  readonly byModule: readonly ProfileEntry[];
  readonly byFunction: readonly ProfileEntry[];
  /** Inclusive time (self + callees) of the project's own functions (dist/…). */
  readonly projectInclusive: readonly ProfileEntry[];
}

/** Where a script URL belongs: an npm package, a project file (dist/…), node internals or V8. */
export function moduleOf(url: string): string {
  if (url === '') return '(native / V8)';
  if (url.startsWith('node:')) return 'node internals';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') === true ? `${rest[0]}/${rest[1] ?? ''}` : (rest[0] ?? url);
  }
  const dist = url.indexOf('/dist/');
  return dist >= 0 ? url.slice(dist + '/dist/'.length) : basename(url);
}

function top(map: Map<string, number>, total: number, count: number): ProfileEntry[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, us]) => ({ name, selfMs: round(us / 1000), share: round(us / total, 3) }));
}

/** Self time of a V8 .cpuprofile, idle excluded, by module and by function. */
export function summarizeProfile(profile: CpuProfile, count = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map<string, number>();
  const modules = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const delta = profile.timeDeltas[i] ?? 0;
    if (node === undefined || node.callFrame.functionName === '(idle)') return;
    total += delta;
    const { functionName, url, lineNumber } = node.callFrame;
    const module = moduleOf(url);
    modules.set(module, (modules.get(module) ?? 0) + delta);
    const fn = `${functionName || '(anonymous)'} ${module}${url === '' ? '' : `:${lineNumber + 1}`}`;
    functions.set(fn, (functions.get(fn) ?? 0) + delta);
    // each project function on the stack once (recursion must not count twice); depth-bounded
    const seen = new Set<string>();
    let at: number | undefined = id;
    for (let depth = 0; at !== undefined && depth < 500; depth++) {
      const frame = byId.get(at)?.callFrame;
      if (frame?.url.includes('/dist/') === true) {
        const name = `${frame.functionName || '(anonymous)'} ${moduleOf(frame.url)}:${frame.lineNumber + 1}`;
        if (!seen.has(name)) {
          seen.add(name);
          inclusive.set(name, (inclusive.get(name) ?? 0) + delta);
        }
      }
      at = parent.get(at);
    }
  });
  return {
    totalMs: round(total / 1000),
    byModule: top(modules, total, count),
    byFunction: top(functions, total, count),
    projectInclusive: top(inclusive, total, count * 2),
  };
}

/**
 * Runs `load` while the org's chaincode server runs under the V8 profiler; returns the summary and
 * writes the raw profile to `outFile` (open it in Chrome DevTools or speedscope).
 */
export async function profileChaincodeServer(
  network: LocalNetwork,
  org: PeerOrg,
  outFile: string,
  load: () => Promise<void>,
): Promise<ProfileSummary> {
  const t = network.topology;
  const packageId = network.readRecord()?.chaincode?.packageIds[org.name];
  if (packageId === undefined) throw new Error(`no chaincode package is installed for ${org.name}`);
  const dir = join(t.stateDir, 'bench', `profile-${org.name}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // V8 writes the profile only on a normal exit: make SIGTERM one
  const exitOnTerm = join(dir, 'exit-on-term.js');
  writeFileSync(exitOnTerm, "process.on('SIGTERM', () => process.exit(0));\n");
  await stopChaincodeServer(t, org);
  const log = openSync(join(dir, 'server.log'), 'a');
  const child = spawn(
    process.execPath,
    [
      '--cpu-prof',
      '--cpu-prof-dir',
      dir,
      '--require',
      exitOnTerm,
      join(t.root, 'node_modules', 'fabric-shim', 'cli.js'),
      'server',
      '--chaincode-address',
      `127.0.0.1:${org.chaincodeServerPort}`,
      '--chaincode-id',
      packageId,
      '--module-path',
      join(t.root, 'chaincode'),
    ],
    {
      cwd: t.root,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? '/tmp',
        CORE_CHAINCODE_LOGGING_LEVEL: 'info',
        CORE_CHAINCODE_LOGGING_SHIM: 'warning',
        ECAR_MSP_ID: org.mspId,
        ECAR_CHANNEL: t.channel,
        ECAR_CHAINCODE: t.chaincode,
        ...enclaveEnv(t, org, chaincodeMeasurement(t.root)),
      },
      stdio: ['ignore', log, log],
    },
  );
  closeSync(log);
  const pid = child.pid;
  try {
    if (pid === undefined) throw new Error('could not start the profiled chaincode server');
    for (let i = 0; i < 200 && !(await isListening(org.chaincodeServerPort)); i++) await sleep(50);
    await load();
  } finally {
    if (pid !== undefined) {
      child.kill('SIGTERM');
      for (let i = 0; i < 100 && isAlive(pid); i++) await sleep(100);
      if (isAlive(pid)) child.kill('SIGKILL');
    }
    await startChaincodeServer(t, org, packageId);
    for (let i = 0; i < 200 && !(await isListening(org.chaincodeServerPort)); i++) await sleep(50);
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (file === undefined)
    throw new Error(`the profiled server wrote no profile (see ${join(dir, 'server.log')})`);
  const text = readFileSync(join(dir, file), 'utf8');
  writeFileSync(outFile, text);
  return summarizeProfile(JSON.parse(text) as CpuProfile);
}
