// The benchmark's report: Markdown tables, the hand-drawn SVG chart and the CPU-profile summary,
// built from small fixed inputs.
import { expect } from 'chai';
import { escapeXml, niceCeil, renderChart } from '../../../scripts/src/bench/chart';
import type { LevelResult, ModeRun } from '../../../scripts/src/bench/e2e-bench';
import { moduleOf, summarizeProfile } from '../../../scripts/src/bench/profile';
import {
  markdownTable,
  renderMarkdown,
  renderSvg,
  type BenchResults,
} from '../../../scripts/src/bench/report';
import { summarizeLatency } from '../../../scripts/src/bench/stats';

function modeRun(overrides: Partial<ModeRun> = {}): ModeRun {
  return {
    mode: 'plaintext',
    concurrency: 1,
    seconds: 10,
    committed: 100,
    tps: 10,
    latency: summarizeLatency([100, 200, 300]),
    startLatency: summarizeLatency([100]),
    stopLatency: summarizeLatency([200]),
    submits: 100,
    conflictRate: 0,
    errors: 0,
    errorExamples: [],
    cpuMsPerTx: { orderer: 1, 'peer0.org1': 4, client: 3, total: 8 },
    rss: { orderer: { meanMiB: 50, peakMiB: 55 } },
    loadAverage: 1.5,
    ...overrides,
  };
}

function level(concurrency: number, plainTps: number, confTps: number): LevelResult {
  return {
    concurrency,
    plaintext: modeRun({ concurrency, tps: plainTps }),
    confidential: modeRun({
      mode: 'confidential',
      concurrency,
      tps: confTps,
      cpuMsPerTx: { orderer: 1.5, 'peer0.org1': 6, client: 4, total: 11.5 },
    }),
    ratio: confTps / plainTps,
    latencyRatio: 1,
  };
}

function results(): BenchResults {
  const levels = [level(1, 4, 3.8), level(4, 16, 15), level(16, 40, 33)];
  return {
    version: 1,
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:05:00.000Z',
    durationSeconds: 300,
    machine: { cpus: 2, cpuModel: 'Test CPU', memoryGiB: 8, node: '20.20.2', loadAverageAtStart: 0.5 },
    settings: {
      quick: false,
      levels: [1, 4, 16],
      warmupSeconds: 3,
      measureSeconds: 12,
      basePort: 27000,
      batchTimeout: '250ms',
    },
    crypto: { skipped: 'test' },
    network: { up: { kind: 'created', seconds: 9.5 }, setupSeconds: { plaintext: 2, confidential: 3 } },
    e2e: {
      levels,
      knee: {
        concurrency: 16,
        plaintextTps: 40,
        confidentialTps: 33,
        ratio: 0.825,
        confidentialKnee: 16,
        peakRatio: 0.825,
      },
    },
    footprint: {
      idleMiB: { orderer: 42 },
      load: {
        concurrency: 16,
        plaintext: { orderer: { meanMiB: 50, peakMiB: 55 } },
        confidential: { orderer: { meanMiB: 60, peakMiB: 63 } },
      },
      coldStart: { node: 'ccaas.org1', listeningMs: 380, firstAnswerMs: 450, attempts: 1 },
    },
  };
}

describe('bench report', () => {
  describe('markdownTable', () => {
    it('pads every column to its widest cell and draws the header rule', () => {
      const table = markdownTable(
        ['a', 'long header'],
        [
          ['wide cell', '1'],
          ['x', '22'],
        ],
      );
      expect(table.split('\n')).to.deep.equal([
        '| a         | long header |',
        '|-----------|-------------|',
        '| wide cell | 1           |',
        '| x         | 22          |',
      ]);
    });
  });

  describe('renderMarkdown', () => {
    it('reports every level, the ratio at the knee, CPU per transaction and the footprint', () => {
      const md = renderMarkdown(results());
      expect(md).to.include('| 16          | 40.0      | 33.0     | 0.825');
      expect(md).to.include('**confidential / plaintext = 0.825**');
      expect(md).to.match(/\| peer0\.org1 +\| 4\.00 +\| 6\.00 +\| 2\.00 +\|/);
      expect(md).to.include('first confidential answer through its peer after 450 ms');
      expect(md).to.include('Network up (created, cached binaries): 9.5 s');
      expect(md).to.include('skipped: test');
    });

    it('marks a what-if run so it is never mistaken for the shipped client', () => {
      const r = results();
      const md = renderMarkdown({ ...r, settings: { ...r.settings, whatIfKeyStatusTtlMs: 5000 } });
      expect(md).to.include('WHAT-IF');
    });
  });

  describe('renderSvg', () => {
    it('draws both panels with one line per mode and a point per level', () => {
      const svg = renderSvg(results());
      expect(svg.slice(0, '<svg xmlns="http://www.w3.org/2000/svg"'.length)).to.equal(
        '<svg xmlns="http://www.w3.org/2000/svg"',
      );
      expect(svg.trimEnd().slice(-'</svg>'.length)).to.equal('</svg>');
      expect(svg.match(/<path d="M/g)).to.have.length(4);
      expect(svg.match(/<circle /g)).to.have.length(12);
      expect(svg).to.include('Committed throughput');
      expect(svg).to.include('Submit-to-commit latency (p50)');
      expect(svg).to.include('plaintext (confidential off)');
    });

    it('places the higher throughput higher on the chart', () => {
      const svg = renderChart(
        [
          {
            title: 't',
            yLabel: 'y',
            xLabel: 'x',
            series: [
              {
                label: 's',
                color: '#000',
                points: [
                  [1, 10],
                  [2, 20],
                ],
              },
            ],
          },
        ],
        'caption',
      );
      const ys = [...svg.matchAll(/<circle cx="[\d.]+" cy="([\d.]+)"/g)].map((m) => Number(m[1]));
      expect(ys).to.have.length(2);
      expect(ys[1]).to.be.lessThan(ys[0]!);
    });
  });

  describe('chart helpers', () => {
    it('rounds axis maxima up to 1, 2, 2.5 or 5 times a power of ten', () => {
      expect([0, 0.7, 3, 21, 24, 26, 51, 101].map(niceCeil)).to.deep.equal([1, 1, 5, 25, 25, 50, 100, 200]);
    });

    it('escapes XML special characters in labels', () => {
      expect(escapeXml(`a<b & "c"`)).to.equal('a&#60;b &#38; &#34;c&#34;');
    });
  });

  describe('summarizeProfile', () => {
    it('adds self time by module and inclusive time of project functions, idle excluded', () => {
      const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0 });
      const summary = summarizeProfile({
        nodes: [
          { id: 1, callFrame: frame('(root)', ''), children: [2, 5] },
          { id: 2, callFrame: frame('run', 'file:///p/dist/chaincode/src/a.js'), children: [3] },
          { id: 3, callFrame: frame('hmac', 'node:internal/crypto/hash'), children: [4] },
          { id: 4, callFrame: frame('parse', '/p/node_modules/@fidm/x509/index.js') },
          { id: 5, callFrame: frame('(idle)', '') },
        ],
        samples: [3, 4, 4, 5, 2],
        timeDeltas: [1000, 2000, 2000, 50_000, 1000],
      });
      expect(summary.totalMs).to.equal(6);
      expect(summary.byModule.map((e) => [e.name, e.selfMs])).to.deep.equal([
        ['@fidm/x509', 4],
        ['node internals', 1],
        ['chaincode/src/a.js', 1],
      ]);
      expect(summary.projectInclusive).to.deep.equal([
        { name: 'run chaincode/src/a.js:1', selfMs: 6, share: 1 },
      ]);
    });

    it('names packages, project files and internals', () => {
      expect(moduleOf('/x/node_modules/fabric-shim/lib/handler.js')).to.equal('fabric-shim');
      expect(moduleOf('/x/node_modules/@grpc/grpc-js/build/a.js')).to.equal('@grpc/grpc-js');
      expect(moduleOf('/x/dist/chaincode/src/enclave/sealed-store.js')).to.equal(
        'chaincode/src/enclave/sealed-store.js',
      );
      expect(moduleOf('node:internal/crypto/keys')).to.equal('node internals');
      expect(moduleOf('')).to.equal('(native / V8)');
    });
  });
});
