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
const SPARE = ['#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#393b79', '#637939'];

/** The legend entry of a case: the peer's name, or reckit with its backend (and thread count). */
export function seriesName(r: CaseResult): string {
  if (r.impl === 'reckit' || r.impl === 'reckit-reference') {
    const backend = r.impl === 'reckit-reference' ? 'reference' : r.backend;
    return `reckit ${backend}${r.threads > 1 ? ` (${r.threads} threads)` : ''}`;
  }
  return r.impl;
}

function colorFor(name: string, used: Map<string, string>): string {
  const known = COLORS[name] ?? COLORS[name.replace(/ \(\d+ threads\)$/, '')];
  if (known && ![...used.values()].includes(known)) return known;
  return SPARE[used.size % SPARE.length]!;
}

/** One chart per suite: median seconds per case (whisker min..max), peers labelled with their ratio. */
export function suiteChart(suite: string, cases: readonly CaseResult[], subtitle: string): BarChart | null {
  const timed = cases.filter((r) => r.suite === suite && r.seconds && !r.error);
  if (timed.length === 0) return null;
  const ratio = ratios(cases);
  const groups = new Map<string, BarGroup>();
  const series = new Map<string, string>();
  for (const r of timed) {
    const name = seriesName(r);
    if (!series.has(name)) series.set(name, colorFor(name, series));
    const g = groups.get(r.group) ?? { label: r.group, bars: [] };
    groups.set(r.group, g);
    const q = ratio.get(r);
    g.bars.push({
      series: name,
      value: r.seconds!.median,
      min: r.seconds!.min,
      max: r.seconds!.max,
      note: q === undefined ? undefined : `${q >= 10 ? q.toFixed(0) : q.toFixed(2)}× reckit`,
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

/** SVG text per suite that has timed cases. */
export function renderSuiteCharts(cases: readonly CaseResult[], subtitle: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const suite of new Set(cases.map((r) => r.suite))) {
    const chart = suiteChart(suite, cases, subtitle);
    if (chart) out.set(suite, renderBarChart(chart));
  }
  return out;
}
