import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createInferenceServer, type InferenceServer } from '../../../src/adapters/sagemaker/inference-server.js';
import { EmbeddingIndex } from '../../../src/engine/embeddings/embedding-index.js';
import { bruteForce, randomEmbeddings } from '../../engine/embeddings/brute-force.js';
import { TinyModel } from '../../support/tiny-model.js';

const dim = 8;
const e = randomEmbeddings(12, 400, dim);
const index = EmbeddingIndex.fromArrays(e.ids, e.vectors, dim);
let srv: InferenceServer;
let port: number;
beforeAll(async () => {
  srv = createInferenceServer(new TinyModel(), { index });
  port = await srv.listen(0, '127.0.0.1');
});
afterAll(() => srv.drain());

function post(body: string, type = 'application/json'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path: '/invocations', headers: { 'Content-Type': type } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('the inference server answers embedding index instances', () => {
  test('{"vector", "top", "filter"} and {"like"} instances, in order, over real HTTP', async () => {
    const v = Array.from(e.query(1));
    const exclude = e.ids.slice(0, 100);
    const res = await post(
      JSON.stringify({
        instances: [
          { vector: v, top: 5 },
          { vector: v, top: 5, filter: { exclude } },
          { like: e.ids[3], top: 3 },
        ],
      }),
    );
    expect(res.status).toBe(200);
    const { predictions } = JSON.parse(res.body) as { predictions: { items: number[]; scores: number[] }[] };
    expect(predictions[0]?.items).toEqual(bruteForce(e.ids, e.vectors, dim, v, 5).map((h) => h.id));
    const ex = new Set(exclude);
    expect(predictions[1]?.items).toEqual(
      bruteForce(e.ids, e.vectors, dim, v, 5, { allow: (id) => !ex.has(id) }).map((h) => h.id),
    );
    expect(predictions[2]?.items).toHaveLength(3);
    expect(predictions[2]?.items).not.toContain(e.ids[3]);
  });

  test('JSON Lines, and model instances still go to the model', async () => {
    const v = Array.from(e.query(1));
    const lines = await post(
      `${JSON.stringify({ vector: v, top: 2 })}\n${JSON.stringify({ vector: v, top: 1 })}\n`,
      'application/jsonlines',
    );
    expect(lines.status).toBe(200);
    expect(lines.body.trim().split('\n')).toHaveLength(2);
    const model = await post(JSON.stringify({ instances: [{ user: 1, item: 2 }] }));
    expect(JSON.parse(model.body)).toEqual({ predictions: [{ score: TinyModel.score(1, 2), known: true }] });
  });

  test('bad instances are 400s naming the instance', async () => {
    const cases: [unknown[], RegExp][] = [
      [[{ vector: [1, 2, 3] }], /instances\[0\]: query vector: has 3 values, the index has dimension 8/],
      [[{ vector: [1, 2, 3, 4, 5, 6, 7, 'x'] }], /instances\[0\]: "vector" must be an array of numbers/],
      [[{ like: 999_999 }], /instances\[0\]: similar: id 999999 is not in the index/],
      [[{ vector: Array(dim).fill(1), top: 0 }], /"top" must be an integer/],
      [
        [{ vector: Array(dim).fill(1) }, { user: 1, item: 2 }],
        /instances\[1\]: a request that queries the index needs "vector" or "like"/,
      ],
      [
        [{ vector: Array(dim).fill(1), filter: { where: { genre: 'x' } } }],
        /instances\[0\]: filter.where: this index has no item attributes/,
      ],
    ];
    for (const [instances, message] of cases) {
      const res = await post(JSON.stringify({ instances }));
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body).error).toMatch(message);
    }
  });
});
