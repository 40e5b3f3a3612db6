import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createInferenceServer, type InferenceServer } from '../../../src/adapters/sagemaker/inference-server.js';
import { TinyModel } from '../../support/tiny-model.js';

const model = new TinyModel();
let srv: InferenceServer;
let port: number;
beforeAll(async () => {
  srv = createInferenceServer(model);
  port = await srv.listen(0, '127.0.0.1');
});
afterAll(() => srv.drain());

function call(
  method: string,
  path: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          type: String(res.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** POSTs /invocations as chunked transfer encoding, one write per piece, each on a later tick. */
function streamed(
  to: number,
  pieces: string[],
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: to, method: 'POST', path: '/invocations', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    let k = 0;
    const next = (): void => {
      if (k === pieces.length) return void req.end();
      req.write(pieces[k++]!);
      setTimeout(next, 1);
    };
    next();
  });
}

const csv = { 'Content-Type': 'text/csv' };
const json = { 'Content-Type': 'application/json' };

describe('inference server (SageMaker hosting contract)', () => {
  test('GET /ping answers 200 with an empty body; /execution-parameters describes batch limits', async () => {
    expect(await call('GET', '/ping')).toMatchObject({ status: 200, body: '' });
    const p = await call('GET', '/execution-parameters');
    expect(p.status).toBe(200);
    expect(JSON.parse(p.body)).toMatchObject({ BatchStrategy: 'MULTI_RECORD', MaxPayloadInMB: 6 });
  });

  test('text/csv user,item lines -> one rating per line, in order', async () => {
    const r = await call('POST', '/invocations', '1,610\n2,5\r\n3,7\n 4 , "9"\n', csv);
    expect(r.status).toBe(200);
    expect(r.type).toBe('text/csv');
    expect(r.body.split('\n').slice(0, -1).map(Number)).toEqual([
      3,
      TinyModel.score(2, 5),
      TinyModel.score(3, 7),
      TinyModel.score(4, 9),
    ]);
  });

  test('Accept is honoured: csv in, json or jsonlines out', async () => {
    const j = await call('POST', '/invocations', '2,5\n9,9', { ...csv, Accept: 'application/json' });
    expect(j.type).toBe('application/json');
    expect(JSON.parse(j.body)).toEqual({
      predictions: [
        { score: TinyModel.score(2, 5), known: true },
        { score: 3, known: false },
      ],
    });
    const l = await call('POST', '/invocations', '2,5\n9,9', {
      ...csv,
      Accept: 'text/html;q=0.9, application/jsonlines',
    });
    expect(l.type).toBe('application/jsonlines');
    expect(
      l.body
        .trim()
        .split('\n')
        .map((x) => JSON.parse(x).known),
    ).toEqual([true, false]);
  });

  test('application/json instances: predict and recommend shapes', async () => {
    const body = JSON.stringify({
      instances: [
        { user: 1, item: 4 },
        [2, 6],
        { user: 1, top: 3 },
        { user: 1, top: 2, excludeSeen: false, exclude: [1] },
      ],
    });
    const r = await call('POST', '/invocations', body, json);
    expect(r.status).toBe(200);
    const { predictions } = JSON.parse(r.body);
    expect(predictions[0]).toEqual({ score: TinyModel.score(1, 4), known: true });
    expect(predictions[1]).toEqual({ score: TinyModel.score(2, 6), known: true });
    const top3 = model.recommend(1, { n: 3 });
    expect(predictions[2]).toEqual({ user: 1, items: top3.map((s) => s.item), scores: top3.map((s) => s.score) });
    expect(predictions[2].items).not.toContain(1);
    expect(predictions[3].items).toEqual(
      model.recommend(1, { n: 2, excludeSeen: false, exclude: [1] }).map((s) => s.item),
    );
    // A top-N list has no CSV form.
    const bad = await call('POST', '/invocations', body, { ...json, Accept: 'text/csv' });
    expect(bad.status).toBe(406);
  });

  test('application/jsonlines: one answer line per input line (batch transform)', async () => {
    const r = await call('POST', '/invocations', '{"user":3,"item":3}\n[4,4]\n{"user":5,"top":1}\n', {
      'Content-Type': 'application/jsonlines',
    });
    expect(r.status).toBe(200);
    const lines = r.body
      .trim()
      .split('\n')
      .map((x) => JSON.parse(x));
    expect(lines).toHaveLength(3);
    expect(lines[0].score).toBe(TinyModel.score(3, 3));
    expect(lines[2].items).toHaveLength(1);
  });

  test('415 for an unsupported Content-Type, naming what is accepted', async () => {
    const r = await call('POST', '/invocations', 'x', { 'Content-Type': 'application/x-protobuf' });
    expect(r.status).toBe(415);
    expect(JSON.parse(r.body).error).toMatch(/application\/x-protobuf.*text\/csv/);
    expect((await call('POST', '/invocations', '1,2')).status).toBe(415);
  });

  test('400 for malformed bodies, naming the line', async () => {
    const c = await call('POST', '/invocations', '1,2\n3\n', csv);
    expect(c.status).toBe(400);
    expect(JSON.parse(c.body).error).toMatch(/line 2/);
    expect(JSON.parse((await call('POST', '/invocations', '1,2,3', csv)).body).error).toMatch(/line 1.*two fields/);
    expect((await call('POST', '/invocations', '', csv)).status).toBe(400);
    const j = await call('POST', '/invocations', '{"instances": [{"user": 1}]}', json);
    expect(j.status).toBe(400);
    expect(JSON.parse(j.body).error).toMatch(/instances\[0\]/);
    expect((await call('POST', '/invocations', '{not json', json)).status).toBe(400);
    expect((await call('POST', '/invocations', '{"rows": []}', json)).status).toBe(400);
    const l = await call('POST', '/invocations', '[1,2]\n{oops}\n', { 'Content-Type': 'application/jsonlines' });
    expect(l.status).toBe(400);
    expect(JSON.parse(l.body).error).toMatch(/line 2/);
  });

  test('413 for payloads over 6 MB; the server keeps serving afterwards', async () => {
    const big = Buffer.alloc(6 * 1024 * 1024 + 10, '1,2\n');
    const r = await call('POST', '/invocations', big, csv);
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body).error).toMatch(/over the limit of 6291456 bytes/);
    expect((await call('GET', '/ping')).status).toBe(200);
  });

  test('a body sent in many pieces (chunked, no Content-Length) is read whole and in order', async () => {
    // Lines split inside a field and across writes, then 40 one-line writes.
    const lines = Array.from({ length: 40 }, (_, k) => `${1 + (k % 5)},${1 + ((k * 7) % 20)}\n`);
    const pieces = ['1,2\n', '1', ',7\n3,', '4\n', ...lines];
    const r = await streamed(port, pieces, csv);
    const sent = pieces.join('').split('\n').slice(0, -1);
    expect(sent).toHaveLength(43);
    expect(r.status).toBe(200);
    expect(r.body.split('\n').slice(0, -1).map(Number)).toEqual(
      sent.map((l) => {
        const [u, i] = l.split(',').map(Number) as [number, number];
        return TinyModel.score(u, i);
      }),
    );
  });

  test('413 counted from the bytes received when no Content-Length is declared', async () => {
    const small = createInferenceServer(model, { maxPayloadBytes: 1000 });
    const smallPort = await small.listen(0, '127.0.0.1');
    try {
      const r = await streamed(
        smallPort,
        Array.from({ length: 40 }, () => '1,2\n'.repeat(10)),
        csv,
      );
      expect(r.status).toBe(413);
      expect(JSON.parse(r.body).error).toMatch(/more than 1000 bytes/);
      const ok = await streamed(smallPort, ['1,2\n', '3,4\n'], csv);
      expect(ok).toMatchObject({ status: 200, body: `${TinyModel.score(1, 2)}\n${TinyModel.score(3, 4)}\n` });
    } finally {
      await small.drain();
    }
  });

  test('404 for unknown paths, 405 for wrong methods', async () => {
    expect((await call('GET', '/nope')).status).toBe(404);
    expect((await call('GET', '/invocations')).status).toBe(405);
  });
});
