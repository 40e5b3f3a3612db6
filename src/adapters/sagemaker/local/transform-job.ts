import { Buffer } from 'node:buffer';
import { request } from 'node:http';
import { joinUri, type StoredObject } from '../client/object-store.js';
import { type LocalContext, now } from './local-context.js';
import { post } from './runtime-invocations.js';
import { type Instance, ServingFleet } from './serving-fleet.js';

// biome-ignore lint/suspicious/noExplicitAny: the request is the SDK's JSON, validated field by field
type Json = any;

type Status = 'InProgress' | 'Completed' | 'Failed' | 'Stopping' | 'Stopped';

/**
 * One batch transform job (docs/sagemaker-local.md, "Batch transform"): InstanceCount serving
 * containers with SAGEMAKER_BATCH=true; input objects dealt round robin to the instances (as
 * ShardedByS3Key does); each object split into records (SplitType Line), packed into mini-batches
 * of at most MaxPayloadInMB (MultiRecord) or one record each (SingleRecord), posted in order; the
 * answers joined (AssembleWith Line) into `<S3OutputPath>/<key>.out`.
 */
export class LocalTransformJob {
  status: Status = 'InProgress';
  private failureReason: string | undefined;
  private readonly created = now();
  private started: number | undefined;
  private ended: number | undefined;
  private fleet: ServingFleet | undefined;
  private stopped = false;

  constructor(
    readonly name: string,
    readonly arn: string,
    private readonly request: Json,
    private readonly model: Json,
    private readonly ctx: LocalContext,
  ) {}

  async run(): Promise<void> {
    const r = this.request;
    const container = this.model.PrimaryContainer ?? this.model.Containers?.[0] ?? {};
    try {
      const inputs = await this.ctx.store.list(r.TransformInput.DataSource.S3DataSource.S3Uri);
      if (inputs.length === 0) throw new Error(`No objects under ${r.TransformInput.DataSource.S3DataSource.S3Uri}`);
      const count = r.TransformResources?.InstanceCount ?? 1;
      this.fleet = await ServingFleet.start(this.ctx, {
        label: this.name,
        modelDataUrl: container.ModelDataUrl,
        environment: { ...(container.Environment ?? {}), ...(r.Environment ?? {}), ...this.batchEnv() },
        count,
        startupTimeoutMs: this.ctx.startupTimeoutMs,
      });
      this.started = now();
      const fleet = this.fleet;
      const params = await executionParameters(fleet.instances[0]!);
      const maxBytes = (r.MaxPayloadInMB ?? params?.MaxPayloadInMB ?? 6) * 1024 * 1024;
      const strategy = r.BatchStrategy ?? params?.BatchStrategy ?? 'MultiRecord';
      const shards = fleet.instances.map((x, i) => ({ x, objects: inputs.filter((_, k) => k % count === i) }));
      await Promise.all(
        shards.map(async ({ x, objects }) => {
          for (const o of objects) await this.transformObject(x, o, maxBytes, strategy);
        }),
      );
      this.finish(this.stopped ? 'Stopped' : 'Completed');
    } catch (error) {
      this.finish(
        this.stopped ? 'Stopped' : 'Failed',
        this.stopped ? undefined : (error as Error).message.slice(0, 1024),
      );
    } finally {
      await this.fleet?.stop();
    }
  }

  stop(): void {
    if (this.status !== 'InProgress') return;
    this.stopped = true;
    this.status = 'Stopping';
  }

  async kill(): Promise<void> {
    this.stopped = true;
    await this.fleet?.stop(0);
  }

  describe(): Json {
    const r = this.request;
    return {
      TransformJobName: this.name,
      TransformJobArn: this.arn,
      TransformJobStatus: this.status,
      ...(this.failureReason ? { FailureReason: this.failureReason } : {}),
      ModelName: r.ModelName,
      TransformInput: r.TransformInput,
      TransformOutput: r.TransformOutput,
      TransformResources: r.TransformResources,
      ...(r.BatchStrategy ? { BatchStrategy: r.BatchStrategy } : {}),
      ...(r.MaxPayloadInMB ? { MaxPayloadInMB: r.MaxPayloadInMB } : {}),
      ...(r.Environment ? { Environment: r.Environment } : {}),
      CreationTime: this.created,
      ...(this.started ? { TransformStartTime: this.started } : {}),
      ...(this.ended ? { TransformEndTime: this.ended } : {}),
    };
  }

  private batchEnv(): Record<string, string> {
    const r = this.request;
    const env: Record<string, string> = { SAGEMAKER_BATCH: 'true' };
    if (r.MaxPayloadInMB) env.SAGEMAKER_MAX_PAYLOAD_IN_MB = String(r.MaxPayloadInMB);
    if (r.BatchStrategy)
      env.SAGEMAKER_BATCH_STRATEGY = r.BatchStrategy === 'SingleRecord' ? 'SINGLE_RECORD' : 'MULTI_RECORD';
    if (r.MaxConcurrentTransforms) env.SAGEMAKER_MAX_CONCURRENT_TRANSFORMS = String(r.MaxConcurrentTransforms);
    return env;
  }

  private async transformObject(x: Instance, o: StoredObject, maxBytes: number, strategy: string): Promise<void> {
    const r = this.request;
    const input = await this.ctx.store.read(o.uri);
    const split = r.TransformInput.SplitType ?? 'None';
    const records = split === 'Line' ? lines(input) : [input];
    const batches = strategy === 'SingleRecord' || split !== 'Line' ? records.map((b) => [b]) : pack(records, maxBytes);
    const headers: Record<string, string> = {};
    if (r.TransformInput.ContentType) headers['content-type'] = r.TransformInput.ContentType;
    if (r.TransformOutput.Accept) headers.accept = r.TransformOutput.Accept;
    const timeoutMs = (r.ModelClientConfig?.InvocationsTimeoutInSeconds ?? 600) * 1000;
    const answers: Buffer[] = [];
    for (const batch of batches) {
      if (this.stopped) throw new Error('stopped');
      // SplitType None: the object as it is; Line: the records, each with its newline.
      const body = split === 'Line' ? Buffer.concat(batch.flatMap((b) => [b, Buffer.from('\n')])) : batch[0]!;
      if (body.length > maxBytes) throw new Error(`ClientError: a record of ${o.uri} is larger than MaxPayloadInMB`);
      const res = await post(x.port, { ...headers, 'content-length': String(body.length) }, body, timeoutMs);
      if (res.status < 200 || res.status > 299) {
        throw new Error(
          `ClientError: the container answered ${res.status} for ${o.uri}: ${res.body.toString('utf8').slice(0, 400)}`,
        );
      }
      answers.push(res.body);
    }
    const assemble = r.TransformOutput.AssembleWith === 'Line';
    const out = Buffer.concat(
      answers.flatMap((a) => (assemble && a.length > 0 && a[a.length - 1] !== 10 ? [a, Buffer.from('\n')] : [a])),
    );
    const key = `${o.relativeKey || (o.uri.split('/').pop() as string)}.out`;
    await this.ctx.store.write(joinUri(r.TransformOutput.S3OutputPath, key), out);
  }

  private finish(status: Status, reason?: string): void {
    this.status = status;
    this.failureReason = reason;
    this.ended = now();
  }
}

function lines(input: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let i = 0; i <= input.length; i++) {
    if (i === input.length || input[i] === 10) {
      let end = i;
      if (end > start && input[end - 1] === 13) end--;
      if (end > start) out.push(input.subarray(start, end));
      start = i + 1;
    }
  }
  return out;
}

/** Consecutive records in batches of at most maxBytes (newlines included), order kept. */
function pack(records: Buffer[], maxBytes: number): Buffer[][] {
  const out: Buffer[][] = [];
  let cur: Buffer[] = [];
  let size = 0;
  for (const rec of records) {
    if (cur.length > 0 && size + rec.length + 1 > maxBytes) {
      out.push(cur);
      cur = [];
      size = 0;
    }
    cur.push(rec);
    size += rec.length + 1;
  }
  if (cur.length) out.push(cur);
  return out;
}

function executionParameters(x: Instance): Promise<Json | undefined> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port: x.port, path: '/execution-parameters', timeout: 2000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
      });
      res.on('end', () => {
        try {
          const p = res.statusCode === 200 ? JSON.parse(text) : undefined;
          resolve(
            p
              ? { ...p, BatchStrategy: p.BatchStrategy === 'SINGLE_RECORD' ? 'SingleRecord' : 'MultiRecord' }
              : undefined,
          );
        } catch {
          resolve(undefined); // a container without /execution-parameters: SageMaker's defaults apply
        }
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}
