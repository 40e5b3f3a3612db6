import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { ObjectStore } from '../client/object-store.js';
import { AwsError } from './aws-error.js';
import { type ContainerCommand, reckitContainer } from './container-process.js';
import { controlPlane } from './control-plane.js';
import { Hosting } from './hosting.js';
import type { LocalContext } from './local-context.js';
import { invokeEndpoint, MAX_INVOKE_BYTES } from './runtime-invocations.js';
import { TrainingJobs } from './training-jobs.js';
import { TransformJobs } from './transform-jobs.js';

export interface LocalSageMakerOptions {
  /** Port to listen on (default 0: any free port). */
  port?: number | undefined;
  /** Address to bind (default 127.0.0.1: the control plane runs programs, keep it off the network). */
  host?: string | undefined;
  /** Working folder for the temporary /opt/ml trees (default: a new temp folder, removed by close()). */
  root?: string | undefined;
  /** Region in ARNs and AWS_REGION of the containers (default us-east-1). */
  region?: string | undefined;
  /** Config of the S3 client for s3:// URIs (endpoint, forcePathStyle, credentials...); default chain otherwise. */
  s3?: S3ClientConfig | undefined;
  /** How images run (default: reckit's container entrypoint, `node bin/reckit-container.js`). */
  container?: ContainerCommand | undefined;
  /** SIGTERM to SIGKILL for StopTrainingJob (default 120 s, SageMaker's). */
  trainingStopGraceMs?: number | undefined;
  /** SIGTERM to SIGKILL for serving containers (default 30 s, SageMaker's). */
  servingStopGraceMs?: number | undefined;
  /** How long a serving container may take to pass /ping (default 120 s). */
  startupTimeoutMs?: number | undefined;
  /** InvokeEndpoint's limit on a container's answer (default 60 s, SageMaker's). */
  invocationTimeoutMs?: number | undefined;
  /** Container log lines (default: dropped). */
  log?: ((line: string) => void) | undefined;
}

export interface LocalSageMaker {
  /** The `endpoint` for SageMakerClient and SageMakerRuntimeClient alike. */
  url: string;
  port: number;
  /** Stops every container (training, endpoints, transforms), waits for them, stops listening. */
  close(): Promise<void>;
}

/**
 * A local SageMaker (docs/sagemaker-local.md): one HTTP server speaking the control plane's AWS
 * JSON 1.1 protocol (`POST /`, `X-Amz-Target: SageMaker.<Operation>`) and the runtime's
 * `POST /endpoints/{name}/invocations`, running the container entrypoints as child processes.
 */
export async function startLocalSageMaker(o: LocalSageMakerOptions = {}): Promise<LocalSageMaker> {
  const ownsRoot = o.root === undefined;
  const root = o.root ?? (await mkdtemp(join(tmpdir(), 'reckit-sagemaker-')));
  await mkdir(root, { recursive: true });
  const work = new Set<Promise<unknown>>();
  const store = new ObjectStore(o.s3);
  const region = o.region ?? 'us-east-1';
  const ctx: LocalContext = {
    region,
    root,
    store,
    container: o.container ?? reckitContainer(),
    trainingStopGraceMs: o.trainingStopGraceMs ?? 120_000,
    servingStopGraceMs: o.servingStopGraceMs ?? 30_000,
    startupTimeoutMs: o.startupTimeoutMs ?? 120_000,
    log: o.log ?? (() => {}),
    track(p) {
      const w = p.catch(() => undefined).finally(() => work.delete(w));
      work.add(w);
    },
  };
  const hosting = new Hosting(ctx);
  const training = new TrainingJobs(ctx);
  const transforms = new TransformJobs(ctx, hosting);
  const operations = controlPlane(training, hosting, transforms);
  const invocationTimeoutMs = o.invocationTimeoutMs ?? 60_000;

  const server = createServer((req, res) => {
    void handle(req, res).catch((error) => answerError(res, error));
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const invocation = /^\/endpoints\/([^/]+)\/invocations$/.exec(url);
    if (req.method === 'POST' && invocation) {
      const body = await readBody(req, MAX_INVOKE_BYTES + 1);
      const name = decodeURIComponent(invocation[1]!);
      const answer = await invokeEndpoint(hosting, region, name, req.headers, body, invocationTimeoutMs);
      res.writeHead(answer.status, {
        ...answer.headers,
        'x-amzn-requestid': randomUUID(),
        'content-length': answer.body.length,
      });
      return void res.end(answer.body);
    }
    const target = req.headers['x-amz-target'];
    if (req.method === 'POST' && url === '/' && typeof target === 'string') {
      const op = target.startsWith('SageMaker.') ? operations[target.slice('SageMaker.'.length)] : undefined;
      if (!op)
        throw new AwsError('UnknownOperationException', `Operation ${target} is not supported by the local SageMaker`);
      const text = (await readBody(req, 16 * 1024 * 1024)).toString('utf8');
      let input: unknown;
      try {
        input = text ? JSON.parse(text) : {};
      } catch {
        throw new AwsError('SerializationException', 'The request body is not valid JSON');
      }
      const out = JSON.stringify(await op(input ?? {}));
      res.writeHead(200, {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-requestid': randomUUID(),
        'content-length': Buffer.byteLength(out),
      });
      return void res.end(out);
    }
    req.resume();
    throw new AwsError('UnknownOperationException', `No route ${req.method} ${url}`, 404);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, o.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = o.host && o.host !== '0.0.0.0' ? o.host : '127.0.0.1';
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((r) => server.close(() => r()));
        server.closeAllConnections();
        await Promise.all([training.killAll(), transforms.killAll(), hosting.deleteAll()]);
        while (work.size > 0) await Promise.all([...work]);
        await stopped;
        store.close();
        if (ownsRoot) await rm(root, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}

/** The body, or an error once it passes `max` bytes (the rest is drained, unread). */
function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) over = true;
      if (!over) chunks.push(c);
    });
    req.on('end', () => {
      if (!over) return resolve(Buffer.concat(chunks));
      reject(
        new AwsError(
          'ValidationError',
          `Request payload of ${size} bytes exceeds the limit of ${max - 1} bytes; split it into smaller requests`,
        ),
      );
    });
    req.on('error', reject);
  });
}

/**
 * An error as both AWS protocols read it: `x-amzn-ErrorType` names the type for the rest-json
 * runtime, `__type` for JSON 1.1; `message` (and ModelError's `Message`) carries the text.
 */
function answerError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) return void res.destroy();
  const e =
    error instanceof AwsError
      ? error
      : new AwsError('InternalFailure', (error as Error)?.message ?? String(error), 500);
  const body = JSON.stringify({
    __type: e.type,
    message: e.message,
    ...(e.type === 'ModelError' ? { Message: e.message } : {}),
    ...e.fields,
  });
  res.writeHead(e.status, {
    'content-type': 'application/x-amz-json-1.1',
    'x-amzn-errortype': e.type,
    'x-amzn-requestid': randomUUID(),
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}
