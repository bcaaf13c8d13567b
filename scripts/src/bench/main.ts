// `npm run bench`: crypto micro-benchmarks, the end-to-end settle workload confidential vs plaintext
// on a dedicated network, and the network's footprint; results to bench-results/ (JSON, Markdown,
// SVG chart), the tables to stdout (JSON with --json), progress to stderr.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Command, InvalidArgumentError } from 'commander';
import { TrustCache } from '../../../client/src/confidential';
import { readNetworkPolicy } from '../network/confidential-setup';
import { consoleProgress } from '../progress';
import { BENCH_BASE_PORT, bringUp, ensureWorkerUsers } from './bench-network';
import { runCryptoBench } from './crypto-bench';
import { kneeOf, runClosedLoop, runLevels, type LevelResult } from './e2e-bench';
import { measureColdStart, sampleNodes } from './footprint';
import { profileChaincodeServer } from './profile';
import { renderMarkdown, writeResults, type BenchResults } from './report';
import { round } from './stats';
import {
  Connections,
  ledgerFor,
  MODES,
  prepareMode,
  type Mode,
  type ModeContext,
  type Worker,
} from './workload';
import { GatewayError } from '@hyperledger/fabric-gateway';

interface BenchOptions {
  readonly quick?: boolean;
  readonly json?: boolean;
  readonly levels?: readonly number[];
  readonly duration?: number;
  readonly warmup?: number;
  readonly keepNetwork?: boolean;
  readonly skipCrypto?: boolean;
  readonly profile?: boolean;
  readonly whatIfKeyStatusTtl?: number;
  readonly stateDir?: string;
  readonly basePort?: number;
  readonly out?: string;
}

const DEFAULT_LEVELS = [1, 2, 4, 8, 16, 32, 64];
const QUICK_LEVELS = [1, 4, 16];

function parseLevels(value: string): number[] {
  const levels = value.split(',').map((s) => Number.parseInt(s.trim(), 10));
  if (levels.length === 0 || levels.some((n) => !Number.isInteger(n) || n < 1 || n > 64)) {
    throw new InvalidArgumentError('give concurrency levels as integers 1..64, e.g. 1,4,16');
  }
  return [...new Set(levels)].sort((a, b) => a - b);
}

function parseSeconds(value: string): number {
  const n = Number.parseFloat(value);
  if (!Number.isFinite(n) || n <= 0 || n > 600)
    throw new InvalidArgumentError('give seconds between 0 and 600');
  return n;
}

function parsePort(value: string): number {
  const n = Number.parseInt(value, 10);
  if (!Number.isInteger(n) || n < 1024 || n > 64_000)
    throw new InvalidArgumentError('give a port 1024..64000');
  return n;
}

function batchTimeout(root: string): string {
  const text = readFileSync(join(root, 'network', 'configtx.yaml'), 'utf8');
  return /^\s*BatchTimeout:\s*(\S+)/m.exec(text)?.[1] ?? 'unknown';
}

const root = resolve(__dirname, '..', '..', '..', '..');

async function run(options: BenchOptions): Promise<BenchResults> {
  const progress = consoleProgress();
  const startedAt = new Date();
  const t0 = performance.now();
  const quick = options.quick === true;
  const levels = options.levels ?? (quick ? QUICK_LEVELS : DEFAULT_LEVELS);
  const measureMs = (options.duration ?? (quick ? 4 : 12)) * 1000;
  const warmupMs = (options.warmup ?? (quick ? 1 : 3)) * 1000;
  const loadAverageAtStart = round(loadavg()[0] ?? 0, 2);

  const crypto = cryptoPhase(options, progress);

  progress.step('Bench network (own state folder and ports, plaintext baseline served beside confidential)');
  const bench = await bringUp({
    root,
    ...(options.stateDir === undefined ? {} : { stateDir: options.stateDir }),
    basePort: options.basePort ?? BENCH_BASE_PORT,
    progress,
  });
  const { network, topology: t } = bench;
  progress.detail(`network ${bench.up.kind} in ${bench.up.seconds} s`);
  const maxLevel = Math.max(...levels);
  const connections = new Connections(t);
  try {
    await ensureWorkerUsers(t, bench.fabric, maxLevel);
    const ctx: ModeContext = {
      t,
      connections,
      policy: readNetworkPolicy(t),
      trustCache: new TrustCache(),
      runId: randomBytes(3).toString('hex'),
      ...(options.whatIfKeyStatusTtl === undefined ? {} : { keyStatusTtlMs: options.whatIfKeyStatusTtl }),
    };
    const { workers, setupSeconds } = await prepareWorkers(ctx, maxLevel, progress);
    await sleep(2000);
    const idle = sampleNodes(network);
    const idleMiB = Object.fromEntries(Object.entries(idle).map(([n, s]) => [n, round(s.rssKiB / 1024)]));

    progress.step('Warm-up: both modes at the highest concurrency (JIT, connections, caches)');
    for (const mode of MODES) {
      await runClosedLoop(network, workers[mode], { warmupMs: 0, measureMs: quick ? 2000 : 4000 });
    }
    progress.step(
      `Closed-loop load at concurrency ${levels.join(', ')} (${measureMs / 1000} s each, both modes)`,
    );
    const levelResults: LevelResult[] = await runLevels(
      network,
      workers,
      { levels, warmupMs, measureMs },
      progress,
    );
    const top = levelResults[levelResults.length - 1];
    const knee = kneeOf(levelResults);

    const profile =
      options.profile === true && knee !== undefined
        ? await profilePhase(network, t, workers, knee.concurrency, { measureMs, out: options.out }, progress)
        : undefined;
    const coldStart = await coldStartPhase(network, t, ctx, progress);
    return {
      version: 1,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      durationSeconds: round((performance.now() - t0) / 1000, 1),
      machine: machineOf(loadAverageAtStart),
      settings: {
        quick,
        levels,
        warmupSeconds: warmupMs / 1000,
        measureSeconds: measureMs / 1000,
        basePort: t.basePort,
        batchTimeout: batchTimeout(root),
        ...(options.whatIfKeyStatusTtl === undefined
          ? {}
          : { whatIfKeyStatusTtlMs: options.whatIfKeyStatusTtl }),
      },
      crypto,
      network: { up: bench.up, setupSeconds },
      e2e: { levels: levelResults, ...(knee === undefined ? {} : { knee }) },
      footprint: footprintOf(idleMiB, top, coldStart),
      ...(profile === undefined ? {} : { profile }),
    };
  } finally {
    connections.close();
    await finish(network, t, options.keepNetwork === true, progress);
  }
}

type Progress = ReturnType<typeof consoleProgress>;
type BenchNetwork = Awaited<ReturnType<typeof bringUp>>;

function cryptoPhase(options: BenchOptions, progress: Progress): BenchResults['crypto'] {
  if (options.skipCrypto === true) return { skipped: '--skip-crypto' };
  progress.step('Crypto micro-benchmarks (tweetnacl alone, the protocol combination, DCAP)');
  const testdataDir = resolve(root, '..', 'shared', 'testdata');
  const crypto = runCryptoBench({
    minMs: options.quick === true ? 150 : 400,
    ...(existsSync(testdataDir) ? { testdataDir } : {}),
  });
  progress.detail(
    `enclave crypto per confidential tx ${crypto.enclavePerTxUs} µs, client ${crypto.clientPerTxUs} µs`,
  );
  return crypto;
}

/** Per mode: its roles, stations and funded drivers, one worker per concurrency slot. */
async function prepareWorkers(
  ctx: ModeContext,
  maxLevel: number,
  progress: Progress,
): Promise<{ workers: Record<Mode, Worker[]>; setupSeconds: Record<string, number> }> {
  const workers = {} as Record<Mode, Worker[]>;
  const setupSeconds: Record<string, number> = {};
  for (const mode of MODES) {
    progress.step(
      `Setting up ${mode} mode: roles, ${maxLevel} stations with meters and tariffs, ${maxLevel} funded drivers`,
    );
    const s0 = performance.now();
    workers[mode] = await prepareMode(ctx, mode, maxLevel);
    setupSeconds[mode] = round((performance.now() - s0) / 1000, 1);
  }
  return { workers, setupSeconds };
}

/** CPU profiles of org1's chaincode server, each mode at the knee's concurrency (--profile). */
async function profilePhase(
  network: BenchNetwork['network'],
  t: BenchNetwork['topology'],
  workers: Record<Mode, Worker[]>,
  concurrency: number,
  settings: { readonly measureMs: number; readonly out: string | undefined },
  progress: Progress,
): Promise<BenchResults['profile']> {
  const org = t.orgs[0];
  if (org === undefined) return undefined;
  let profile: NonNullable<BenchResults['profile']> = { concurrency, node: `ccaas.${org.name}` };
  for (const mode of MODES) {
    progress.step(`Profiling ccaas.${org.name} (node --cpu-prof), ${mode} at concurrency ${concurrency}`);
    const file = join(resolve(settings.out ?? join(root, 'bench-results')), `profile-${mode}.cpuprofile`);
    mkdirSync(dirname(file), { recursive: true });
    let committed = 0;
    const summary = await profileChaincodeServer(network, org, file, async () => {
      const run = await runClosedLoop(network, workers[mode].slice(0, concurrency), {
        warmupMs: 0,
        measureMs: settings.measureMs,
      });
      committed = run.committed;
    });
    profile = { ...profile, [mode]: { ...summary, committed, file } };
  }
  return profile;
}

async function coldStartPhase(
  network: BenchNetwork['network'],
  t: BenchNetwork['topology'],
  ctx: ModeContext,
  progress: Progress,
): Promise<BenchResults['footprint']['coldStart']> {
  progress.step('Chaincode server cold start (ccaas.org1: stop, start, first confidential answer)');
  const org1 = t.orgs[0];
  if (org1 === undefined) return undefined;
  try {
    const coldStart = await measureColdStart(network, org1, ledgerFor(ctx, 'confidential', 'org1', 'User1'));
    progress.detail(
      `first answer after ${coldStart.firstAnswerMs} ms (listening after ${coldStart.listeningMs} ms)`,
    );
    return coldStart;
  } catch (error) {
    return { failed: error instanceof Error ? error.message : String(error) };
  }
}

function machineOf(loadAverageAtStart: number): BenchResults['machine'] {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    node: process.versions.node,
    loadAverageAtStart,
  };
}

function footprintOf(
  idleMiB: BenchResults['footprint']['idleMiB'],
  top: LevelResult | undefined,
  coldStart: BenchResults['footprint']['coldStart'],
): BenchResults['footprint'] {
  return {
    idleMiB,
    ...(top === undefined
      ? {}
      : {
          load: {
            concurrency: top.concurrency,
            plaintext: top.plaintext.rss,
            confidential: top.confidential.rss,
          },
        }),
    ...(coldStart === undefined ? {} : { coldStart }),
  };
}

async function finish(
  network: BenchNetwork['network'],
  t: BenchNetwork['topology'],
  keep: boolean,
  progress: Progress,
): Promise<void> {
  if (keep) {
    progress.step(
      `Keeping the bench network (${t.stateDir}); remove it with: npm run network -- --state-dir ${t.stateDir} --base-port ${t.basePort} down`,
    );
  } else {
    progress.step('Tearing the bench network down');
    await network.down();
  }
}

const program = new Command('bench')
  .description(
    'Measure the cost of confidentiality: crypto micro-benchmarks, a closed-loop settle workload confidential vs plaintext on a dedicated local network (ports 27xxx), and its footprint',
  )
  .option('--quick', 'short smoke run (levels 1,4,16, 4 s each)')
  .option('--json', 'print the results as JSON instead of tables')
  .option('--levels <list>', 'concurrency levels, comma-separated (default 1,2,4,8,16,32,64)', parseLevels)
  .option('--duration <seconds>', 'measured seconds per level and mode (default 12; quick 4)', parseSeconds)
  .option('--warmup <seconds>', 'warm-up seconds before each measurement (default 3; quick 1)', parseSeconds)
  .option('--keep-network', 'leave the bench network running afterwards (reused by the next run)')
  .option('--skip-crypto', 'skip the crypto micro-benchmarks')
  .option('--profile', 'also profile one chaincode server (node --cpu-prof) at the knee, both modes')
  .option(
    '--what-if-key-status-ttl <ms>',
    'what-if: confidential clients read the key status at most once per <ms> (not the shipped client)',
    (v: string) => {
      const n = Number.parseInt(v, 10);
      if (!Number.isInteger(n) || n < 0 || n > 600_000) throw new InvalidArgumentError('give 0..600000 ms');
      return n;
    },
  )
  .option('--state-dir <dir>', 'bench network state folder (default .state/bench-network)')
  .option('--base-port <port>', `first port of the bench network (default ${BENCH_BASE_PORT})`, parsePort)
  .option('--out <dir>', 'results folder (default bench-results/ in the project)')
  .addHelpText(
    'after',
    '\nExamples:\n  npm run bench\n  npm run bench -- --quick\n  npm run bench -- --levels 1,4,16 --duration 20 --keep-network --json',
  )
  .action(async (options: BenchOptions) => {
    try {
      const results = await run(options);
      const files = writeResults(resolve(options.out ?? join(root, 'bench-results')), results);
      process.stdout.write(
        options.json === true ? `${JSON.stringify(results, null, 2)}\n` : renderMarkdown(results),
      );
      process.stderr.write(`\nresults: ${files.json}\n         ${files.md}\n         ${files.svg}\n`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (options.json === true) process.stdout.write(`${JSON.stringify({ ok: false, error: message })}\n`);
      process.stderr.write(`bench: ${message}\n`);
      // what each peer said (a gateway failure's summary alone does not say which peer or why)
      if (error instanceof GatewayError) {
        for (const d of error.details) process.stderr.write(`  ${d.address} (${d.mspId}): ${d.message}\n`);
      }
      process.exitCode = 1;
    }
  });

void program.parseAsync(process.argv);
