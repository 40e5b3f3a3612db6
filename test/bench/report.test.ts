import { expect, test } from 'vitest';
import { checkBands } from '../../src/bench/bands.js';
import type { CaseResult } from '../../src/bench/bench-case.js';
import type { BenchRun } from '../../src/bench/bench-run.js';
import { machineInfo } from '../../src/bench/machine-info.js';
import { QUOTED_FIGURES } from '../../src/bench/peers/quoted-figures.js';
import { casesFrom, fromPlain } from '../../src/bench/plain-case.js';
import { renderSuiteCharts } from '../../src/bench/report/charts.js';
import { renderMarkdown } from '../../src/bench/report/markdown.js';
import { renderBarChart, wrap } from '../../src/bench/report/svg-bar-chart.js';

function row(impl: string, median: number, extra: Partial<CaseResult> = {}): CaseResult {
  return {
    suite: 'svd',
    group: 'fit ml-100k fold',
    name: impl,
    impl,
    dataset: 'ml-100k',
    size: '80,000 ratings',
    backend: impl === 'reckit' ? 'native' : 'numpy',
    threads: 2,
    warmup: 1,
    runs: 3,
    seconds: { median, min: median * 0.9, max: median * 1.2, samples: [median * 0.9, median, median * 1.2] },
    peakRssMiB: 120,
    metrics: { rmse: 0.935 },
    ...extra,
  };
}

test('plain suite objects keep every figure under the usual field spellings', () => {
  const r = fromPlain('data', {
    name: 'parse ml-latest-small',
    dataset: 'ml-latest-small',
    ratings: 100836,
    medianSeconds: 0.05,
    minSeconds: 0.04,
    maxSeconds: 0.07,
    peakRssMB: 80,
    threads: 2,
  });
  expect(r.seconds).toMatchObject({ median: 0.05, min: 0.04, max: 0.07 });
  expect(r.peakRssMiB).toBe(80);
  expect(r.metrics).toEqual({ ratings: 100836 });
  expect(r.impl).toBe('reckit');
  const fromSamples = casesFrom('svd', { results: [{ case: 'fit', samples: [3, 1, 2], rmse: 0.93 }] });
  expect(fromSamples[0]!.seconds).toMatchObject({ median: 2, min: 1, max: 3 });
  expect(fromSamples[0]!.metrics.rmse).toBe(0.93);
  expect(fromPlain('x', { name: 'bad', error: 'boom' }).error).toBe('boom');
});

test('bands pass inside, fail outside or when the case is missing, and skip suites that did not run', () => {
  const band = { name: 'ml-100k SVD 5-fold', suite: 'svd', metric: 'rmse', lo: 0.924, hi: 0.944, match: () => true };
  expect(checkBands([row('reckit', 1)], ['svd'], [band])[0]).toMatchObject({ ok: true, value: 0.935 });
  expect(checkBands([row('reckit', 1, { metrics: { rmse: 0.9 } })], ['svd'], [band])[0]!.ok).toBe(false);
  expect(checkBands([row('reckit', 1, { metrics: {}, error: 'x' })], ['svd'], [band])[0]).toMatchObject({
    ok: false,
    value: null,
  });
  expect(checkBands([], ['data'], [band])).toEqual([]);
  expect(checkBands([], ['svd'], [band])[0]).toMatchObject({ ok: false, why: 'no svd case matched' });
  // Every matching case is checked: a threaded line outside the band fails even if another is inside.
  const two = checkBands([row('reckit', 1), row('reckit', 1, { name: 'b', metrics: { rmse: 0.96 } })], ['svd'], [band]);
  expect(two.map((c) => [c.band, c.ok])).toEqual([
    ['ml-100k SVD 5-fold: reckit, ml-100k', true],
    ['ml-100k SVD 5-fold: b, ml-100k', false],
  ]);
});

test('the Markdown report holds the table, the ratio, errors and the quoted section apart', () => {
  const cases = [row('reckit', 0.1), row('scikit-learn', 0.25), row('ml-matrix', 1, { error: 'Error: too big' })];
  const run: BenchRun = {
    schema: 1,
    mode: 'quick',
    startedAt: '2026-11-22T22:00:00.000Z',
    finishedAt: '2026-11-22T22:01:00.000Z',
    suites: ['svd'],
    suiteSeconds: { svd: 60 },
    machine: machineInfo(),
    native: { loaded: false, error: 'Error: No native build was found' },
    versions: { reckit: '0.1.0', 'scikit-learn': null },
    absentPeers: [{ peer: 'scikit-learn', reason: 'not importable' }],
    cases,
    ratios: [
      { suite: 'svd', group: 'a', peer: 'scikit-learn', ratio: 2 },
      { suite: 'svd', group: 'b', peer: 'scikit-learn', ratio: 8 },
    ],
    bands: [],
    quoted: QUOTED_FIGURES,
  };
  const md = renderMarkdown(run);
  expect(md).toContain('| 2.50× |');
  expect(md).toContain('| scikit-learn | 2 | 4.00× | 2.00× | 8.00× |');
  expect(md).toContain('**The native addon did not load** (Error: No native build was found)');
  expect(md).toContain('ml-matrix **ERROR**');
  expect(md).toContain('scikit-learn not installed');
  expect(md).toContain('**scikit-learn**: not importable');
  const quoted = md.indexOf('## Quoted references (NOT measured in this run)');
  expect(quoted).toBeGreaterThan(md.indexOf('## Measured'));
  expect(md.slice(quoted)).toContain('Surprise 1.1 SVD');
  expect(md.slice(0, quoted)).not.toContain('Surprise 1.1 SVD');
});

test('charts: one SVG per suite, labelled axis with unit, a legend entry per implementation, log axis for wide ranges', () => {
  const svg = renderSuiteCharts([row('reckit', 0.01), row('scikit-learn', 5), row('ml-matrix', 50)], 'sub').get('svd')!;
  expect(svg.startsWith('<svg')).toBe(true);
  expect(svg).toContain('median time per run (s); whiskers: min to max, log scale');
  for (const name of ['reckit native (2 threads)', 'scikit-learn', 'ml-matrix']) expect(svg).toContain(`>${name}<`);
  expect(svg).toContain("500× reckit's time");
  const linear = renderBarChart({
    title: 't',
    axisLabel: 'requests per second',
    unit: 'req/s',
    groups: [{ label: 'g', bars: [{ series: 'a', value: 3 }] }],
    series: [{ name: 'a', color: '#000' }],
  });
  expect(linear).not.toContain('log scale');
  expect(linear).toContain('>0<');
});

test('long labels wrap at spaces within the width', () => {
  const lines = wrap('top-10 all users, ML-25M items, 2,048-user slice', 30);
  expect(lines.length).toBe(2);
  for (const l of lines) expect(l.length).toBeLessThanOrEqual(30);
  expect(lines.join(' ')).toBe('top-10 all users, ML-25M items, 2,048-user slice');
});

test('load-test rows become throughput cases: duration is not a run time, HTTP errors fail the case', () => {
  const ok = fromPlain('serve', {
    suite: 'serve',
    group: 'single prediction',
    impl: 'reckit serve',
    dataset: 'ml-latest-small',
    connections: 32,
    seconds: 3,
    requestsPerSecond: 15000,
    p99Ms: 4,
    errors: 0,
    non2xx: 0,
  });
  expect(ok).toMatchObject({ impl: 'reckit', name: 'reckit serve', seconds: null, error: undefined });
  expect(ok.metrics).toMatchObject({ requestsPerSecond: 15000, durationSeconds: 3, p99Ms: 4 });
  const bare = fromPlain('serve', {
    group: 'single prediction',
    impl: 'bare node:http',
    seconds: 3,
    requestsPerSecond: 20000,
    errors: 0,
    non2xx: 0,
  });
  expect(bare.impl).toBe('node-http');
  const bad = fromPlain('serve', {
    group: 'top-10',
    impl: 'reckit serve',
    seconds: 3,
    requestsPerSecond: 10,
    errors: 2,
    non2xx: 5,
  });
  expect(bad.error).toBe('2 request errors and 5 non-2xx responses under load');
  const svg = renderSuiteCharts([ok, bare], 'sub').get('serve-throughput')!;
  expect(svg).toContain('requests per second (higher is better)');
  expect(svg).toContain('p99 4 ms');
});

test('writeReport writes results.json, results.md and one SVG per suite into the run folder', async () => {
  const { mkdtempSync, readFileSync, readdirSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { writeReport } = await import('../../src/bench/bench-runner.js');
  const dir = mkdtempSync(join(tmpdir(), 'reckit-bench-report-'));
  const cases = [row('reckit', 0.2), row('scikit-learn', 0.5)];
  const run: BenchRun = {
    schema: 1,
    mode: 'quick',
    startedAt: '2026-11-22T22:00:00.000Z',
    finishedAt: '2026-11-22T22:01:00.000Z',
    suites: ['svd'],
    suiteSeconds: { svd: 1 },
    machine: machineInfo(),
    native: { loaded: true },
    versions: { reckit: '0.1.0' },
    absentPeers: [],
    cases,
    ratios: [],
    bands: [],
    quoted: QUOTED_FIGURES,
  };
  writeReport(run, dir, false);
  expect(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')).cases).toHaveLength(2);
  expect(readFileSync(join(dir, 'results.md'), 'utf8')).toContain('![svd](charts/svd.svg)');
  expect(readdirSync(join(dir, 'charts'))).toEqual(['svd.svg']);
});

test('a reckit row on the reference backend becomes the pure-JS line, so it gets a ratio to native', () => {
  const native = row('reckit', 0.2);
  const ref = fromPlain('svd', { ...row('reckit', 3), backend: 'reference' } as unknown as Record<string, unknown>);
  expect(ref.impl).toBe('reckit-reference');
  expect(fromPlain('data', { name: 'x', impl: 'reckit', backend: 'reference', seconds: 1 }).impl).toBe(
    'reckit-reference',
  );
  expect(renderSuiteCharts([native, ref], 's').get('svd')).toContain("15× reckit's time");
});
