import type { EmbeddingIndex } from '../../engine/embeddings/embedding-index.js';
import type { HnswIndex } from '../../engine/embeddings/hnsw-index.js';
import { openIndex } from '../../engine/embeddings/open-index.js';
import { InputError } from '../../engine/errors.js';
import { loadModel } from '../../engine/model/load-model.js';
import type { Model } from '../../engine/model/model.js';
import { createInferenceServer, type InferenceServer } from './inference-server.js';

/** Where SageMaker extracts model.tar.gz before `serve` starts (docs/sagemaker-container.md). */
export const SAGEMAKER_MODEL_DIR = '/opt/ml/model';

/** The listening port: `--port`, else SAGEMAKER_BIND_TO_PORT (pipelines, multi-container), else 8080. */
export function resolvePort(flag?: number | string | undefined, env = process.env): number {
  const raw = flag ?? env.SAGEMAKER_BIND_TO_PORT ?? 8080;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    const from = flag !== undefined ? '--port' : 'SAGEMAKER_BIND_TO_PORT';
    throw new InputError(`${from} "${raw}" is not a port number (0-65535)`);
  }
  return port;
}

export interface RunningServer {
  model: Model;
  port: number;
  host: string;
  server: InferenceServer;
  loadSeconds: number;
  /** The embedding index served beside the model (`indexDir`). */
  index?: EmbeddingIndex | HnswIndex | undefined;
}

/** Loads the model directory first (so /ping is 200 from the first request), then listens. */
export async function serveModel(o: {
  modelDir: string;
  port: number;
  host?: string | undefined;
  indexDir?: string | undefined;
}): Promise<RunningServer> {
  const t0 = performance.now();
  const model = await loadModel(o.modelDir);
  const index = o.indexDir === undefined ? undefined : await openIndex(o.indexDir);
  const loadSeconds = (performance.now() - t0) / 1000;
  const server = createInferenceServer(model, {
    index,
    onError: (e) => process.stderr.write(`reckit serve: ${(e as Error)?.stack ?? String(e)}\n`),
  });
  const host = o.host ?? '0.0.0.0';
  const port = await server.listen(o.port, host);
  return { model, port, host, server, loadSeconds, index };
}
