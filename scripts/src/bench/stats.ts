// Timing and statistics for the benchmarks: operations per second and latency percentiles.
import { performance } from 'node:perf_hooks';

export interface OpStats {
  readonly name: string;
  readonly iterations: number;
  readonly opsPerSecond: number;
  /** Mean cost of one operation in microseconds. */
  readonly meanUs: number;
  readonly p50Us: number;
  readonly p99Us: number;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

/**
 * Runs `fn` repeatedly for at least `minMs` (after a short warm-up) and reports its cost. Each
 * sample times a batch so timer overhead stays small for microsecond operations.
 */
export function measureOp(
  name: string,
  fn: () => unknown,
  options: Readonly<{ minMs?: number; batch?: number }> = {},
): OpStats {
  const minMs = options.minMs ?? 500;
  const batch = options.batch ?? 1;
  for (let i = 0; i < Math.max(3, batch); i++) fn();
  const samples: number[] = [];
  let iterations = 0;
  const started = performance.now();
  while (performance.now() - started < minMs) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) fn();
    samples.push(((performance.now() - t0) * 1000) / batch);
    iterations += batch;
  }
  const elapsedMs = performance.now() - started;
  samples.sort((a, b) => a - b);
  return {
    name,
    iterations,
    opsPerSecond: Math.round((iterations / elapsedMs) * 1000),
    meanUs: round((elapsedMs * 1000) / iterations),
    p50Us: round(percentile(samples, 50)),
    p99Us: round(percentile(samples, 99)),
  };
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export interface LatencySummary {
  readonly count: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** Nearest-rank percentiles of latency samples in milliseconds (any order); NaN fields when empty. */
export function summarizeLatency(samplesMs: readonly number[]): LatencySummary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const sum = sorted.reduce((acc, v) => acc + v, 0);
  return {
    count: sorted.length,
    meanMs: sorted.length === 0 ? Number.NaN : round(sum / sorted.length),
    p50Ms: round(percentile(sorted, 50)),
    p95Ms: round(percentile(sorted, 95)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted[sorted.length - 1] ?? Number.NaN),
  };
}

export interface CurvePoint {
  readonly concurrency: number;
  readonly tps: number;
  /** Median submit-to-commit latency at this concurrency. */
  readonly latencyMs: number;
}

/**
 * The knee of a closed-loop throughput curve: the concurrency with the highest power (throughput /
 * latency, Kleinrock) — below it more clients buy throughput, above it they mostly buy queueing.
 * Ties go to the lower concurrency; undefined when no point has a positive latency.
 */
export function findKnee(points: readonly CurvePoint[]): CurvePoint | undefined {
  let best: CurvePoint | undefined;
  let bestPower = -Infinity;
  for (const p of [...points].sort((a, b) => a.concurrency - b.concurrency)) {
    if (!(p.latencyMs > 0) || !Number.isFinite(p.tps)) continue;
    const power = p.tps / p.latencyMs;
    if (power > bestPower) {
      best = p;
      bestPower = power;
    }
  }
  return best;
}
