import { existsSync, mkdirSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ListTrainingJobsCommand } from '@aws-sdk/client-sagemaker';
import type { Vector } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadMovieLens } from '../../../src/adapters/pipeline/load-movielens.js';
import { SEED_UNRATED_PAIRS } from '../../../src/adapters/pipeline/quickstart.js';
import type { TrainOutcome } from '../../../src/adapters/snowflake/backend.js';
import { createFunctionsCore } from '../../../src/adapters/snowflake/functions-core.js';
import { type FunctionsServer, serveFunctions } from '../../../src/adapters/snowflake/http-server.js';
import { SageMakerFunctionsBackend } from '../../../src/adapters/snowflake/sagemaker-backend.js';
import { DuckDbWarehouse } from '../../../src/adapters/warehouse/duckdb-warehouse.js';
import { loadModel } from '../../../src/engine/model/load-model.js';
import type { Model } from '../../../src/engine/model/model.js';
import { dataPath, missing } from '../../support/data-dir.js';
import { openStandInWarehouse, standInConnection, startStandIn } from '../../support/snowflake-stand-in/fixture.js';
import { BUCKET, CREDENTIALS, type LocalCloud, REGION, startLocalCloud } from '../sagemaker/local/local-cloud.js';
import { batchId, call, callAsync } from './snowflake-requests.js';

const data = dataPath('ml-latest-small', 'ratings.csv');
const built = existsSync('dist/adapters/sagemaker/container/entrypoint.js');
if (data && !built && process.env.CI === 'true') throw new Error('the SageMaker backend test needs a build (dist/)');
const ROLE = 'arn:aws:iam::000000000000:role/reckit';
const IMAGE = '000000000000.dkr.ecr.us-east-1.amazonaws.com/reckit:latest';

/**
 * A proxy in front of the local SageMaker that can throttle it the way AWS does: the control
 * plane's JSON protocol answers HTTP 400 with `ThrottlingException` (the status alone says
 * "your fault"), the runtime the same; everything else is passed through untouched.
 */
async function throttlingProxy(
  target: string,
): Promise<{ url: string; throttle: boolean; throttled: number; close(): Promise<void> }> {
  const state = { throttle: false, throttled: 0 };
  const server: Server = createServer((req, res) => {
    if (state.throttle) {
      state.throttled++;
      req.resume();
      const body = JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' });
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': 'ThrottlingException' });
      return void res.end(body);
    }
    const up = request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    get throttle() {
      return state.throttle;
    },
    set throttle(v: boolean) {
      state.throttle = v;
    },
    get throttled() {
      return state.throttled;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

let cloud: LocalCloud;
let proxy: Awaited<ReturnType<typeof throttlingProxy>>;
let backend: SageMakerFunctionsBackend;
let server: FunctionsServer;
let db: string;
let outcome: TrainOutcome;
let model: Model;

const backendOptions = () => ({
  warehouse: `duckdb:${db}`,
  roleArn: ROLE,
  s3Prefix: `s3://${BUCKET}/functions`,
  image: IMAGE,
  // SVD, 10 factors, 5 epochs, seed 1: small for test time.
  hyperParameters: { factors: 10, epochs: 5, seed: 1 },
  stateDir: join(cloud.dir, 'backend'),
  clientConfig: { endpoint: proxy.url, region: REGION, credentials: CREDENTIALS, maxAttempts: 1 },
  runtimeConfig: { endpoint: proxy.url, region: REGION, credentials: CREDENTIALS },
  store: cloud.store,
  wait: { intervalMs: 200, timeoutMs: 90_000 },
  invokeAttempts: 2,
});
const makeBackend = () => new SageMakerFunctionsBackend(backendOptions());

const trainingJobs = async () =>
  (await cloud.client.send(new ListTrainingJobsCommand({}))).TrainingJobSummaries?.map((j) => j.TrainingJobName) ?? [];

describe.skipIf(!data || !built)(
  `External Functions on the SageMaker backend, local SageMaker + S3 + DuckDB (${data ? 'ml-latest-small' : missing('ml-latest-small')})`,
  () => {
    beforeAll(async () => {
      cloud = await startLocalCloud();
      proxy = await throttlingProxy(cloud.sagemaker.url);
      db = join(cloud.dir, 'warehouse.duckdb');
      mkdirSync(join(cloud.dir, 'backend'), { recursive: true });
      const wh = await DuckDbWarehouse.open(db);
      await loadMovieLens(wh, 'ml-latest-small');
      await wh.close();
      backend = makeBackend();
      server = await serveFunctions(
        createFunctionsCore({ backend, stateDir: join(cloud.dir, 'core'), invokeChunk: 4 }),
      );
    }, 60_000);
    afterAll(async () => {
      await server?.close();
      await backend?.close();
      await proxy?.close();
      await cloud?.close();
    });

    test('train: a training job writes the top-N table; a repeated batch, even on a fresh service, starts no second job', async () => {
      const batch = batchId(0);
      const rows = [
        [0, 'ratings', 'user_movie_recommendations'],
        [1, 'no_such_table', 'recs_x'],
      ];
      const { final } = await callAsync(server.url, 'train_and_get_recommendations', { batch, rows });
      expect(final.status).toBe(200);
      expect(final.json.data?.map((r) => r[0])).toEqual([0, 1]);
      const [ok, bad] = (final.json.data ?? []).map((r) => r[1]) as [TrainOutcome, { error: string }];
      expect(bad.error).toMatch(/no_such_table/);
      expect(ok.model_url).toMatch(
        new RegExp(`^s3://${BUCKET}/functions/output/reckit-fn-[0-9a-f]{24}/output/model\\.tar\\.gz$`),
      );
      expect(ok.rows_written).toBe(610);
      outcome = ok;
      expect(await trainingJobs()).toHaveLength(1);

      // The table holds each user's top 10 of the job's model, as the model computes it in-process.
      const dir = join(cloud.dir, 'artifact');
      const { downloadModelArtifact } = await import('../../../src/adapters/sagemaker/client/training-job.js');
      await downloadModelArtifact(cloud.store, ok.model_url, dir);
      model = await loadModel(dir);
      const wh = await DuckDbWarehouse.open(db);
      try {
        const top = await wh.readTable('user_movie_recommendations');
        expect(top.numRows).toBe(610);
        const users = top.getChild('USERID')?.toArray() as ArrayLike<number>;
        const lists = top.getChild('TOP_10_RECOMMENDATIONS') as Vector;
        for (const r of [0, 301, 609]) {
          const want = model.recommend(Number(users[r]), { n: 10 }).map((s) => s.item);
          expect(Array.from(lists.get(r)?.toArray() as ArrayLike<number>)).toEqual(want);
        }
      } finally {
        await wh.close();
      }

      // A service that lost its batch state (new state dir) gets the same batch again: the
      // backend finds the job by its name and reuses it; ListTrainingJobs still shows one.
      const fresh = await serveFunctions(
        createFunctionsCore({ backend, stateDir: join(cloud.dir, 'core-after-loss') }),
      );
      try {
        const again = await callAsync(fresh.url, 'train_and_get_recommendations', { batch, rows: rows.slice(0, 1) });
        expect(again.final.status).toBe(200);
        expect((again.final.json.data?.[0]?.[1] as TrainOutcome | undefined)?.model_url).toBe(ok.model_url);
      } finally {
        await fresh.close();
      }
      expect(await trainingJobs()).toHaveLength(1);
    }, 60_000);

    test('deploy: the endpoint is created once per name and artifact; bad rows get their own errors', async () => {
      const rows = [
        [0, 'movielens-model-v1', outcome.model_url],
        [1, 'movielens-model-v1', outcome.model_url],
        [2, 'movielens_model', outcome.model_url],
        [3, 'other-model', 'https://example.com/model'],
      ];
      const r = await call(server.url, 'deploy_model', { batch: batchId(0), rows });
      expect(r.status).toBe(200);
      const v = (r.json.data ?? []).map((x) => x[1]) as Record<string, string>[];
      expect(r.json.data?.map((x) => x[0])).toEqual([0, 1, 2, 3]);
      expect(v[0]).toEqual({ model_name: 'movielens-model-v1', endpoint: 'movielens-model-v1', status: 'deployed' });
      expect(v[1]?.status).toBe('already deployed');
      expect(v[2]?.error).toMatch(/model name "movielens_model"/);
      expect(v[3]?.error).toMatch(/model\.tar\.gz/);
    }, 60_000);

    test('invoke: rows grouped per model, chunked, answered in order; scores equal in-process predictions', async () => {
      // The seed's unrated pairs, a rated one, and ids the model never saw.
      const pairs: (readonly [number, number])[] = [
        ...SEED_UNRATED_PAIRS,
        [1, 1],
        [610, 50],
        [42, 999_999],
        [9_999_999, 1],
      ];
      const rows: unknown[][] = pairs.map(([u, i], k) => [
        k * 2 + 1,
        k % 3 === 2 ? 'not-deployed' : 'movielens-model-v1',
        u,
        i,
      ]);
      rows.push([100, 'movielens-model-v1', 'not-an-id', null]);
      const r = await call(server.url, 'invoke_model', { batch: batchId(0), rows });
      expect(r.status).toBe(200);
      expect(r.json.data?.map((x) => x[0])).toEqual(rows.map((x) => x[0]));
      const want = model.predict(
        pairs.map((p) => p[0]),
        pairs.map((p) => p[1]),
      );
      pairs.forEach((_, k) => {
        const got = r.json.data?.[k]?.[1];
        if (k % 3 === 2) expect((got as { error: string }).error).toMatch(/not-deployed/);
        else expect(got as number).toBeCloseTo(want.scores[k]!, 5);
      });
      expect((r.json.data?.[pairs.length]?.[1] as { error: string } | undefined)?.error).toMatch(
        /expected a model name and two ids/,
      );
    }, 30_000);

    test('tables in the Snowflake stand-in: the exported ratings train a job whose top-N lands in Snowflake', async () => {
      const standIn = await startStandIn();
      const wh = await openStandInWarehouse(standIn);
      let sf: SageMakerFunctionsBackend | undefined;
      let fnServer: FunctionsServer | undefined;
      try {
        await loadMovieLens(wh, 'ml-latest-small');
        sf = new SageMakerFunctionsBackend({
          ...backendOptions(),
          warehouse: 'snowflake:',
          snowflake: standInConnection(standIn),
        });
        fnServer = await serveFunctions(createFunctionsCore({ backend: sf, stateDir: join(cloud.dir, 'core-sf') }));
        const { final } = await callAsync(fnServer.url, 'train_and_get_recommendations', {
          batch: batchId(0),
          rows: [[0, 'RATINGS', 'USER_MOVIE_RECOMMENDATIONS']],
        });
        expect(final.status).toBe(200);
        const done = final.json.data?.[0]?.[1] as TrainOutcome;
        expect(done.rows_written).toBe(610);
        expect(await trainingJobs()).toHaveLength(2);
        // Same data, same seed: the Snowflake-fed job's model recommends what the DuckDB-fed one does.
        const first = await standIn.sql(
          'SELECT "USERID", "TOP_10_RECOMMENDATIONS" FROM USER_MOVIE_RECOMMENDATIONS ORDER BY "USERID" LIMIT 2',
        );
        for (const [user, list] of first) {
          const want = model.recommend(Number(user), { n: 10 }).map((x) => x.item);
          expect((JSON.parse(String(list)) as number[]).map(Number)).toEqual(want);
        }
      } finally {
        await fnServer?.close();
        await sf?.close();
        await wh.close();
        await standIn.close();
      }
    }, 60_000);

    test('a throttled SageMaker answers 503 (Snowflake retries), never 400 or a row error', async () => {
      proxy.throttle = true;
      try {
        const d = await call(server.url, 'deploy_model', {
          batch: batchId(0),
          rows: [[0, 'movielens-model-v2', outcome.model_url]],
        });
        expect(d.status).toBe(503);
        expect(d.headers['retry-after']).toBeDefined();
        expect(d.json.message).toMatch(/Rate exceeded/);
        const i = await call(server.url, 'invoke_model', {
          batch: batchId(0),
          rows: [[0, 'movielens-model-v1', 1, 1]],
        });
        expect(i.status).toBe(503);
      } finally {
        proxy.throttle = false;
      }
      // Once AWS recovers, Snowflake's retry of the same rows succeeds.
      const i = await call(server.url, 'invoke_model', { batch: batchId(0), rows: [[0, 'movielens-model-v1', 1, 1]] });
      expect(i.status).toBe(200);
      expect(i.json.data?.[0]?.[1] as number).toBeCloseTo(model.predict([1], [1]).scores[0]!, 5);
    }, 30_000);

    test('training throttled at its start: polls stay 202 through the backoff, then one job trains', async () => {
      const jobsBefore = (await trainingJobs()).length;
      const core = createFunctionsCore({
        backend,
        stateDir: join(cloud.dir, 'core-throttled'),
        trainRetryDelayMs: 300,
      });
      const fn = await serveFunctions(core);
      const batch = batchId(0);
      const rows = [[0, 'ratings', 'recs_after_throttle']];
      try {
        proxy.throttle = true;
        const seen = proxy.throttled;
        expect((await call(fn.url, 'train_and_get_recommendations', { batch, rows })).status).toBe(202);
        while (proxy.throttled === seen) await new Promise((r) => setTimeout(r, 10));
        await core.idle();
        // The first attempt failed on ThrottlingException: the batch is still in progress, not a row error.
        expect((await call(fn.url, 'train_and_get_recommendations', { batch, method: 'GET' })).status).toBe(202);
        proxy.throttle = false;
        const { final } = await callAsync(fn.url, 'train_and_get_recommendations', { batch, rows });
        expect(final.status).toBe(200);
        expect((final.json.data?.[0]?.[1] as TrainOutcome | undefined)?.rows_written).toBe(610);
        expect(await trainingJobs()).toHaveLength(jobsBefore + 1);
      } finally {
        proxy.throttle = false;
        await fn.close();
      }
    }, 60_000);
  },
);
