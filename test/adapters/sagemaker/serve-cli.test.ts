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

interface Listening {
  port: number;
  pid: number;
  nodeFlags: string[];
}

/**
 * Starts `reckit serve --json` on a free port, as a user would (plain `node bin/reckit.js`, so it
 * relaunches itself with the server's Node flags), and resolves with its listening report.
 */
function startServe(): Promise<{ child: ChildProcess; info: Listening; port: number; exit: Promise<number | null> }> {
  const child = spawn(
    process.execPath,
    [cli, 'serve', '--model', join(dir, 'model'), '--port', '0', '--host', '127.0.0.1', '--json'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return new Promise((resolveInfo, reject) => {
    let out = '';
    let err = '';
    child.stderr?.on('data', (c: Buffer) => {
      err += c.toString();
    });
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      if (!out.endsWith('}\n')) return;
      const info = JSON.parse(out) as Listening;
      resolveInfo({ child, info, port: info.port, exit });
    });
    child.once('exit', (code) => reject(new Error(`reckit serve exited with ${code} before listening: ${err}`)));
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

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

    test('serves from a relaunched Node with --no-memory-reducer; killing the parent stops the server too', async () => {
      const { child, info, port, exit } = await startServe();
      try {
        expect(info.nodeFlags).toContain('--no-memory-reducer');
        expect(info.pid).not.toBe(child.pid);
        expect(alive(info.pid)).toBe(true);
        child.kill('SIGKILL');
        expect(await exit).toBe(null);
        // The server notices its parent's IPC channel close, drains (nothing in flight) and exits.
        for (let t = 0; t < 50 && alive(info.pid); t++) await new Promise((r) => setTimeout(r, 100));
        expect(alive(info.pid)).toBe(false);
        const refused = await new Promise<string>((r) =>
          request({ host: '127.0.0.1', port, path: '/ping' }, () => r('answered'))
            .on('error', (e: NodeJS.ErrnoException) => r(e.code ?? 'error'))
            .end(),
        );
        expect(refused).toBe('ECONNREFUSED');
      } finally {
        if (alive(info.pid)) process.kill(info.pid, 'SIGKILL');
      }
    });
  },
);
