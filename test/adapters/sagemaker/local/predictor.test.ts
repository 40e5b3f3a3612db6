import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Predictor } from '../../../../src/adapters/sagemaker/client/predictor.js';

/**
 * A loopback runtime endpoint that answers the way SageMaker's does (rest-json, x-amzn-ErrorType),
 * driven by the real SageMakerRuntimeClient inside Predictor. `plan` scripts the next answers:
 * an error type with its status, or 'ok' (one jsonlines answer per instance: {"score": user}).
 */
describe('Predictor over the real runtime client', () => {
  let server: Server;
  let url = '';
  const bodies: string[] = [];
  const headers: Record<string, string | undefined>[] = [];
  let plan: (['ok'] | [string, number])[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => {
        body += c;
      });
      req.on('end', () => {
        bodies.push(body);
        headers.push({ type: req.headers['content-type'], accept: req.headers.accept, path: req.url });
        const step = plan.shift() ?? ['ok'];
        if (step[0] !== 'ok') {
          const [type, status] = step as [string, number];
          const payload = JSON.stringify(
            type === 'ModelError'
              ? {
                  Message: 'Received client error (400)',
                  OriginalStatusCode: 400,
                  OriginalMessage: '{"error":"line 1: bad"}',
                  LogStreamArn: 'arn:x',
                }
              : { message: `${type} now` },
          );
          res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type });
          return res.end(payload);
        }
        const out = body
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.stringify({ score: (JSON.parse(l) as { user: number }).user, known: true }))
          .join('\n');
        res.writeHead(200, { 'content-type': 'application/jsonlines' });
        res.end(`${out}\n`);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const predictor = (o: { maxPayloadBytes?: number; maxAttempts?: number } = {}) =>
    new Predictor('ep', {
      clientConfig: { endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' } },
      backoffMs: 1,
      ...o,
    });

  test('payloads are split under the limit and the answers come back in order', async () => {
    bodies.length = 0;
    const p = predictor({ maxPayloadBytes: 64 });
    const pairs = Array.from({ length: 20 }, (_, k) => [k, 100 + k] as [number, number]);
    const got = await p.predict(pairs);
    p.close();
    expect(got.map((g) => g.score)).toEqual(pairs.map(([u]) => u));
    expect(bodies.length).toBeGreaterThan(1);
    for (const b of bodies) expect(Buffer.byteLength(b)).toBeLessThanOrEqual(64);
    expect(headers[0]).toEqual({
      type: 'application/jsonlines',
      accept: 'application/jsonlines',
      path: '/endpoints/ep/invocations',
    });
  });

  test('throttling and 5xx are retried with backoff; ModelError and 4xx are not', async () => {
    bodies.length = 0;
    plan = [
      ['ThrottlingException', 429],
      ['ServiceUnavailable', 503],
    ];
    const p = predictor();
    expect((await p.predict([[7, 1]]))[0]?.score).toBe(7);
    expect(bodies).toHaveLength(3);
    bodies.length = 0;
    plan = [['ModelError', 424]];
    await expect(p.predict([[7, 1]])).rejects.toThrow('endpoint ep: the model answered 400: line 1: bad');
    expect(bodies).toHaveLength(1);
    bodies.length = 0;
    plan = [['ValidationError', 400]];
    await expect(p.predict([[7, 1]])).rejects.toThrow(/endpoint ep: ValidationError \(400\): ValidationError now/);
    expect(bodies).toHaveLength(1);
    bodies.length = 0;
    plan = [
      ['InternalFailure', 500],
      ['InternalFailure', 500],
    ];
    await expect(predictor({ maxAttempts: 2 }).predict([[7, 1]])).rejects.toMatchObject({ name: 'InternalFailure' });
    expect(bodies).toHaveLength(2);
    p.close();
  });
});
