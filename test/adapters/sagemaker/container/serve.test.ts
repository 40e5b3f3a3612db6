import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { round } from '../../../../src/adapters/sagemaker/format-scores.js';
import type { ClusterModel } from '../../../../src/engine/model/cluster-model.js';
import { loadModel } from '../../../../src/engine/model/load-model.js';
import type { Model } from '../../../../src/engine/model/model.js';
import { dataPath, missing } from '../../../support/data-dir.js';
import { built, notBuilt, optMlTree, type Run, runEntrypoint } from './opt-ml-tree.js';

const u100k = dataPath('ml-100k', 'u.data');
const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

/**
 * Trains with the entrypoint, tars model/ as SageMaker does (`tar -czf model.tar.gz -C model .`:
 * contents at the archive root), and extracts the archive into a fresh tree's model/, the only
 * folder the platform gives `serve`.
 */
async function trainAndPackage(hyperparameters: Record<string, string>): Promise<{ root: string; entries: string[] }> {
  const job = optMlTree({ hyperparameters, channels: { train: { files: [u100k as string] } } });
  roots.push(job);
  const run = await runEntrypoint('train', job).done;
  if (run.code !== 0) throw new Error(`train failed: ${run.stderr}`);
  const archive = join(job, 'model.tar.gz');
  await tar.c({ gzip: true, file: archive, cwd: join(job, 'model') }, ['.']);
  const entries: string[] = [];
  await tar.t({ file: archive, onReadEntry: (e) => void entries.push(e.path) });
  const root = mkdtempSync(join(tmpdir(), 'reckit-serve-ml-'));
  roots.push(root);
  mkdirSync(join(root, 'model'));
  await tar.x({ file: archive, cwd: join(root, 'model') });
  return { root, entries };
}

interface Server {
  child: ChildProcess;
  port: number;
  done: Promise<Run>;
  /** Milliseconds from spawn to the first 200 from /ping. */
  pingMs: number;
}

/** One HTTP exchange with the 2 s per-attempt timeout SageMaker's health check uses. */
function http(
  port: number,
  method: string,
  path: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; type: string; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, timeout: 2000 }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => {
        text += c.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), text }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in 2 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Spawns `serve` on a free port (SAGEMAKER_BIND_TO_PORT=0) and polls /ping as the platform does. */
async function startServe(root: string): Promise<Server> {
  const t0 = performance.now();
  let onPort: (port: number) => void = () => {};
  const portKnown = new Promise<number>((r) => (onPort = r));
  const { child, done } = runEntrypoint('serve', root, {
    env: { SAGEMAKER_BIND_TO_PORT: '0', RECKIT_BIND_HOST: '127.0.0.1' },
    onStdout: (text) => {
      const m = /"port":(\d+)/.exec(text);
      if (m) onPort(Number(m[1]));
    },
  });
  const port = await Promise.race([
    portKnown,
    done.then((r) => Promise.reject(new Error(`serve exited ${r.code}: ${r.stderr}`))),
  ]);
  for (;;) {
    const ping = await http(port, 'GET', '/ping').catch(() => undefined);
    if (ping?.status === 200) return { child, port, done, pingMs: performance.now() - t0 };
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(!built || !u100k)(
  `serve entrypoint as a process${notBuilt}${u100k ? '' : ` (${missing('ml-100k')})`}`,
  () => {
    let svdRoot: string;
    let svd: Model;
    let server: Server;
    beforeAll(async () => {
      const packaged = await trainAndPackage({ algorithm: 'svd', factors: '20', epochs: '5', seed: '1' });
      expect(packaged.entries).toContain('./model.json');
      expect(packaged.entries.every((e) => e === './' || /^\.\/[\w.-]+$/.test(e))).toBe(true);
      svdRoot = packaged.root;
      svd = await loadModel(join(svdRoot, 'model'));
      server = await startServe(svdRoot);
    });
    afterAll(() => {
      if (server?.child.exitCode === null) server.child.kill('SIGKILL');
    });

    test('/ping answers 200 within 2 s of the process starting (the model loads before listening)', () => {
      expect(server.pingMs).toBeLessThan(2000);
    });

    test('text/csv, application/json and jsonlines answer what the model predicts', async () => {
      const pairs: [number, number][] = [
        [1, 1],
        [196, 242],
        [943, 1330],
        [5, 99999],
      ];
      const want = pairs.map(([u, i]) => svd.predictOne(u, i));
      const csv = await http(server.port, 'POST', '/invocations', pairs.map((p) => p.join(',')).join('\n'), {
        'Content-Type': 'text/csv',
      });
      expect(csv.status).toBe(200);
      expect(csv.text.trim().split('\n').map(Number)).toEqual(want.map((p) => round(p.score)));
      const json = await http(
        server.port,
        'POST',
        '/invocations',
        JSON.stringify({ instances: [...pairs.map(([user, item]) => ({ user, item })), { user: 1, top: 3 }] }),
        { 'Content-Type': 'application/json' },
      );
      expect(json.status).toBe(200);
      const predictions = (JSON.parse(json.text) as { predictions: unknown[] }).predictions;
      expect(predictions.slice(0, 4)).toEqual(want.map((p) => ({ score: round(p.score), known: p.known })));
      expect(predictions[4]).toEqual({
        user: 1,
        items: svd.recommend(1, { n: 3 }).map((s) => s.item),
        scores: svd.recommend(1, { n: 3 }).map((s) => round(s.score)),
      });
      const lines = await http(
        server.port,
        'POST',
        '/invocations',
        pairs.map(([user, item]) => JSON.stringify({ user, item })).join('\n'),
        { 'Content-Type': 'application/jsonlines', Accept: 'application/jsonlines' },
      );
      expect(lines.status).toBe(200);
      expect(
        lines.text
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l)),
      ).toEqual(predictions.slice(0, 4));
      const params = await http(server.port, 'GET', '/execution-parameters');
      expect(JSON.parse(params.text)).toMatchObject({ BatchStrategy: 'MULTI_RECORD', MaxPayloadInMB: 6 });
    });

    test('a new user folded in: top N and predictions from their ratings', async () => {
      const ratings = { 50: 5, 181: 4.5, 258: 1, 100: 4 };
      const folded = svd.foldIn({ items: [50, 181, 258, 100], ratings: [5, 4.5, 1, 4] });
      const r = await http(
        server.port,
        'POST',
        '/invocations',
        JSON.stringify({
          instances: [
            { ratings, top: 5 },
            { ratings, items: [1, 2] },
          ],
        }),
        { 'Content-Type': 'application/json' },
      );
      expect(r.status).toBe(200);
      const [top, pred] = (JSON.parse(r.text) as { predictions: unknown[] }).predictions;
      const want = folded.recommend({ n: 5 });
      expect(top).toEqual({ items: want.map((s) => s.item), scores: want.map((s) => round(s.score)) });
      expect(pred).toEqual({ scores: Array.from(folded.predict([1, 2]).scores, round), known: [true, true] });
    });

    test('413 over 6 MB, 415 for an unsupported type, 400 naming the bad line', async () => {
      const big = Buffer.alloc(6 * 1024 * 1024 + 10, '1,1\n');
      const tooBig = await http(server.port, 'POST', '/invocations', big, { 'Content-Type': 'text/csv' }).catch(
        (e: NodeJS.ErrnoException) => ({ status: e.code === 'EPIPE' || e.code === 'ECONNRESET' ? 413 : 0, text: '' }),
      );
      expect(tooBig.status).toBe(413);
      const xml = await http(server.port, 'POST', '/invocations', '<a/>', { 'Content-Type': 'application/xml' });
      expect(xml.status).toBe(415);
      expect(JSON.parse(xml.text).error).toMatch(/unsupported Content-Type "application\/xml"/);
      const bad = await http(server.port, 'POST', '/invocations', '1,1\n2\n', { 'Content-Type': 'text/csv' });
      expect(bad.status).toBe(400);
      expect(JSON.parse(bad.text).error).toMatch(/line 2/);
    });

    test('SIGTERM during a request: the request is answered, then the process exits 0', async () => {
      const body = '1,1\n2,2\n3,3\n';
      const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: server.port,
            method: 'POST',
            path: '/invocations',
            headers: { 'Content-Type': 'text/csv', 'Content-Length': Buffer.byteLength(body) },
          },
          (res) => {
            let text = '';
            res.on('data', (c: Buffer) => {
              text += c.toString();
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          },
        );
        req.on('error', reject);
        // Half the body, then SIGTERM, then the rest: the request is in flight when the signal lands.
        req.write(body.slice(0, 4));
        setTimeout(() => {
          server.child.kill('SIGTERM');
          setTimeout(() => req.end(body.slice(4)), 300);
        }, 200);
      });
      const r = await answer;
      expect(r.status).toBe(200);
      expect(r.text.trim().split('\n').map(Number)).toEqual([1, 2, 3].map((k) => round(svd.predictOne(k, k).score)));
      const run = await server.done;
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(/stopped after draining/);
    });

    test('a k-means model answers a rating vector with its cluster and distance', async () => {
      const { root } = await trainAndPackage({ algorithm: 'kmeans', k: '5', max_iter: '20', seed: '2' });
      const km = (await loadModel(join(root, 'model'))) as ClusterModel;
      const s = await startServe(root);
      try {
        const vector = Array.from({ length: km.items.size }, (_, j) => (j % 9 === 0 ? 1 + (j % 5) : 0));
        const given = vector.flatMap((r, j) => (r ? [[km.items.idOf(j), r] as const] : []));
        const want = km.assign({ items: given.map((g) => g[0]), ratings: given.map((g) => g[1]) });
        const r = await http(s.port, 'POST', '/invocations', JSON.stringify({ instances: [{ vector }] }), {
          'Content-Type': 'application/json',
        });
        expect(r.status).toBe(200);
        expect(JSON.parse(r.text)).toEqual({
          predictions: [{ cluster: want.cluster, distance: round(want.distance) }],
        });
        const short = await http(
          s.port,
          'POST',
          '/invocations',
          JSON.stringify({ instances: [{ vector: [4, 0, 3.5] }] }),
          {
            'Content-Type': 'application/json',
          },
        );
        expect(short.status).toBe(400);
        expect(JSON.parse(short.text).error).toMatch(/"vector" has 3 values but the model has 1682 items/);
      } finally {
        s.child.kill('SIGTERM');
        expect((await s.done).code).toBe(0);
      }
    });

    test('serve without a model exits 2 with the reason', async () => {
      const empty = mkdtempSync(join(tmpdir(), 'reckit-serve-empty-'));
      roots.push(empty);
      mkdirSync(join(empty, 'model'));
      const run = await runEntrypoint('serve', empty, { env: { SAGEMAKER_BIND_TO_PORT: '0' } }).done;
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/is not a reckit model directory: no model.json/);
    });
  },
);
