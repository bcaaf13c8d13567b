// End-to-end benchmark: a closed loop of settle-style charging sessions at several concurrency
// levels, each level run in plaintext mode (confidential layer off) and in confidential mode on the
// same network, with committed tps, submit-to-commit percentiles, read-conflict rate and CPU time
// per committed transaction of every node and of the client.
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { EcarError } from '../../../chaincode/src/protocol/errors';
import type { Progress } from '../progress';
import type { LocalNetwork } from '../network/network';
import { NodeSampler, type RssStats } from './footprint';
import { findKnee, round, summarizeLatency, type LatencySummary } from './stats';
import { chargeOnce, type Mode, type TxSample, type Worker } from './workload';

export interface ModeRun {
  readonly mode: Mode;
  readonly concurrency: number;
  readonly seconds: number;
  /** Transactions whose commit was observed inside the measured window. */
  readonly committed: number;
  readonly tps: number;
  readonly latency: LatencySummary;
  readonly startLatency: LatencySummary;
  readonly stopLatency: LatencySummary;
  /** Submits of the committed transactions (first attempts + retries after read conflicts). */
  readonly submits: number;
  /** Share of submits that were invalidated by an MVCC or phantom read conflict. */
  readonly conflictRate: number;
  readonly errors: number;
  readonly errorExamples: readonly string[];
  /** CPU milliseconds per committed transaction: each node, the bench client, and their sum. */
  readonly cpuMsPerTx: Readonly<Record<string, number>>;
  readonly rss: Readonly<Record<string, RssStats>>;
  /** 1-minute load average at the end of the run (other work on the machine shows here). */
  readonly loadAverage: number;
}

export interface LevelResult {
  readonly concurrency: number;
  readonly plaintext: ModeRun;
  readonly confidential: ModeRun;
  /** confidential tps / plaintext tps. */
  readonly ratio: number;
  /** confidential p50 / plaintext p50. */
  readonly latencyRatio: number;
}

export interface KneeSummary {
  /** Concurrency at the knee (highest tps / p50 latency) of the plaintext (baseline) curve. */
  readonly concurrency: number;
  readonly plaintextTps: number;
  readonly confidentialTps: number;
  /** Throughput ratio confidential / plaintext at that concurrency. */
  readonly ratio: number;
  /** Knee of the confidential curve on its own. */
  readonly confidentialKnee: number;
  /** Best confidential tps / best plaintext tps over all levels. */
  readonly peakRatio: number;
}

export interface LoadSpec {
  readonly levels: readonly number[];
  readonly warmupMs: number;
  readonly measureMs: number;
}

/** Runs `workers` in a closed loop for warm-up + measurement and reports the measured window. */
export async function runClosedLoop(
  network: LocalNetwork,
  workers: readonly Worker[],
  spec: Readonly<{ warmupMs: number; measureMs: number }>,
): Promise<ModeRun> {
  const first = workers[0];
  if (first === undefined) throw new Error('no workers');
  const samples: TxSample[] = [];
  const errors: string[] = [];
  const start = performance.now();
  const from = start + spec.warmupMs;
  const to = from + spec.measureMs;
  let sampler: NodeSampler | undefined;
  let clientFrom: NodeJS.CpuUsage | undefined;
  let measured:
    { rss: Record<string, RssStats>; cpuMs: Record<string, number>; clientMs: number } | undefined;
  const opened = setTimeout(() => {
    sampler = new NodeSampler(network);
    clientFrom = process.cpuUsage();
  }, spec.warmupMs);
  const closed = setTimeout(() => {
    const client = process.cpuUsage(clientFrom);
    const nodes = sampler?.stop() ?? { rss: {}, cpuMs: {} };
    measured = { ...nodes, clientMs: (client.user + client.system) / 1000 };
  }, spec.warmupMs + spec.measureMs);
  const record = (s: TxSample) => samples.push(s);
  await Promise.all(
    workers.map(async (w) => {
      // bounded: stops starting sessions at the end of the window; a started one is settled (or
      // given up a minute later)
      while (performance.now() < to || (w.pending !== undefined && performance.now() < to + 60_000)) {
        try {
          await chargeOnce(w, record);
        } catch (error) {
          errors.push(describe(error));
          await sleep(200);
          if (errors.length > 1000)
            throw new Error(`too many errors, last: ${errors[errors.length - 1] ?? ''}`);
        }
      }
    }),
  );
  clearTimeout(opened);
  clearTimeout(closed);
  const inWindow = samples.filter((s) => s.doneAt >= from && s.doneAt <= to);
  const committed = inWindow.length;
  const submits = inWindow.reduce((n, s) => n + s.attempts, 0);
  const cpuMsPerTx: Record<string, number> = {};
  if (measured !== undefined && committed > 0) {
    let total = 0;
    for (const [node, ms] of Object.entries(measured.cpuMs)) {
      cpuMsPerTx[node] = round(ms / committed, 2);
      total += ms;
    }
    cpuMsPerTx.client = round(measured.clientMs / committed, 2);
    cpuMsPerTx.total = round((total + measured.clientMs) / committed, 2);
  }
  return {
    mode: first.mode,
    concurrency: workers.length,
    seconds: round(spec.measureMs / 1000, 1),
    committed,
    tps: round(committed / (spec.measureMs / 1000), 1),
    latency: summarizeLatency(inWindow.map((s) => s.latencyMs)),
    startLatency: summarizeLatency(inWindow.filter((s) => s.fn === 'startSession').map((s) => s.latencyMs)),
    stopLatency: summarizeLatency(inWindow.filter((s) => s.fn === 'stopSession').map((s) => s.latencyMs)),
    submits,
    conflictRate: submits === 0 ? 0 : round((submits - committed) / submits, 4),
    errors: errors.length,
    errorExamples: [...new Set(errors)].slice(0, 3),
    cpuMsPerTx,
    rss: measured?.rss ?? {},
    loadAverage: round(loadavg()[0] ?? Number.NaN, 2),
  };
}

function describe(error: unknown): string {
  if (error instanceof EcarError) return `${error.code}: ${error.reason}`.slice(0, 200);
  return (error instanceof Error ? error.message : String(error)).slice(0, 200);
}

/**
 * Every level in both modes; the mode that goes first alternates per level so drift (ledger growth,
 * other load on the machine) does not always favour the same mode.
 */
export async function runLevels(
  network: LocalNetwork,
  workers: Readonly<Record<Mode, readonly Worker[]>>,
  spec: LoadSpec,
  progress: Progress,
): Promise<LevelResult[]> {
  const results: LevelResult[] = [];
  for (const [i, concurrency] of spec.levels.entries()) {
    const order: Mode[] = i % 2 === 0 ? ['plaintext', 'confidential'] : ['confidential', 'plaintext'];
    const runs: Partial<Record<Mode, ModeRun>> = {};
    for (const mode of order) {
      const run = await runClosedLoop(network, workers[mode].slice(0, concurrency), spec);
      runs[mode] = run;
      progress.detail(
        `${mode.padEnd(12)} c=${String(concurrency).padStart(2)}: ${run.tps} tps, p50 ${run.latency.p50Ms} ms, p99 ${run.latency.p99Ms} ms, conflicts ${(run.conflictRate * 100).toFixed(1)} %, errors ${run.errors}`,
      );
      await sleep(500);
    }
    const plaintext = runs.plaintext as ModeRun;
    const confidential = runs.confidential as ModeRun;
    results.push({
      concurrency,
      plaintext,
      confidential,
      ratio: plaintext.tps > 0 ? round(confidential.tps / plaintext.tps, 3) : Number.NaN,
      latencyRatio:
        plaintext.latency.p50Ms > 0
          ? round(confidential.latency.p50Ms / plaintext.latency.p50Ms, 3)
          : Number.NaN,
    });
  }
  return results;
}

/** The knee of the baseline curve and the confidential / plaintext ratios there and at the peaks. */
export function kneeOf(levels: readonly LevelResult[]): KneeSummary | undefined {
  const curve = (mode: Mode) =>
    levels.map((l) => ({ concurrency: l.concurrency, tps: l[mode].tps, latencyMs: l[mode].latency.p50Ms }));
  const plain = findKnee(curve('plaintext'));
  const conf = findKnee(curve('confidential'));
  const at = levels.find((l) => l.concurrency === plain?.concurrency);
  if (plain === undefined || conf === undefined || at === undefined) return undefined;
  const best = (mode: Mode) => Math.max(...levels.map((l) => l[mode].tps));
  return {
    concurrency: at.concurrency,
    plaintextTps: at.plaintext.tps,
    confidentialTps: at.confidential.tps,
    ratio: at.ratio,
    confidentialKnee: conf.concurrency,
    peakRatio: best('plaintext') > 0 ? round(best('confidential') / best('plaintext'), 3) : Number.NaN,
  };
}
