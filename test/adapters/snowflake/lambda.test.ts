import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, expect, test } from 'vitest';
import type { FunctionsBackend } from '../../../src/adapters/snowflake/backend.js';
import { createFunctionsCore } from '../../../src/adapters/snowflake/functions-core.js';
import { createLambdaHandler } from '../../../src/adapters/snowflake/lambda.js';
import type { Id } from '../../../src/engine/matrix/id-index.js';
import { SIGNATURES, snowflakeHeaders } from './snowflake-requests.js';

const dir = mkdtempSync(join(tmpdir(), 'reckit-lambda-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Scores a pair as user * 1000 + item, so each answer shows which row it belongs to. */
const backend: FunctionsBackend = {
  kind: 'arithmetic',
  train: async () => {
    throw new Error('not used');
  },
  deploy: async () => ({ endpoint: 'local', reused: false }),
  invoke: async (_name: string, pairs: readonly (readonly [Id, Id])[]) =>
    pairs.map(([u, i]) => ({ score: Number(u) * 1000 + Number(i), known: true })),
  close: async () => undefined,
};

const handler = createLambdaHandler(createFunctionsCore({ backend, stateDir: dir }));
const rows = [
  [0, 'm', 1, 2],
  [1, 'm', 3, 4],
];
const headers = snowflakeHeaders('invoke_model', 'q:1:1:0:0', SIGNATURES.invoke_model as string);

test('a base64 body (isBase64Encoded) is decoded; header names in any case are found', async () => {
  const upper = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), v]));
  const r = await handler({
    httpMethod: 'POST',
    path: '/invoke_model',
    headers: upper,
    body: Buffer.from(JSON.stringify({ data: rows })).toString('base64'),
    isBase64Encoded: true,
  });
  expect(r.statusCode).toBe(200);
  expect(JSON.parse(r.body)).toEqual({
    data: [
      [0, 1002],
      [1, 3004],
    ],
  });
  expect(r.isBase64Encoded).toBe(false);
});

test('the body is never gunzipped again (API Gateway already did); a still-compressed body is a 400', async () => {
  const plain = await handler({
    httpMethod: 'POST',
    path: '/invoke_model',
    headers: { ...headers, 'Content-Encoding': 'gzip' },
    body: JSON.stringify({ data: rows }),
  });
  expect(plain.statusCode).toBe(200);
  const gz = await handler({
    httpMethod: 'POST',
    path: '/invoke_model',
    headers,
    body: gzipSync(JSON.stringify({ data: rows })).toString('base64'),
    isBase64Encoded: true,
  });
  expect(gz.statusCode).toBe(400);
  expect(JSON.parse(gz.body).message).toMatch(/not JSON/);
});
