import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { SageMakerClient, type SageMakerClientConfig } from '@aws-sdk/client-sagemaker';
import type { SageMakerRuntimeClientConfig } from '@aws-sdk/client-sagemaker-runtime';
import { InputError } from '../../engine/errors.js';
import type { Id } from '../../engine/matrix/id-index.js';
import type { Prediction } from '../../engine/model/model.js';
import { awsStep } from '../sagemaker/client/aws-faults.js';
import { deployEndpoint } from '../sagemaker/client/endpoint-deployment.js';
import { joinUri, ObjectStore, parseUri } from '../sagemaker/client/object-store.js';
import type { WaitOptions } from '../sagemaker/client/poll.js';
import { Predictor } from '../sagemaker/client/predictor.js';
import { describeTrainingJob, startTrainingJob, waitForTrainingJob } from '../sagemaker/client/training-job.js';
import type { SnowflakeWarehouseOptions } from '../warehouse/snowflake-warehouse.js';
import type { FunctionsBackend, TrainOutcome } from './backend.js';
import { PerNameQueue } from './per-name-queue.js';
import { exportRatings, writeTopNFromArtifact } from './sagemaker-tables.js';

export interface SageMakerBackendOptions {
  /** The warehouse the tables live in (e.g. snowflake:prod, duckdb:reckit.duckdb). */
  warehouse: string;
  snowflake?: SnowflakeWarehouseOptions | undefined;
  /** Execution role of training jobs and models. */
  roleArn: string;
  /** `s3://bucket[/prefix]`: exported tables under `<prefix>/<job>/input/`, artifacts under `<prefix>/output/`. */
  s3Prefix: string;
  /** The training and serving image (reckit's container, docs/sagemaker-container.md). */
  image: string;
  instanceType?: string | undefined;
  /** Serving instances (default: `instanceType`, else ml.m5.large). */
  endpointInstanceType?: string | undefined;
  /** Algorithm and its parameters, sent as hyperparameters (default svd, its defaults). */
  algorithm?: string | undefined;
  hyperParameters?: Record<string, string | number | boolean> | undefined;
  /** Recommendations per user in the output table (default 10, the seed's). */
  topN?: number | undefined;
  /** Downloaded model artifacts (to write the top-N table). */
  stateDir: string;
  /** Training job names start with this (default `reckit-fn`). */
  jobPrefix?: string | undefined;
  /** Control plane client config (region, endpoint, credentials, maxAttempts); default chain otherwise. */
  clientConfig?: SageMakerClientConfig | undefined;
  /** A control plane client to use instead (not destroyed by close()). */
  client?: SageMakerClient | undefined;
  runtimeConfig?: SageMakerRuntimeClientConfig | undefined;
  /** S3 (default: a client from the default chain). */
  store?: ObjectStore | undefined;
  /** Training job and endpoint waits (default: 2 s polls, 1 h). */
  wait?: WaitOptions | undefined;
  /** InvokeEndpoint body limit (default 5 MB, under SageMaker's 6 MB) and tries per call. */
  maxPayloadBytes?: number | undefined;
  invokeAttempts?: number | undefined;
}

/** SageMaker's endpoint name rule; a model name must already be one (no silent renaming). */
const ENDPOINT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/**
 * The External Functions on SageMaker, as seed 1 runs them (docs/snowflake.md, "The SageMaker
 * backend"): train exports the input table to S3 (Arrow IPC) and runs a training job named from
 * the batch row's run key (a retry finds the job instead of starting another), then writes the
 * top-N table from the model artifact; deploy creates or updates the endpoint named after the
 * model; invoke calls it through the runtime in bodies under the payload limit. AWS faults a retry
 * can cure are rethrown (503); other AWS 4xx become InputErrors (that row's error value).
 */
export class SageMakerFunctionsBackend implements FunctionsBackend {
  readonly kind = 'sagemaker';
  private readonly client: SageMakerClient;
  private readonly store: ObjectStore;
  private readonly predictors = new Map<string, Predictor>();
  private readonly deploying = new PerNameQueue<{ endpoint: string; reused: boolean }>();

  constructor(private readonly o: SageMakerBackendOptions) {
    parseUri(o.s3Prefix); // s3://, or file:// with the local SageMaker
    this.client = o.client ?? new SageMakerClient({ ...o.clientConfig });
    this.store = o.store ?? new ObjectStore();
    mkdirSync(o.stateDir, { recursive: true });
  }

  /** The training job of one batch row: the same run key always names the same job. */
  jobName(runKey: string): string {
    const hash = createHash('sha256').update(runKey).digest('hex').slice(0, 24);
    return `${(this.o.jobPrefix ?? 'reckit-fn').slice(0, 38)}-${hash}`;
  }

  async train(inputTable: string, outputTable: string, runKey: string): Promise<TrainOutcome> {
    const started = performance.now();
    const name = this.jobName(runKey);
    const exists = await awsStep(`training job ${name}`, () => this.findJob(name));
    if (!exists) {
      const input = joinUri(this.o.s3Prefix, `${name}/input/`);
      await exportRatings(this.place, inputTable, joinUri(input, 'ratings.arrow'));
      await awsStep(`training job ${name}`, () =>
        startTrainingJob(this.client, {
          name,
          image: this.o.image,
          roleArn: this.o.roleArn,
          hyperParameters: {
            algorithm: this.o.algorithm ?? 'svd',
            columns: 'user=USERID,item=MOVIEID,rating=RATING',
            ...this.o.hyperParameters,
          },
          channels: { train: input },
          outputPath: joinUri(this.o.s3Prefix, 'output'),
          instanceType: this.o.instanceType,
        }),
      );
    }
    const done = await awsStep(`training job ${name}`, () => waitForTrainingJob(this.client, name, this.o.wait));
    // A stopped job (StopTrainingJob, MaxRuntimeInSeconds) may have uploaded a partial model: not ours to publish.
    if (done.TrainingJobStatus !== 'Completed') {
      throw new InputError(
        `training job ${name} ended ${done.TrainingJobStatus} (${done.SecondaryStatus}); no table written`,
      );
    }
    const artifact = done.ModelArtifacts?.S3ModelArtifacts;
    if (!artifact) throw new InputError(`training job ${name} completed without a model artifact`);
    const written = await writeTopNFromArtifact(this.place, name, artifact, outputTable, this.o.topN ?? 10);
    return {
      input_table: inputTable,
      output_table: outputTable,
      ...written,
      model_url: artifact,
      seconds: (performance.now() - started) / 1000,
    };
  }

  /** Serialised per name, so two rows deploying one name at once make one endpoint. */
  deploy(modelName: string, modelUrl: string): Promise<{ endpoint: string; reused: boolean }> {
    return this.deploying.run(modelName, () => this.deployNow(modelName, modelUrl));
  }

  async invoke(modelName: string, pairs: readonly (readonly [Id, Id])[]): Promise<Prediction[]> {
    const endpoint = endpointName(modelName);
    let predictor = this.predictors.get(endpoint);
    if (!predictor) {
      predictor = new Predictor(endpoint, {
        clientConfig: this.o.runtimeConfig,
        maxPayloadBytes: this.o.maxPayloadBytes,
        maxAttempts: this.o.invokeAttempts,
      });
      this.predictors.set(endpoint, predictor);
    }
    const p = predictor;
    const scores = await awsStep(`endpoint ${endpoint}`, () => p.predict(pairs));
    return scores.map((s) => ({ score: s.score, known: s.known }));
  }

  async close(): Promise<void> {
    for (const p of this.predictors.values()) p.close();
    this.predictors.clear();
    if (!this.o.client) this.client.destroy();
    if (!this.o.store) this.store.close();
  }

  private async deployNow(modelName: string, modelUrl: string): Promise<{ endpoint: string; reused: boolean }> {
    const endpoint = endpointName(modelName);
    if (!/\.tar\.gz$/.test(modelUrl)) {
      throw new InputError(`model_url ${modelUrl}: expected a training job's model.tar.gz (s3://.../model.tar.gz)`);
    }
    parseUri(modelUrl);
    const d = await awsStep(`endpoint ${endpoint}`, () =>
      deployEndpoint(
        this.client,
        {
          endpointName: endpoint,
          image: this.o.image,
          modelDataUrl: modelUrl,
          roleArn: this.o.roleArn,
          instanceType: this.o.endpointInstanceType ?? this.o.instanceType,
        },
        this.o.wait,
      ),
    );
    return { endpoint, reused: d.action === 'unchanged' };
  }

  /** DescribeTrainingJob: undefined when SageMaker does not know the name (a first run). */
  private async findJob(name: string) {
    try {
      return await describeTrainingJob(this.client, name);
    } catch (error) {
      const e = error as Error;
      if (e.name === 'ResourceNotFound' || (e.name === 'ValidationException' && /not found/i.test(e.message)))
        return undefined;
      throw error;
    }
  }

  private get place() {
    return { warehouse: this.o.warehouse, snowflake: this.o.snowflake, stateDir: this.o.stateDir, store: this.store };
  }
}

/** The endpoint serving `modelName`: the name itself, when SageMaker allows it. */
function endpointName(modelName: string): string {
  if (!ENDPOINT_NAME.test(modelName)) {
    throw new InputError(
      `model name "${modelName}": a SageMaker endpoint name is 1-63 letters, digits and hyphens, starting and ending with a letter or digit`,
    );
  }
  return modelName;
}
