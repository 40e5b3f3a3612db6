import { parseUri } from '../client/object-store.js';
import { resourceInUse, resourceNotFound, validation } from './aws-error.js';
import type { LocalContext } from './local-context.js';
import { arn, checkName, required } from './resource-name.js';
import { LocalTrainingJob } from './training-job.js';

// biome-ignore lint/suspicious/noExplicitAny: the request is the SDK's JSON, validated field by field
type Json = any;

/** CreateTrainingJob, DescribeTrainingJob, StopTrainingJob, ListTrainingJobs. */
export class TrainingJobs {
  private readonly jobs = new Map<string, LocalTrainingJob>();

  constructor(private readonly ctx: LocalContext) {}

  create(r: Json): Json {
    const name = checkName('trainingJobName', r.TrainingJobName);
    // A name is taken forever (per account and region), whatever the job's state: a retried
    // CreateTrainingJob gets ResourceInUse and never starts a second job.
    if (this.jobs.has(name))
      throw resourceInUse(
        `Training job names must be unique within an AWS account and region, and a training job with this name already exists (${arn(this.ctx.region, 'training-job', name)})`,
      );
    required('roleArn', r.RoleArn);
    const out = required('outputDataConfig.s3OutputPath', r.OutputDataConfig?.S3OutputPath);
    checkUri('outputDataConfig.s3OutputPath', out);
    required('algorithmSpecification.trainingImage', r.AlgorithmSpecification?.TrainingImage);
    const mode = r.AlgorithmSpecification?.TrainingInputMode ?? 'File';
    if (mode !== 'File') throw validation(`TrainingInputMode ${mode} is not supported in local mode; use File`);
    const count = r.ResourceConfig?.InstanceCount ?? 1;
    if (count !== 1) throw validation(`ResourceConfig.InstanceCount ${count}: local mode trains on one instance`);
    const hps = r.HyperParameters ?? {};
    const keys = Object.keys(hps);
    if (keys.length > 100) throw validation('HyperParameters: at most 100 entries');
    for (const k of keys) {
      if (typeof hps[k] !== 'string') throw validation(`HyperParameters.${k}: values must be strings`);
      if (k.length > 256 || hps[k].length > 2500) throw validation(`HyperParameters.${k}: key or value too long`);
    }
    const seen = new Set<string>();
    for (const [i, c] of ((r.InputDataConfig ?? []) as Json[]).entries()) {
      const where = `inputDataConfig.${i + 1}`;
      const ch = required(`${where}.channelName`, c?.ChannelName);
      if (!/^[A-Za-z0-9.\-_]{1,64}$/.test(ch)) throw validation(`${where}.channelName: "${ch}" is not a channel name`);
      if (seen.has(ch)) throw validation(`${where}.channelName: channel "${ch}" is given twice`);
      seen.add(ch);
      checkUri(
        `${where}.dataSource.s3DataSource.s3Uri`,
        required(`${where}.dataSource.s3DataSource.s3Uri`, c.DataSource?.S3DataSource?.S3Uri),
      );
    }
    const job = new LocalTrainingJob(name, arn(this.ctx.region, 'training-job', name), r, this.ctx);
    this.jobs.set(name, job);
    this.ctx.track(job.run());
    return { TrainingJobArn: job.arn };
  }

  describe(r: Json): Json {
    return this.get(r.TrainingJobName).describe();
  }

  stop(r: Json): Json {
    const job = this.get(r.TrainingJobName);
    if (job.status !== 'InProgress' && job.status !== 'Stopping') {
      throw validation(`The request was rejected because the training job is in status ${job.status}.`);
    }
    job.stop();
    return {};
  }

  list(r: Json): Json {
    let jobs = [...this.jobs.values()].map((j) => j.summary());
    if (r.StatusEquals) jobs = jobs.filter((j) => j.TrainingJobStatus === r.StatusEquals);
    if (r.NameContains) jobs = jobs.filter((j) => j.TrainingJobName.includes(r.NameContains));
    jobs.sort((a, b) => b.CreationTime - a.CreationTime);
    return { TrainingJobSummaries: jobs.slice(0, r.MaxResults ?? 10_000) };
  }

  /** Kills every running job (close()). */
  async killAll(): Promise<void> {
    await Promise.all([...this.jobs.values()].map((j) => j.kill()));
  }

  private get(name: unknown): LocalTrainingJob {
    const job = typeof name === 'string' ? this.jobs.get(name) : undefined;
    if (!job) throw resourceNotFound(`Requested resource not found: training job "${String(name)}"`);
    return job;
  }
}

function checkUri(member: string, uri: unknown): void {
  try {
    parseUri(String(uri));
  } catch {
    throw validation(
      `${member}: "${String(uri)}" is not an S3 URI (s3://bucket/prefix, or file:///folder in local mode)`,
    );
  }
}
