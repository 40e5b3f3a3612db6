import { expect, test } from 'vitest';
import { type CompareReportInput, renderCompareReport } from '../../../src/adapters/report/compare-report.js';

const nan = Number.NaN;
const row = (algo: string, ndcg: number, rmse: number, fitSeconds: number) => ({
  algo,
  params: { note: `<${algo}>` },
  ndcg,
  precision: ndcg * 0.9,
  recall: ndcg / 2,
  map: ndcg / 3,
  hitRate: nan,
  coverage: 0.1,
  rmse,
  mae: Number.isNaN(rmse) ? nan : rmse - 0.2,
  fitSeconds,
  rankSeconds: 0.05,
});

const input: CompareReportInput = {
  protocol: 'ms-recommenders',
  description: 'per-user stratified 75/25',
  data: 'ml-<test>',
  dataset: { ratings: 100, users: 10, items: 20 },
  split: { trainRatings: 75, testRatings: 25, evaluatedUsers: 10 },
  k: 10,
  seed: 0,
  backend: 'native',
  rows: [row('svd', 0.09, 0.94, 0.7), row('ease', 0.48, nan, 0.3), row('als', 0.49, nan, 2)],
  totalSeconds: 3,
};

test('the comparison page: one row per algorithm, the best of each column in bold, three labelled charts', () => {
  const html = renderCompareReport(input, { generatedAt: new Date(0) });
  expect(html.startsWith('<!doctype html>')).toBe(true);
  expect(html).not.toMatch(/<script|<link|<img|url\(/i);
  for (const a of ['svd', 'ease', 'als']) expect(html).toContain(`<tr><th>${a}</th>`);
  // nDCG: als is best (higher is better); train time: ease is best (lower is better).
  expect(html).toMatch(/<tr><th>als<\/th><td><b>0\.4900<\/b><\/td>/);
  expect(html).toMatch(/<tr><th>ease<\/th>.*<td><b>0\.30<\/b><\/td>/);
  // Rankers measure no RMSE: a dash, and no rating-error chart (it needs every row).
  expect(html).toMatch(/<tr><th>ease<\/th>(<td>[^<]*(<b>[^<]*<\/b>)?[^<]*<\/td>){6}<td>-<\/td>/);
  expect(html).not.toContain('Rating error');
  expect(html).toContain('nDCG@10');
  expect(html.match(/<svg/g)?.length).toBe(2);
  expect(html).toContain('Top-10 ranking metrics');
  expect(html).toContain('Training time');
  // Never measured at all (hitRate): no column.
  expect(html).not.toContain('HR@10');
  // Parameters are escaped.
  expect(html).toContain('&lt;svd&gt;');
  expect(html).not.toContain('<svd>');
});
