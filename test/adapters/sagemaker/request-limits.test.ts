import { tableFromArrays } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createInferenceServer, type InferenceServer } from '../../../src/adapters/sagemaker/inference-server.js';
import { DEFAULT_LIMITS, resolveLimits } from '../../../src/adapters/sagemaker/server-limits.js';
import { SVD } from '../../../src/engine/algorithms/svd.js';
import { EmbeddingIndex } from '../../../src/engine/embeddings/embedding-index.js';
import { RatingMatrix } from '../../../src/engine/matrix/rating-matrix.js';
import type { Model } from '../../../src/engine/model/model.js';
import { call } from '../../support/http.js';
import { TinyModel } from '../../support/tiny-model.js';

const topN = (count: number, n: number) =>
  JSON.stringify({ instances: Array.from({ length: count }, (_, k) => ({ user: 1 + (k % 5), top: n })) });

describe('per-request work limits (TinyModel: 20 items)', () => {
  const errors: unknown[] = [];
  let srv: InferenceServer;
  let port: number;
  beforeAll(async () => {
    srv = createInferenceServer(new TinyModel(), {
      limits: { maxInstances: 100, maxScored: 1000, maxReturned: 500 },
      onError: (e) => errors.push(e),
    });
    port = await srv.listen(0, '127.0.0.1');
  });
  afterAll(() => srv.drain());

  test('issue 20 item 2: top-N lists past the items-scored limit get 413 naming the limit', async () => {
    // 50 lists x 20 items = 1000 scored: allowed; 51 lists: 1020, over.
    const ok = await call(port, 'POST', '/invocations', topN(50, 3), 'application/json');
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).predictions).toHaveLength(50);
    const over = await call(port, 'POST', '/invocations', topN(51, 3), 'application/json');
    expect(over.status).toBe(413);
    expect(JSON.parse(over.body).error).toMatch(/more than 1000 items scored.*instance 51.*RECKIT_SERVE_MAX_SCORED/);
  });

  test('issue 20 item 2: scores returned and instance counts are bounded too (JSON, JSON Lines, CSV)', async () => {
    const returned = await call(port, 'POST', '/invocations', topN(30, 17), 'application/json');
    expect(returned.status).toBe(413);
    expect(JSON.parse(returned.body).error).toMatch(/more than 500 scores returned.*RECKIT_SERVE_MAX_RETURNED/);
    const pairs = (n: number) => Array.from({ length: n }, (_, k) => `[${1 + (k % 5)},${1 + (k % 20)}]`);
    const many = await call(
      port,
      'POST',
      '/invocations',
      `{"instances":[${pairs(101).join(',')}]}`,
      'application/json',
    );
    expect(many.status).toBe(413);
    expect(JSON.parse(many.body).error).toMatch(/more than 100 instances.*RECKIT_SERVE_MAX_INSTANCES/);
    const lines = await call(port, 'POST', '/invocations', pairs(101).join('\n'), 'application/jsonlines');
    expect(lines.status).toBe(413);
    const csv = Array.from({ length: 101 }, (_, k) => `${1 + (k % 5)},${1 + (k % 20)}\n`).join('');
    const c = await call(port, 'POST', '/invocations', csv, 'text/csv');
    expect(c.status).toBe(413);
    expect(JSON.parse(c.body).error).toMatch(/more than 100 instances by line 101/);
    const fits = await call(port, 'POST', '/invocations', csv.slice(csv.indexOf('\n') + 1), 'text/csv');
    expect(fits.status).toBe(200);
    expect(fits.body.trim().split('\n')).toHaveLength(100);
    expect(errors).toEqual([]);
  });

  test('issue 20 item 2: limits come from options, else RECKIT_SERVE_MAX_*, else the defaults', () => {
    expect(resolveLimits({}, {})).toEqual(DEFAULT_LIMITS);
    const env = { RECKIT_SERVE_MAX_SCORED: '5000', RECKIT_SERVE_MAX_RETURNED: '70' };
    expect(resolveLimits({ maxReturned: 9 }, env)).toEqual({ ...DEFAULT_LIMITS, maxScored: 5000, maxReturned: 9 });
    expect(() => resolveLimits({}, { RECKIT_SERVE_MAX_SCORED: '-1' })).toThrow(/RECKIT_SERVE_MAX_SCORED.*positive/);
  });

  test('issue 20 item 7: hostile JSON gets a short 400, never a 500 or a stack trace', async () => {
    const deep = (d: number) => `${'['.repeat(d)}1${']'.repeat(d)}`;
    const bodies: [string, string, RegExp][] = [
      // a 10 KB body with a deeply nested id (a 500 "Maximum call stack size exceeded" before)
      [`{"instances":[{"user":${deep(5000)},"item":1}]}`, 'application/json', /nests deeper than 32/],
      [`{"instances":[{"user":1,"top":3,"exclude":${deep(40)}}]}`, 'application/json', /nests deeper/],
      [`{"user":${deep(5000)},"item":1}`, 'application/jsonlines', /line 1: nests deeper/],
      // nested arrays as ids, and a shallow nested id (described, not printed)
      [`{"instances":[{"user":${deep(20)},"item":1}]}`, 'application/json', /"user" must be .*an array of 1$/],
      ['{"instances":[[[1],[2]]]}', 'application/json', /instances\[0\]: an array instance/],
      // numbers JSON cannot hold, or not exactly
      ['{"instances":[{"user":1e999,"item":1}]}', 'application/json', /Infinity .*2\^53/],
      ['{"instances":[{"user":9007199254740993,"item":1}]}', 'application/json', /2\^53/],
      ['{"instances":[{"user":1,"top":1e999}]}', 'application/json', /"top" must be/],
      // keys that are not what they seem
      ['{"instances":[{"__proto__":{"user":1,"item":2}}]}', 'application/json', /"user" must be/],
      ['{"__proto__":{"instances":[[1,2]]}}', 'application/json', /must be \{"instances"/],
      ['{"instances":[[1,2]],"instances":[[3,4]]}', 'application/json', /"instances" twice/],
      ['{"instances":{"0":[1,2],"length":1}}', 'application/json', /must be \{"instances"/],
      ['{"instances":[[1,2],]}', 'application/json', /instances\[1\]: not valid JSON/],
      ['{"instances":[[1,2]]', 'application/json', /not valid JSON/],
      [`{"instances":[[1,2]],"pad":"${'x'.repeat(70_000)}"}`, 'application/json', /outside "instances"/],
      // a CSV id too large to stay exact
      ['1,2\n12345678901234567890,3\n', 'text/csv', /line 2: a numeric id must be within/],
    ];
    for (const [body, type, why] of bodies) {
      const r = await call(port, 'POST', '/invocations', body, type);
      expect(r.status, body.slice(0, 80)).toBe(400);
      const message = JSON.parse(r.body).error as string;
      expect(message, body.slice(0, 80)).toMatch(why);
      expect(message.length).toBeLessThan(240);
    }
    // Hostile headers and paths are quoted short.
    const long = 'x'.repeat(8000);
    const r415 = await call(port, 'POST', '/invocations', '1,2', `application/${long}`);
    expect(r415.status).toBe(415);
    expect(JSON.parse(r415.body).error.length).toBeLessThan(240);
    const r404 = await call(port, 'GET', `/${long}`);
    expect(r404.status).toBe(404);
    expect(JSON.parse(r404.body).error.length).toBeLessThan(240);
    expect(errors).toEqual([]);
    // Duplicate keys inside an instance follow JSON.parse: the last one counts.
    const dup = await call(
      port,
      'POST',
      '/invocations',
      '{"instances":[{"user":1,"user":2,"item":3}]}',
      'application/json',
    );
    expect(JSON.parse(dup.body).predictions[0].score).toBe(TinyModel.score(2, 3));
  });

  test('issue 20 item 10: a "user,item" header line in a CSV body is skipped, not scored', async () => {
    for (const header of ['user,item', 'userId,movieId', '"user_id","item_id"', 'User ID,Item\r']) {
      const r = await call(port, 'POST', '/invocations', `${header}\n2,5\n3,7\n`, 'text/csv');
      expect(r.status, header).toBe(200);
      expect(r.body.trim().split('\n').map(Number)).toEqual([TinyModel.score(2, 5), TinyModel.score(3, 7)]);
    }
    // Only the first line, and only header names: anything else is still a malformed pair.
    const later = await call(port, 'POST', '/invocations', '2,5\nuser,item\n', 'text/csv');
    expect(later.status).toBe(200);
    expect(later.body.trim().split('\n')[1]).toBe('3'); // unknown ids: the fallback, as before
    const only = await call(port, 'POST', '/invocations', 'user,item\n', 'text/csv');
    expect(only.status).toBe(400);
    expect(JSON.parse(only.body).error).toMatch(/only a header line/);
  });
});

describe('embedding-index queries count against the same limits (40-item index)', () => {
  const errors: unknown[] = [];
  const exact = EmbeddingIndex.fromArrays(
    Array.from({ length: 40 }, (_, i) => i + 1),
    Float32Array.from({ length: 160 }, (_, j) => Math.sin(j)),
    4,
  );
  let searches = 0;
  let srv: InferenceServer;
  let port: number;
  beforeAll(async () => {
    const index = {
      size: exact.size,
      search: (...a: Parameters<EmbeddingIndex['search']>) => {
        searches++;
        return exact.search(...a);
      },
      similar: (...a: Parameters<EmbeddingIndex['similar']>) => {
        searches++;
        return exact.similar(...a);
      },
    };
    srv = createInferenceServer(new TinyModel(), {
      index,
      limits: { maxInstances: 100, maxScored: 1000, maxReturned: 200 },
      onError: (e) => errors.push(e),
    });
    port = await srv.listen(0, '127.0.0.1');
  });
  afterAll(() => srv.drain());

  const queries = (count: number, top: number) =>
    JSON.stringify({
      instances: Array.from({ length: count }, (_, k) =>
        k % 2 ? { like: 1 + (k % 40), top } : { vector: [1, 0, k % 3, 0.5], top },
      ),
    });

  test('a query scans the whole index: 25 x 40 = 1000 items scored pass, 26 get 413 before any search', async () => {
    const ok = await call(port, 'POST', '/invocations', queries(25, 3), 'application/json');
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).predictions).toHaveLength(25);
    expect(searches).toBe(25);
    const over = await call(port, 'POST', '/invocations', queries(26, 3), 'application/json');
    expect(over.status).toBe(413);
    expect(JSON.parse(over.body).error).toMatch(
      /more than 1000 items scored \(.*all 40 items\) by instance 26.*RECKIT_SERVE_MAX_SCORED/,
    );
    expect(searches).toBe(25); // refused before the first query ran
    expect(errors).toEqual([]);
  });

  test('"top" counts against the returned limit; JSON Lines queries are counted the same way', async () => {
    const returned = await call(port, 'POST', '/invocations', queries(11, 20), 'application/json');
    expect(returned.status).toBe(413);
    expect(JSON.parse(returned.body).error).toMatch(
      /more than 200 scores returned .*by instance 11.*RECKIT_SERVE_MAX_RETURNED/,
    );
    const lines = (n: number) => Array.from({ length: n }, (_, k) => JSON.stringify({ like: 1 + (k % 40), top: 1 }));
    const fits = await call(port, 'POST', '/invocations', lines(25).join('\n'), 'application/jsonlines');
    expect(fits.status).toBe(200);
    expect(fits.body.trim().split('\n')).toHaveLength(25);
    const over = await call(port, 'POST', '/invocations', lines(26).join('\n'), 'application/jsonlines');
    expect(over.status).toBe(413);
    expect(JSON.parse(over.body).error).toMatch(/more than 1000 items scored .* by instance 26/);
    expect(errors).toEqual([]);
  });
});

describe('a large allowed request does not stall the server', () => {
  let model: Model;
  let srv: InferenceServer;
  let port: number;
  beforeAll(async () => {
    // 20,000 items, so that each top-N list scores a real catalogue (synthetic, seed 1).
    const n = 60_000;
    const user = Int32Array.from({ length: n }, (_, k) => 1 + (k % 300));
    const item = Int32Array.from({ length: n }, (_, k) => 1 + ((k * 7919) % 20_000));
    const rating = Float32Array.from({ length: n }, (_, k) => 1 + ((k * 13) % 9) / 2);
    const { matrix } = await RatingMatrix.fromTable(tableFromArrays({ user, item, rating }));
    model = await new SVD({ factors: 32, epochs: 2, seed: 1 }).fit(matrix);
    srv = createInferenceServer(model);
    port = await srv.listen(0, '127.0.0.1');
  });
  afterAll(() => srv.drain());

  test('issue 20 item 2: /ping keeps answering while 600 top-N lists (12M items scored) run', async () => {
    const body = JSON.stringify({
      instances: Array.from({ length: 600 }, (_, k) => ({ user: 1 + (k % 300), top: 100 })),
    });
    let running = true;
    const big = call(port, 'POST', '/invocations', body, 'application/json').finally(() => {
      running = false;
    });
    const pings: number[] = [];
    while (running) {
      pings.push((await call(port, 'GET', '/ping')).ms);
      await new Promise((r) => setTimeout(r, 5));
    }
    const r = await big;
    expect(r.status).toBe(200);
    const { predictions } = JSON.parse(r.body);
    expect(predictions).toHaveLength(600);
    expect(predictions[7].items).toEqual(model.recommend(8, { n: 100 }).map((s) => s.item));
    // One blocking pass took the whole request's time (~1-2 s) and answered no ping meanwhile.
    // Bounds are loose for a shared machine; the load test checks p99 on a spawned server.
    expect(pings.length).toBeGreaterThanOrEqual(5);
    expect(Math.max(...pings)).toBeLessThan(400);
  });
});
