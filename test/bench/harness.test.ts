import { expect, test } from 'vitest';
import { measureSideBySide, ratios, type TimedCase } from '../../src/bench/harness.js';
import { quantile, summarize } from '../../src/bench/stats.js';

function timed(name: string, impl: string, log: string[], work: () => void): TimedCase {
  return {
    group: 'g',
    name,
    impl,
    dataset: 'd',
    size: 's',
    backend: 'b',
    threads: 1,
    run: () => {
      log.push(name);
      work();
      return { metrics: { calls: log.filter((x) => x === name).length } };
    },
  };
}

test('side-by-side runs alternate the cases round by round, warm-up excluded from the samples', async () => {
  const log: string[] = [];
  const rs = await measureSideBySide('t', [timed('a', 'reckit', log, () => {}), timed('b', 'peer', log, () => {})], {
    warmup: 1,
    runs: 3,
  });
  expect(log).toEqual(['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b']);
  expect(rs.map((r) => r.runs)).toEqual([3, 3]);
  expect(rs[0]!.seconds!.samples).toHaveLength(3);
  expect(rs[0]!.metrics.calls).toBe(4);
  expect(rs[0]!.peakRssMiB).toBeGreaterThan(1);
});

test('a failing case is recorded with its error and the other case goes on', async () => {
  const log: string[] = [];
  let n = 0;
  const bad = timed('bad', 'peer', log, () => {
    if (++n === 2) throw new RangeError('out of memory in peer');
  });
  const rs = await measureSideBySide('t', [timed('good', 'reckit', log, () => {}), bad], { warmup: 0, runs: 4 });
  expect(rs[0]!.runs).toBe(4);
  expect(rs[0]!.error).toBeUndefined();
  expect(rs[1]!.error).toBe('RangeError: out of memory in peer');
  expect(rs[1]!.runs).toBe(1);
  expect(log.filter((x) => x === 'bad')).toHaveLength(2);
});

test('a run may report its own time (child-process peers) and the ratio is peer median / reckit median', async () => {
  const mk = (impl: string, secs: number[]): TimedCase => {
    let i = 0;
    return {
      group: 'g',
      name: impl,
      impl,
      dataset: 'd',
      size: 's',
      backend: 'b',
      threads: 1,
      run: () => ({ seconds: secs[i++]! }),
    };
  };
  const rs = await measureSideBySide('t', [mk('reckit', [1, 2, 9]), mk('peer', [4, 5, 6])], { warmup: 0, runs: 3 });
  expect(rs[0]!.seconds).toMatchObject({ median: 2, min: 1, max: 9 });
  const r = ratios(rs);
  expect(r.get(rs[1]!)).toBeCloseTo(2.5, 12);
  expect(r.has(rs[0]!)).toBe(false);
});

test('quantiles interpolate like numpy and summaries of nothing are null', () => {
  expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
  expect(quantile([1, 2, 3, 4, 5], 0.99)).toBeCloseTo(4.96, 12);
  expect(summarize([])).toBeNull();
});

test('a slow case capped at one run skips the warm-up and still alternates with the others', async () => {
  const log: string[] = [];
  const slow = { ...timed('slow', 'peer', log, () => {}), maxRuns: 1 };
  const rs = await measureSideBySide('t', [timed('fast', 'reckit', log, () => {}), slow], { warmup: 1, runs: 3 });
  expect(log).toEqual(['fast', 'fast', 'slow', 'fast', 'fast']);
  expect(rs[1]).toMatchObject({ runs: 1, warmup: 0 });
  expect(rs[0]).toMatchObject({ runs: 3, warmup: 1 });
});
