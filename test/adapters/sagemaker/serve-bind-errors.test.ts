import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromArrays } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SVD } from '../../../src/engine/algorithms/svd.js';
import { RatingMatrix } from '../../../src/engine/matrix/rating-matrix.js';
import { built as distHas, RECKIT_CLI, runNode } from '../../support/node-process.js';

const built = distHas('adapters/sagemaker/listen.js');
const dir = mkdtempSync(join(tmpdir(), 'reckit-bind-'));
let busy: Server;
let busyPort: number;

beforeAll(async () => {
  const n = 200;
  const user = Int32Array.from({ length: n }, (_, k) => 1 + (k % 10));
  const item = Int32Array.from({ length: n }, (_, k) => 1 + ((k * 7) % 30));
  const rating = Float32Array.from({ length: n }, (_, k) => 1 + (k % 5));
  const { matrix } = await RatingMatrix.fromTable(tableFromArrays({ user, item, rating }));
  await (await new SVD({ factors: 2, epochs: 1, seed: 1 }).fit(matrix)).save(join(dir, 'model'));
  busy = createServer();
  busyPort = await new Promise<number>((r) =>
    busy.listen(0, '127.0.0.1', () => r((busy.address() as { port: number }).port)),
  );
});
afterAll(() => {
  busy.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `reckit serve` to its exit and resolves with its exit code and stderr. */
function serve(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return runNode([RECKIT_CLI, 'serve', '--model', join(dir, 'model'), ...args]);
}

describe.skipIf(!built)('reckit serve: bind failures are one-line errors', () => {
  test('issue 20 item 8: a port in use exits 2 with one line', async () => {
    const r = await serve(['--port', String(busyPort), '--host', '127.0.0.1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^reckit: cannot listen on 127.0.0.1:${busyPort} \\(EADDRINUSE\\): .*in use`));
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/looks like a bug|\n\s+at /);
  });

  test('issue 20 item 8: an address the machine does not have exits 2 with one line', async () => {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never assigned to a real interface.
    const r = await serve(['--port', '0', '--host', '192.0.2.1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^reckit: cannot listen on 192\.0\.2\.1:0 \(EADDRNOTAVAIL\): .*not an address of this machine/,
    );
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
