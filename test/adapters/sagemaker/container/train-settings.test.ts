import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { channelPath } from '../../../../src/adapters/sagemaker/container/channels.js';
import { hostRole } from '../../../../src/adapters/sagemaker/container/hosts.js';
import { parseHyperparameters } from '../../../../src/adapters/sagemaker/container/hyperparameters.js';
import { epochLine, finalLine } from '../../../../src/adapters/sagemaker/container/metric-lines.js';
import { trainSettings } from '../../../../src/adapters/sagemaker/container/train-settings.js';

const settings = (doc: Record<string, string>) => trainSettings(parseHyperparameters(doc, 'hyperparameters.json'));
const message = (f: () => unknown) => {
  try {
    f();
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
};

test('values parse as JSON with the raw string as fallback; names camelCase; sagemaker_* dropped', () => {
  const hp = parseHyperparameters(
    {
      factors: '50',
      method: 'sgd',
      algorithm: '"svd"',
      biased: 'False',
      shuffle: 'true',
      learning_rate: '0.01',
      epochs: '"20"',
      table: '"2024"',
      sagemaker_program: 'train.py',
      sagemaker_region: '"us-east-1"',
    },
    'hp.json',
  );
  expect(hp.values).toEqual({
    factors: 50,
    method: 'sgd',
    algorithm: 'svd',
    biased: false,
    shuffle: true,
    learningRate: 0.01,
    epochs: 20,
    table: 2024,
  });
  expect(hp.names.learningRate).toBe('learning_rate');
  expect(message(() => parseHyperparameters({ top_n: '5', topN: '6' }, 'hp.json'))).toBe(
    'hp.json: "top_n" and "topN" name the same hyperparameter; give one',
  );
});

test('reckit hyperparameters are split from the algorithm parameters, which the CLI schema checks', () => {
  const s = settings({
    algorithm: 'svd',
    factors: '8',
    epochs: '2',
    seed: '9',
    top_n: '5',
    columns: 'user=u,item=i,rating=r',
  });
  expect(s.algorithm.name).toBe('svd');
  expect(s.algorithm.params).toMatchObject({ factors: 8, epochs: 2, seed: 9 });
  expect([s.topN, s.topNFile, s.includeSeen, s.skipBad]).toEqual([5, 'recommendations.csv', false, false]);
  expect(s.columns).toEqual({ user: 'u', item: 'i', rating: 'r' });
  expect(settings({ columns: '{"user":"USERID","item":"MOVIEID","rating":"RATING"}' }).columns).toEqual({
    user: 'USERID',
    item: 'MOVIEID',
    rating: 'RATING',
  });
  expect(settings({ scale: '1..5' }).scale).toEqual({ min: 1, max: 5 });
  expect(settings({ scale: '[0.5, 5]' }).scale).toEqual({ min: 0.5, max: 5 });
  // An algorithm without a seed: the seed is noted and ignored, not an error.
  const pop = settings({ algorithm: 'popularity', seed: '3' });
  expect(pop.notes).toEqual(['popularity has no seed; hyperparameter seed ignored']);
  expect(settings({}).algorithm.name).toBe('svd');
});

test('bad reckit hyperparameters name themselves and what was expected', () => {
  expect(message(() => settings({ top_n: '0' }))).toBe('hyperparameter top_n = 0; expected an integer in [1, 10000]');
  expect(message(() => settings({ seed: '-1' }))).toBe('hyperparameter seed = -1; expected an integer >= 0');
  expect(message(() => settings({ output_table: 'recs' }))).toMatch(/output_table needs a warehouse hyperparameter/);
  expect(message(() => settings({ include_seen: 'maybe' }))).toBe(
    'hyperparameter include_seen = "maybe"; expected true or false',
  );
  expect(message(() => settings({ scale: '5..1' }))).toMatch(/hyperparameter scale = "5..1"; expected MIN..MAX/);
  expect(message(() => settings({ columns: 'user=u' }))).toMatch(
    /^hyperparameter columns: .*must name user, item and rating/,
  );
  expect(message(() => settings({ top_n_file: '../x.csv' }))).toMatch(/top_n_file = "..\/x.csv"; expected a file name/);
  expect(message(() => settings({ algorithm: 'kmeans', k: '0' }))).toBe(
    'hyperparameters: kmeans: parameter k = 0; expected an integer >= 1 and <= 1000000',
  );
});

test('metric lines carry each figure as name=value; for MetricDefinitions', () => {
  const line = epochLine({ epoch: 3, loss: 1234.5, trainRmse: 0.87312345, validationRmse: 0.95 }, 20);
  expect(line).toBe('reckit-train: epoch=3/20; train:loss=1234.500000; train:rmse=0.873123; validation:rmse=0.950000;');
  expect(/train:rmse=(-?[0-9.]+);/.exec(line)?.[1]).toBe('0.873123');
  expect(finalLine({ trainRmse: 0.9, inertia: 12.25, emptyClustersRepaired: 0, validationRmse: Number.NaN })).toBe(
    'reckit-train: final train:rmse=0.900000; train:inertia=12.250000; train:empty_clusters_repaired=0;',
  );
  expect(finalLine({})).toBeUndefined();
});

test('hosts: the first sorted host trains; a config that does not name the current host is refused', () => {
  expect(hostRole(undefined, 'rc.json')).toEqual({ current: 'algo-1', hosts: ['algo-1'], leader: true });
  expect(hostRole({ current_host: 'algo-1', hosts: ['algo-2', 'algo-1'] }, 'rc.json').leader).toBe(true);
  expect(hostRole({ current_host: 'algo-2', hosts: ['algo-2', 'algo-1'] }, 'rc.json').leader).toBe(false);
  expect(message(() => hostRole({ current_host: 'algo-3', hosts: ['algo-1'] }, 'rc.json'))).toBe(
    'rc.json: current_host "algo-3" is not in hosts [algo-1]',
  );
});

const dataRoot = mkdtempSync(join(tmpdir(), 'reckit-channels-'));
afterAll(() => rmSync(dataRoot, { recursive: true, force: true }));

test('channels: train, then training, then the only one; empty folders and unlisted names are refused', () => {
  mkdirSync(join(dataRoot, 'training', 'prefix'), { recursive: true });
  writeFileSync(join(dataRoot, 'training', 'prefix', 'r.csv'), 'u,i,r\n');
  mkdirSync(join(dataRoot, 'validation'));
  const config = { training: {}, validation: {} };
  expect(channelPath(dataRoot, config, undefined)).toEqual({
    channel: 'training',
    path: join(dataRoot, 'training', 'prefix'),
  });
  expect(message(() => channelPath(dataRoot, config, 'validation'))).toMatch(/^channel "validation": .* is empty$/);
  expect(message(() => channelPath(dataRoot, { a: {}, b: {} }, undefined))).toBe(
    'channels a, b: none is "train" or "training"; name one with the channel hyperparameter',
  );
  expect(message(() => channelPath(dataRoot, {}, undefined))).toMatch(
    /^no input channel: give the job a "train" channel/,
  );
  // Without inputdataconfig.json (a hand-made tree) the folders are the channels.
  expect(channelPath(dataRoot, undefined, 'training').channel).toBe('training');
});
