import {
  InvokeEndpointCommand,
  SageMakerRuntimeClient,
  type SageMakerRuntimeClientConfig,
} from '@aws-sdk/client-sagemaker-runtime';
import { InputError } from '../../../engine/errors.js';
import type { Id } from '../../../engine/matrix/id-index.js';
import { isTransientAwsError } from './aws-faults.js';
import { packLines } from './pack-lines.js';
import { sleep } from './poll.js';

/** Bodies are cut below InvokeEndpoint's 6,291,456-byte limit, with room for headers (docs/sagemaker-local.md). */
export const DEFAULT_MAX_PAYLOAD_BYTES = 5 * 1024 * 1024;

export interface PredictorOptions {
  /** A runtime client to use; else one is made from `clientConfig` (region, endpoint, credentials: the SDK's default chain). */
  client?: SageMakerRuntimeClient | undefined;
  clientConfig?: SageMakerRuntimeClientConfig | undefined;
  /** Largest request body (default 5 MB). */
  maxPayloadBytes?: number | undefined;
  /** Tries per request for throttling, 5xx and network errors (default 4). */
  maxAttempts?: number | undefined;
  /** First backoff; doubles per retry (default 200 ms). */
  backoffMs?: number | undefined;
  /** Sent as X-Amzn-SageMaker-Custom-Attributes. */
  customAttributes?: string | undefined;
  signal?: AbortSignal | undefined;
}

export interface PairScore {
  score: number;
  known: boolean;
}

export interface UserTopN {
  user: Id;
  items: Id[];
  scores: number[];
}

export interface ClusterAnswer {
  cluster: number;
  distance: number;
}

/**
 * Calls a reckit endpoint through @aws-sdk/client-sagemaker-runtime. Every call says its
 * ContentType and Accept (application/jsonlines), cuts the instances into bodies under
 * `maxPayloadBytes` and puts the answers back in order; throttling (429), 5xx and network errors
 * are retried with exponential backoff; a ModelError (the container said 4xx/5xx) or another 4xx
 * is thrown at once as an InputError carrying the endpoint's message.
 */
export class Predictor {
  readonly client: SageMakerRuntimeClient;
  private readonly maxBytes: number;
  private readonly ownsClient: boolean;

  constructor(
    readonly endpointName: string,
    private readonly o: PredictorOptions = {},
  ) {
    this.ownsClient = o.client === undefined;
    // 70 s socket timeout: the container has 60 s to answer (AWS's advice for InvokeEndpoint).
    this.client =
      o.client ??
      new SageMakerRuntimeClient({ requestHandler: { requestTimeout: 70_000 }, maxAttempts: 1, ...o.clientConfig });
    this.maxBytes = o.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  }

  /** Predicted ratings of (user, item) pairs, in order; `known` false where the model fell back. */
  predict(pairs: readonly (readonly [Id, Id])[]): Promise<PairScore[]> {
    return this.instances(pairs.map(([user, item]) => ({ user, item }))) as Promise<PairScore[]>;
  }

  /** Each user's top N (unseen items by default), in order. */
  recommend(users: readonly Id[], n = 10, o: { excludeSeen?: boolean } = {}): Promise<UserTopN[]> {
    return this.instances(users.map((user) => ({ user, top: n, excludeSeen: o.excludeSeen ?? true }))) as Promise<
      UserTopN[]
    >;
  }

  /**
   * The cluster of each rating vector (k-means models): a dense array (one value per model item,
   * in the model's item order; 0 = not rated) or an {item id: rating} map.
   */
  cluster(
    vectors: readonly (readonly (number | null)[] | Readonly<Record<string, number>>)[],
  ): Promise<ClusterAnswer[]> {
    return this.instances(vectors.map((v) => (Array.isArray(v) ? { vector: v } : { ratings: v }))) as Promise<
      ClusterAnswer[]
    >;
  }

  /** Any instances (the inference server's JSON shapes), one answer per instance, in order. */
  async instances(list: readonly unknown[]): Promise<unknown[]> {
    const lines = list.map((x) => JSON.stringify(x));
    const out: unknown[] = [];
    for (const chunk of packLines(lines, this.maxBytes)) {
      const text = await this.invoke(`${chunk.join('\n')}\n`, 'application/jsonlines', 'application/jsonlines');
      const answers = text.split('\n').filter((l) => l.trim() !== '');
      if (answers.length !== chunk.length) {
        throw new InputError(
          `endpoint ${this.endpointName} answered ${answers.length} lines for ${chunk.length} instances`,
        );
      }
      for (const a of answers) out.push(JSON.parse(a));
    }
    return out;
  }

  /** One InvokeEndpoint with retries; returns the body as text. */
  async invoke(body: string | Uint8Array, contentType: string, accept: string): Promise<string> {
    const attempts = this.o.maxAttempts ?? 4;
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await this.client.send(
          new InvokeEndpointCommand({
            EndpointName: this.endpointName,
            Body: body,
            ContentType: contentType,
            Accept: accept,
            ...(this.o.customAttributes ? { CustomAttributes: this.o.customAttributes } : {}),
          }),
          this.o.signal ? { abortSignal: this.o.signal } : {},
        );
        return res.Body ? res.Body.transformToString() : '';
      } catch (error) {
        if (!retryable(error) || attempt >= attempts || this.o.signal?.aborted)
          throw surfaced(this.endpointName, error);
        await sleep((this.o.backoffMs ?? 200) * 2 ** (attempt - 1), this.o.signal);
      }
    }
  }

  /** Releases the client's sockets when the predictor made it. */
  close(): void {
    if (this.ownsClient) this.client.destroy();
  }
}

interface SdkError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  OriginalStatusCode?: number;
  OriginalMessage?: string;
}

function retryable(error: unknown): boolean {
  const e = error as SdkError;
  if (e.name === 'ModelError' || e.name === 'AbortError') return false;
  // Throttling names arrive with HTTP 400 on AWS's JSON protocols: retry them like a 429.
  if (e.$metadata?.httpStatusCode !== undefined && isTransientAwsError(error)) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status === undefined)
    return /ECONNRESET|ECONNREFUSED|socket hang up|ETIMEDOUT|TimeoutError/i.test(`${e.name} ${e.message}`);
  return status === 429 || status >= 500;
}

function surfaced(endpoint: string, error: unknown): unknown {
  const e = error as SdkError;
  if (e.name === 'ModelError') {
    return new InputError(
      `endpoint ${endpoint}: the model answered ${e.OriginalStatusCode}: ${containerMessage(e.OriginalMessage) ?? e.message}`,
      { cause: error },
    );
  }
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 400 && status < 500 && !isTransientAwsError(error)) {
    return new InputError(`endpoint ${endpoint}: ${e.name} (${status}): ${e.message}`, { cause: error });
  }
  return error;
}

/** reckit's server answers errors as {"error": message}; other containers' bodies pass as they are. */
function containerMessage(original: string | undefined): string | undefined {
  try {
    const m = (JSON.parse(original ?? '') as { error?: unknown }).error;
    if (typeof m === 'string') return m;
  } catch {
    // not JSON: the body is the message
  }
  return original;
}
