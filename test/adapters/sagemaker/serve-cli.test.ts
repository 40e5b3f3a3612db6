import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromArrays } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SVD } from '../../../src/engine/algorithms/svd.js';
import { RatingMatrix } from '../../../src/engine/matrix/rating-matrix.js';
import type { Model } from '../../../src/engine/model/model.js';
import { built as distHas, startServe } from '../../support/node-process.js';

const built = distHas('adapters/cli/commands/serve.js');
const dir = mkdtempSync(join(tmpdir(), 'reckit-serve-'));
let model: Model;

beforeAll(async () => {
  const n = 400;
  const user = Int32Array.from({ length: n }, (_, k) => 1 + (k % 20));
  const item = Int32Array.from({ length: n }, (_, k) => 1 + ((k * 7) % 50));
  const rating = Float32Array.from({ length: n }, (_, k) => 1 + ((k * 13) % 9) / 2);
  const { matrix } = await RatingMatrix.fromTable(tableFromArrays({ user, item, rating }));
  model = await new SVD({ factors: 4, epochs: 3, seed: 1 }).fit(matrix);
  await model.save(join(dir, 'model'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!built)(
  `reckit serve as a process${built ? '' : ' (dist/ not built: run npx tsc -p tsconfig.build.json)'}`,
  () => {
    test('answers /ping and text/csv, then on SIGTERM finishes the in-flight request and exits 0', async () => {
      const { child, port, exit } = await startServe(join(dir, 'model'));
      try {
        const ping = await new Promise<number>((r, j) =>
          request({ host: '127.0.0.1', port, path: '/ping' }, (res) => {
            res.resume();
            r(res.statusCode ?? 0);
          })
            .on('error', j)
            .end(),
        );
        expect(ping).toBe(200);

        // An in-flight request: the headers and half the body go out, then SIGTERM, then the rest.
        const body = '1,1\n2,8\n3,15\n';
        const answer = new Promise<{ status: number; text: string }>((r, j) => {
          const req = request(
            {
              host: '127.0.0.1',
              port,
              method: 'POST',
              path: '/invocations',
              headers: { 'Content-Type': 'text/csv', 'Content-Length': Buffer.byteLength(body) },
            },
            (res) => {
              let text = '';
              res.on('data', (c: Buffer) => {
                text += c.toString();
              });
              res.on('end', () => r({ status: res.statusCode ?? 0, text }));
            },
          );
          req.on('error', j);
          req.write(body.slice(0, 4));
          setTimeout(() => {
            child.kill('SIGTERM');
            setTimeout(() => req.end(body.slice(4)), 300);
          }, 200);
        });
        const r = await answer;
        expect(r.status).toBe(200);
        const local = model.predict([1, 2, 3], [1, 8, 15]).scores;
        expect(r.text.trim().split('\n').map(Number)).toEqual(Array.from(local, (s) => Math.round(s * 1e6) / 1e6));
        expect(await exit).toBe(0);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    });

    test('runs in the Node process the user started, with the Node flags given to it', async () => {
      const served = await startServe(join(dir, 'model'), { nodeFlags: ['--no-memory-reducer'] });
      try {
        expect(served.info.pid).toBe(served.child.pid);
        expect(served.info.nodeFlags).toContain('--no-memory-reducer');
      } finally {
        expect(await served.stop()).toBe(0);
      }
    });
  },
);
