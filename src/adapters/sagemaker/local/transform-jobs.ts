import { resourceInUse, resourceNotFound, validation } from './aws-error.js';
import type { Hosting } from './hosting.js';
import type { LocalContext } from './local-context.js';
import { arn, checkName, required } from './resource-name.js';
import { LocalTransformJob } from './transform-job.js';

// biome-ignore lint/suspicious/noExplicitAny: the request is the SDK's JSON, validated field by field
type Json = any;

/** CreateTransformJob, DescribeTransformJob, StopTransformJob. */
export class TransformJobs {
  private readonly jobs = new Map<string, LocalTransformJob>();

  constructor(
    private readonly ctx: LocalContext,
    private readonly hosting: Hosting,
  ) {}

  create(r: Json): Json {
    const name = checkName('transformJobName', r.TransformJobName);
    if (this.jobs.has(name)) throw resourceInUse(`Transform job "${name}" already exists`);
    const model = this.hosting.describeModel({ ModelName: required('modelName', r.ModelName) });
    required('transformInput.dataSource.s3DataSource.s3Uri', r.TransformInput?.DataSource?.S3DataSource?.S3Uri);
    required('transformOutput.s3OutputPath', r.TransformOutput?.S3OutputPath);
    const n = required('transformResources.instanceCount', r.TransformResources?.InstanceCount);
    if (!Number.isInteger(n) || n < 1) throw validation('TransformResources.InstanceCount must be >= 1');
    const mb = r.MaxPayloadInMB;
    if (mb !== undefined && (mb < 0 || mb > 100)) throw validation('MaxPayloadInMB must be in [0, 100]');
    const job = new LocalTransformJob(name, arn(this.ctx.region, 'transform-job', name), r, model, this.ctx);
    this.jobs.set(name, job);
    this.ctx.track(job.run());
    return { TransformJobArn: job.arn };
  }

  describe(r: Json): Json {
    return this.get(r.TransformJobName).describe();
  }

  stop(r: Json): Json {
    this.get(r.TransformJobName).stop();
    return {};
  }

  async killAll(): Promise<void> {
    await Promise.all([...this.jobs.values()].map((j) => j.kill()));
  }

  private get(name: unknown): LocalTransformJob {
    const job = typeof name === 'string' ? this.jobs.get(name) : undefined;
    if (!job) throw resourceNotFound(`Could not find requested job with name ${String(name)}`);
    return job;
  }
}
