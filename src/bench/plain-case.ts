import type { CaseResult, TimeSummary } from './bench-case.js';
import { summarize } from './stats.js';

type Plain = Record<string, unknown>;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function pick<T>(o: Plain, keys: string[], as: (v: unknown) => T | undefined): T | undefined {
  for (const k of keys) {
    const v = as(o[k]);
    if (v !== undefined) return v;
  }
  return undefined;
}

function timeSummary(o: Plain): TimeSummary | null {
  const s = o.seconds;
  if (s && typeof s === 'object' && !Array.isArray(s)) {
    const t = s as Plain;
    const samples = Array.isArray(t.samples) ? (t.samples as unknown[]).map(Number) : [];
    const median = num(t.median);
    if (median !== undefined) {
      return { median, min: num(t.min) ?? median, max: num(t.max) ?? median, samples };
    }
    if (samples.length) return summarize(samples);
  }
  for (const k of ['samples', 'times', 'secondsPerRun', 'runSeconds']) {
    if (Array.isArray(o[k]) && o[k]!.length) return summarize(o[k]!.map(Number));
  }
  const median = pick(o, ['medianSeconds', 'median', 'seconds', 'fitSeconds', 'timeSeconds', 'wallSeconds'], num);
  if (median === undefined) {
    const ms = pick(o, ['medianMs', 'ms'], num);
    if (ms === undefined) return null;
    return { median: ms / 1000, min: (num(o.minMs) ?? ms) / 1000, max: (num(o.maxMs) ?? ms) / 1000, samples: [] };
  }
  return {
    median,
    min: pick(o, ['minSeconds', 'min'], num) ?? median,
    max: pick(o, ['maxSeconds', 'max'], num) ?? median,
    samples: [],
  };
}

function isCaseResult(o: Plain): o is Plain & CaseResult {
  return (
    typeof o.suite === 'string' &&
    typeof o.group === 'string' &&
    typeof o.impl === 'string' &&
    'seconds' in o &&
    typeof o.metrics === 'object' &&
    'peakRssMiB' in o
  );
}

const KNOWN = new Set([
  'suite',
  'group',
  'name',
  'case',
  'label',
  'impl',
  'implementation',
  'peer',
  'dataset',
  'data',
  'size',
  'shape',
  'backend',
  'threads',
  'warmup',
  'runs',
  'seconds',
  'samples',
  'times',
  'secondsPerRun',
  'runSeconds',
  'medianSeconds',
  'median',
  'fitSeconds',
  'timeSeconds',
  'wallSeconds',
  'minSeconds',
  'min',
  'maxSeconds',
  'max',
  'medianMs',
  'ms',
  'minMs',
  'maxMs',
  'peakRssMiB',
  'peakRssMB',
  'rssMiB',
  'peakRssBytes',
  'metrics',
  'error',
  'notes',
  'note',
]);

/**
 * A CaseResult from the plain object a suite module returns. Suites written beside the harness
 * name fields their own way (`medianSeconds`, `seconds: {median}`, `peakRssMB` ...); this reads
 * the common spellings, and every other finite number becomes a figure in `metrics`, so nothing a
 * suite measured is dropped.
 */
export function fromPlain(suite: string, o: Plain): CaseResult {
  // A reckit row on the reference backend is the "pure JS" line: a peer of the native row.
  if (isCaseResult(o)) return o.impl === 'reckit' && o.backend === 'reference' ? { ...o, impl: 'reckit-reference' } : o;
  const name = pick(o, ['name', 'case', 'label', 'impl'], str) ?? 'case';
  const metrics: Record<string, number> = {};
  if (o.metrics && typeof o.metrics === 'object') {
    for (const [k, v] of Object.entries(o.metrics as Plain)) if (num(v) !== undefined) metrics[k] = v as number;
  }
  for (const [k, v] of Object.entries(o)) if (!KNOWN.has(k) && num(v) !== undefined) metrics[k] = v as number;
  const bytes = num(o.peakRssBytes);
  // Load tests report throughput over a fixed duration: `seconds` is then how long the load ran.
  const throughput = num(o.requestsPerSecond) !== undefined;
  if (throughput && num(o.seconds) !== undefined) metrics.durationSeconds = o.seconds as number;
  const seconds = throughput ? null : timeSummary(o);
  let error = o.error === undefined || o.error === null ? undefined : String(o.error);
  const failed = (num(o.errors) ?? 0) + (num(o.non2xx) ?? 0);
  if (throughput && failed > 0 && error === undefined) {
    error = `${num(o.errors) ?? 0} request errors and ${num(o.non2xx) ?? 0} non-2xx responses under load`;
  }
  const impl = pick(o, ['impl', 'implementation', 'peer'], str) ?? 'reckit';
  return {
    suite: str(o.suite) ?? suite,
    group: pick(o, ['group'], str) ?? name,
    name,
    // "reckit serve", "reckit (native)": reckit's own line, the baseline of its group.
    impl: /^reckit\b(?!-)/.test(impl)
      ? o.backend === 'reference'
        ? 'reckit-reference'
        : 'reckit'
      : impl === 'bare node:http'
        ? 'node-http'
        : impl,
    dataset: pick(o, ['dataset', 'data'], str) ?? '-',
    size: pick(o, ['size', 'shape'], (v) => (typeof v === 'number' ? v.toLocaleString('en-US') : str(v))) ?? '-',
    backend: pick(o, ['backend'], str) ?? (impl === 'reckit serve' ? 'http server' : '-'),
    threads: num(o.threads) ?? 1,
    warmup: num(o.warmup) ?? 0,
    runs: num(o.runs) ?? (seconds?.samples.length || (seconds ? 1 : 0)),
    seconds,
    peakRssMiB: pick(o, ['peakRssMiB', 'peakRssMB', 'rssMiB'], num) ?? (bytes === undefined ? null : bytes / 2 ** 20),
    metrics,
    error,
    notes: pick(o, ['notes', 'note'], str),
  };
}

/** Accepts what a suite function returned: an array of cases, or an object holding one. */
export function casesFrom(suite: string, value: unknown): CaseResult[] {
  const list = Array.isArray(value)
    ? value
    : value && typeof value === 'object'
      ? (Object.values(value as Plain).find(Array.isArray) ?? [value])
      : [];
  return (list as unknown[])
    .filter((x): x is Plain => Boolean(x) && typeof x === 'object')
    .map((x) => fromPlain(suite, x));
}
