import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ListEndpointsCommand } from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { deleteEndpoint, deployEndpoint } from '../../../../src/adapters/sagemaker/client/endpoint-deployment.js';
import { Predictor } from '../../../../src/adapters/sagemaker/client/predictor.js';
import {
  downloadModelArtifact,
  startTrainingJob,
  waitForTrainingJob,
} from '../../../../src/adapters/sagemaker/client/training-job.js';
import type { ClusterModel } from '../../../../src/engine/model/cluster-model.js';
import { loadModel } from '../../../../src/engine/model/load-model.js';
import { BUCKET, type LocalCloud, processesWith, startLocalCloud } from './local-cloud.js';

const dataDir = process.env.RECKIT_DATA_DIR;
const ratingsFile = dataDir ? join(dataDir, 'the-movies-dataset', 'ratings_small.csv') : '';
const built = existsSync('dist/adapters/sagemaker/container/entrypoint.js');
const ready = Boolean(ratingsFile && existsSync(ratingsFile) && built);
if (!ready && process.env.CI === 'true')
  throw new Error(`seed 2 needs ${ratingsFile || '$RECKIT_DATA_DIR'} and a build`);

const ROLE = 'arn:aws:iam::000000000000:role/reckit';
const IMAGE = 'reckit:latest';
const wait = { timeoutMs: 90_000, intervalMs: 200 };

/** A user's ratings from the file (userId,movieId,rating,timestamp with a header). */
function ratingsOf(text: string, user: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const line of text.split('\n').slice(1)) {
    const [u, i, r] = line.split(',');
    if (Number(u) === user) out.set(Number(i), Number(r));
  }
  return out;
}

/**
 * Seed 2 through the real AWS SDK clients against the local SageMaker and s3rver: the rating
 * matrix of The Movies Dataset (ratings_small.csv, 100,004 ratings) in S3 -> k-means training job
 * (k 8, seed 2) -> endpoint -> Predictor clusters a user's rating vector -> endpoint deleted,
 * nothing left running.
 */
describe.skipIf(!ready)('seed 2 through the local SageMaker', () => {
  let cloud: LocalCloud;
  let text: string;

  beforeAll(async () => {
    cloud = await startLocalCloud();
    text = readFileSync(ratingsFile, 'utf8');
    await cloud.store.write(`s3://${BUCKET}/seed2/train/ratings_small.csv`, text);
  });
  afterAll(async () => {
    const root = join(cloud.dir, 'sagemaker');
    await cloud?.close();
    expect(processesWith(root)).toEqual([]);
  });

  test('k-means job -> endpoint -> cluster of a rating vector equals in-process assign -> deleted', async () => {
    await startTrainingJob(cloud.client, {
      name: 'seed2-kmeans',
      image: IMAGE,
      roleArn: ROLE,
      hyperParameters: { algorithm: 'kmeans', k: 8, seed: 2, max_iter: 50 },
      channels: { train: `s3://${BUCKET}/seed2/train` },
      outputPath: `s3://${BUCKET}/seed2/output`,
    });
    const done = await waitForTrainingJob(cloud.client, 'seed2-kmeans', wait);
    const artifact = done.ModelArtifacts?.S3ModelArtifacts as string;
    expect(done.FinalMetricDataList?.some((m) => m.MetricName === 'train:inertia')).toBe(true);
    await downloadModelArtifact(cloud.store, artifact, join(cloud.dir, 'kmeans'));
    const model = (await loadModel(join(cloud.dir, 'kmeans'))) as ClusterModel;
    expect(model.algorithm).toBe('kmeans');

    const deployed = await deployEndpoint(
      cloud.client,
      { endpointName: 'seed2-kmeans', image: IMAGE, modelDataUrl: artifact, roleArn: ROLE },
      wait,
    );
    expect(deployed.action).toBe('created');
    const predictor = new Predictor('seed2-kmeans', { clientConfig: cloud.runtimeConfig });
    try {
      const rated = ratingsOf(text, 1);
      expect(rated.size).toBeGreaterThan(10);
      const vector = new Array<number>(model.items.size).fill(0);
      for (const [item, r] of rated) vector[model.items.indexOf(item)] = r;
      const map = Object.fromEntries([...rated].map(([i, r]) => [String(i), r]));
      const [dense, byId] = await predictor.cluster([vector, map]);
      const want = model.assign({ items: [...rated.keys()], ratings: [...rated.values()] });
      expect(dense?.cluster).toBe(want.cluster);
      expect(dense?.distance).toBeCloseTo(want.distance, 4);
      expect(byId).toEqual(dense);
      expect(want.cluster).toBeGreaterThanOrEqual(0);
      expect(want.cluster).toBeLessThan(8);
      // A vector of the wrong length is the container's 400, surfaced with its message.
      await expect(predictor.cluster([[1, 2, 3]])).rejects.toThrow(/the model answered 400: .*"vector" has 3 values/);
    } finally {
      predictor.close();
    }
    expect(await deleteEndpoint(cloud.client, 'seed2-kmeans', wait)).toBe(true);
    expect((await cloud.client.send(new ListEndpointsCommand({}))).Endpoints).toEqual([]);
    expect(processesWith(join(cloud.dir, 'sagemaker', 'serving'))).toEqual([]);
  });
});
