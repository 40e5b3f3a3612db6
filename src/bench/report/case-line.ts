import type { CaseResult } from '../bench-case.js';

/** One line per finished case for the console. */
export function caseLine(r: CaseResult): string {
  const rps = r.metrics.requestsPerSecond;
  const t = r.seconds
    ? `${r.seconds.median.toPrecision(3)} s (min ${r.seconds.min.toPrecision(3)})`
    : rps !== undefined
      ? `${Math.round(rps).toLocaleString('en-US')} req/s`
      : 'no time';
  const m = Object.entries(r.metrics)
    .map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toPrecision(4)}`)
    .join(', ');
  return `  ${r.suite} | ${r.group} | ${r.name}: ${r.error ? `ERROR ${r.error}` : t}${m ? ` | ${m}` : ''}`;
}
