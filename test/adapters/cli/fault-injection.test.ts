import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { openWarehouse } from '../../../src/adapters/warehouse/open-warehouse.js';
import { loadModel } from '../../../src/engine/model/load-model.js';
import { readModelDir } from '../../../src/engine/model/model-dir.js';
import { dataPath, missing } from '../../support/data-dir.js';

// issue 20 item 1, the fault-injection test: `reckit train --out` and `reckit quickstart` are
// SIGKILLed at seeded random points (a bounded count); after every kill the previous model must
// load and the previous warehouse tables must be intact. Runs the built CLI as a user would.

const bin = resolve('bin/reckit.js');
const built = existsSync(resolve('dist/adapters/cli/main.js'));
const root = mkdtempSync(join(tmpdir(), 'reckit-kill-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A seeded uniform [0, 1) (LCG): the kill points are the same on every run. */
function lcg(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

function start(args: string[]): ChildProcess {
  return spawn(process.execPath, [bin, ...args], {
    cwd: root,
    env: { ...process.env, RECKIT_DATA_DIR: process.env.RECKIT_DATA_DIR ?? resolve('../shared/datasets') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

/** Runs to the end: exit code, stderr and seconds. */
function run(args: string[]): Promise<{ code: number | null; err: string; seconds: number }> {
  const t0 = performance.now();
  const child = start(args);
  let err = '';
  child.stderr?.on('data', (d) => (err += d));
  return new Promise((ok) => child.on('close', (code) => ok({ code, err, seconds: (performance.now() - t0) / 1000 })));
}

/** SIGKILLs after `ms` unless it ends first: whether the kill landed, and the seconds it ran. */
function killAfter(args: string[], ms: number): Promise<{ killed: boolean; seconds: number }> {
  const t0 = performance.now();
  const child = start(args);
  child.stderr?.resume();
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  return new Promise((ok) =>
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      ok({ killed: signal === 'SIGKILL', seconds: (performance.now() - t0) / 1000 });
    }),
  );
}

/**
 * Kills `target` runs at fractions `at(k)` of a run's length, checking `after` each attempt; a run
 * that ends before its kill (the shared machine got faster) sets the length for the next ones.
 * At most 2 x target attempts; returns the kills that landed.
 */
async function killRuns(
  args: string[],
  target: number,
  seconds: number,
  at: (k: number) => number,
  after: () => Promise<void>,
): Promise<number> {
  let landed = 0;
  let span = seconds;
  for (let k = 0; k < 2 * target && landed < target; k++) {
    const r = await killAfter(args, 30 + at(k) * span * 1000);
    if (r.killed) landed++;
    else span = r.seconds;
    await after();
  }
  return landed;
}

/** The model directory holds the model and only reckit's own files (its lock, a dead writer's journaled leftovers). */
async function expectModel(dir: string, users: number): Promise<void> {
  const model = await loadModel(dir);
  expect(model.users.size).toBe(users);
  const { meta } = await readModelDir(dir);
  for (const e of readdirSync(dir)) {
    expect(
      e === 'model.json' ||
        e in meta.files ||
        e.startsWith('.reckit-lock') ||
        /^[a-z-]+(\.[0-9a-f]{8})?\.arrow$|^\.model\.json\.[0-9a-f]{8}\.tmp$/.test(e),
    ).toBe(true);
  }
}

const has100k = Boolean(dataPath('ml-100k', 'u.data'));
describe.skipIf(!built || !has100k)(`train --out killed at random points (${missing('ml-100k', 'u.data')})`, () => {
  test('the previous model loads after each of 10 kills; the next writer cleans up', async () => {
    const out = join(root, 'svd');
    const args = [
      'train',
      '--data',
      'ml-100k',
      '--algo',
      'svd',
      '--param',
      'epochs=10',
      '--param',
      'factors=20',
      '--out',
      out,
    ];
    const first = await run(args);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    await expectModel(out, 943);
    const random = lcg(20);
    // Even kills uniform over the run, start-up included; odd ones over its last fifth, where the
    // model is saved (ml-100k, SVD 10 epochs x 20 factors; seed 20).
    const at = (k: number) => (k % 2 === 0 ? random() : 0.8 + random() * 0.2);
    const landed = await killRuns(args, 10, first.seconds, at, () => expectModel(out, 943));
    expect(landed).toBeGreaterThanOrEqual(8);
    const last = await run(args);
    expect(last.err).toBe('');
    expect(last.code).toBe(0);
    const { meta } = await readModelDir(out);
    expect(readdirSync(out).sort()).toEqual(['model.json', ...Object.keys(meta.files)].sort());
    // Nothing beside it either (earlier reckit left .svd.tmp-* / .svd.old-* folders when killed).
    expect(readdirSync(root).filter((e) => e.startsWith('.svd'))).toEqual([]);
  });

  test('two writers at once: both finish, the model loads, nothing is left over', async () => {
    const out = join(root, 'two');
    const args = ['train', '--data', 'ml-100k', '--algo', 'baseline', '--out', out];
    const [a, b] = await Promise.all([run(args), run(args)]);
    expect([a.code, b.code, a.err, b.err]).toEqual([0, 0, '', '']);
    const { meta } = await readModelDir(out);
    expect((await loadModel(out)).users.size).toBe(943);
    expect(readdirSync(out).sort()).toEqual(['model.json', ...Object.keys(meta.files)].sort());
  });
});

const hasSmall = Boolean(dataPath('ml-latest-small', 'ratings.csv'));
describe.skipIf(!built || !hasSmall)(
  `quickstart killed at random points (${missing('ml-latest-small', 'ratings.csv')})`,
  () => {
    const TABLES = ['ratings', 'movies', 'user_movie_recommendations', 'no_ratings', 'user_clusters'];
    const counts = async (path: string) => {
      const w = await openWarehouse(`duckdb:${path}`);
      try {
        const out: Record<string, number> = {};
        for (const t of TABLES) out[t] = Number((await w.run(`SELECT count(*) AS n FROM ${t}`)).getChild('n')?.get(0));
        return out;
      } finally {
        await w.close();
      }
    };

    test('the previous model and warehouse tables are intact after each of 8 kills', async () => {
      const warehouse = join(root, 'w.duckdb');
      const modelDir = join(root, 'qs-model');
      const args = [
        'quickstart',
        '--warehouse',
        `duckdb:${warehouse}`,
        '--model-dir',
        modelDir,
        '--folds',
        '0',
        '--clusters',
        '2',
      ];
      const first = await run(args);
      expect(first.code).toBe(0);
      const before = await counts(warehouse);
      expect(before.ratings).toBe(100_836);
      expect(before.user_movie_recommendations).toBe(610);
      await expectModel(modelDir, 610);
      const random = lcg(21);
      // Uniform over the run (ml-latest-small, no CV, 2 clusters; seed 21).
      const landed = await killRuns(
        args,
        8,
        first.seconds,
        () => random(),
        async () => {
          await expectModel(modelDir, 610);
          expect(await counts(warehouse)).toEqual(before);
        },
      );
      expect(landed).toBeGreaterThanOrEqual(6);
    });
  },
);
