import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { formatCompare, paramsFor, runCompare } from '../../../src/adapters/cli/commands/evaluate-compare.js';
import { dataPath, missing } from '../../support/data-dir.js';

const has100k = Boolean(dataPath('ml-100k', 'u1.base'));

test('--param routing: shared names go to every algorithm, algo.name to one, unknown targets refused', () => {
  const all = { threads: 1, 'als.factors': 8, 'ease.lambda': 50 };
  expect(paramsFor('als', all, ['als', 'ease'], 3)).toEqual({ threads: 1, factors: 8, seed: 3 });
  expect(paramsFor('ease', all, ['als', 'ease'], 3)).toEqual({ threads: 1, lambda: 50 });
  expect(() => paramsFor('als', { 'bpr.factors': 8 }, ['als'], 0)).toThrow(/"bpr" is not one of the algorithms/);
});

describe.skipIf(!has100k)(`reckit evaluate --protocol (${missing('ml-100k', 'u1.base')})`, () => {
  // ml-100k, ms-recommenders split seed 0: popularity's nDCG@10 is ~0.24 and EASE's ~0.48 (docs/ranking.md);
  // the bands only guard the wiring (same split for both, rankers without RMSE).
  test('ms-recommenders: one row per algorithm on the same split, rankers without RMSE', async () => {
    const r = await runCompare({
      data: 'ml-100k',
      protocol: 'ms-recommenders',
      algos: ['popularity', 'ease'],
      params: { 'ease.lambda': 500 },
    });
    expect(r.split).toMatchObject({ evaluatedUsers: 943 });
    expect(r.split.trainRatings + r.split.testRatings).toBe(100_000);
    const [pop, ease] = r.rows;
    expect(pop?.ndcg).toBeGreaterThan(0.2);
    expect(pop?.ndcg).toBeLessThan(0.3);
    expect(ease?.ndcg).toBeGreaterThan(0.45);
    expect(Number.isNaN(ease?.rmse)).toBe(true);
    const text = formatCompare(r);
    expect(text).toMatch(/protocol ms-recommenders \(seed 0\)/);
    expect(text).toMatch(/\nalgo\s+nDCG@10\s+P@10\s+R@10\s+MAP@10/);
  });

  test('--report with --algo a,b writes the comparison page (it used to be ignored)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reckit-compare-'));
    try {
      const file = join(dir, 'compare.html');
      const run = spawnSync(
        process.execPath,
        [
          join(process.cwd(), 'bin', 'reckit.js'),
          'evaluate',
          '--data',
          'ml-100k',
          '--protocol',
          'ms-recommenders',
          '--algo',
          'popularity,ease',
          '--report',
          file,
        ],
        { encoding: 'utf8' },
      );
      expect(run.status, run.stderr).toBe(0);
      expect(run.stderr).toContain(`report written to ${file}`);
      const html = readFileSync(file, 'utf8');
      expect(html).toContain('<tr><th>popularity</th>');
      expect(html).toContain('<tr><th>ease</th>');
      expect(html).toContain('Top-10 ranking metrics');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a train/test file pair (u1.base -> u1.test) and the CLI exit codes', () => {
    const root = process.env.RECKIT_DATA_DIR ?? '../shared/datasets';
    const bin = join(process.cwd(), 'bin', 'reckit.js');
    const ok = spawnSync(
      process.execPath,
      [
        bin,
        'evaluate',
        '--train',
        join(root, 'ml-100k', 'u1.base'),
        '--test',
        join(root, 'ml-100k', 'u1.test'),
        '--algo',
        'popularity',
        '--json',
      ],
      { encoding: 'utf8' },
    );
    expect(ok.status, ok.stderr).toBe(0);
    const report = JSON.parse(ok.stdout);
    expect(report.protocol).toBe('files');
    expect(report.split.testRatings + report.split.droppedTestRows).toBe(20_000);
    const bad = spawnSync(
      process.execPath,
      [bin, 'evaluate', '--data', 'ml-100k', '--protocol', 'loo', '--algo', 'ease'],
      {
        encoding: 'utf8',
      },
    );
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(
      /unknown protocol "loo"; known: ms-recommenders, python-stratified, leave-one-out, temporal, surprise/,
    );
  });
});
