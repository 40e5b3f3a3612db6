import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { createBackend } from '../../../src/adapters/snowflake/backend-settings.js';
import { handler } from '../../../src/adapters/snowflake/lambda.js';
import { InputError } from '../../../src/engine/errors.js';
import { SIGNATURES, snowflakeHeaders } from './snowflake-requests.js';

const dir = mkdtempSync(join(tmpdir(), 'reckit-backends-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ENV_NAMES = {
  backend: 'RECKIT_BACKEND',
  roleArn: 'RECKIT_SAGEMAKER_ROLE',
  s3Prefix: 'RECKIT_S3_PREFIX',
  image: 'RECKIT_SAGEMAKER_IMAGE',
};
const base = { warehouse: `duckdb:${join(dir, 'w.duckdb')}`, stateDir: join(dir, 'state') };
const sagemaker = {
  ...base,
  backend: 'sagemaker',
  roleArn: 'arn:aws:iam::000000000000:role/reckit',
  s3Prefix: 's3://bucket/functions',
  image: 'reckit:latest',
  clientConfig: { region: 'us-east-1' },
  runtimeConfig: { region: 'us-east-1' },
};

test('settings choose the backend; a missing or bad SageMaker setting is an InputError naming it', async () => {
  const local = await createBackend(base, ENV_NAMES);
  expect(local.kind).toBe('local');
  await local.close();
  const sm = await createBackend(sagemaker, ENV_NAMES);
  expect(sm.kind).toBe('sagemaker');
  await sm.close();
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ backend: 'emr' }, /^RECKIT_BACKEND emr: expected local or sagemaker$/],
    [{ roleArn: undefined }, /needs RECKIT_SAGEMAKER_ROLE/],
    [{ s3Prefix: '' }, /needs RECKIT_S3_PREFIX/],
    [{ s3Prefix: 'bucket/functions' }, /^RECKIT_S3_PREFIX bucket\/functions: expected s3:\/\/bucket\/prefix$/],
    [{ image: undefined }, /needs RECKIT_SAGEMAKER_IMAGE/],
  ];
  for (const [change, message] of cases) {
    const made = createBackend({ ...sagemaker, ...change }, ENV_NAMES);
    await expect(made).rejects.toBeInstanceOf(InputError);
    await expect(made).rejects.toThrow(message);
  }
});

test('the deployable Lambda handler reads RECKIT_BACKEND=sagemaker and its settings from the environment', async () => {
  const saved = { ...process.env };
  Object.assign(process.env, {
    RECKIT_BACKEND: 'sagemaker',
    RECKIT_WAREHOUSE: base.warehouse,
    RECKIT_STATE_DIR: join(dir, 'lambda-state'),
    RECKIT_SAGEMAKER_ROLE: sagemaker.roleArn,
    RECKIT_S3_PREFIX: sagemaker.s3Prefix,
    RECKIT_SAGEMAKER_IMAGE: sagemaker.image,
    RECKIT_FUNCTIONS_SECRET: '',
    AWS_REGION: 'us-east-1',
  });
  try {
    // Rows the SageMaker backend refuses before calling AWS: each gets its own error value.
    const r = await handler({
      httpMethod: 'POST',
      path: '/deploy_model',
      headers: snowflakeHeaders('deploy_model', 'q:1:1:0:0', SIGNATURES.deploy_model as string),
      body: JSON.stringify({
        data: [
          [0, 'movielens-model-v1', 'https://example.com/model'],
          [1, 'movielens_model', 's3://bucket/functions/output/job/output/model.tar.gz'],
        ],
      }),
    });
    expect(r.statusCode).toBe(200);
    const values = (JSON.parse(r.body) as { data: [number, { error: string }][] }).data.map((x) => x[1].error);
    expect(values[0]).toMatch(/expected a training job's model\.tar\.gz/);
    expect(values[1]).toMatch(/SageMaker endpoint name/);
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
});
