import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  CreateTrainingJobCommand,
  DescribeTrainingJobCommand,
  type DescribeTrainingJobCommandOutput,
  type SageMakerClient,
  StopTrainingJobCommand,
} from '@aws-sdk/client-sagemaker';
import { InputError } from '../../../engine/errors.js';
import { unpackArchive } from './model-archive.js';
import type { ObjectStore } from './object-store.js';
import { pollUntil, type WaitOptions } from './poll.js';

/** The metric lines reckit's `train` prints (docs/sagemaker-container.md, "Metrics"). */
export const RECKIT_METRIC_DEFINITIONS = [
  { Name: 'train:rmse', Regex: 'train:rmse=(-?[0-9.]+);' },
  { Name: 'train:loss', Regex: 'train:loss=(-?[0-9.]+);' },
  { Name: 'validation:rmse', Regex: 'validation:rmse=(-?[0-9.]+);' },
  { Name: 'train:inertia', Regex: 'train:inertia=(-?[0-9.]+);' },
];

export interface TrainingJobSpec {
  /** Job name: 1-63 of [a-zA-Z0-9-]; unique per account and region. Reuse it to make a retry safe. */
  name: string;
  /** The container image (ECR URI; recorded only in local mode). */
  image: string;
  /** Execution role ARN. */
  roleArn: string;
  /** Sent as strings, as the API requires ("50", "svd"); the container parses them. */
  hyperParameters?: Record<string, string | number | boolean> | undefined;
  /** Channel name -> S3 URI (prefix) of its data. */
  channels?: Record<string, string> | undefined;
  /** Where SageMaker writes `<job>/output/model.tar.gz`. */
  outputPath: string;
  instanceType?: string | undefined;
  instanceCount?: number | undefined;
  volumeSizeGb?: number | undefined;
  maxRuntimeSeconds?: number | undefined;
  /** Default: reckit's metric lines. */
  metricDefinitions?: { Name: string; Regex: string }[] | undefined;
  environment?: Record<string, string> | undefined;
}

/**
 * CreateTrainingJob. A name already taken (ResourceInUse) is the same job retried, never a second
 * one: the existing job is described and returned with `created: false`.
 */
export async function startTrainingJob(
  client: SageMakerClient,
  s: TrainingJobSpec,
): Promise<{ arn: string; created: boolean }> {
  const hp: Record<string, string> = {};
  for (const [k, v] of Object.entries(s.hyperParameters ?? {})) hp[k] = String(v);
  try {
    const out = await client.send(
      new CreateTrainingJobCommand({
        TrainingJobName: s.name,
        RoleArn: s.roleArn,
        AlgorithmSpecification: {
          TrainingImage: s.image,
          TrainingInputMode: 'File',
          MetricDefinitions: s.metricDefinitions ?? RECKIT_METRIC_DEFINITIONS,
        },
        HyperParameters: hp,
        InputDataConfig: Object.entries(s.channels ?? {}).map(([name, uri]) => ({
          ChannelName: name,
          DataSource: {
            S3DataSource: { S3DataType: 'S3Prefix', S3Uri: uri, S3DataDistributionType: 'FullyReplicated' },
          },
        })),
        OutputDataConfig: { S3OutputPath: s.outputPath },
        ResourceConfig: {
          InstanceType: (s.instanceType ?? 'ml.m5.large') as never,
          InstanceCount: s.instanceCount ?? 1,
          VolumeSizeInGB: s.volumeSizeGb ?? 10,
        },
        StoppingCondition: { MaxRuntimeInSeconds: s.maxRuntimeSeconds ?? 86_400 },
        ...(s.environment ? { Environment: s.environment } : {}),
      }),
    );
    return { arn: out.TrainingJobArn as string, created: true };
  } catch (error) {
    if ((error as Error).name !== 'ResourceInUse') throw error;
    const d = await describeTrainingJob(client, s.name);
    return { arn: d.TrainingJobArn as string, created: false };
  }
}

export function describeTrainingJob(client: SageMakerClient, name: string): Promise<DescribeTrainingJobCommandOutput> {
  return client.send(new DescribeTrainingJobCommand({ TrainingJobName: name }));
}

/**
 * Waits until the job is Completed or Stopped and returns its description; a Failed job throws
 * an InputError carrying its FailureReason (what the container wrote to output/failure).
 */
export async function waitForTrainingJob(
  client: SageMakerClient,
  name: string,
  o: WaitOptions = {},
): Promise<DescribeTrainingJobCommandOutput> {
  const d = await pollUntil(
    `training job ${name}`,
    () => describeTrainingJob(client, name),
    (d) => `${d.TrainingJobStatus}/${d.SecondaryStatus}`,
    (d) => d.TrainingJobStatus === 'Completed' || d.TrainingJobStatus === 'Failed' || d.TrainingJobStatus === 'Stopped',
    o,
  );
  if (d.TrainingJobStatus === 'Failed')
    throw new InputError(`training job ${name} failed: ${d.FailureReason ?? 'no reason given'}`);
  return d;
}

export async function stopTrainingJob(client: SageMakerClient, name: string): Promise<void> {
  await client.send(new StopTrainingJobCommand({ TrainingJobName: name }));
}

/** Downloads ModelArtifacts.S3ModelArtifacts and extracts it into `dir` (a model directory). */
export async function downloadModelArtifact(store: ObjectStore, uri: string, dir: string): Promise<void> {
  await mkdir(dirname(dir), { recursive: true });
  const tmp = await mkdtemp(join(dirname(dir), '.reckit-artifact-'));
  try {
    const archive = join(tmp, 'model.tar.gz');
    await writeFile(archive, await store.read(uri));
    await unpackArchive(archive, dir);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
