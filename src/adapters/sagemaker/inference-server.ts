import { Buffer } from 'node:buffer';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { availableParallelism } from 'node:os';
import { InputError } from '../../engine/errors.js';
import type { Model } from '../../engine/model/model.js';
import { answered, received, trackConnections } from './drain.js';
import { type IndexSearcher, invokeIndex } from './embedding-instances.js';
import { InvocationError } from './invocation-error.js';
import { startInvocation } from './invocations.js';
import { listenOn } from './listen.js';
import { cut } from './media-types.js';
import { BodyMessage, readBody } from './request-body.js';
import { type RequestLimits, resolveLimits, resolveTimeouts, type ServerTimeouts } from './server-limits.js';
import { runInTurns } from './turns.js';

/** SageMaker's real-time payload limit: InvokeEndpoint's Body is at most 6,291,456 bytes (docs/serving.md). */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

const INDEX_ONLY =
  'this server holds an embedding index and no model: send {"vector": [...]} or {"like": id} instances (docs/embeddings.md)';

export interface InferenceServerOptions {
  /** Request bodies over this many bytes get 413 (default 6 MB; SAGEMAKER_MAX_PAYLOAD_IN_MB raises it for batch). */
  maxPayloadBytes?: number | undefined;
  /** An embedding index answering `{"vector": [...]}` / `{"like": id}` instances (embedding-instances.ts). */
  index?: IndexSearcher | undefined;
  /** What one request may ask for (default DEFAULT_LIMITS, or the RECKIT_SERVE_MAX_* variables). */
  limits?: Partial<RequestLimits> | undefined;
  /** Connection deadlines (default DEFAULT_TIMEOUTS, or the RECKIT_SERVE_*_MS variables). */
  timeouts?: Partial<ServerTimeouts> | undefined;
  /** Called once per failed request (status >= 500 only: a reckit bug), e.g. to log. */
  onError?: ((error: unknown) => void) | undefined;
}

export interface InferenceServer {
  readonly server: Server;
  /** Binds (port 0 = any free port) and resolves with the bound port; InputError when it cannot. */
  listen(port: number, host?: string): Promise<number>;
  /** Stops accepting and answers every request received (drain.ts), then resolves. */
  drain(): Promise<void>;
  /** Requests received and not yet answered. */
  readonly inFlight: number;
}

/**
 * The inference server: GET /ping, POST /invocations, GET /execution-parameters (batch
 * transform). The model is loaded before the server starts, so /ping answers 200 as soon as the
 * port is open. Errors: 400 malformed body (naming the line), 404 unknown path, 405 wrong
 * method, 406 unanswerable Accept, 408 a request not sent in time, 413 payload or work over a
 * limit, 415 unsupported Content-Type, each with a JSON body {"error": message}. Large requests
 * run in turns so /ping and small requests are answered meanwhile (docs/serving.md).
 */
export function createInferenceServer(model: Model | undefined, o: InferenceServerOptions = {}): InferenceServer {
  if (!model && !o.index) throw new Error('createInferenceServer: a model, an index, or both');
  const maxBytes = o.maxPayloadBytes ?? payloadLimitFromEnv();
  const limits = resolveLimits(o.limits);
  const timeouts = resolveTimeouts(o.timeouts);
  const executionParameters = JSON.stringify({
    MaxConcurrentTransforms: availableParallelism(),
    BatchStrategy: 'MULTI_RECORD',
    MaxPayloadInMB: Math.floor(maxBytes / (1024 * 1024)),
  });

  const server = createServer(
    {
      IncomingMessage: BodyMessage,
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      keepAliveTimeout: timeouts.keepAliveMs,
      connectionsCheckingInterval: timeouts.checkEveryMs,
    },
    (req, res) => {
      received(req);
      const url = req.url ?? '/';
      if (url === '/invocations') {
        if (req.method !== 'POST') return fail(res, new InvocationError(405, 'use POST /invocations'));
        return readBody(
          req as BodyMessage,
          maxBytes,
          (body) => invocation(req, res, body, req.headers['content-type'], req.headers.accept),
          (bytes) => tooLarge(req, res, bytes, maxBytes),
        );
      }
      if (url === '/ping') {
        if (req.method !== 'GET' && req.method !== 'HEAD') return fail(res, new InvocationError(405, 'use GET /ping'));
        return send(res, 200, '', '');
      }
      if (url === '/execution-parameters' && req.method === 'GET') {
        return send(res, 200, 'application/json', executionParameters);
      }
      req.resume();
      fail(
        res,
        new InvocationError(
          404,
          `no route ${req.method} ${cut(url)}; this server answers GET /ping and POST /invocations`,
        ),
      );
    },
  );
  const drainer = trackConnections(server);

  function invocation(
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    type: string | undefined,
    accept: string | undefined,
  ): void {
    let work: ReturnType<typeof startInvocation>;
    try {
      // Embedding-index queries (when the server holds an index) are answered at once, in one turn.
      const indexed = o.index && invokeIndex(o.index, body, type, accept, limits);
      if (indexed) {
        send(res, 200, indexed.type, indexed.body);
        return;
      }
      if (!model) throw new InvocationError(400, INDEX_ONLY);
      work = startInvocation(model, body, type, accept, limits);
    } catch (error) {
      failed(res, error);
      return;
    }
    if (!('next' in work)) {
      send(res, 200, work.type, work.body as string);
      return;
    }
    runInTurns(
      work,
      (out) => send(res, 200, out.type, out.body),
      (error) => failed(res, error),
      () => req.socket.destroyed,
    );
  }

  function failed(res: ServerResponse, error: unknown): void {
    if (!(error instanceof InputError)) o.onError?.(error);
    fail(res, error);
  }

  return {
    server,
    get inFlight() {
      return drainer.inFlight();
    },
    listen(port, host = '0.0.0.0') {
      return listenOn(server, port, host);
    },
    drain() {
      return drainer.drain();
    },
  };
}

/** Bodies up to this size are written together with the headers (see send). */
const SMALL_BODY_BYTES = 16 * 1024;

/**
 * 413 at once, while the rest of the body is read and dropped: closing with request bytes unread
 * would reset the connection, and the client would see that instead of the answer (the body
 * deadline bounds how long the dropping may last).
 */
function tooLarge(req: IncomingMessage, res: ServerResponse, bytes: number, maxBytes: number): void {
  req.resume();
  fail(
    res,
    new InvocationError(
      413,
      `payload of ${bytes > maxBytes ? `more than ${maxBytes}` : bytes} bytes is over the limit of ${maxBytes} bytes (6 MB, SageMaker's); split it into smaller requests`,
    ),
  );
}

/** Writes a response (counted as answered, see drain.ts); a body in pieces is written piece by piece. */
function send(res: ServerResponse, status: number, type: string, body: string | Buffer | readonly Buffer[]): void {
  answered(res);
  if (typeof body !== 'string' && !Buffer.isBuffer(body)) {
    let bytes = 0;
    for (const piece of body) bytes += piece.length;
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': bytes });
    for (const piece of body) res.write(piece);
    return void res.end();
  }
  // Node sends headers and a string body in one write, but a Buffer body as a separate writev
  // (18% of CPU in a single-prediction profile); small bodies go as strings (they are ASCII).
  const out = typeof body !== 'string' && body.length <= SMALL_BODY_BYTES ? body.toString('latin1') : body;
  const length = Buffer.byteLength(out);
  res.writeHead(
    status,
    type === '' ? { 'Content-Length': length } : { 'Content-Type': type, 'Content-Length': length },
  );
  res.end(out);
}

/** An InvocationError has its status; any other InputError is the request's fault too (400). */
function fail(res: ServerResponse, error: unknown): void {
  if (res.headersSent) return void res.destroy();
  const status = error instanceof InvocationError ? error.status : error instanceof InputError ? 400 : 500;
  const message = error instanceof Error ? error.message : String(error);
  send(res, status, 'application/json', JSON.stringify({ error: message }));
}

function payloadLimitFromEnv(): number {
  const mb = Number(process.env.SAGEMAKER_MAX_PAYLOAD_IN_MB);
  return Number.isFinite(mb) && mb > 0 ? Math.min(mb, 100) * 1024 * 1024 : MAX_PAYLOAD_BYTES;
}
