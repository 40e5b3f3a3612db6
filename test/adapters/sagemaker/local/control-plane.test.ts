import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CreateModelCommand,
  CreateTrainingJobCommand,
  DescribeTrainingJobCommand,
  ListEndpointsCommand,
} from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  deleteEndpoint,
  deployEndpoint,
  findEndpoint,
} from '../../../../src/adapters/sagemaker/client/endpoint-deployment.js';
import { sleep } from '../../../../src/adapters/sagemaker/client/poll.js';
import {
  describeTrainingJob,
  startTrainingJob,
  stopTrainingJob,
  waitForTrainingJob,
} from '../../../../src/adapters/sagemaker/client/training-job.js';
import { BUCKET, type LocalCloud, processesWith, startLocalCloud } from './local-cloud.js';

const dataDir = process.env.RECKIT_DATA_DIR;
const ratings = dataDir ? join(dataDir, 'ml-latest-small', 'ratings.csv') : '';
const built = existsSync('dist/adapters/sagemaker/container/entrypoint.js');
const ready = Boolean(ratings && existsSync(ratings) && built);
if (!ready && process.env.CI === 'true') throw new Error(`needs ${ratings || '$RECKIT_DATA_DIR'} and a build`);

const ROLE = 'arn:aws:iam::000000000000:role/reckit';
const IMAGE = 'reckit:latest';
const wait = { timeoutMs: 90_000, intervalMs: 200 };

/** The control plane's semantics through the real SageMaker client, with the real container entrypoints. */
describe.skipIf(!ready)('local SageMaker control plane', () => {
  let cloud: LocalCloud;
  const channel = () => ({ train: pathToFileURL(ratings).href });
  const spec = (name: string, hp: Record<string, string | number>) => ({
    name,
    image: IMAGE,
    roleArn: ROLE,
    hyperParameters: hp,
    channels: channel(),
    outputPath: `s3://${BUCKET}/jobs`,
  });

  beforeAll(async () => {
    cloud = await startLocalCloud({ trainingStopGraceMs: 5000 });
  });
  afterAll(async () => {
    const root = join(cloud.dir, 'sagemaker');
    await cloud?.close();
    expect(processesWith(root)).toEqual([]);
  });

  test('errors have the shapes the SDK raises: ValidationException, ResourceNotFound, ResourceInUse', async () => {
    const bad = cloud.client.send(
      new CreateTrainingJobCommand({
        TrainingJobName: 'bad_name',
        RoleArn: ROLE,
        AlgorithmSpecification: { TrainingImage: IMAGE, TrainingInputMode: 'File' },
        OutputDataConfig: { S3OutputPath: `s3://${BUCKET}/x` },
      }),
    );
    await expect(bad).rejects.toMatchObject({ name: 'ValidationException', message: /bad_name.*trainingJobName/ });
    await expect(cloud.client.send(new DescribeTrainingJobCommand({ TrainingJobName: 'nope' }))).rejects.toMatchObject({
      name: 'ResourceNotFound',
      $metadata: { httpStatusCode: 400 },
    });
    const model = new CreateModelCommand({
      ModelName: 'm-dup',
      ExecutionRoleArn: ROLE,
      PrimaryContainer: { Image: IMAGE },
    });
    await cloud.client.send(model);
    await expect(cloud.client.send(model)).rejects.toMatchObject({
      name: 'ValidationException',
      message: /already existing model/,
    });
  });

  test("a failed job's FailureReason (the container's output/failure) reaches the caller", async () => {
    await startTrainingJob(cloud.client, spec('bad-hyperparameter', { algorithm: 'svd', factors: 'many' }));
    await expect(waitForTrainingJob(cloud.client, 'bad-hyperparameter', wait)).rejects.toThrow(
      /training job bad-hyperparameter failed: .*factors/,
    );
    const d = await describeTrainingJob(cloud.client, 'bad-hyperparameter');
    expect(d.TrainingJobStatus).toBe('Failed');
    expect(d.FailureReason?.length).toBeLessThanOrEqual(1024);
  });

  test('a missing channel fails the job with a ClientError naming the URI', async () => {
    const missing = {
      ...spec('missing-channel', { algorithm: 'svd' }),
      channels: { train: 'file:///nonexistent/ratings.csv' },
    };
    await startTrainingJob(cloud.client, missing);
    await expect(waitForTrainingJob(cloud.client, 'missing-channel', wait)).rejects.toThrow(
      /ClientError: .*nonexistent/,
    );
  });

  test('StopTrainingJob: Stopping then Stopped, no process and no endpoint left behind', async () => {
    // Far more epochs than the test waits for; the job is stopped while SecondaryStatus is Training.
    await startTrainingJob(cloud.client, spec('stop-me', { algorithm: 'svd', factors: 50, epochs: 100000 }));
    for (let d = await describeTrainingJob(cloud.client, 'stop-me'); d.SecondaryStatus !== 'Training'; ) {
      await sleep(100);
      d = await describeTrainingJob(cloud.client, 'stop-me');
    }
    await sleep(500);
    expect(processesWith('TRAINING_JOB_NAME=stop-me').length).toBe(1);
    await stopTrainingJob(cloud.client, 'stop-me');
    expect((await describeTrainingJob(cloud.client, 'stop-me')).TrainingJobStatus).toMatch(/Stopping|Stopped/);
    const d = await waitForTrainingJob(cloud.client, 'stop-me', wait);
    expect(d.TrainingJobStatus).toBe('Stopped');
    expect(d.SecondaryStatusTransitions?.map((t) => t.Status)).toEqual([
      'Starting',
      'Downloading',
      'Training',
      'Stopping',
      'Stopped',
    ]);
    expect(processesWith('TRAINING_JOB_NAME=stop-me')).toEqual([]);
    expect((await cloud.client.send(new ListEndpointsCommand({}))).Endpoints).toEqual([]);
  });

  test('MaxRuntimeInSeconds stops the job: Stopped, SecondaryStatus MaxRuntimeExceeded', async () => {
    await startTrainingJob(cloud.client, {
      ...spec('too-long', { algorithm: 'svd', factors: 50, epochs: 100000 }),
      maxRuntimeSeconds: 1,
    });
    const d = await waitForTrainingJob(cloud.client, 'too-long', wait);
    expect(d.TrainingJobStatus).toBe('Stopped');
    expect(d.SecondaryStatus).toBe('MaxRuntimeExceeded');
    expect(processesWith('TRAINING_JOB_NAME=too-long')).toEqual([]);
  });

  test('a new model version updates the endpoint in place; a broken artifact fails with a reason', async () => {
    await startTrainingJob(cloud.client, spec('small-svd', { algorithm: 'svd', factors: 4, epochs: 2, seed: 3 }));
    const done = await waitForTrainingJob(cloud.client, 'small-svd', wait);
    const url = done.ModelArtifacts?.S3ModelArtifacts as string;
    const v1 = await deployEndpoint(
      cloud.client,
      { endpointName: 'upd', image: IMAGE, modelDataUrl: url, roleArn: ROLE },
      wait,
    );
    const v2 = await deployEndpoint(
      cloud.client,
      { endpointName: 'upd', image: IMAGE, modelDataUrl: url, roleArn: ROLE, environment: { VERSION: '2' } },
      wait,
    );
    expect(v1.action).toBe('created');
    expect(v2.action).toBe('updated');
    expect(v2.configName).not.toBe(v1.configName);
    const runtime = new SageMakerRuntimeClient(cloud.runtimeConfig);
    try {
      const out = await runtime.send(
        new InvokeEndpointCommand({ EndpointName: 'upd', ContentType: 'text/csv', Accept: 'text/csv', Body: '1,1\n' }),
      );
      expect(Number(await out.Body?.transformToString())).toBeGreaterThan(0);
      // Over InvokeEndpoint's 6 MB: a ValidationError, the container never sees it.
      const big = Buffer.alloc(6 * 1024 * 1024 + 10, 0x31);
      await expect(
        runtime.send(new InvokeEndpointCommand({ EndpointName: 'upd', ContentType: 'text/csv', Body: big })),
      ).rejects.toMatchObject({ name: 'ValidationError' });
    } finally {
      runtime.destroy();
    }
    await cloud.store.write(`s3://${BUCKET}/broken/model.tar.gz`, 'not a tarball');
    await expect(
      deployEndpoint(
        cloud.client,
        { endpointName: 'broken', image: IMAGE, modelDataUrl: `s3://${BUCKET}/broken/model.tar.gz`, roleArn: ROLE },
        wait,
      ),
    ).rejects.toThrow(/endpoint broken did not start: ModelDataUrl .* is not a readable \.tar\.gz/);
    // A version that cannot start leaves the endpoint InService on the version before it.
    await expect(
      deployEndpoint(
        cloud.client,
        { endpointName: 'upd', image: IMAGE, modelDataUrl: `s3://${BUCKET}/broken/model.tar.gz`, roleArn: ROLE },
        wait,
      ),
    ).rejects.toThrow(/endpoint upd did not update: ModelDataUrl/);
    const after = await findEndpoint(cloud.client, 'upd');
    expect(after?.EndpointStatus).toBe('InService');
    expect(after?.EndpointConfigName).toBe(v2.configName);
    expect(await deleteEndpoint(cloud.client, 'upd', wait)).toBe(true);
    // Deploying a good version where a Failed endpoint stands replaces it.
    const fixed = await deployEndpoint(
      cloud.client,
      { endpointName: 'broken', image: IMAGE, modelDataUrl: url, roleArn: ROLE },
      wait,
    );
    expect(fixed.action).toBe('created');
    expect((await findEndpoint(cloud.client, 'broken'))?.EndpointStatus).toBe('InService');
    expect(await deleteEndpoint(cloud.client, 'broken', wait)).toBe(true);
    expect(processesWith(join(cloud.dir, 'sagemaker', 'serving'))).toEqual([]);
  });
});
