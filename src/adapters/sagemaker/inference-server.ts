import { Buffer } from 'node:buffer';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import type { Model } from '../../engine/model/model.js';
import { type IndexSearcher, invokeIndex } from './embedding-instances.js';
import { InvocationError } from './invocation-error.js';
import { invoke } from './invocations.js';
import { rawHeader } from './raw-header.js';
import { BodyMessage, readBody } from './request-body.js';

/** SageMaker's real-time payload limit: InvokeEndpoint's Body is at most 6,291,456 bytes (PROTOCOLS.md 3.1). */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

export interface InferenceServerOptions {
  /** Request bodies over this many bytes get 413 (default 6 MB; SAGEMAKER_MAX_PAYLOAD_IN_MB raises it for batch). */
  maxPayloadBytes?: number | undefined;
  /** Called once per failed request (status >= 500 only), e.g. to log. */
  onError?: ((error: unknown) => void) | undefined;
  /** An embedding index answering `{"vector": [...]}` / `{"like": id}` instances (embedding-instances.ts). */
  index?: IndexSearcher | undefined;
}

export interface InferenceServer {
  readonly server: Server;
  /** Binds (port 0 = any free port) and resolves with the bound port. */
  listen(port: number, host?: string): Promise<number>;
  /** Stops accepting, lets in-flight requests finish (idle keep-alive sockets close at once), then resolves. */
  drain(): Promise<void>;
  /** Requests being answered right now. */
  readonly inFlight: number;
}

/**
 * The inference server: GET /ping, POST /invocations, GET /execution-parameters (batch
 * transform, PROTOCOLS.md 2.4). The model is loaded before the server starts, so /ping answers
 * 200 as soon as the port is open. Errors: 400 malformed body (naming the line), 404 unknown
 * path, 405 wrong method, 406 unanswerable Accept, 413 payload too large, 415 unsupported
 * Content-Type, each with a JSON body {"error": message}.
 */
export function createInferenceServer(model: Model, o: InferenceServerOptions = {}): InferenceServer {
  const maxBytes = o.maxPayloadBytes ?? payloadLimitFromEnv();
  // Counted without a per-request 'close' listener (that costs ~5% of single-prediction
  // throughput); requests the client abandons stay counted, which only affects the drain message.
  let received = 0;
  const stats: Stats = { answered: 0 };
  let draining = false;
  const executionParameters = JSON.stringify({
    MaxConcurrentTransforms: availableParallelism(),
    BatchStrategy: 'MULTI_RECORD',
    MaxPayloadInMB: Math.floor(maxBytes / (1024 * 1024)),
  });

  const server = createServer({ IncomingMessage: BodyMessage }, (req, res) => {
    received++;
    if (draining) res.shouldKeepAlive = false;
    const url = req.url ?? '/';
    if (url === '/invocations') {
      if (req.method !== 'POST') return fail(stats, res, new InvocationError(405, 'use POST /invocations'));
      const raw = req.rawHeaders;
      return readBody(
        req,
        maxBytes,
        (body) => {
          try {
            const ct = rawHeader(raw, 'content-type');
            const out =
              (o.index && invokeIndex(o.index, body, ct, rawHeader(raw, 'accept'))) ||
              invoke(model, body, ct, rawHeader(raw, 'accept'));
            send(stats, res, 200, out.type, out.body);
          } catch (error) {
            if (!(error instanceof InvocationError)) o.onError?.(error);
            fail(stats, res, error);
          }
        },
        (bytes) => tooLarge(stats, req, res, bytes, maxBytes),
      );
    }
    if (url === '/ping') {
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return fail(stats, res, new InvocationError(405, 'use GET /ping'));
      res.writeHead(200, { 'Content-Length': 0 });
      return res.end();
    }
    if (url === '/execution-parameters' && req.method === 'GET') {
      return send(stats, res, 200, 'application/json', executionParameters);
    }
    req.resume();
    fail(
      stats,
      res,
      new InvocationError(404, `no route ${req.method} ${url}; this server answers GET /ping and POST /invocations`),
    );
  });
  // Longer than a load balancer's 60 s idle timeout, so the client side closes first.
  server.keepAliveTimeout = 65_000;

  return {
    server,
    get inFlight() {
      return received - stats.answered;
    },
    listen(port, host = '0.0.0.0') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      });
    },
    drain() {
      draining = true;
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}

/** Bodies up to this size are written together with the headers (see send). */
const SMALL_BODY_BYTES = 16 * 1024;

/** Responses written by one server. */
interface Stats {
  answered: number;
}

function tooLarge(stats: Stats, req: IncomingMessage, res: ServerResponse, bytes: number, maxBytes: number): void {
  req.resume();
  res.shouldKeepAlive = false;
  fail(
    stats,
    res,
    new InvocationError(
      413,
      `payload of ${bytes > maxBytes ? `more than ${maxBytes}` : bytes} bytes is over the limit of ${maxBytes} bytes (6 MB, SageMaker's); split it into smaller requests`,
    ),
  );
}

function send(stats: Stats, res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  stats.answered++;
  // Node sends headers and a string body in one write, but a Buffer body as a separate writev
  // (18% of CPU in a single-prediction profile); small bodies go as strings (they are ASCII).
  const out = typeof body !== 'string' && body.length <= SMALL_BODY_BYTES ? body.toString('latin1') : body;
  // Headers as a flat [name, value, ...] list: Node stores it without walking an object's keys
  // (1.6k to 3.8k fewer instructions per response under wrk -c32 and -c1 than the object form).
  res.writeHead(status, ['Content-Type', type, 'Content-Length', Buffer.byteLength(out)]);
  res.end(out);
}

function fail(stats: Stats, res: ServerResponse, error: unknown): void {
  if (res.headersSent) return void res.destroy();
  const status = error instanceof InvocationError ? error.status : 500;
  const message = error instanceof Error ? error.message : String(error);
  send(stats, res, status, 'application/json', JSON.stringify({ error: message }));
}

function payloadLimitFromEnv(): number {
  const mb = Number(process.env.SAGEMAKER_MAX_PAYLOAD_IN_MB);
  return Number.isFinite(mb) && mb > 0 ? Math.min(mb, 100) * 1024 * 1024 : MAX_PAYLOAD_BYTES;
}
