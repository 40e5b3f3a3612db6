import { connect } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createInferenceServer, type InferenceServer } from '../../../src/adapters/sagemaker/inference-server.js';
import { TinyModel } from '../../support/tiny-model.js';

let srv: InferenceServer;
let port: number;
beforeAll(async () => {
  srv = createInferenceServer(new TinyModel(), {
    timeouts: { headersMs: 300, requestMs: 600, keepAliveMs: 300, checkEveryMs: 100 },
  });
  port = await srv.listen(0, '127.0.0.1');
});
afterAll(() => srv.drain());

/** Opens a raw connection, sends `data`, and resolves with what came back and when the server closed it (or -1 by 4 s). */
function halfSent(data: string): Promise<{ ms: number; reply: string }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let reply = '';
    const s = connect(port, '127.0.0.1', () => {
      if (data) s.write(data);
    });
    s.on('data', (c: Buffer) => {
      reply += c.toString();
    });
    s.on('error', () => {});
    const timer = setTimeout(() => {
      s.destroy();
      resolve({ ms: -1, reply });
    }, 4000);
    s.on('close', () => {
      clearTimeout(timer);
      resolve({ ms: performance.now() - t0, reply });
    });
  });
}

// Node's defaults would keep each of these connections open for 60-300 s.
test('issue 20 item 2: a connection that sends no request, or half its headers, is closed with 408', async () => {
  const [nothing, half] = await Promise.all([halfSent(''), halfSent('POST /invocations HTTP/1.1\r\nHost: x\r\n')]);
  for (const r of [nothing, half]) {
    expect(r.ms).toBeGreaterThanOrEqual(250);
    expect(r.ms).toBeLessThan(2500);
    expect(r.reply).toMatch(/^HTTP\/1.1 408/);
  }
});

test('issue 20 item 2: a request whose body stops half way is closed with 408 after the body deadline', async () => {
  const r = await halfSent(
    'POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nContent-Length: 100\r\n\r\n1,2\n',
  );
  expect(r.ms).toBeGreaterThanOrEqual(550);
  expect(r.ms).toBeLessThan(3000);
  expect(r.reply).toMatch(/^HTTP\/1.1 408/);
});

test('issue 20 item 2: an idle keep-alive connection is closed after its answer', async () => {
  const r = await halfSent('GET /ping HTTP/1.1\r\nHost: x\r\n\r\n');
  expect(r.reply).toMatch(/^HTTP\/1.1 200/);
  expect(r.ms).toBeGreaterThanOrEqual(250);
  expect(r.ms).toBeLessThan(3000); // Node adds up to 1 s to keepAliveTimeout
});
