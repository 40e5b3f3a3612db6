import { createHash, timingSafeEqual } from 'node:crypto';
import { InputError } from '../../engine/errors.js';
import type { FunctionsBackend } from './backend.js';
import { BatchError, type BatchRow, encodeBatch, parseBatch } from './batch.js';
import { deployRows, invokeRows } from './model-rows.js';
import { TrainBatches } from './train-batches.js';

/** A request as both transports see it: header names lower-case, body as received. */
export interface FunctionsRequest {
  method: string;
  path: string;
  headers: Record<string, string | undefined>;
  body: Buffer | string;
  /** Content-Encoding still to undo (plain HTTP); API Gateway has already undone it for Lambda. */
  encoding?: string | undefined;
}

export interface FunctionsResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface FunctionsCoreOptions {
  backend: FunctionsBackend;
  /** Where per-batch training state lives (survives restarts). */
  stateDir: string;
  /** Shared secret expected in `sf-custom-reckit-secret` (the function's HEADERS clause); none = no check. */
  secret?: string | undefined;
  /** Batches handled at once before answering 429 (Snowflake backs off and retries). Default 4. */
  maxInFlight?: number | undefined;
  /** Trainings running at once before new ones get 429. Default 1. */
  maxTrainings?: number | undefined;
  /** Largest response body: 10 MB through API Gateway, 6 MB from a Lambda. */
  maxResponseBytes?: number | undefined;
  /** Pairs per backend invoke call (default 10 000: ~120 KB of CSV per endpoint call). */
  invokeChunk?: number | undefined;
  /** Seconds an orphaned training record waits before another instance resumes it (tests). */
  staleMs?: number | undefined;
  /** Backoff before a training that hit a transient fault runs again (default 5 s, doubling). */
  trainRetryDelayMs?: number | undefined;
  log?: ((line: string) => void) | undefined;
}

export const SECRET_HEADER = 'sf-custom-reckit-secret';
export const BATCH_ID_HEADER = 'sf-external-function-query-batch-id';
export const FUNCTIONS = ['train_and_get_recommendations', 'deploy_model', 'invoke_model'] as const;

export interface FunctionsCore {
  handle(req: FunctionsRequest): Promise<FunctionsResponse>;
  /** Resolves when no training is running (tests, graceful stop). */
  idle(): Promise<void>;
}

/**
 * The one implementation of the three External Functions behind both transports (plain HTTP and
 * the Lambda proxy handler). Statuses follow Snowflake's retry rules: 200 answers every row (a bad
 * row gets an error value), 202 = still working (train), 429 = overloaded (retried), 503 = a
 * transient fault (retried), 400/401/404/413 = the query fails with the message (not retried);
 * docs/snowflake.md has the contracts.
 */
export function createFunctionsCore(o: FunctionsCoreOptions): FunctionsCore {
  const expected = o.secret ? digest(o.secret) : undefined;
  const trains = new TrainBatches(o.stateDir, o.backend, {
    maxRunning: o.maxTrainings,
    staleMs: o.staleMs,
    retryDelayMs: o.trainRetryDelayMs,
  });
  const maxBytes = o.maxResponseBytes ?? 10 * 1024 * 1024;
  let inFlight = 0;

  const answer = (status: number, body: unknown, extra: Record<string, string> = {}): FunctionsResponse => ({
    status,
    headers: { 'Content-Type': 'application/json', ...extra },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const rowsAnswer = (rows: BatchRow[], values: unknown[]): FunctionsResponse => {
    const body = encodeBatch(rows, values);
    const bytes = Buffer.byteLength(body);
    if (bytes > maxBytes) {
      return answer(413, {
        message: `the answer to ${rows.length} rows is ${bytes} bytes, over the ${maxBytes}-byte limit; lower the function's MAX_BATCH_ROWS`,
      });
    }
    return answer(200, body);
  };

  async function route(req: FunctionsRequest, name: string): Promise<FunctionsResponse> {
    if (name === 'train_and_get_recommendations') {
      const batchId = req.headers[BATCH_ID_HEADER];
      if (!batchId) return answer(400, { message: `${BATCH_ID_HEADER} header missing: is the caller Snowflake?` });
      let state: ReturnType<TrainBatches['poll']>;
      if (req.method === 'GET') {
        state = trains.poll(batchId);
        if (!state) return answer(404, { message: `batch ${batchId} is unknown to this service` });
      } else {
        state = trains.submit(batchId, parseBatch(req.body, req.encoding));
      }
      if (state.state === 'busy')
        return answer(429, { message: 'a training is running; retry later' }, { 'Retry-After': '5' });
      if (state.state === 'running') return answer(202, { message: 'training', batch: batchId });
      return rowsAnswer(state.rows, state.values);
    }
    if (req.method !== 'POST') return answer(405, { message: `${name} is called with POST` });
    const rows = parseBatch(req.body, req.encoding);
    const values =
      name === 'deploy_model'
        ? await deployRows(o.backend, rows)
        : await invokeRows(o.backend, rows, o.invokeChunk ?? 10_000);
    return rowsAnswer(rows, values);
  }

  return {
    async handle(req) {
      if (expected) {
        const given = req.headers[SECRET_HEADER];
        if (!given || !timingSafeEqual(digest(given), expected)) {
          return answer(401, { message: `missing or wrong ${SECRET_HEADER} header (the function's HEADERS clause)` });
        }
      }
      const name = req.path.split('?')[0]?.split('/').filter(Boolean).pop()?.toLowerCase() ?? '';
      if (!(FUNCTIONS as readonly string[]).includes(name)) {
        return answer(404, { message: `no function at ${req.path}; expected /${FUNCTIONS.join(', /')}` });
      }
      if (inFlight >= (o.maxInFlight ?? 4))
        return answer(429, { message: 'overloaded; retry later' }, { 'Retry-After': '1' });
      inFlight++;
      try {
        return await route(req, name);
      } catch (error) {
        if (error instanceof BatchError || error instanceof InputError) return answer(400, { message: error.message });
        o.log?.(`reckit functions: ${name}: transient failure, answered 503: ${(error as Error)?.message ?? error}`);
        return answer(
          503,
          { message: `transient failure: ${(error as Error)?.message ?? error}` },
          { 'Retry-After': '2' },
        );
      } finally {
        inFlight--;
      }
    },
    idle: () => trains.idle(),
  };
}

/** Fixed-length digests so the comparison takes the same time whatever the lengths. */
function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}
