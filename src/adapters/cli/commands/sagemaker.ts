import type { Command } from 'commander';
import { InputError, ReckitError } from '../../../engine/errors.js';
import { type CliContext, emit } from '../context.js';
import { collect } from './algorithm-params.js';
import {
  type AwsFlags,
  awsClients,
  parsePairs,
  quietSdkNodeVersionWarning,
  statusPrinter,
} from './sagemaker-config.js';

type Flags = AwsFlags & Record<string, unknown>;

/**
 * `reckit sagemaker train|deploy|invoke|delete|transform|local`: drive SageMaker (or the local
 * SageMaker, with --endpoint-url) from the command line. docs/sagemaker-local.md has the flows.
 */
export function registerSagemaker(program: Command, ctx: CliContext): void {
  const sm = program
    .command('sagemaker')
    .description('train, deploy, invoke and transform on SageMaker (or `sagemaker local`)')
    .hook('preAction', () => quietSdkNodeVersionWarning());
  const aws = (c: Command) =>
    c
      .option('--endpoint-url <url>', 'SageMaker API + runtime URL (e.g. the one `reckit sagemaker local` prints)')
      .option('--s3-endpoint-url <url>', 'S3-compatible server for s3:// URIs (default: AWS S3)')
      .option('--region <name>', 'AWS region (default: the SDK chain: AWS_REGION, ~/.aws/config)')
      .option('--timeout <seconds>', 'longest wait for a job or endpoint', '3600')
      .option('--json', 'print JSON');
  const role = process.env.RECKIT_SAGEMAKER_ROLE;
  const image = process.env.RECKIT_SAGEMAKER_IMAGE ?? 'reckit:latest';
  const run = async <T>(
    o: Flags,
    what: string,
    work: (c: ReturnType<typeof awsClients>, w: object) => Promise<T>,
    text: (r: T) => string,
  ) => {
    const timeout = Number(o.timeout);
    if (!(timeout > 0)) throw new InputError(`--timeout ${o.timeout}: expected seconds > 0`);
    const clients = awsClients(o);
    try {
      const wait = { timeoutMs: timeout * 1000, signal: ctx.signal, onStatus: statusPrinter(ctx.isTTY, ctx.err, what) };
      const report = await work(clients, wait).catch((error) => {
        throw userFacing(error, o.endpointUrl as string | undefined);
      });
      emit(ctx, o.json as boolean | undefined, report, () => text(report));
    } finally {
      clients.close();
    }
  };
  const needRole = (o: Flags) => {
    const r = (o.role as string | undefined) ?? role;
    if (!r) throw new InputError('--role is required (or set RECKIT_SAGEMAKER_ROLE): the execution role ARN');
    return r;
  };

  aws(sm.command('train').description("run a training job with reckit's container; waits and prints its metrics"))
    .requiredOption('--name <job>', 'training job name (reusing it resumes waiting on that job, never starts a second)')
    .requiredOption('--output-path <s3uri>', 'where <job>/output/model.tar.gz goes')
    .option('--channel <name=uri>', 'input channel, repeatable (e.g. train=s3://bucket/ratings/)', collect, [])
    .option('--hp <name=value>', 'hyperparameter, repeatable (e.g. --hp algorithm=svd --hp factors=50)', collect, [])
    .option('--image <uri>', 'container image (default $RECKIT_SAGEMAKER_IMAGE)', image)
    .option('--role <arn>', 'execution role (default $RECKIT_SAGEMAKER_ROLE)')
    .option('--instance-type <type>', 'instance type', 'ml.m5.large')
    .option('--max-runtime <seconds>', 'StoppingCondition.MaxRuntimeInSeconds', '86400')
    .option('--no-wait', 'return once the job is created')
    .option('--download <dir>', 'extract the model into this directory when done')
    .action(async (o: Flags) => {
      const { sagemakerTrain } = await import('./sagemaker-run.js');
      await run(
        o,
        `training job ${o.name}`,
        (c, w) =>
          sagemakerTrain(
            c,
            {
              name: o.name as string,
              image: o.image as string,
              role: needRole(o),
              outputPath: o.outputPath as string,
              channels: parsePairs('--channel', o.channel as string[]),
              hyperParameters: parsePairs('--hp', o.hp as string[]),
              instanceType: o.instanceType as string,
              maxRuntimeSeconds: Number(o.maxRuntime),
              wait: o.wait as boolean,
              download: o.download as string | undefined,
            },
            w,
          ),
        (r) =>
          `training job ${r.job}: ${'status' in r ? r.status : 'created'}${'modelArtifacts' in r ? `, model ${r.modelArtifacts}` : ''}\n`,
      );
    });

  aws(sm.command('deploy').description('model + endpoint config + endpoint (updated in place for a new model)'))
    .requiredOption('--endpoint <name>', 'endpoint name')
    .requiredOption('--model-data <s3uri>', "model.tar.gz (a training job's ModelArtifacts)")
    .option('--image <uri>', 'container image (default $RECKIT_SAGEMAKER_IMAGE)', image)
    .option('--role <arn>', 'execution role (default $RECKIT_SAGEMAKER_ROLE)')
    .option('--instance-count <n>', 'instances', '1')
    .option('--instance-type <type>', 'instance type', 'ml.m5.large')
    .option('--env <name=value>', 'container environment, repeatable', collect, [])
    .action(async (o: Flags) => {
      const { sagemakerDeploy } = await import('./sagemaker-run.js');
      await run(
        o,
        `endpoint ${o.endpoint}`,
        (c, w) =>
          sagemakerDeploy(
            c,
            {
              endpoint: o.endpoint as string,
              modelData: o.modelData as string,
              image: o.image as string,
              role: needRole(o),
              instanceCount: Number(o.instanceCount),
              instanceType: o.instanceType as string,
              environment: parsePairs('--env', o.env as string[]),
            },
            w,
          ),
        (r) => `endpoint ${r.endpointName}: ${r.action}, serving ${r.modelName}\n`,
      );
    });

  aws(sm.command('invoke').description('predict pairs, recommend for users, or cluster rating vectors'))
    .requiredOption('--endpoint <name>', 'endpoint name')
    .option('--pair <user,item>', 'a pair to predict, repeatable', collect, [])
    .option('--user <id>', 'a user to recommend for, repeatable', collect, [])
    .option('--top <n>', 'items per user', '10')
    .option(
      '--ratings <json|@file>',
      'a rating vector (array, one per item) or {item: rating} map to cluster, repeatable',
      collect,
      [],
    )
    .action(async (o: Flags) => {
      const { sagemakerInvoke } = await import('./sagemaker-run.js');
      await run(
        o,
        `endpoint ${o.endpoint}`,
        (c) =>
          sagemakerInvoke(
            c,
            {
              endpoint: o.endpoint as string,
              pairs: o.pair as string[],
              users: o.user as string[],
              top: Number(o.top),
              ratings: o.ratings as string[],
            },
            ctx.signal,
          ),
        (r) => `${r.map((x) => JSON.stringify(x)).join('\n')}\n`,
      );
    });

  aws(sm.command('delete').description('delete an endpoint, then its config and model'))
    .requiredOption('--endpoint <name>', 'endpoint name')
    .action(async (o: Flags) => {
      const { sagemakerDelete } = await import('./sagemaker-run.js');
      await run(
        o,
        `endpoint ${o.endpoint}`,
        (c, w) => sagemakerDelete(c, o.endpoint as string, w),
        (r) => (r.deleted ? `endpoint ${r.endpoint} deleted\n` : `no endpoint ${r.endpoint}\n`),
      );
    });

  aws(sm.command('transform').description('bulk top-N over several instances (batch transform) into one table'))
    .requiredOption('--job <name>', 'transform job name')
    .requiredOption('--model <name>', 'SageMaker model name (deploy prints it)')
    .requiredOption('--users-file <path>', 'user ids, one per line')
    .requiredOption('--input-path <s3uri>', 'where the user shards are written')
    .requiredOption('--output-path <s3uri>', 'where the job writes its answers')
    .option('--top <n>', 'items per user', '10')
    .option('--instances <n>', 'instances', '2')
    .option('--out <file>', 'write the table (.csv, .jsonl, .parquet, .arrow)')
    .action(async (o: Flags) => {
      const { sagemakerTransform } = await import('./sagemaker-run.js');
      await run(
        o,
        `transform job ${o.job}`,
        (c, w) =>
          sagemakerTransform(
            c,
            {
              job: o.job as string,
              model: o.model as string,
              usersFile: o.usersFile as string,
              top: Number(o.top),
              inputPath: o.inputPath as string,
              outputPath: o.outputPath as string,
              instances: Number(o.instances),
              out: o.out as string | undefined,
            },
            w,
          ),
        (r) => `transform job ${r.job}: ${r.rows} rows for ${r.users} users${r.out ? ` written to ${r.out}` : ''}\n`,
      );
    });

  sm.command('local')
    .description('run a local SageMaker (control plane + runtime) that the AWS SDK and these commands can use')
    .option('--port <n>', 'port (0 = any free port)', '0')
    .option('--host <addr>', 'address to bind', '127.0.0.1')
    .option('--root <dir>', 'working folder for the temporary /opt/ml trees (default: a temp folder)')
    .option('--s3-endpoint-url <url>', 'S3-compatible server for s3:// URIs (default: AWS S3)')
    .option('--json', 'print the listening line as JSON')
    .action(async (o: Flags) => {
      const port = Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new InputError(`--port ${o.port}: not a port number`);
      const { startLocalSageMaker } = await import('../../sagemaker/local/local-sagemaker.js');
      const s3 = o.s3EndpointUrl
        ? {
            endpoint: o.s3EndpointUrl as string,
            forcePathStyle: true,
            requestChecksumCalculation: 'WHEN_REQUIRED' as const,
          }
        : {};
      const local = await startLocalSageMaker({
        port,
        host: o.host as string,
        root: o.root as string | undefined,
        s3,
        log: (line) => ctx.err(`${line}\n`),
      });
      const info = { event: 'listening', url: local.url, pid: process.pid };
      emit(
        ctx,
        o.json as boolean | undefined,
        info,
        () => `reckit sagemaker local: listening on ${local.url} (use --endpoint-url ${local.url})\n`,
      );
      await new Promise<void>((resolve) => {
        const done = () => {
          process.off('SIGTERM', done);
          resolve();
        };
        process.once('SIGTERM', done);
        ctx.signal.addEventListener('abort', done, { once: true });
      });
      await local.close();
      ctx.err('reckit sagemaker local: stopped; every container it ran has exited\n');
    });
}

/**
 * AWS errors the user can act on (a 4xx from the service, no credentials, an endpoint that does
 * not answer) as one-line InputErrors; anything else stays as it is (a reckit bug: stack).
 */
function userFacing(error: unknown, endpointUrl: string | undefined): unknown {
  if (error instanceof ReckitError) return error;
  const e = error as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 400 && status < 500)
    return new InputError(`${e.name}: ${e.message}`, { cause: error });
  if (/^Region is missing/.test(e.message ?? '')) {
    return new InputError('no AWS region: give --region, set AWS_REGION, or set region in ~/.aws/config');
  }
  if (e.name === 'CredentialsProviderError') {
    return new InputError(
      `no AWS credentials: ${e.message} (set AWS_PROFILE or AWS_ACCESS_KEY_ID, or run aws configure)`,
    );
  }
  if (e.code && /^(ECONNREFUSED|ENOTFOUND|ECONNRESET|ETIMEDOUT|EHOSTUNREACH)$/.test(e.code)) {
    return new InputError(
      `cannot reach ${endpointUrl ?? 'SageMaker'} (${e.code}); is the endpoint URL right and the server running?`,
    );
  }
  return error;
}
