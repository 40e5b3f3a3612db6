import type { CaseResult } from '../bench-case.js';
import { ratios } from '../harness.js';
import { type BarChart, type BarGroup, renderBarChart } from './svg-bar-chart.js';

const COLORS: Record<string, string> = {
  'reckit native': '#1f5fa8',
  'reckit reference': '#8fb8e8',
  'tfjs-wasm': '#e8731a',
  'tfjs-cpu': '#f2b27a',
  'ml-matrix': '#2e9a3e',
  'ml-kmeans': '#9fd89a',
  'scikit-learn': '#c92a2a',
  'node-http': '#7b52ab',
};
const RECKIT_SHADES = ['#4f8fd6', '#0b3d75', '#6a8fb5'];
const SPARE = ['#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#393b79', '#637939'];

/** The legend entry of a case: the peer's name, or reckit with its backend (and thread count). */
export function seriesName(r: CaseResult): string {
  if (r.impl === 'reckit' || r.impl === 'reckit-reference') {
    const backend = r.impl === 'reckit-reference' ? 'reference' : r.backend;
    return `reckit ${backend}${r.threads > 1 ? ` (${r.threads} threads)` : ''}`;
  }
  return r.impl;
}

/**
 * Legend names for a suite's cases: `seriesName`, plus the variant (the case name's last
 * ": " part) where one group holds two cases that would otherwise share a name and colour.
 */
export function seriesNames(cases: readonly CaseResult[]): Map<CaseResult, string> {
  const out = new Map<CaseResult, string>();
  const clash = new Set<string>();
  const seen = new Map<string, CaseResult>();
  for (const r of cases) {
    const key = `${r.suite}\u0000${r.group}\u0000${seriesName(r)}`;
    if (seen.has(key)) clash.add(key);
    seen.set(key, r);
  }
  for (const r of cases) {
    const base = seriesName(r);
    const key = `${r.suite}\u0000${r.group}\u0000${base}`;
    const variant = r.name
      .split(': ')
      .pop()!
      .replace(/^reckit\s*/, '');
    out.set(r, clash.has(key) && variant ? `${base}, ${variant}` : base);
  }
  return out;
}

function colorFor(name: string, used: Map<string, string>): string {
  const known = COLORS[name] ?? COLORS[name.replace(/ \(\d+ threads\).*$/, '')];
  const taken = new Set(used.values());
  if (known && !taken.has(known)) return known;
  // Further reckit variants stay in reckit's blues, so the legend reads reckit vs peers at a glance.
  const pool = name.startsWith('reckit') ? [...RECKIT_SHADES, ...SPARE] : SPARE;
  return pool.find((c) => !taken.has(c)) ?? SPARE[used.size % SPARE.length]!;
}

/** One chart per suite: median seconds per case (whisker min..max), peers labelled with their ratio. */
export function suiteChart(suite: string, cases: readonly CaseResult[], subtitle: string): BarChart | null {
  const timed = cases.filter((r) => r.suite === suite && r.seconds && !r.error);
  if (timed.length === 0) return null;
  const ratio = ratios(cases);
  const groups = new Map<string, BarGroup>();
  const series = new Map<string, string>();
  const names = seriesNames(timed);
  for (const r of timed) {
    const name = names.get(r)!;
    if (!series.has(name)) series.set(name, colorFor(name, series));
    // Terse group names ("load-small") get their dataset, so a chart reads without the table.
    const label = r.group.includes(r.dataset) || r.dataset === '-' ? r.group : `${r.group} (${r.dataset})`;
    const g = groups.get(r.group) ?? { label, bars: [] };
    groups.set(r.group, g);
    const q = ratio.get(r);
    g.bars.push({
      series: name,
      value: r.seconds!.median,
      min: r.seconds!.min,
      max: r.seconds!.max,
      note: q === undefined ? undefined : `${q >= 10 ? q.toFixed(0) : q.toFixed(2)}× reckit's time`,
    });
  }
  return {
    title: `reckit bench: ${suite}`,
    subtitle,
    axisLabel: 'median time per run (s); whiskers: min to max',
    unit: 's',
    groups: [...groups.values()],
    series: [...series].map(([name, color]) => ({ name, color })),
  };
}

/** Load-test cases (no per-run time, a request rate instead): requests per second, p99 beside. */
export function throughputChart(suite: string, cases: readonly CaseResult[], subtitle: string): BarChart | null {
  const rated = cases.filter(
    (r) => r.suite === suite && !r.seconds && !r.error && r.metrics.requestsPerSecond !== undefined,
  );
  if (rated.length === 0) return null;
  const groups = new Map<string, BarGroup>();
  const series = new Map<string, string>();
  const names = seriesNames(rated);
  for (const r of rated) {
    const name = names.get(r)!;
    if (!series.has(name)) series.set(name, colorFor(name, series));
    const g = groups.get(r.group) ?? { label: r.group, bars: [] };
    groups.set(r.group, g);
    const p99 = r.metrics.p99Ms;
    g.bars.push({
      series: name,
      value: r.metrics.requestsPerSecond!,
      note: p99 === undefined ? undefined : `p99 ${p99} ms`,
    });
  }
  return {
    title: `reckit bench: ${suite} (throughput)`,
    subtitle,
    axisLabel: 'requests per second (higher is better)',
    unit: 'req/s',
    groups: [...groups.values()],
    series: [...series].map(([name, color]) => ({ name, color })),
  };
}

/** SVG text per chart: `<suite>` (time per run) and `<suite>-throughput` (load tests). */
export function renderSuiteCharts(cases: readonly CaseResult[], subtitle: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const suite of new Set(cases.map((r) => r.suite))) {
    const chart = suiteChart(suite, cases, subtitle);
    if (chart) out.set(suite, renderBarChart(chart));
    const rate = throughputChart(suite, cases, subtitle);
    if (rate) out.set(`${suite}-throughput`, renderBarChart(rate));
  }
  return out;
}
