import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { packFolder } from '../client/model-archive.js';
import { joinUri } from '../client/object-store.js';
import { ContainerProcess } from './container-process.js';
import { type LocalContext, now } from './local-context.js';
import { MetricScanner } from './metric-definitions.js';
import { createOptMlTree, type OptMlTree, readFailure, writeTrainingConfig } from './opt-ml-tree.js';

// biome-ignore lint/suspicious/noExplicitAny: the request is the SDK's JSON, validated field by field
type Json = any;

type Status = 'InProgress' | 'Completed' | 'Failed' | 'Stopping' | 'Stopped';

/**
 * One training job: downloads the channels into a temporary /opt/ml tree, runs the container's
 * `train` as a child process, then packs model/ into model.tar.gz and output/data/ into
 * output.tar.gz at `<S3OutputPath>/<job>/output/` (docs/sagemaker-local.md, "Training jobs").
 */
export class LocalTrainingJob {
  status: Status = 'InProgress';
  private secondary = 'Starting';
  private readonly transitions: { Status: string; StartTime: number; EndTime?: number; StatusMessage: string }[] = [];
  private readonly created = now();
  private modified = now();
  private started: number | undefined;
  private ended: number | undefined;
  private failureReason: string | undefined;
  private artifacts: string | undefined;
  private process: ContainerProcess | undefined;
  private stopReason: 'Stopped' | 'MaxRuntimeExceeded' | undefined;
  private readonly metrics: MetricScanner;

  constructor(
    readonly name: string,
    readonly arn: string,
    private readonly request: Json,
    private readonly ctx: LocalContext,
  ) {
    this.metrics = new MetricScanner(request.AlgorithmSpecification?.MetricDefinitions);
    this.move('Starting', 'Preparing the instances for training');
  }

  /** Runs the job to its end (never throws: failures become the job's status). */
  async run(): Promise<void> {
    let tree: OptMlTree | undefined;
    try {
      tree = await createOptMlTree(join(this.ctx.root, 'training'), this.name);
      await this.download(tree);
      if (this.stopReason) return this.finish('Stopped', 'Stopped', 'Training job stopped before it started');
      await this.train(tree);
    } catch (error) {
      this.finish('Failed', 'Failed', (error as Error).message, `ClientError: ${(error as Error).message}`);
    } finally {
      if (tree) await rm(tree.root, { recursive: true, force: true });
    }
  }

  /** StopTrainingJob: Stopping now, Stopped once the container has exited (SIGKILL after the grace period). */
  stop(reason: 'Stopped' | 'MaxRuntimeExceeded' = 'Stopped'): void {
    if (this.status !== 'InProgress') return;
    this.stopReason = reason;
    this.status = 'Stopping';
    this.move('Stopping', 'Stopping the training job');
    void this.process?.stop(this.ctx.trainingStopGraceMs);
  }

  /** Kills the container at once (close()). */
  async kill(): Promise<void> {
    this.stopReason ??= 'Stopped';
    await this.process?.stop(0);
  }

  describe(): Json {
    const r = this.request;
    return {
      TrainingJobName: this.name,
      TrainingJobArn: this.arn,
      TrainingJobStatus: this.status,
      SecondaryStatus: this.secondary,
      SecondaryStatusTransitions: this.transitions,
      ...(this.failureReason ? { FailureReason: this.failureReason } : {}),
      ModelArtifacts: { S3ModelArtifacts: this.artifacts ?? '' },
      AlgorithmSpecification: r.AlgorithmSpecification,
      RoleArn: r.RoleArn,
      HyperParameters: r.HyperParameters ?? {},
      InputDataConfig: r.InputDataConfig ?? [],
      OutputDataConfig: r.OutputDataConfig,
      ResourceConfig: r.ResourceConfig,
      StoppingCondition: r.StoppingCondition,
      ...(r.Environment ? { Environment: r.Environment } : {}),
      CreationTime: this.created,
      LastModifiedTime: this.modified,
      ...(this.started ? { TrainingStartTime: this.started } : {}),
      ...(this.ended ? { TrainingEndTime: this.ended } : {}),
      ...(this.started && this.ended ? { TrainingTimeInSeconds: Math.ceil(this.ended - this.started) } : {}),
      FinalMetricDataList: this.metrics.finalMetrics(),
    };
  }

  summary(): Json {
    return {
      TrainingJobName: this.name,
      TrainingJobArn: this.arn,
      TrainingJobStatus: this.status,
      SecondaryStatus: this.secondary,
      CreationTime: this.created,
      LastModifiedTime: this.modified,
      ...(this.ended ? { TrainingEndTime: this.ended } : {}),
    };
  }

  private async download(tree: OptMlTree): Promise<void> {
    const channels = (this.request.InputDataConfig ?? []) as Json[];
    await writeTrainingConfig(tree, {
      hyperParameters: this.request.HyperParameters ?? {},
      channels: channels.map((c) => ({
        name: c.ChannelName,
        contentType: c.ContentType,
        distribution: c.DataSource?.S3DataSource?.S3DataDistributionType ?? 'FullyReplicated',
      })),
      instanceType: this.request.ResourceConfig?.InstanceType ?? 'local',
      instanceCount: this.request.ResourceConfig?.InstanceCount ?? 1,
    });
    this.move('Downloading', 'Downloading input data');
    for (const c of channels) {
      const uri = c.DataSource?.S3DataSource?.S3Uri as string;
      const n = await this.ctx.store.downloadPrefix(uri, tree.channel(c.ChannelName));
      if (n === 0) throw new Error(`Data download failed: no objects under ${uri} for channel "${c.ChannelName}"`);
    }
  }

  private async train(tree: OptMlTree): Promise<void> {
    this.move('Training', 'Training image download completed. Training in progress.');
    this.started = now();
    const env = {
      ...process.env,
      ...(this.request.Environment ?? {}),
      RECKIT_OPT_ML: tree.root,
      TRAINING_JOB_NAME: this.name,
      TRAINING_JOB_ARN: this.arn,
      AWS_REGION: this.ctx.region,
    };
    const maxSeconds = this.request.StoppingCondition?.MaxRuntimeInSeconds as number | undefined;
    const child = new ContainerProcess(this.ctx.container, 'train', env, (line) => {
      this.metrics.scan(line, now());
      this.ctx.log(`[${this.name}] ${line}`);
    });
    this.process = child;
    if (this.stopReason) void child.stop(this.ctx.trainingStopGraceMs);
    const timer = maxSeconds ? setTimeout(() => this.stop('MaxRuntimeExceeded'), maxSeconds * 1000) : undefined;
    const exit = await child.exited;
    clearTimeout(timer);
    this.ended = now();
    if (this.stopReason) {
      // A stopped job still uploads what the container saved (SageMaker does, for checkpoints/partial models).
      await this.upload(tree).catch(() => undefined);
      return this.finish('Stopped', this.stopReason, 'Training job stopped');
    }
    if (exit.code !== 0) {
      const reason =
        (await readFailure(tree)) ??
        `AlgorithmError: the container exited with ${exit.signal ?? `code ${exit.code}`}; last output: ${child.output().slice(-600)}`;
      return this.finish('Failed', 'Failed', 'Training job failed', reason.slice(0, 1024));
    }
    this.move('Uploading', 'Uploading generated training model');
    await this.upload(tree);
    this.finish('Completed', 'Completed', 'Training job completed');
  }

  private async upload(tree: OptMlTree): Promise<void> {
    const base = joinUri(this.request.OutputDataConfig.S3OutputPath, `${this.name}/output`);
    const model = join(tree.root, 'model.tar.gz');
    const output = join(tree.root, 'output.tar.gz');
    await packFolder(tree.model, model);
    await this.ctx.store.upload(model, joinUri(base, 'model.tar.gz'));
    await packFolder(tree.outputData, output);
    await this.ctx.store.upload(output, joinUri(base, 'output.tar.gz'));
    this.artifacts = joinUri(base, 'model.tar.gz');
  }

  private move(secondary: string, message: string): void {
    const t = now();
    const last = this.transitions[this.transitions.length - 1];
    if (last) last.EndTime = t;
    this.transitions.push({ Status: secondary, StartTime: t, StatusMessage: message });
    this.secondary = secondary;
    this.modified = t;
  }

  private finish(status: Status, secondary: string, message: string, reason?: string): void {
    this.move(secondary, message);
    const last = this.transitions[this.transitions.length - 1];
    if (last) last.EndTime = last.StartTime;
    this.ended ??= now();
    this.failureReason = reason;
    this.status = status;
  }
}
