import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  CreateTransformJobCommand,
  DescribeTransformJobCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { waitSettled } from '../../../../src/adapters/sagemaker/client/endpoint-deployment.js';
import { type LocalSageMaker, startLocalSageMaker } from '../../../../src/adapters/sagemaker/local/local-sagemaker.js';
import { processesWith } from './local-cloud.js';

const config = { region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' } };

/**
 * InvokeEndpoint's proxy rules, through the real runtime client, with a stand-in container that
 * echoes what reached it (reckit's own container never echoes headers nor stalls on purpose).
 */
describe('local SageMaker runtime: forwarded headers, ModelError, 60 s limit', () => {
  let local: LocalSageMaker;
  let runtime: SageMakerRuntimeClient;
  let client: SageMakerClient;
  const root = mkdtempSync(join(tmpdir(), 'reckit-runtime-proxy-'));

  beforeAll(async () => {
    local = await startLocalSageMaker({
      root,
      container: {
        command: process.execPath,
        args: [resolve('test/adapters/sagemaker/local/fixtures/echo-container.mjs')],
      },
      invocationTimeoutMs: 1000,
      servingStopGraceMs: 2000,
    });
    client = new SageMakerClient({ ...config, endpoint: local.url });
    runtime = new SageMakerRuntimeClient({ ...config, endpoint: local.url, maxAttempts: 1 });
    await client.send(
      new CreateModelCommand({ ModelName: 'echo', ExecutionRoleArn: 'r', PrimaryContainer: { Image: 'echo' } }),
    );
    await client.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: 'echo',
        ProductionVariants: [
          { VariantName: 'main', ModelName: 'echo', InitialInstanceCount: 1, InstanceType: 'ml.t2.medium' },
        ],
      }),
    );
    await client.send(new CreateEndpointCommand({ EndpointName: 'echo', EndpointConfigName: 'echo' }));
    expect((await waitSettled(client, 'echo', { intervalMs: 100, timeoutMs: 30_000 })).EndpointStatus).toBe(
      'InService',
    );
  });
  afterAll(async () => {
    client.destroy();
    runtime.destroy();
    await local.close();
    expect(processesWith(root)).toEqual([]);
    rmSync(root, { recursive: true, force: true });
  });

  test('only the headers InvokeEndpoint defines reach the container; its answer headers come back', async () => {
    const out = await runtime.send(
      new InvokeEndpointCommand({
        EndpointName: 'echo',
        Body: 'hello',
        ContentType: 'text/csv',
        Accept: 'application/json',
        CustomAttributes: 'trace=1',
        InferenceId: 'abc',
      }),
    );
    const seen = JSON.parse((await out.Body?.transformToString()) as string) as {
      headers: Record<string, string>;
      body: string;
    };
    expect(seen.body).toBe('hello');
    expect(seen.headers['content-type']).toBe('text/csv');
    expect(seen.headers.accept).toBe('application/json');
    expect(seen.headers['x-amzn-sagemaker-custom-attributes']).toBe('trace=1');
    expect(seen.headers['x-amzn-sagemaker-inference-id']).toBe('abc');
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.headers['x-amz-date']).toBeUndefined();
    expect(Object.keys(seen.headers).filter((h) => h.startsWith('amz-sdk'))).toEqual([]);
    expect(out.ContentType).toBe('application/json');
    expect(out.CustomAttributes).toBe('echoed');
    expect(out.InvokedProductionVariant).toBe('main');
  });

  test('a transform job whose container answers 500 is Failed, with the status and the object in the reason', async () => {
    const input = join(root, 'transform-in');
    mkdirSync(input);
    writeFileSync(join(input, 'part-0.txt'), 'fail'); // SplitType None: sent as it is
    await client.send(
      new CreateTransformJobCommand({
        TransformJobName: 'echo-fail',
        ModelName: 'echo',
        TransformInput: {
          DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: pathToFileURL(input).href } },
          ContentType: 'text/plain',
          SplitType: 'None',
        },
        TransformOutput: { S3OutputPath: pathToFileURL(join(root, 'transform-out')).href },
        TransformResources: { InstanceType: 'ml.m5.large', InstanceCount: 1 },
      }),
    );
    let d = await client.send(new DescribeTransformJobCommand({ TransformJobName: 'echo-fail' }));
    while (d.TransformJobStatus === 'InProgress') {
      await new Promise((r) => setTimeout(r, 100));
      d = await client.send(new DescribeTransformJobCommand({ TransformJobName: 'echo-fail' }));
    }
    expect(d.TransformJobStatus).toBe('Failed');
    expect(d.FailureReason).toMatch(/answered 500 for .*part-0\.txt/);
  });

  test('a container 500 is a ModelError with the original status and message; a stall past the limit too', async () => {
    const fail = runtime.send(
      new InvokeEndpointCommand({ EndpointName: 'echo', Body: 'fail', ContentType: 'text/plain' }),
    );
    await expect(fail).rejects.toMatchObject({
      name: 'ModelError',
      OriginalStatusCode: 500,
      OriginalMessage: expect.stringContaining('"body":"fail"'),
      LogStreamArn: expect.stringContaining('/aws/sagemaker/Endpoints/echo'),
      $metadata: { httpStatusCode: 424 },
    });
    const slow = runtime.send(
      new InvokeEndpointCommand({ EndpointName: 'echo', Body: 'slow', ContentType: 'text/plain' }),
    );
    await expect(slow).rejects.toMatchObject({ name: 'ModelError', message: expect.stringMatching(/timed out/) });
  });
});
