import type { CaseResult } from './bench-case.js';
import type { BandCheck } from './bench-run.js';

/** An accuracy band CI enforces: a reckit case's metric must fall inside [lo, hi]. */
export interface Band {
  name: string;
  suite: string;
  metric: string;
  lo: number;
  hi: number;
  /** Which case carries the figure. */
  match: (r: CaseResult) => boolean;
}

/**
 * The bands, with where they come from. Beating a band fails too: far better than Surprise on the
 * same split means leakage, not progress (LensKit and Surprise run the same check in their CI).
 */
export const BANDS: readonly Band[] = [
  // ml-100k, 80/20 random holdout seed 0, SVD defaults (100 factors, 20 epochs), seed 0: 0.9384 at
  // commit 78ba383 (native, 2 threads). Band = Surprise's published 5-fold 0.934 +- 0.01.
  {
    name: 'ml-100k SVD, 80/20 holdout (svd-peers, native)',
    suite: 'svd-peers',
    metric: 'rmse',
    lo: 0.924,
    hi: 0.944,
    match: (r) => r.impl === 'reckit' && r.dataset === 'ml-100k',
  },
  {
    name: 'ml-100k SVD, 80/20 holdout (svd-peers, reference twin)',
    suite: 'svd-peers',
    metric: 'rmse',
    lo: 0.924,
    hi: 0.944,
    match: (r) => r.impl === 'reckit-reference' && r.dataset === 'ml-100k',
  },
];

/**
 * Checks the bands whose suite ran. A band whose case is missing or failed is a failure: the
 * figure CI guards must not silently disappear. Timings are never checked.
 */
export function checkBands(cases: readonly CaseResult[], suitesRun: readonly string[], bands = BANDS): BandCheck[] {
  const out: BandCheck[] = [];
  for (const b of bands) {
    if (!suitesRun.includes(b.suite)) continue;
    const hit = cases.find((r) => r.suite === b.suite && b.match(r));
    const value = hit && !hit.error ? hit.metrics[b.metric] : undefined;
    const base = { band: b.name, metric: b.metric, lo: b.lo, hi: b.hi };
    if (value === undefined) {
      const why = hit?.error ? `the case failed: ${hit.error}` : `no ${b.suite} case reported ${b.metric}`;
      out.push({ ...base, value: null, ok: false, why });
      continue;
    }
    const ok = value >= b.lo && value <= b.hi;
    out.push({
      ...base,
      value,
      ok,
      why: ok ? 'inside' : value < b.lo ? 'below the band (leakage?)' : 'above the band',
    });
  }
  return out;
}
