import { afterAll, beforeAll, expect, test } from 'vitest';
import { deployModel, invokeModel, listEndpoints, undeployModel } from '../../../src/adapters/pipeline/endpoints.js';
import { createInferenceServer, type InferenceServer } from '../../../src/adapters/sagemaker/inference-server.js';
import { InputError } from '../../../src/engine/errors.js';
import { TinyModel } from '../../support/tiny-model.js';

const model = new TinyModel();
let server: InferenceServer;
let port: number;
beforeAll(async () => {
  server = createInferenceServer(model);
  port = await server.listen(0, '127.0.0.1');
});
afterAll(() => server.drain());

test('deployModel registers a running server by URL; invokeModel returns its predictions in order', async () => {
  const e = await deployModel('tiny-v1', `http://127.0.0.1:${port}/`);
  expect(e.url).toBe(`http://127.0.0.1:${port}`);
  expect(listEndpoints().map((x) => x.name)).toContain('tiny-v1');
  const pairs: [number, number][] = [
    [1, 610],
    [2, 5],
    [5, 19],
    [3, 3],
  ];
  const got = await invokeModel('tiny-v1', pairs);
  expect(got).toEqual(pairs.map(([u, i]) => model.predictOne(u, i)));
  expect(await undeployModel('tiny-v1')).toBe(true);
  // The server was not ours: it keeps serving.
  expect((await fetch(`http://127.0.0.1:${port}/ping`)).status).toBe(200);
});

test('bad endpoint names, unknown endpoints and dead URLs are input errors', async () => {
  await expect(deployModel('bad name!', 'x')).rejects.toThrow(InputError);
  await expect(deployModel('-leading', 'x')).rejects.toThrow(/endpoint name/);
  await expect(invokeModel('never-deployed', [[1, 2]])).rejects.toThrow(/no endpoint named "never-deployed"/);
  await expect(deployModel('dead', 'http://127.0.0.1:1')).rejects.toThrow(/cannot reach/);
  await expect(deployModel('no-model', '/nonexistent/model/dir')).rejects.toThrow(InputError);
});
