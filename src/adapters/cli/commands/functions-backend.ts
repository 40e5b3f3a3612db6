import type { Command } from 'commander';
import { InputError } from '../../../engine/errors.js';
import type { FunctionsBackend } from '../../snowflake/backend.js';
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
export async function createBackend(o: BackendFlags, env = process.env): Promise<FunctionsBackend> {
  if (o.backend === 'local') {
    const { LocalBackend } = await import('../../snowflake/local-backend.js');
    return new LocalBackend({ warehouse: o.warehouse, stateDir: o.stateDir, folds: Number(o.folds) });
  }
  if (o.backend !== 'sagemaker') throw new InputError(`--backend ${o.backend}: expected local or sagemaker`);
  const roleArn = o.role ?? env.RECKIT_SAGEMAKER_ROLE;
  if (!roleArn)
    throw new InputError('--backend sagemaker needs --role (or $RECKIT_SAGEMAKER_ROLE): the execution role ARN');
  if (!o.s3Prefix) throw new InputError('--backend sagemaker needs --s3-prefix s3://bucket/prefix');
  if (!o.s3Prefix.startsWith('s3://')) throw new InputError(`--s3-prefix ${o.s3Prefix}: expected s3://bucket/prefix`);
  const image = o.image ?? env.RECKIT_SAGEMAKER_IMAGE;
  if (!image) throw new InputError('--backend sagemaker needs --image (or $RECKIT_SAGEMAKER_IMAGE)');
  const timeout = Number(o.timeout);
  if (!(timeout > 0)) throw new InputError(`--timeout ${o.timeout}: expected seconds > 0`);
  const hyperParameters = parsePairs('--hp', o.hp);
  const clients = awsClients(o, env);
  const { SageMakerFunctionsBackend } = await import('../../snowflake/sagemaker-backend.js');
  const backend = new SageMakerFunctionsBackend({
    warehouse: o.warehouse,
    roleArn,
    s3Prefix: o.s3Prefix,
    image,
    instanceType: o.instanceType,
    hyperParameters,
    stateDir: o.stateDir,
    client: clients.sagemaker,
    runtimeConfig: clients.runtimeConfig,
    store: clients.store,
    wait: { timeoutMs: timeout * 1000 },
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
