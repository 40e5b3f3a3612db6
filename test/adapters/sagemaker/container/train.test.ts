import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Table, tableToIPC, type Vector } from 'apache-arrow';
import { afterAll, describe, expect, test } from 'vitest';
import { loadDataset } from '../../../../src/adapters/datasets/load-dataset.js';
import { DuckDbWarehouse } from '../../../../src/adapters/warehouse/duckdb-warehouse.js';
import { loadModel } from '../../../../src/engine/model/load-model.js';
import { dataPath, missing } from '../../../support/data-dir.js';
import { built, notBuilt, optMlTree, runEntrypoint } from './opt-ml-tree.js';

const u100k = dataPath('ml-100k', 'u.data');
const small = dataPath('ml-latest-small', 'ratings.csv');
const roots: string[] = [];
const tree = (o: Parameters<typeof optMlTree>[0]) => {
  const root = optMlTree(o);
  roots.push(root);
  return root;
};
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

const failure = (root: string) => readFileSync(join(root, 'output', 'failure'), 'utf8');
const modelFiles = (root: string) => readdirSync(join(root, 'model')).sort();

describe.skipIf(!built || !u100k)(
  `train entrypoint as a process${notBuilt}${u100k ? '' : ` (${missing('ml-100k')})`}`,
  () => {
    test('svd on ml-100k from string hyperparameters: model at model/ root, metric lines, top-N file', async () => {
      const root = tree({
        hyperparameters: { algorithm: 'svd', factors: '20', epochs: '5', seed: '7', top_n: '5' },
        channels: { train: { files: [u100k as string] } },
      });
      const run = await runEntrypoint('train', root).done;
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(existsSync(join(root, 'output', 'failure'))).toBe(false);
      expect(modelFiles(root)).toEqual(['history.arrow', 'items.arrow', 'model.json', 'seen.arrow', 'users.arrow']);
      const model = await loadModel(join(root, 'model'));
      expect(model.algorithm).toBe('svd');
      expect(model.params).toMatchObject({ factors: 20, epochs: 5, seed: 7 });
      expect([model.users.size, model.items.size]).toEqual([943, 1682]);
      // One metric line per epoch and a final one, matching the documented MetricDefinitions regex.
      const rmse = [...run.stdout.matchAll(/train:rmse=(-?[0-9.]+);/g)].map((m) => Number(m[1]));
      expect(rmse).toHaveLength(6);
      // ml-100k, all 100k ratings, factors 20, 5 epochs, seed 7: training RMSE falls every epoch and
      // ends in 0.90-0.97 (0.934 measured), the final line equals the last epoch's.
      for (let e = 1; e < 5; e++) expect(rmse[e]).toBeLessThan(rmse[e - 1]!);
      expect(rmse[4]).toBeGreaterThan(0.9);
      expect(rmse[4]).toBeLessThan(0.97);
      expect(rmse[5]).toBe(rmse[4]);
      // The top-N file holds what the saved model recommends.
      const lines = readFileSync(join(root, 'output', 'data', 'recommendations.csv'), 'utf8')
        .trim()
        .split('\n');
      expect(lines[0]).toBe('user,rank,item,score');
      expect(lines).toHaveLength(1 + 943 * 5);
      const firstUser = Number(lines[1]?.split(',')[0]);
      const mine = lines.slice(1, 6).map((l) => Number(l.split(',')[2]));
      expect(mine).toEqual(model.recommend(firstUser, { n: 5 }).map((s) => s.item));
    });

    test.skipIf(!small)(
      'kmeans from JSON-encoded hyperparameters on a dataset folder under an S3-style prefix',
      async () => {
        // The Python SDK's framework estimators JSON-encode every value.
        const root = tree({
          hyperparameters: { algorithm: '"kmeans"', k: '6', max_iter: '20', seed: '3', features: '"centered"' },
          channels: { training: { files: [small as string], under: 'movielens/ml-latest-small' } },
        });
        const run = await runEntrypoint('train', root).done;
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        const model = await loadModel(join(root, 'model'));
        expect(model.algorithm).toBe('kmeans');
        expect(model.params).toMatchObject({ k: 6, maxIter: 20, seed: 3, features: 'centered' });
        expect(model.users.size).toBe(610);
        expect(run.stdout).toMatch(/final .*train:inertia=[0-9.]+;/);
      },
    );

    test('an Arrow IPC file with its own column names, mapped by the columns hyperparameter', async () => {
      const root = tree({
        hyperparameters: { algorithm: 'baseline', columns: 'user=USERID,item=MOVIEID,rating=RATING' },
        configured: ['train'],
      });
      const { ratings } = await loadDataset(u100k as string, { items: false });
      const renamed = new Table({
        USERID: ratings.getChild('user') as Vector,
        MOVIEID: ratings.getChild('item') as Vector,
        RATING: ratings.getChild('rating') as Vector,
      });
      mkdirSync(join(root, 'input', 'data', 'train'), { recursive: true });
      writeFileSync(join(root, 'input', 'data', 'train', 'ratings.arrow'), tableToIPC(renamed, 'file'));
      const run = await runEntrypoint('train', root).done;
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/100000 ratings, 943 users, 1682 items from channel train/);
      expect((await loadModel(join(root, 'model'))).algorithm).toBe('baseline');
    });

    test('a bad hyperparameter: exit 2, the failure file names it, model/ untouched', async () => {
      const root = tree({
        hyperparameters: { algorithm: 'svd', factors: '-3' },
        channels: { train: { files: [u100k as string] } },
      });
      const run = await runEntrypoint('train', root).done;
      expect(run.code).toBe(2);
      expect(failure(root)).toMatch(/^hyperparameters: svd: parameter factors = -3; expected an integer >= 1/);
      expect(modelFiles(root)).toEqual([]);

      const unknown = tree({ hyperparameters: { algorithm: 'svd', n_factors: '50' }, channels: {} });
      const run2 = await runEntrypoint('train', unknown).done;
      expect(run2.code).toBe(2);
      expect(failure(unknown)).toMatch(/unknown parameter "nFactors"; known: factors, .*reckit's own: algorithm, seed/);

      const algo = tree({ hyperparameters: { algorithm: 'nope' } });
      expect((await runEntrypoint('train', algo).done).code).toBe(2);
      expect(failure(algo)).toMatch(/unknown algorithm "nope"; known: svd, /);
    });

    test('a missing channel, an empty one and Pipe mode: exit 2 with the reason', async () => {
      const none = tree({ hyperparameters: { epochs: '1' }, configured: ['train'] });
      expect((await runEntrypoint('train', none).done).code).toBe(2);
      expect(failure(none)).toMatch(/^channel "train": .*input\/data\/train does not exist/);

      const other = tree({
        hyperparameters: { epochs: '1', channel: 'ratings' },
        channels: { train: { files: [u100k as string] } },
      });
      expect((await runEntrypoint('train', other).done).code).toBe(2);
      expect(failure(other)).toMatch(/^channel "ratings" is not in inputdataconfig.json \(channels: train\)/);

      const pipe = tree({ channels: { train: { files: [u100k as string] } }, inputMode: 'Pipe' });
      expect((await runEntrypoint('train', pipe).done).code).toBe(2);
      expect(failure(pipe)).toMatch(/TrainingInputMode Pipe; reckit reads files: use File or FastFile/);
      expect(modelFiles(pipe)).toEqual([]);
    });

    test('SIGTERM during the fit: exit 143 within seconds, the failure file says so, no model', async () => {
      // Thousands of epochs would take minutes; the stop comes after the first one.
      const root = tree({
        hyperparameters: { algorithm: 'svd', factors: '100', epochs: '5000' },
        channels: { train: { files: [u100k as string] } },
      });
      let sentAt = 0;
      const { done } = runEntrypoint('train', root, {
        onStdout: (text, child) => {
          if (!sentAt && /epoch=1\/5000;/.test(text)) {
            sentAt = performance.now();
            child.kill('SIGTERM');
          }
        },
      });
      const run = await done;
      expect(sentAt).toBeGreaterThan(0);
      expect((performance.now() - sentAt) / 1000).toBeLessThan(5);
      expect(run.code).toBe(143);
      expect(failure(root)).toMatch(/^training stopped by SIGTERM .*no model was written/);
      expect(modelFiles(root)).toEqual([]);
    });

    test('no mode or an unknown one: usage on stderr, exit 2 (SageMaker always passes train or serve)', async () => {
      const root = tree({});
      for (const mode of [undefined, 'fit']) {
        const run = await runEntrypoint(mode as 'train', root).done;
        expect(run.code).toBe(2);
        expect(run.stderr).toMatch(/^reckit-container: unknown mode .*\nusage: reckit-container train\|serve/);
      }
    });

    test('a second host idles (reckit trains on one) and writes no model', async () => {
      const root = tree({
        hyperparameters: { epochs: '1' },
        channels: { train: { files: [u100k as string] } },
        hosts: ['algo-1', 'algo-2'],
        currentHost: 'algo-2',
      });
      const run = await runEntrypoint('train', root).done;
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/reckit trains on one host; algo-2 is not the first of \[algo-1, algo-2\]/);
      expect(modelFiles(root)).toEqual([]);
    });

    test('seed 1 from a DuckDB warehouse: ratings table in, each user top 10 out, model in model/', async () => {
      const root = tree({});
      const db = join(root, 'warehouse.duckdb');
      const { ratings } = await loadDataset(u100k as string, { items: false });
      const wh = await DuckDbWarehouse.open(db);
      await wh.writeTable(
        'ratings_train_data',
        new Table({
          USERID: ratings.getChild('user') as Vector,
          MOVIEID: ratings.getChild('item') as Vector,
          RATING: ratings.getChild('rating') as Vector,
        }),
      );
      await wh.close();
      const job = tree({
        hyperparameters: {
          algorithm: 'svd',
          factors: '10',
          epochs: '3',
          warehouse: `duckdb:${db}`,
          input_table: 'ratings_train_data',
          output_table: 'user_movie_recommendations',
        },
      });
      const run = await runEntrypoint('train', job).done;
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const model = await loadModel(join(job, 'model'));
      const check = await DuckDbWarehouse.open(db);
      try {
        const out = await check.readTable('user_movie_recommendations');
        expect(out.schema.fields.map((f) => f.name)).toEqual(['USERID', 'TOP_10_RECOMMENDATIONS']);
        expect(out.numRows).toBe(943);
        const users = out.getChild('USERID')?.toArray() as ArrayLike<number>;
        const lists = out.getChild('TOP_10_RECOMMENDATIONS') as Vector;
        for (const r of [0, 100, 942]) {
          const got = Array.from(lists.get(r)?.toArray() as ArrayLike<number>);
          expect(got).toEqual(model.recommend(Number(users[r]), { n: 10 }).map((s) => s.item));
        }
      } finally {
        await check.close();
      }
    });
  },
);
