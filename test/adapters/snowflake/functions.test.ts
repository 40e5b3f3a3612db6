import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadMovieLens } from '../../../src/adapters/pipeline/load-movielens.js';
import type { FunctionsBackend, TrainOutcome } from '../../../src/adapters/snowflake/backend.js';
import { createFunctionsCore, type FunctionsCoreOptions } from '../../../src/adapters/snowflake/functions-core.js';
import { type FunctionsServer, serveFunctions } from '../../../src/adapters/snowflake/http-server.js';
import { createLambdaHandler } from '../../../src/adapters/snowflake/lambda.js';
import { LocalBackend } from '../../../src/adapters/snowflake/local-backend.js';
import type { Id } from '../../../src/engine/matrix/id-index.js';
import { loadModel } from '../../../src/engine/model/load-model.js';
import { dataPath, missing } from '../../support/data-dir.js';
import { openStandInWarehouse, standInConnection, startStandIn } from '../../support/snowflake-stand-in/fixture.js';
import type { SnowflakeStandIn } from '../../support/snowflake-stand-in/stand-in.js';
import { batchId, call, callAsync, SIGNATURES, snowflakeHeaders } from './snowflake-requests.js';

const data = dataPath('ml-latest-small', 'ratings.csv');
const SECRET = 's3cr3t-shared-with-the-HEADERS-clause';
const dir = mkdtempSync(join(tmpdir(), 'reckit-fn-'));

/** The local backend with its calls counted, and faults injectable per call. */
class CountingBackend implements FunctionsBackend {
  readonly kind = 'counting';
  trains = 0;
  invokes = 0;
  hold: Promise<void> | undefined;
  fault: Error | undefined;
  constructor(readonly inner: FunctionsBackend) {}
  async train(i: string, o: string, key: string): Promise<TrainOutcome> {
    this.trains++;
    await this.hold;
    return this.inner.train(i, o, key);
  }
  deploy(name: string, url: string) {
    return this.inner.deploy(name, url);
  }
  async invoke(name: string, pairs: readonly (readonly [Id, Id])[]) {
    this.invokes++;
    await this.hold;
    if (this.fault) throw this.fault;
    return this.inner.invoke(name, pairs);
  }
  close() {
    return this.inner.close();
  }
}

let standIn: SnowflakeStandIn;
let server: FunctionsServer;
let backend: CountingBackend;
const stateDir = join(dir, 'state');
const local = (state = stateDir) =>
  new LocalBackend({ warehouse: 'snowflake:', snowflake: standInConnection(standIn), stateDir: state });
const core = (b: FunctionsBackend, o: Partial<FunctionsCoreOptions> = {}) =>
  createFunctionsCore({ backend: b, stateDir, secret: SECRET, invokeChunk: 7, ...o });

beforeAll(async () => {
  if (!data) return;
  standIn = await startStandIn();
  const wh = await openStandInWarehouse(standIn);
  await loadMovieLens(wh, 'ml-latest-small');
  // A second ratings table (every movie id divisible by 3 left out), so two models differ.
  await wh.run('CREATE TABLE ratings_b AS SELECT * FROM ratings WHERE MOD("MOVIEID", 3) <> 0');
  await wh.close();
  backend = new CountingBackend(local());
  server = await serveFunctions(core(backend));
}, 120_000);
afterAll(async () => {
  await server?.close();
  await backend?.close();
  await standIn?.close();
  rmSync(dir, { recursive: true, force: true });
});

const outcomes: Record<string, TrainOutcome> = {};

describe.skipIf(!data)(
  `External Functions over HTTP, tables in the Snowflake stand-in (${data ? 'ml-latest-small' : missing('ml-latest-small')})`,
  () => {
    test('train_and_get_recommendations: 202, polled by batch id, every row answered; a retried POST never trains twice', async () => {
      const batch = batchId(0);
      const rows = [
        [0, 'RATINGS', 'USER_MOVIE_RECOMMENDATIONS'],
        [1, 'ratings; drop table ratings', 'X'],
        [2, 'ratings', 'user_movie_recommendations'],
      ];
      const first = await call(server.url, 'train_and_get_recommendations', { batch, rows, secret: SECRET });
      expect(first.status).toBe(202);
      // Snowflake retries the same POST (same batch id) after a network error: still one training.
      expect((await call(server.url, 'train_and_get_recommendations', { batch, rows, secret: SECRET })).status).toBe(
        202,
      );
      const { final, polls } = await callAsync(server.url, 'train_and_get_recommendations', {
        batch,
        rows,
        secret: SECRET,
      });
      expect(polls).toBeGreaterThan(0);
      expect(final.status).toBe(200);
      // Seed bug 1 (one row answered for a whole batch): three rows in, three rows out, same numbers, in order.
      expect(final.json.data?.map((r) => r[0])).toEqual([0, 1, 2]);
      const [a, bad, c] = (final.json.data ?? []).map((r) => r[1]) as [TrainOutcome, { error: string }, TrainOutcome];
      expect(a.rows_written).toBe(610);
      expect(bad.error).toMatch(/not a plain identifier/);
      expect(c).toEqual(a); // same tables (Snowflake folds case): trained once, answered twice
      // Seed bug 2 (a retried batch starts a second training): one training for the whole exchange,
      // and a late repeat of the finished batch is answered from its stored state.
      const again = await call(server.url, 'train_and_get_recommendations', { batch, rows, secret: SECRET });
      expect(again.status).toBe(200);
      expect(again.json).toEqual(final.json);
      expect(backend.trains).toBe(1);
      const top = await standIn.sql(
        'SELECT count(*), min(json_array_length("TOP_10_RECOMMENDATIONS")) FROM USER_MOVIE_RECOMMENDATIONS',
      );
      expect(top[0]?.map(Number)).toEqual([610, 10]);
      outcomes.a = a;
      const b = await callAsync(server.url, 'train_and_get_recommendations', {
        batch: batchId(0),
        rows: [[0, 'RATINGS_B', 'RECS_B']],
        secret: SECRET,
      });
      outcomes.b = b.final.json.data?.[0]?.[1] as TrainOutcome;
      expect(outcomes.b.rows_written).toBe(610);
    }, 120_000);

    test('state survives a restart: a finished batch is answered, an interrupted one resumes once', async () => {
      const batch = batchId(0);
      const rows = [[0, 'ratings', 'recs_restart']];
      // Instance 1 accepts the batch but "dies" before training finishes (its training never returns).
      const dying = new CountingBackend(local());
      dying.hold = new Promise(() => undefined);
      const one = core(dying, { staleMs: 0 });
      const h1 = createLambdaHandler(one);
      const event = (method: 'POST' | 'GET') => ({
        httpMethod: method,
        path: '/train_and_get_recommendations',
        headers: snowflakeHeaders(
          'train_and_get_recommendations',
          batch,
          SIGNATURES.train_and_get_recommendations as string,
          SECRET,
        ),
        body: method === 'POST' ? JSON.stringify({ data: rows }) : null,
        isBase64Encoded: false,
      });
      expect((await h1(event('POST'))).statusCode).toBe(202);
      expect(dying.trains).toBe(1);
      // Instance 2 on the same state directory: Snowflake's next GET finds the orphaned batch and
      // resumes it exactly once; repeated GETs while it runs do not start more.
      const second = new CountingBackend(local());
      const h2 = createLambdaHandler(core(second, { staleMs: 0 }));
      let r = await h2(event('GET'));
      for (let k = 0; r.statusCode === 202 && k < 600; k++) {
        await new Promise((res) => setTimeout(res, 50));
        r = await h2(event('GET'));
      }
      expect(r.statusCode).toBe(200);
      expect(second.trains).toBe(1);
      expect(JSON.parse(r.body).data[0][1]!.rows_written).toBe(610);
      // Instance 3: the finished batch is answered from disk without training.
      const third = new CountingBackend(local());
      const r3 = await createLambdaHandler(core(third))(event('GET'));
      expect(r3.statusCode).toBe(200);
      expect(JSON.parse(r3.body)).toEqual(JSON.parse(r.body));
      expect(third.trains).toBe(0);
    }, 120_000);

    test('deploy_model is idempotent per name and artifact; each row answered', async () => {
      const rows = [
        [0, 'model-a', outcomes.a?.model_url],
        [1, 'model-a', outcomes.a?.model_url],
        [2, 'model-b', outcomes.b?.model_url],
        [3, 'bad name!', outcomes.a?.model_url],
        [4, 'model-c', join(dir, 'no-such-model')],
      ];
      const r = await call(server.url, 'deploy_model', { batch: batchId(0), rows, secret: SECRET });
      expect(r.status).toBe(200);
      const v = (r.json.data ?? []).map((x) => x[1]) as Record<string, string>[];
      expect(r.json.data?.map((x) => x[0])).toEqual([0, 1, 2, 3, 4]);
      expect(v[0]?.status).toBe('deployed');
      expect(v[1]).toEqual({ ...v[0], status: 'already deployed' });
      expect(v[2]?.status).toBe('deployed');
      expect(v[3]?.error).toMatch(/endpoint name "bad name!"/);
      expect(v[4]?.error).toMatch(/no such model directory/);
      const repeat = await call(server.url, 'deploy_model', {
        batch: batchId(0),
        rows: rows.slice(0, 1),
        secret: SECRET,
      });
      expect(repeat.json.data?.[0]?.[1]).toMatchObject({ status: 'already deployed' });
    });

    test('invoke_model: rows grouped by their own model, numbers kept, chunked; equal to in-process predictions', async () => {
      const models = {
        'model-a': await loadModel(outcomes.a?.model_url as string),
        'model-b': await loadModel(outcomes.b?.model_url as string),
      };
      const make = (n: number, shift: number) =>
        Array.from({ length: n }, (_, k) => {
          const model = (k * 7 + shift) % 3 === 0 ? 'model-b' : 'model-a';
          return [k, model, 1 + ((k * 37 + shift) % 610), [1, 3, 6, 9, 12, 2571, 99999999][(k + shift) % 7]] as [
            number,
            string,
            number,
            number,
          ];
        });
      const batches = [make(40, 1), make(25, 2), make(40, 1)];
      const ids = [batchId(2), batchId(1), batchId(2)]; // out of order, and the first one repeated
      const invokesBefore = backend.invokes;
      for (const [i, rows] of batches.entries()) {
        const r = await call(server.url, 'invoke_model', {
          batch: ids[i]!,
          rows,
          secret: SECRET,
          gzip: i === 1,
        });
        expect(r.status).toBe(200);
        expect(r.json.data?.map((x) => x[0])).toEqual(rows.map((x) => x[0]));
        r.json.data?.forEach(([, score], k) => {
          const [, name, user, item] = rows[k] as [number, 'model-a' | 'model-b', number, number];
          const want = models[name].predictOne(user, item).score;
          // The inference server prints 6 decimals of the float32 score.
          expect(Math.abs((score as number) - want)).toBeLessThanOrEqual(5e-7);
        });
        // Seed bug 3 (one model name used for a whole batch): the two models disagree on these rows.
        const differs = rows.filter(
          ([, , u, it]) => models['model-a'].predictOne(u, it).score !== models['model-b'].predictOne(u, it).score,
        );
        expect(differs.length).toBeGreaterThan(5);
      }
      // Chunked: 7 pairs per backend call, per model group.
      expect(backend.invokes - invokesBefore).toBeGreaterThanOrEqual(2 * Math.ceil(14 / 7) + 4);
    });

    test('invoke_model: a bad row or unknown model gets its own error value; the batch still succeeds', async () => {
      const rows = [
        [0, 'model-a', 1, 1],
        [1, 'model-zzz', 1, 1],
        [2, 'model-a', null, 1],
        [3, 'model-a', '1', '1'],
      ];
      const r = await call(server.url, 'invoke_model', { batch: batchId(0), rows, secret: SECRET });
      expect(r.status).toBe(200);
      const v = (r.json.data ?? []).map((x) => x[1]);
      expect(typeof v[0]).toBe('number');
      expect((v[1] as { error: string }).error).toMatch(/model "model-zzz" is not deployed/);
      expect((v[2] as { error: string }).error).toMatch(/expected a model name and two ids/);
      expect(v[3]).toBe(v[0]); // VARCHAR ids of digits are the same ids
    });

    test('seed bug 4: a transient fault is 503 (retried by Snowflake), not 400; bad input is 400; overload is 429', async () => {
      backend.fault = new Error('connect ECONNRESET 10.0.0.1:443');
      const transient = await call(server.url, 'invoke_model', {
        batch: batchId(0),
        rows: [[0, 'model-a', 1, 1]],
        secret: SECRET,
      });
      backend.fault = undefined;
      expect(transient.status).toBe(503);
      expect(transient.headers['retry-after']).toBeDefined();
      const malformed = await call(server.url, 'invoke_model', {
        batch: batchId(0),
        raw: '{"rows": []}',
        secret: SECRET,
      });
      expect(malformed.status).toBe(400);
      expect(malformed.json.message).toMatch(/no "data" array/);
      // One batch in flight at most: a second concurrent one is told to back off.
      const busy = new CountingBackend(backend.inner);
      let release: () => void = () => undefined;
      busy.hold = new Promise<void>((res) => {
        release = res;
      });
      const s = await serveFunctions(core(busy, { maxInFlight: 1 }));
      try {
        const slow = call(s.url, 'invoke_model', { batch: batchId(0), rows: [[0, 'model-a', 1, 1]], secret: SECRET });
        await new Promise((res) => setTimeout(res, 50));
        const second = await call(s.url, 'invoke_model', {
          batch: batchId(0),
          rows: [[0, 'model-a', 1, 1]],
          secret: SECRET,
        });
        expect(second.status).toBe(429);
        release();
        expect((await slow).status).toBe(200);
      } finally {
        await s.close();
      }
    });

    test('auth: the shared secret header is required; responses over the size limit are refused with advice', async () => {
      const rows = [[0, 'model-a', 1, 1]];
      expect((await call(server.url, 'invoke_model', { batch: batchId(0), rows })).status).toBe(401);
      expect((await call(server.url, 'invoke_model', { batch: batchId(0), rows, secret: `${SECRET}x` })).status).toBe(
        401,
      );
      const small = await serveFunctions(core(backend, { maxResponseBytes: 300 }));
      try {
        const many = Array.from({ length: 50 }, (_, k) => [k, 'model-a', 1, 1]);
        const r = await call(small.url, 'invoke_model', { batch: batchId(0), rows: many, secret: SECRET });
        expect(r.status).toBe(413);
        expect(r.json.message).toMatch(/MAX_BATCH_ROWS/);
      } finally {
        await small.close();
      }
    });

    test('the Lambda proxy handler (API Gateway payload 1.0) answers exactly as the HTTP server', async () => {
      const rows = [
        [0, 'model-b', 5, 18],
        [1, 'model-a', 5, 18],
        [2, 'model-a', 10, 313],
      ];
      const batch = batchId(0);
      const viaHttp = await call(server.url, 'invoke_model', { batch, rows, secret: SECRET });
      const handler = createLambdaHandler(core(backend));
      const headers = snowflakeHeaders('invoke_model', batch, SIGNATURES.invoke_model as string, SECRET);
      // API Gateway keeps header case as sent and hands the (already decompressed) body over as a string.
      const mixed = Object.fromEntries(
        Object.entries(headers).map(([k, v]) => [k.replace(/(^|-)[a-z]/g, (m) => m.toUpperCase()), v]),
      );
      const viaLambda = await handler({
        resource: '/invoke_model',
        path: '/invoke_model',
        httpMethod: 'POST',
        headers: { ...mixed, 'Content-Encoding': 'gzip' },
        body: JSON.stringify({ data: rows }),
        isBase64Encoded: false,
      });
      expect(viaLambda.statusCode).toBe(200);
      expect(JSON.parse(viaLambda.body)).toEqual(viaHttp.json);
      expect(typeof viaLambda.body).toBe('string');
    });
  },
);
