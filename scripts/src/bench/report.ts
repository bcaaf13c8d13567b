// The benchmark's results: one JSON document per run (bench-results/<timestamp>.json and
// latest.json), readable Markdown tables (latest.md, also printed) and the chart (latest.svg).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderChart } from './chart';
import type { CryptoBenchResult } from './crypto-bench';
import type { KneeSummary, LevelResult, ModeRun } from './e2e-bench';
import type { ColdStart, RssStats } from './footprint';
import type { UpKind } from './bench-network';
import type { ProfileSummary } from './profile';

export interface BenchResults {
  readonly version: 1;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationSeconds: number;
  readonly machine: {
    readonly cpus: number;
    readonly cpuModel: string;
    readonly memoryGiB: number;
    readonly node: string;
    readonly loadAverageAtStart: number;
  };
  readonly settings: {
    readonly quick: boolean;
    readonly levels: readonly number[];
    readonly warmupSeconds: number;
    readonly measureSeconds: number;
    readonly basePort: number;
    /** The orderer's BatchTimeout (network/configtx.yaml): bounds latency at low concurrency. */
    readonly batchTimeout: string;
    /** Set when the confidential clients ran the key-status cache what-if (not the shipped client). */
    readonly whatIfKeyStatusTtlMs?: number;
  };
  readonly crypto: CryptoBenchResult | { readonly skipped: string };
  readonly network: {
    readonly up: { readonly kind: UpKind; readonly seconds: number };
    readonly setupSeconds: Readonly<Record<string, number>>;
  };
  readonly e2e: { readonly levels: readonly LevelResult[]; readonly knee?: KneeSummary };
  readonly footprint: {
    /** RSS (MiB) of each node after set-up, before load. */
    readonly idleMiB: Readonly<Record<string, number>>;
    /** RSS of each node during the highest concurrency level, per mode. */
    readonly load?: {
      readonly concurrency: number;
      readonly plaintext: Readonly<Record<string, RssStats>>;
      readonly confidential: Readonly<Record<string, RssStats>>;
    };
    readonly coldStart?: ColdStart | { readonly failed: string };
  };
  /** --profile: self and inclusive time of one chaincode server at the knee, per mode. */
  readonly profile?: {
    readonly concurrency: number;
    readonly node: string;
    readonly plaintext?: ProfiledRun;
    readonly confidential?: ProfiledRun;
  };
}

export interface ProfiledRun extends ProfileSummary {
  readonly committed: number;
  readonly file: string;
}

/** A Markdown table; cells are printed as given, columns padded for reading as plain text too. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `| ${header.map((_, i) => (cells[i] ?? '').padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

const num = (value: number | undefined, digits = 1): string =>
  value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(digits);
const pct = (value: number): string => (Number.isFinite(value) ? `${(value * 100).toFixed(1)} %` : '-');
const lat = (run: ModeRun): string =>
  `${num(run.latency.p50Ms, 0)} / ${num(run.latency.p95Ms, 0)} / ${num(run.latency.p99Ms, 0)}`;

function cryptoSection(crypto: BenchResults['crypto']): string[] {
  if ('skipped' in crypto) return ['## Crypto micro-benchmarks', '', `skipped: ${crypto.skipped}`];
  const rows = crypto.ops.map((op) => [
    op.name,
    String(op.opsPerSecond),
    num(op.meanUs),
    num(op.p50Us),
    num(op.p99Us),
  ]);
  const dcap =
    'skipped' in crypto.dcap
      ? `DCAP verification skipped: ${crypto.dcap.skipped}`
      : `DCAP verification of one SGX v3 quote: cold ${num(crypto.dcap.coldMs, 2)} ms, warm ${num(crypto.dcap.warm.meanUs / 1000, 2)} ms (${crypto.dcap.warm.opsPerSecond}/s)`;
  return [
    '## Crypto micro-benchmarks (per operation)',
    '',
    markdownTable(['operation', 'ops/s', 'mean µs', 'p50 µs', 'p99 µs'], rows),
    '',
    dcap,
    '',
    `Per confidential transaction: enclave ${num(crypto.enclavePerTxUs)} µs (open request, seal response + receipt, 4 sealed writes), client ${num(crypto.clientPerTxUs)} µs.`,
    `Soak: ${crypto.soak.keyPairs} native X25519 key pairs in ${crypto.soak.seconds} s (no hang).`,
  ];
}

function e2eSection(r: BenchResults): string[] {
  const { levels, knee } = r.e2e;
  const rows = levels.map((l) => [
    String(l.concurrency),
    num(l.plaintext.tps),
    num(l.confidential.tps),
    num(l.ratio, 3),
    lat(l.plaintext),
    lat(l.confidential),
    `${pct(l.plaintext.conflictRate)} / ${pct(l.confidential.conflictRate)}`,
    `${l.plaintext.errors} / ${l.confidential.errors}`,
    `${num(l.plaintext.loadAverage, 2)} / ${num(l.confidential.loadAverage, 2)}`,
  ]);
  const out = [
    '## End to end: closed-loop settle sessions (startSession + stopSession with signed OCMF)',
    '',
    `${r.settings.measureSeconds} s measured per level and mode after ${r.settings.warmupSeconds} s warm-up; committed transactions per second; submit-to-commit latency in ms; orderer BatchTimeout ${r.settings.batchTimeout}.${r.settings.whatIfKeyStatusTtlMs === undefined ? '' : ` WHAT-IF: confidential clients read the key status at most every ${r.settings.whatIfKeyStatusTtlMs} ms (not the shipped client).`}`,
    '',
    markdownTable(
      [
        'concurrency',
        'plain tps',
        'conf tps',
        'conf/plain',
        'plain p50/p95/p99',
        'conf p50/p95/p99',
        'conflicts plain/conf',
        'errors',
        'load avg',
      ],
      rows,
    ),
    '',
  ];
  if (knee) {
    out.push(
      `Knee of the plaintext curve (highest throughput / p50 latency): concurrency ${knee.concurrency} (${num(knee.plaintextTps)} tps plaintext, ${num(knee.confidentialTps)} tps confidential): **confidential / plaintext = ${num(knee.ratio, 3)}**. Confidential knee: concurrency ${knee.confidentialKnee}. Peak-to-peak ratio ${num(knee.peakRatio, 3)}.`,
      '',
    );
  }
  const at = levels.find((l) => l.concurrency === knee?.concurrency) ?? levels[levels.length - 1];
  if (at) {
    const nodes = [
      ...new Set([...Object.keys(at.plaintext.cpuMsPerTx), ...Object.keys(at.confidential.cpuMsPerTx)]),
    ];
    out.push(
      `CPU time per committed transaction at concurrency ${at.concurrency} (ms; /proc utime+stime of each node and its children, the bench client process):`,
      '',
      markdownTable(
        ['process', 'plaintext', 'confidential', 'difference'],
        nodes.map((n) => {
          const p = at.plaintext.cpuMsPerTx[n];
          const c = at.confidential.cpuMsPerTx[n];
          return [n, num(p, 2), num(c, 2), p === undefined || c === undefined ? '-' : num(c - p, 2)];
        }),
      ),
      '',
    );
  }
  return out;
}

function footprintSection(r: BenchResults): string[] {
  const f = r.footprint;
  const nodes = Object.keys(f.idleMiB);
  const load = f.load;
  const stat = (s: RssStats | undefined) =>
    s === undefined ? '-' : `${num(s.meanMiB, 0)} / ${num(s.peakMiB, 0)}`;
  const out = [
    '## Footprint',
    '',
    markdownTable(
      [
        'node',
        'idle RSS MiB',
        `plaintext load c=${load?.concurrency ?? '-'} mean/peak MiB`,
        `confidential load mean/peak MiB`,
      ],
      nodes.map((n) => [n, num(f.idleMiB[n], 0), stat(load?.plaintext[n]), stat(load?.confidential[n])]),
    ),
    '',
    `Network up (${r.network.up.kind}${r.network.up.kind === 'created' ? ', cached binaries' : ''}): ${num(r.network.up.seconds)} s. Workload set-up: ${Object.entries(
      r.network.setupSeconds,
    )
      .map(([m, s]) => `${m} ${num(s)} s`)
      .join(', ')}.`,
  ];
  const cold = f.coldStart;
  if (cold !== undefined) {
    out.push(
      'failed' in cold
        ? `Chaincode server cold start: failed (${cold.failed}).`
        : `Chaincode server cold start (${cold.node}): listening after ${cold.listeningMs} ms, first confidential answer through its peer after ${cold.firstAnswerMs} ms.`,
    );
  }
  return out;
}

function profileSection(r: BenchResults): string[] {
  const p = r.profile;
  if (p === undefined) return [];
  const out = [
    '',
    `## Profile of ${p.node} at concurrency ${p.concurrency} (V8 CPU profile, idle excluded)`,
    '',
  ];
  for (const mode of ['plaintext', 'confidential'] as const) {
    const run = p[mode];
    if (run === undefined) continue;
    const perTx = run.committed > 0 ? run.totalMs / run.committed : Number.NaN;
    out.push(
      `${mode}: ${num(run.totalMs, 0)} ms busy for ${run.committed} committed transactions (${num(perTx, 2)} ms per transaction, start-up included); raw profile ${run.file}`,
      '',
      markdownTable(
        ['project function (inclusive)', 'ms', 'share'],
        run.projectInclusive.slice(0, 14).map((e) => [e.name, num(e.selfMs, 0), pct(e.share)]),
      ),
      '',
      markdownTable(
        ['module (self)', 'ms', 'share'],
        run.byModule.slice(0, 8).map((e) => [e.name, num(e.selfMs, 0), pct(e.share)]),
      ),
      '',
    );
  }
  return out;
}

export function renderMarkdown(r: BenchResults): string {
  return [
    `# ecar benchmark ${r.startedAt}`,
    '',
    `${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB, Node ${r.machine.node}; load average at start ${r.machine.loadAverageAtStart}; total ${num(r.durationSeconds, 0)} s${r.settings.quick ? ' (quick run)' : ''}.`,
    '',
    ...cryptoSection(r.crypto),
    '',
    ...e2eSection(r),
    ...footprintSection(r),
    ...profileSection(r),
    '',
  ].join('\n');
}

export function renderSvg(r: BenchResults): string {
  const levels = r.e2e.levels;
  const series = (pick: (run: ModeRun) => number) => [
    {
      label: 'plaintext (confidential off)',
      color: '#1f6fb4',
      dashed: true,
      points: levels.map((l) => [l.concurrency, pick(l.plaintext)] as const),
    },
    {
      label: 'confidential',
      color: '#d9660b',
      points: levels.map((l) => [l.concurrency, pick(l.confidential)] as const),
    },
  ];
  return renderChart(
    [
      {
        title: 'Committed throughput',
        yLabel: 'transactions per second',
        xLabel: 'concurrent closed-loop clients',
        series: series((run) => run.tps),
      },
      {
        title: 'Submit-to-commit latency (p50)',
        yLabel: 'milliseconds',
        xLabel: 'concurrent closed-loop clients',
        series: series((run) => run.latency.p50Ms),
      },
    ],
    `ecar settle workload, ${r.machine.cpus} cores, ${r.startedAt}, BatchTimeout ${r.settings.batchTimeout}`,
  );
}

/** Writes <dir>/<timestamp>.json, latest.json, latest.md and latest.svg; returns their paths. */
export function writeResults(dir: string, r: BenchResults): Record<'json' | 'latest' | 'md' | 'svg', string> {
  mkdirSync(dir, { recursive: true });
  const stamp = r.startedAt.replace(/[:.]/g, '-');
  const json = `${JSON.stringify(r, null, 2)}\n`;
  const files = {
    json: join(dir, `${stamp}.json`),
    latest: join(dir, 'latest.json'),
    md: join(dir, 'latest.md'),
    svg: join(dir, 'latest.svg'),
  };
  writeFileSync(files.json, json);
  writeFileSync(files.latest, json);
  writeFileSync(files.md, renderMarkdown(r));
  writeFileSync(files.svg, renderSvg(r));
  return files;
}
