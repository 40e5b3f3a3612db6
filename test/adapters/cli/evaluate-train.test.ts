import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { parseParamFlags } from '../../../src/adapters/cli/commands/algorithm-params.js';
import { formatEvaluate, runEvaluate } from '../../../src/adapters/cli/commands/evaluate.js';
import { formatTrain, runTrain } from '../../../src/adapters/cli/commands/train.js';
import { loadModel } from '../../../src/engine/model/load-model.js';
import { dataPath, missing } from '../../support/data-dir.js';

const dir = mkdtempSync(join(tmpdir(), 'reckit-b1-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const has100k = Boolean(dataPath('ml-100k', 'u.data'));

test('--param flags parse as JSON values, bare words as strings', () => {
  expect(parseParamFlags(['factors=50', 'biased=false', 'method=sgd', 'learningRate=1e-3'])).toEqual({
    factors: 50,
    biased: false,
    method: 'sgd',
    learningRate: 0.001,
  });
  expect(() => parseParamFlags(['factors'])).toThrow(/--param factors: expected name=value/);
  // Comparing algorithms, `algo.name` routes a value to one of them (evaluate-compare.ts).
  expect(parseParamFlags(['als.factors=128', 'ease-als.weight=2'])).toEqual({
    'als.factors': 128,
    'ease-als.weight': 2,
  });
  expect(() => parseParamFlags(['als.constructor=1'])).toThrow(/"als.constructor" is not a parameter name/);
  expect(() => parseParamFlags(['a.b.c=1'])).toThrow(/"a.b.c" is not a parameter name/);
});

describe.skipIf(!has100k)(`reckit evaluate / train as functions (${missing('ml-100k', 'u.data')})`, () => {
  test('evaluate: per-fold and mean/std rating and ranking figures, and a readable table', async () => {
    const r = await runEvaluate({ data: 'ml-100k', algo: 'baseline', folds: 3, seed: 1 });
    expect(r.folds.length).toBe(3);
    expect(r.dataset).toMatchObject({ ratings: 100_000, users: 943, items: 1682 });
    for (const f of r.folds) {
      expect(f.rmse).toBeGreaterThan(0.9);
      expect(f.rmse).toBeLessThan(1);
      expect(f.ranking?.k).toBe(10);
      expect(f.ranking?.users).toBeGreaterThan(500);
      expect(f.fitSeconds).toBeGreaterThan(0);
    }
    for (const key of ['rmse', 'mae', 'precision', 'recall', 'ndcg', 'map', 'hitRate', 'coverage', 'fitSeconds']) {
      expect(r.mean[key]).toBeTypeOf('number');
      expect(r.std[key]).toBeGreaterThanOrEqual(0);
    }
    const text = formatEvaluate(r);
    expect(text).toMatch(/baseline on ml-100k: 100,000 ratings, 943 users, 1,682 items; 3-fold CV \(seed 1\)/);
    expect(text).toMatch(/\n\s*RMSE\s+MAE\s+P@10/);
    expect(text).toMatch(/\nmean /);
  });

  test('evaluate: --test-fraction is one holdout; SVD records a history per fold; params echo', async () => {
    const r = await runEvaluate({
      data: 'ml-100k',
      algo: 'svd',
      testFraction: 0.2,
      params: { factors: 10, epochs: 4 },
      k: 0,
    });
    expect(r.split).toEqual({ kind: 'holdout', testFraction: 0.2, seed: 0 });
    expect(r.folds[0]?.testRatings).toBe(20_000);
    expect(r.folds[0]?.history?.length).toBe(4);
    expect(r.folds[0]?.ranking).toBeUndefined();
    expect(r.params).toMatchObject({ factors: 10, epochs: 4, seed: 0 });
  });

  test('evaluate: bad input is an InputError naming the parameter', async () => {
    await expect(runEvaluate({ data: 'ml-100k', algo: 'svd', params: { factors: -1 } })).rejects.toThrow(
      /svd: parameter factors = -1; expected an integer >= 1/,
    );
    await expect(runEvaluate({ data: 'ml-100k', algo: 'nope' })).rejects.toThrow(/unknown algorithm "nope"/);
  });

  test('train: fits on every rating and saves a model that loads and predicts the same', async () => {
    const out = join(dir, 'svd-model');
    const r = await runTrain({ data: 'ml-100k', algo: 'svd', params: { factors: 8, epochs: 3 }, out });
    expect(r.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
    expect(r.dataset.ratings).toBe(100_000);
    expect(formatTrain(r)).toMatch(/fit in .* s \(3 epochs, training RMSE 0\.\d{4}\); saved to/);
    const model = await loadModel(out);
    expect(model.algorithm).toBe('svd');
    const p = model.predictOne(196, 242);
    expect(p.known).toBe(true);
    expect(p.score).toBeGreaterThanOrEqual(1);
    expect(p.score).toBeLessThanOrEqual(5);
  });
});

const built = existsSync('dist/adapters/cli/commands/evaluate.js');
test.skipIf(!built || !has100k)(
  `the built CLI runs evaluate --json (smoke spawn${built ? '' : '; dist/ not built: npx tsc -p tsconfig.build.json'})`,
  () => {
    const r = spawnSync(
      process.execPath,
      ['bin/reckit.js', 'evaluate', '--data', 'ml-100k', '--algo', 'globalmean', '--folds', '2', '--k', '5', '--json'],
      { encoding: 'utf8', env: { ...process.env } },
    );
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.algo).toBe('globalmean');
    expect(report.folds.length).toBe(2);
    expect(report.folds[0].rmse).toBeGreaterThan(1);
    expect(report.folds[0].ranking.k).toBe(5);
    expect(report.mean.rmse).toBeTypeOf('number');
    const bad = spawnSync(process.execPath, ['bin/reckit.js', 'evaluate', '--data', 'ml-100k', '--algo', 'nope'], {
      encoding: 'utf8',
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown algorithm "nope"/);
  },
);
