// The benchmark's pure statistics: nearest-rank percentiles, latency summaries and the knee of a
// closed-loop throughput curve.
import { expect } from 'chai';
import { findKnee, percentile, summarizeLatency } from '../../../scripts/src/bench/stats';

describe('bench statistics', () => {
  describe('percentile', () => {
    it('answers the nearest-rank value of sorted samples', () => {
      const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
      expect(percentile(sorted, 50)).to.equal(50);
      expect(percentile(sorted, 95)).to.equal(95);
      expect(percentile(sorted, 99)).to.equal(99);
      expect(percentile(sorted, 100)).to.equal(100);
      expect(percentile(sorted, 0)).to.equal(1);
    });

    it('answers the only sample for a single sample and NaN for none', () => {
      expect(percentile([7], 99)).to.equal(7);
      expect(percentile([], 50)).to.be.NaN;
    });
  });

  describe('summarizeLatency', () => {
    it('sorts unsorted samples before taking percentiles', () => {
      const summary = summarizeLatency([30, 10, 20, 40]);
      expect(summary).to.deep.equal({ count: 4, meanMs: 25, p50Ms: 20, p95Ms: 40, p99Ms: 40, maxMs: 40 });
    });

    it('reports NaN fields for no samples instead of throwing', () => {
      const summary = summarizeLatency([]);
      expect(summary.count).to.equal(0);
      expect(summary.p50Ms).to.be.NaN;
      expect(summary.meanMs).to.be.NaN;
    });
  });

  describe('findKnee', () => {
    const curve = (...pairs: [number, number][]) =>
      pairs.map(([tps, latencyMs], i) => ({ concurrency: 2 ** i, tps, latencyMs }));

    it('picks the level with the highest throughput per latency', () => {
      // power: 0.013, 0.024, 0.042, 0.077, 0.111, 0.120, 0.081
      const knee = findKnee(
        curve([3.6, 278], [6.8, 288], [13, 308], [24.7, 320], [42.7, 386], [60.8, 507], [71.4, 880]),
      );
      expect(knee?.concurrency).to.equal(32);
    });

    it('picks the last level while latency stays flat and throughput grows', () => {
      expect(findKnee(curve([4, 250], [8, 250], [16, 250]))?.concurrency).to.equal(4);
    });

    it('prefers the lower concurrency on a tie and skips points without latency', () => {
      expect(findKnee(curve([10, 100], [20, 200], [0, Number.NaN]))?.concurrency).to.equal(1);
      expect(findKnee([])).to.equal(undefined);
    });

    it('sorts points by concurrency first', () => {
      const shuffled = [
        { concurrency: 8, tps: 30, latencyMs: 600 },
        { concurrency: 1, tps: 5, latencyMs: 200 },
        { concurrency: 4, tps: 29, latencyMs: 300 },
      ];
      expect(findKnee(shuffled)?.concurrency).to.equal(4);
    });
  });
});
