import { existsSync } from 'node:fs';
import { join } from 'node:path';
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
  /** Undefined for an index-only server. */
  model: Model | undefined;
  port: number;
  host: string;
  server: InferenceServer;
  loadSeconds: number;
  /** The embedding index served beside the model (`indexDir`). */
  index?: EmbeddingIndex | HnswIndex | undefined;
}

/**
 * Loads what it serves first (so /ping is 200 from the first request), then listens: a model
 * directory, an embedding index beside it, or an index alone (`indexDir` without `modelDir`, or
 * a `modelDir` that holds an index, as a SageMaker model.tar.gz may).
 */
export async function serveModel(o: {
  modelDir?: string | undefined;
  port: number;
  host?: string | undefined;
  indexDir?: string | undefined;
}): Promise<RunningServer> {
  const t0 = performance.now();
  const indexOnly = o.indexDir === undefined && o.modelDir !== undefined && isIndexDir(o.modelDir);
  const indexDir = indexOnly ? o.modelDir : o.indexDir;
  if (o.modelDir === undefined && indexDir === undefined) throw new InputError('serve: give a model or an index');
  const model = indexOnly || o.modelDir === undefined ? undefined : await loadModel(o.modelDir);
  const index = indexDir === undefined ? undefined : await openIndex(indexDir);
  const loadSeconds = (performance.now() - t0) / 1000;
  const server = createInferenceServer(model, {
    index,
    onError: (e) => process.stderr.write(`reckit serve: ${(e as Error)?.stack ?? String(e)}\n`),
  });
  const host = o.host ?? '0.0.0.0';
  const port = await server.listen(o.port, host);
  return { model, port, host, server, loadSeconds, index };
}

/** What a server holds, for its listening line. */
export function servedSummary(r: RunningServer): Record<string, string | number> {
  const index = r.index ? { indexItems: r.index.size, indexDim: r.index.dim } : {};
  if (!r.model) return { algorithm: 'embedding-index', ...index };
  return { algorithm: r.model.algorithm, users: r.model.users.size, items: r.model.items.size, ...index };
}

function isIndexDir(dir: string): boolean {
  return existsSync(join(dir, 'embeddings.json'));
}
