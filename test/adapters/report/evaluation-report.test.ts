import { expect, test } from 'vitest';
import {
  type EvaluationReportInput,
  ratingHistogram,
  renderEvaluationReport,
} from '../../../src/adapters/report/evaluation-report.js';

const fold = (f: number) => ({
  fold: f,
  rmse: 0.87 + f / 100,
  mae: 0.67 + f / 100,
  fitSeconds: 1,
  testSeconds: 0.1,
  ranking: { k: 10, threshold: 4, precision: 0.05, recall: 0.03, ndcg: 0.06, map: 0.02, hitRate: 0.3, coverage: 0.04 },
  history: [1, 2, 3].map((epoch) => ({ epoch, loss: 100 / epoch, trainRmse: 1 - epoch / 10 })),
});

const input: EvaluationReportInput = {
  algo: 'svd',
  data: 'ml-<test>',
  params: { factors: 100 },
  dataset: { ratings: 6, users: 2, items: 3, scale: { min: 0.5, max: 5 } },
  split: { kind: 'kfold', folds: 3, seed: 0 },
  backend: 'native',
  folds: [0, 1, 2].map(fold),
  mean: { rmse: 0.88, mae: 0.68, precision: 0.05, fitSeconds: 1, testSeconds: 0.1 },
  std: { rmse: 0.008, mae: 0.008, precision: 0, fitSeconds: 0, testSeconds: 0 },
};

test('the report is one self-contained page: table, four labelled charts, no scripts or remote resources', () => {
  const hist = ratingHistogram(Float32Array.of(4, 0.5, 4, 3, 5, 4));
  expect(hist).toEqual([
    { rating: 0.5, count: 1 },
    { rating: 3, count: 1 },
    { rating: 4, count: 3 },
    { rating: 5, count: 1 },
  ]);
  const html = renderEvaluationReport(input, { ratingHistogram: hist, generatedAt: new Date(0) });
  expect(html.startsWith('<!doctype html>')).toBe(true);
  expect(html).not.toMatch(/<script|<link|<img|url\(/i);
  expect(html.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, '')).not.toMatch(/https?:\/\//);
  expect(html).toContain('ml-&lt;test&gt;'); // escaped
  expect(html.match(/<svg /g)).toHaveLength(4);
  for (const label of [
    'epoch',
    'training RMSE (stars)',
    'error (stars)',
    'rating (stars)',
    'ratings (count)',
    'score (0 to 1)',
  ]) {
    expect(html).toContain(`>${label}</text>`);
  }
  for (const legend of ['fold 1 train', 'fold 3 train', 'RMSE', 'MAE', 'Precision@10', 'Hit rate@10']) {
    expect(html).toContain(`>${legend}</text>`);
  }
  // 3 folds + mean + std rows; a path with one point per epoch per fold.
  expect(html.match(/<tr><th>fold \d<\/th>/g)).toHaveLength(3);
  expect(html).toContain('<tr class="mean"><th>mean</th><td>0.8800</td>');
  expect(html.match(/<path d="M[^"]*"/g)?.map((d) => d.split('L').length)).toEqual([3, 3, 3]);
  // The rating bars: one per distinct rating.
  expect(html.match(/<title>ratings [^<]*<\/title>/g)).toHaveLength(4);
});

test('a model without epochs says so instead of drawing an empty curve', () => {
  const html = renderEvaluationReport({ ...input, folds: input.folds.map((f) => ({ ...f, history: undefined })) });
  expect(html).toContain('No per-epoch history');
  expect(html.match(/<svg /g)).toHaveLength(2);
});
