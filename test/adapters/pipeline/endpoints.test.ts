import { afterAll, beforeAll, expect, test } from 'vitest';
import { createEndpointRegistry } from '../../../src/adapters/pipeline/endpoints.js';
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

test('deploy registers a running server by URL; invoke returns its predictions in order', async () => {
  const endpoints = createEndpointRegistry();
  const e = await endpoints.deploy('tiny-v1', `http://127.0.0.1:${port}/`);
  expect(e.url).toBe(`http://127.0.0.1:${port}`);
  expect(endpoints.list().map((x) => x.name)).toEqual(['tiny-v1']);
  const pairs: [number, number][] = [
    [1, 610],
    [2, 5],
    [5, 19],
    [3, 3],
  ];
  const got = await endpoints.invoke('tiny-v1', pairs);
  expect(got).toEqual(pairs.map(([u, i]) => model.predictOne(u, i)));
  expect(await endpoints.undeploy('tiny-v1')).toBe(true);
  expect(await endpoints.undeploy('tiny-v1')).toBe(false);
  // The server was not ours: it keeps serving.
  expect((await fetch(`http://127.0.0.1:${port}/ping`)).status).toBe(200);
  await endpoints.close();
});

test('registries are owned by their callers: one never sees or stops the endpoints of another', async () => {
  const a = createEndpointRegistry();
  const b = createEndpointRegistry();
  await a.deploy('shared-name', `http://127.0.0.1:${port}`);
  expect(b.list()).toEqual([]);
  await expect(b.invoke('shared-name', [[1, 5]])).rejects.toThrow(/no endpoint named "shared-name" \(deployed: none\)/);
  await b.close();
  expect(await a.invoke('shared-name', [[1, 5]])).toEqual([model.predictOne(1, 5)]);
  await a.close();
  expect(a.list()).toEqual([]);
});

test('bad endpoint names, unknown endpoints and dead URLs are input errors', async () => {
  const endpoints = createEndpointRegistry();
  await expect(endpoints.deploy('bad name!', 'x')).rejects.toThrow(InputError);
  await expect(endpoints.deploy('-leading', 'x')).rejects.toThrow(/endpoint name/);
  await expect(endpoints.invoke('never-deployed', [[1, 2]])).rejects.toThrow(/no endpoint named "never-deployed"/);
  await expect(endpoints.deploy('dead', 'http://127.0.0.1:1')).rejects.toThrow(/cannot reach/);
  await expect(endpoints.deploy('no-model', '/nonexistent/model/dir')).rejects.toThrow(InputError);
  await endpoints.close();
});
