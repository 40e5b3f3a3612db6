import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromArrays } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SVD } from '../../../src/engine/algorithms/svd.js';
import { RatingMatrix } from '../../../src/engine/matrix/rating-matrix.js';
import { built as distHas, startServe } from '../../support/node-process.js';

const built = distHas('adapters/sagemaker/drain.js');
const dir = mkdtempSync(join(tmpdir(), 'reckit-drain-'));

beforeAll(async () => {
  // 20,000 items, so a top-N request scores a real catalogue (synthetic, seed 1).
  const n = 60_000;
  const user = Int32Array.from({ length: n }, (_, k) => 1 + (k % 300));
  const item = Int32Array.from({ length: n }, (_, k) => 1 + ((k * 7919) % 20_000));
  const rating = Float32Array.from({ length: n }, (_, k) => 1 + ((k * 13) % 9) / 2);
  const { matrix } = await RatingMatrix.fromTable(tableFromArrays({ user, item, rating }));
  await (await new SVD({ factors: 32, epochs: 2, seed: 1 }).fit(matrix)).save(join(dir, 'model'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Sent {
  /** Resolves once the whole request has been handed to the kernel. */
  sent: Promise<void>;
  answer: Promise<{ status: number; body: string }>;
}

function post(port: number, agent: Agent | false, body: string, type: string): Sent {
  let markSent: () => void = () => {};
  const sent = new Promise<void>((r) => {
    markSent = r;
  });
  const answer = new Promise<{ status: number; body: string }>((resolveAnswer) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path: '/invocations', agent, headers: { 'Content-Type': type } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolveAnswer({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', (e: NodeJS.ErrnoException) => resolveAnswer({ status: -1, body: e.code ?? e.message }));
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => resolveAnswer({ status: -1, body: e.code ?? e.message }));
    req.on('finish', markSent);
    req.end(body);
  });
  return { sent, answer };
}

/** Two requests and a /ping written at once on one connection (HTTP pipelining); resolves with the responses read. */
function pipelined(port: number, csv: string): Sent & { count: Promise<number> } {
  const req = `POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nContent-Length: ${csv.length}\r\n\r\n${csv}`;
  let markSent: () => void = () => {};
  const sent = new Promise<void>((r) => {
    markSent = r;
  });
  let text = '';
  const count = new Promise<number>((resolveCount) => {
    const s = connect(port, '127.0.0.1', () => s.write(`${req}GET /ping HTTP/1.1\r\nHost: x\r\n\r\n${req}`, markSent));
    s.on('data', (c: Buffer) => {
      text += c.toString('latin1');
    });
    s.on('error', () => {});
    s.on('close', () => resolveCount(completeResponses(text)));
  });
  return { sent, count, answer: count.then((n) => ({ status: n === 3 ? 200 : 0, body: text })) };
}

/** How many complete 200 responses (headers and Content-Length bytes of body) a byte stream holds. */
function completeResponses(text: string): number {
  let n = 0;
  let at = 0;
  for (;;) {
    const end = text.indexOf('\r\n\r\n', at);
    if (end < 0 || !text.startsWith('HTTP/1.1 200', at)) return n;
    const length = Number(/content-length: (\d+)/i.exec(text.slice(at, end))?.[1]);
    if (text.length < end + 4 + length) return n;
    n++;
    at = end + 4 + length;
  }
}

const pairsCsv = (lines: number) =>
  Array.from({ length: lines }, (_, k) => `${1 + (k % 300)},${1 + ((k * 31) % 20_000)}\n`).join('');

describe.skipIf(!built)(
  `SIGTERM answers every request received${built ? '' : ' (dist/ not built: run npx tsc -p tsconfig.build.json)'}`,
  () => {
    test('issue 20 item 6: 24 fully sent requests (keep-alive, new, pipelined, large) all answered, 3 runs', async () => {
      for (let run = 0; run < 3; run++) {
        const { child, port, exit, stderr } = await startServe(join(dir, 'model'));
        const agent = new Agent({ keepAlive: true, maxSockets: 8 });
        try {
          // Warm 8 keep-alive connections so they sit idle when the requests go out.
          await Promise.all(Array.from({ length: 8 }, () => post(port, agent, '1,1\n', 'text/csv').answer));
          const top = JSON.stringify({
            instances: Array.from({ length: 300 }, (_, k) => ({ user: 1 + k, top: 50 })),
          });
          const requests: Sent[] = [
            post(port, agent, top, 'application/json'), // ~6M items scored: a large one
            post(port, false, pairsCsv(50_000), 'text/csv'), // ~0.6 MB
            ...Array.from({ length: 7 }, (_, k) => post(port, agent, pairsCsv(1 + k), 'text/csv')),
            ...Array.from({ length: 9 }, (_, k) => post(port, false, pairsCsv(2 + k), 'text/csv')),
            ...Array.from({ length: 2 }, () => pipelined(port, pairsCsv(5))),
          ];
          await Promise.all(requests.map((r) => r.sent));
          child.kill('SIGTERM');
          const answers = await Promise.all(requests.map((r) => r.answer));
          const counted = 2 + 7 + 9 + 2 * 3;
          expect(counted).toBe(24);
          for (const [k, a] of answers.entries()) {
            expect(
              a.status,
              `run ${run}, request ${k}: ${a.status === 200 ? '' : a.body.slice(0, 300)} ${stderr()}`,
            ).toBe(200);
          }
          expect(JSON.parse(answers[0]?.body ?? '').predictions).toHaveLength(300);
          expect(answers[1]?.body.split('\n')).toHaveLength(50_001);
          expect(await exit).toBe(0);
          // The drain line counts requests that were really in flight: at most the 24 sent.
          const drained = Number(/draining (\d+) in-flight/.exec(stderr())?.[1]);
          expect(drained).toBeGreaterThanOrEqual(0);
          expect(drained).toBeLessThanOrEqual(24);
        } finally {
          agent.destroy();
          if (child.exitCode === null) child.kill('SIGKILL');
        }
      }
    });

    test('issue 20 item 6: the stop line counts /ping as answered (50 pings, then SIGTERM: 0 in flight)', async () => {
      const { child, port, exit, stderr } = await startServe(join(dir, 'model'));
      const agent = new Agent({ keepAlive: true, maxSockets: 4 });
      try {
        const ping = () =>
          new Promise<number>((r, j) =>
            request({ host: '127.0.0.1', port, path: '/ping', agent }, (res) => {
              res.resume();
              res.on('end', () => r(res.statusCode ?? 0));
            })
              .on('error', j)
              .end(),
          );
        for (let k = 0; k < 50; k++) expect(await ping()).toBe(200);
        child.kill('SIGTERM');
        expect(await exit).toBe(0);
        expect(stderr()).toMatch(/stopped after draining 0 in-flight request\(s\)/);
      } finally {
        agent.destroy();
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    });
  },
);
