import { Buffer } from 'node:buffer';
import { type IncomingHttpHeaders, request } from 'node:http';
import { AwsError } from './aws-error.js';
import type { Hosting } from './hosting.js';
import { arn } from './resource-name.js';

/** InvokeEndpoint's Body limit, 6,291,456 bytes (docs/sagemaker-local.md, "InvokeEndpoint"). */
export const MAX_INVOKE_BYTES = 6 * 1024 * 1024;

/** Request headers InvokeEndpoint defines; only these reach the container (lower-case). */
const FORWARDED = [
  'content-type',
  'accept',
  'x-amzn-sagemaker-custom-attributes',
  'x-amzn-sagemaker-target-model',
  'x-amzn-sagemaker-target-variant',
  'x-amzn-sagemaker-target-container-hostname',
  'x-amzn-sagemaker-inference-id',
  'x-amzn-sagemaker-enable-explanations',
  'x-amzn-sagemaker-inference-component',
  'x-amzn-sagemaker-session-id',
];

export interface InvokeAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * `POST /endpoints/{name}/invocations` (rest-json): the body goes to one of the endpoint's
 * containers' `/invocations` with only InvokeEndpoint's headers; a container non-2xx becomes a
 * ModelError (424), a body over 6 MB a ValidationError, no answer within `timeoutMs` a ModelError.
 */
export async function invokeEndpoint(
  hosting: Hosting,
  region: string,
  name: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
  timeoutMs: number,
): Promise<InvokeAnswer> {
  const endpoint = hosting.find(name);
  if (!endpoint?.serving) {
    throw new AwsError('ValidationError', `Endpoint ${name} of account 000000000000 not found.`);
  }
  if (body.length > MAX_INVOKE_BYTES) {
    throw new AwsError(
      'ValidationError',
      `1 validation error detected: Value at 'body' failed to satisfy constraint: Member must have length less than or equal to ${MAX_INVOKE_BYTES}`,
    );
  }
  const target = headers['x-amzn-sagemaker-target-variant'];
  const fleet = endpoint.route(typeof target === 'string' ? target : undefined);
  const forward: Record<string, string> = { 'content-length': String(body.length) };
  for (const h of FORWARDED) {
    const v = headers[h];
    if (typeof v === 'string' && h !== 'x-amzn-sagemaker-target-variant') forward[h] = v;
  }
  const variant = [...endpoint.describe().ProductionVariants][0]?.VariantName ?? 'AllTraffic';
  const logStream = `${arn(region, 'endpoint', name).replace(':sagemaker:', ':logs:').replace(':endpoint/', ':log-group:/aws/sagemaker/Endpoints/')}`;
  const res = await post(fleet.next().port, forward, body, timeoutMs).catch((error: Error) => {
    throw new AwsError(
      'ModelError',
      `Received server error (0) from primary with message "${error.message}". See ${logStream} in account 000000000000 for more information.`,
      424,
      {
        OriginalStatusCode: 0,
        OriginalMessage: error.message,
        LogStreamArn: logStream,
      },
    );
  });
  if (res.status < 200 || res.status > 299) {
    const original = res.body.toString('utf8');
    const kind = res.status < 500 ? 'client' : 'server';
    throw new AwsError(
      'ModelError',
      `Received ${kind} error (${res.status}) from primary with message "${original}". See ${logStream} in account 000000000000 for more information.`,
      424,
      {
        ErrorCode: kind === 'client' ? 'CLIENT_ERROR_FROM_MODEL' : 'SERVER_ERROR_FROM_MODEL',
        OriginalStatusCode: res.status,
        OriginalMessage: original,
        LogStreamArn: logStream,
      },
    );
  }
  const out: Record<string, string> = { 'x-amzn-invoked-production-variant': variant };
  const type = res.headers['content-type'];
  if (typeof type === 'string') out['content-type'] = type;
  const custom = res.headers['x-amzn-sagemaker-custom-attributes'];
  if (typeof custom === 'string') out['x-amzn-sagemaker-custom-attributes'] = custom;
  return { status: 200, headers: out, body: res.body };
}

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** One POST to a container's /invocations; rejects on a socket error or after `timeoutMs`. */
export function post(port: number, headers: Record<string, string>, body: Buffer, timeoutMs: number): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/invocations', method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    });
    const timer = setTimeout(() => {
      req.destroy(
        new Error(
          `Your invocation timed out while waiting for a response from container primary (${timeoutMs / 1000} s)`,
        ),
      );
    }, timeoutMs);
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.end(body);
  });
}
