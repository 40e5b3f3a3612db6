import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { tableFromArrays } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SVD } from '../../../src/engine/algorithms/svd.js';
import { RatingMatrix } from '../../../src/engine/matrix/rating-matrix.js';
import type { Model } from '../../../src/engine/model/model.js';

const cli = resolve('bin/reckit.js');
const built = existsSync(resolve('dist/adapters/cli/commands/serve.js'));
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

/** Starts `reckit serve` on a free port and resolves once it prints its listening line. */
function startServe(): Promise<{ child: ChildProcess; port: number; exit: Promise<number | null> }> {
  const child = spawn(
    process.execPath,
    [cli, 'serve', '--model', join(dir, 'model'), '--port', '0', '--host', '127.0.0.1'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return new Promise((resolvePort, reject) => {
    let out = '';
    let err = '';
    child.stderr?.on('data', (c: Buffer) => {
      err += c.toString();
    });
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolvePort({ child, port: Number(m[1]), exit });
    });
    child.once('exit', (code) => reject(new Error(`reckit serve exited with ${code} before listening: ${err}`)));
  });
}

describe.skipIf(!built)(
  `reckit serve as a process${built ? '' : ' (dist/ not built: run npx tsc -p tsconfig.build.json)'}`,
  () => {
    test('answers /ping and text/csv, then on SIGTERM finishes the in-flight request and exits 0', async () => {
      const { child, port, exit } = await startServe();
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
  },
);
