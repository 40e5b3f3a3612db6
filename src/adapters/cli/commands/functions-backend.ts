import type { Command } from 'commander';
import { InputError } from '../../../engine/errors.js';
import type { FunctionsBackend } from '../../snowflake/backend.js';
import { createBackend } from '../../snowflake/backend-settings.js';
import { collect } from './algorithm-params.js';
import { awsClients, parsePairs } from './sagemaker-config.js';

/** The flags of `functions serve` that choose and configure the backend. */
export interface BackendFlags {
  backend: string;
  warehouse: string;
  stateDir: string;
  folds: string;
  role?: string | undefined;
  s3Prefix?: string | undefined;
  image?: string | undefined;
  instanceType?: string | undefined;
  hp: string[];
  endpointUrl?: string | undefined;
  s3EndpointUrl?: string | undefined;
  region?: string | undefined;
  timeout: string;
}

/** Adds the backend flags to `functions serve` (their --help text). */
export function backendOptions(c: Command): Command {
  return c
    .option('--backend <kind>', 'where training and models run: local (this process) or sagemaker', 'local')
    .option('--role <arn>', 'sagemaker: execution role of jobs and models (default $RECKIT_SAGEMAKER_ROLE)')
    .option('--s3-prefix <s3uri>', 'sagemaker: s3://bucket/prefix for exported tables and model artifacts')
    .option('--image <uri>', 'sagemaker: reckit container image (default $RECKIT_SAGEMAKER_IMAGE)')
    .option('--instance-type <type>', 'sagemaker: training and endpoint instance type', 'ml.m5.large')
    .option('--hp <name=value>', 'sagemaker: hyperparameter, repeatable (e.g. --hp factors=50)', collect, [])
    .option('--endpoint-url <url>', 'sagemaker: API + runtime URL (e.g. `reckit sagemaker local`)')
    .option('--s3-endpoint-url <url>', 'sagemaker: S3-compatible server for s3:// URIs (default: AWS S3)')
    .option('--region <name>', 'sagemaker: AWS region (default: the SDK chain: AWS_REGION, ~/.aws/config)')
    .option('--timeout <seconds>', 'sagemaker: longest wait for a training job or endpoint', '3600');
}

/**
 * The backend the flags ask for. SageMaker credentials and region come from the AWS SDK's default
 * chain (environment, profiles, SSO, instance roles); nothing secret is taken from flags.
 */
export async function backendFromFlags(o: BackendFlags, env = process.env): Promise<FunctionsBackend> {
  const names = {
    backend: '--backend',
    roleArn: '--role (or $RECKIT_SAGEMAKER_ROLE)',
    s3Prefix: '--s3-prefix',
    image: '--image (or $RECKIT_SAGEMAKER_IMAGE)',
  };
  const base = { backend: o.backend, warehouse: o.warehouse, stateDir: o.stateDir, folds: Number(o.folds) };
  if (o.backend !== 'sagemaker') return createBackend(base, names);
  const timeout = Number(o.timeout);
  if (!(timeout > 0)) throw new InputError(`--timeout ${o.timeout}: expected seconds > 0`);
  const hyperParameters = parsePairs('--hp', o.hp);
  const settings = {
    ...base,
    roleArn: o.role ?? env.RECKIT_SAGEMAKER_ROLE,
    s3Prefix: o.s3Prefix,
    image: o.image ?? env.RECKIT_SAGEMAKER_IMAGE,
    instanceType: o.instanceType,
    hyperParameters,
    wait: { timeoutMs: timeout * 1000 },
  };
  const clients = awsClients(o, env);
  const backend = await createBackend(
    { ...settings, client: clients.sagemaker, runtimeConfig: clients.runtimeConfig, store: clients.store },
    names,
  ).catch((error) => {
    clients.close();
    throw error;
  });
  return {
    kind: backend.kind,
    train: (i, out, key) => backend.train(i, out, key),
    deploy: (name, url) => backend.deploy(name, url),
    invoke: (name, pairs) => backend.invoke(name, pairs),
    async close() {
      await backend.close();
      clients.close();
    },
  };
}
