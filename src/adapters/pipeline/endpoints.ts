import { Agent, request } from 'node:http';
import { InputError } from '../../engine/errors.js';
import type { Id } from '../../engine/matrix/id-index.js';
import { loadModel } from '../../engine/model/load-model.js';
import type { Prediction } from '../../engine/model/model.js';
import { createInferenceServer, type InferenceServer } from '../sagemaker/inference-server.js';

/** A deployed model: where its inference server answers. */
export interface Endpoint {
  name: string;
  url: string;
  modelLocation: string;
  /** Set when this process started the server (deploy() of a model directory). */
  server?: InferenceServer | undefined;
  deploySeconds: number;
}

/** SageMaker's EndpointName rule (docs/sagemaker-local.md), so names carry over to the cloud unchanged. */
const ENDPOINT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/** Pairs per HTTP request: ~1.2 MB of CSV, well under the 6 MB limit. */
const PAIRS_PER_REQUEST = 100_000;

/**
 * Deployed endpoints by name. The caller owns the registry: two registries (two quickstarts, two
 * function services in one process) never see or stop each other's endpoints.
 */
export interface EndpointRegistry {
  /**
   * The seed's `deploy_model(model_name, model_url)`, locally. A model directory is loaded and
   * served by a reckit inference server started in this process on loopback (an ephemeral port
   * unless `port` is given); an `http://` URL registers a server already running (`reckit serve`),
   * after checking its /ping. Deploying a name again replaces the endpoint (the old server drains).
   */
  deploy(
    name: string,
    modelLocation: string,
    o?: { port?: number | undefined; host?: string | undefined },
  ): Promise<Endpoint>;
  /**
   * The seed's `invoke_model(model_name, user_id, item_id)` for many pairs at once: POSTs text/csv
   * `user,item` lines to the endpoint's /invocations (chunked under the 6 MB limit) and returns one
   * prediction per pair, in order.
   */
  invoke(name: string, pairs: readonly (readonly [Id, Id])[]): Promise<Prediction[]>;
  /** Stops an endpoint this registry started (draining it) and forgets the name; false when unknown. */
  undeploy(name: string): Promise<boolean>;
  list(): Endpoint[];
  /** Undeploys every endpoint and closes the kept-alive connections to them. */
  close(): Promise<void>;
}

/** A new, empty registry. Its servers and connections live until `undeploy` or `close`. */
export function createEndpointRegistry(): EndpointRegistry {
  const endpoints = new Map<string, Endpoint>();
  const agent = new Agent({ keepAlive: true });

  async function deploy(
    name: string,
    modelLocation: string,
    o: { port?: number | undefined; host?: string | undefined } = {},
  ): Promise<Endpoint> {
    if (!ENDPOINT_NAME.test(name)) {
      throw new InputError(`endpoint name "${name}": use letters, digits and single hyphens, at most 63 characters`);
    }
    const t0 = performance.now();
    let endpoint: Endpoint;
    if (/^https?:\/\//.test(modelLocation)) {
      const url = modelLocation.replace(/\/+$/, '');
      const ping = await httpCall(agent, `${url}/ping`, 'GET');
      if (ping.status !== 200)
        throw new InputError(`${url}/ping answered ${ping.status}; is reckit serve running there?`);
      endpoint = { name, url, modelLocation, deploySeconds: 0 };
    } else {
      const model = await loadModel(modelLocation);
      const server = createInferenceServer(model);
      const host = o.host ?? '127.0.0.1';
      const port = await server.listen(o.port ?? 0, host);
      endpoint = { name, url: `http://${host}:${port}`, modelLocation, server, deploySeconds: 0 };
    }
    endpoint.deploySeconds = (performance.now() - t0) / 1000;
    const old = endpoints.get(name);
    endpoints.set(name, endpoint);
    await old?.server?.drain();
    return endpoint;
  }

  async function invoke(name: string, pairs: readonly (readonly [Id, Id])[]): Promise<Prediction[]> {
    const endpoint = endpoints.get(name);
    if (!endpoint) {
      const known = [...endpoints.keys()].join(', ') || 'none';
      throw new InputError(`no endpoint named "${name}" (deployed: ${known}); deploy it first`);
    }
    const out: Prediction[] = [];
    for (let from = 0; from < pairs.length; from += PAIRS_PER_REQUEST) {
      let body = '';
      for (const [u, i] of pairs.slice(from, from + PAIRS_PER_REQUEST)) body += `${u},${i}\n`;
      const r = await httpCall(agent, `${endpoint.url}/invocations`, 'POST', body, {
        'Content-Type': 'text/csv',
        Accept: 'application/json',
      });
      if (r.status !== 200) throw new InputError(`endpoint "${name}" answered ${r.status}: ${r.body}`);
      for (const p of (JSON.parse(r.body) as { predictions: Prediction[] }).predictions) out.push(p);
    }
    return out;
  }

  async function undeploy(name: string): Promise<boolean> {
    const endpoint = endpoints.get(name);
    endpoints.delete(name);
    await endpoint?.server?.drain();
    return endpoint !== undefined;
  }

  return {
    deploy,
    invoke,
    undeploy,
    list: () => [...endpoints.values()],
    async close() {
      for (const name of [...endpoints.keys()]) await undeploy(name);
      agent.destroy();
    },
  };
}

function httpCall(
  agent: Agent,
  url: string,
  method: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', (e) => reject(new InputError(`cannot reach ${url}: ${e.message}`, { cause: e })));
    req.end(body);
  });
}
