import { readFile } from 'node:fs/promises';
import { InputError } from '../../../engine/errors.js';
import type { Id } from '../../../engine/matrix/id-index.js';
import { batchRecommend } from '../../sagemaker/client/batch-transform.js';
import { deleteEndpoint, deployEndpoint } from '../../sagemaker/client/endpoint-deployment.js';
import { parseUri } from '../../sagemaker/client/object-store.js';
import type { WaitOptions } from '../../sagemaker/client/poll.js';
import { Predictor } from '../../sagemaker/client/predictor.js';
import { downloadModelArtifact, startTrainingJob, waitForTrainingJob } from '../../sagemaker/client/training-job.js';
import { writeTableFile } from '../write-table-file.js';
import type { AwsClients } from './sagemaker-config.js';

export interface TrainRequest {
  name: string;
  image: string;
  role: string;
  outputPath: string;
  channels: Record<string, string>;
  hyperParameters: Record<string, string>;
  instanceType?: string | undefined;
  maxRuntimeSeconds?: number | undefined;
  wait: boolean;
  download?: string | undefined;
}

/** `reckit sagemaker train`: start (or find, on a retry) the job, wait, optionally fetch the model. */
export async function sagemakerTrain(c: AwsClients, r: TrainRequest, w: WaitOptions) {
  parseUri(r.outputPath);
  for (const uri of Object.values(r.channels)) parseUri(uri);
  const started = await startTrainingJob(c.sagemaker, {
    name: r.name,
    image: r.image,
    roleArn: r.role,
    outputPath: r.outputPath,
    channels: r.channels,
    hyperParameters: r.hyperParameters,
    instanceType: r.instanceType,
    maxRuntimeSeconds: r.maxRuntimeSeconds,
  });
  if (!r.wait) return { job: r.name, arn: started.arn, created: started.created };
  const d = await waitForTrainingJob(c.sagemaker, r.name, w);
  const artifact = d.ModelArtifacts?.S3ModelArtifacts;
  if (r.download && artifact) await downloadModelArtifact(c.store, artifact, r.download);
  return {
    job: r.name,
    arn: started.arn,
    created: started.created,
    status: d.TrainingJobStatus,
    modelArtifacts: artifact,
    metrics: Object.fromEntries((d.FinalMetricDataList ?? []).map((m) => [m.MetricName, m.Value])),
    ...(r.download ? { downloadedTo: r.download } : {}),
  };
}

export async function sagemakerDeploy(
  c: AwsClients,
  r: {
    endpoint: string;
    modelData: string;
    image: string;
    role: string;
    instanceCount: number;
    instanceType?: string | undefined;
    environment: Record<string, string>;
  },
  w: WaitOptions,
) {
  parseUri(r.modelData);
  return deployEndpoint(
    c.sagemaker,
    {
      endpointName: r.endpoint,
      modelDataUrl: r.modelData,
      image: r.image,
      roleArn: r.role,
      instanceCount: r.instanceCount,
      instanceType: r.instanceType,
      ...(Object.keys(r.environment).length ? { environment: r.environment } : {}),
    },
    w,
  );
}

export async function sagemakerDelete(c: AwsClients, endpoint: string, w: WaitOptions) {
  return { endpoint, deleted: await deleteEndpoint(c.sagemaker, endpoint, w) };
}

/** `reckit sagemaker invoke`: pairs, users' top N or rating vectors, one answer per instance. */
export async function sagemakerInvoke(
  c: AwsClients,
  r: { endpoint: string; pairs: string[]; users: string[]; top: number; ratings: string[] },
  signal?: AbortSignal,
) {
  const predictor = new Predictor(r.endpoint, { clientConfig: c.runtimeConfig, signal });
  try {
    if (r.pairs.length) {
      const pairs = r.pairs.map((p) => {
        const [u, i, extra] = p.split(',');
        if (!u || !i || extra !== undefined) throw new InputError(`--pair ${p}: expected user,item`);
        return [id(u), id(i)] as [Id, Id];
      });
      return (await predictor.predict(pairs)).map((s, k) => ({ user: pairs[k]?.[0], item: pairs[k]?.[1], ...s }));
    }
    if (r.users.length) return predictor.recommend(r.users.map(id), r.top);
    if (r.ratings.length) {
      const vectors = await Promise.all(r.ratings.map(ratingsArg));
      return predictor.cluster(vectors);
    }
    throw new InputError('give --pair user,item, --user ID (with --top N) or --ratings JSON|@file');
  } finally {
    predictor.close();
  }
}

export async function sagemakerTransform(
  c: AwsClients,
  r: {
    job: string;
    model: string;
    usersFile: string;
    top: number;
    inputPath: string;
    outputPath: string;
    instances: number;
    out?: string | undefined;
  },
  w: WaitOptions,
) {
  const text = await readFile(r.usersFile, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new InputError(`--users-file ${r.usersFile}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  });
  const users = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .map(id);
  if (users.length === 0) throw new InputError(`--users-file ${r.usersFile}: no user ids (one per line)`);
  const table = await batchRecommend(
    c.sagemaker,
    c.store,
    {
      jobName: r.job,
      modelName: r.model,
      users,
      n: r.top,
      inputPath: r.inputPath,
      outputPath: r.outputPath,
      instanceCount: r.instances,
    },
    w,
  );
  const written = r.out ? await writeTableFile(r.out, table) : undefined;
  return {
    job: r.job,
    users: users.length,
    rows: table.numRows,
    ...(r.out ? { out: r.out, bytes: written?.bytes } : {}),
  };
}

/** A number when the text is one, else the string (ids are numbers or strings). */
function id(s: string): Id {
  const n = Number(s);
  return s.trim() !== '' && Number.isFinite(n) ? n : s;
}

/** `--ratings '[4,0,3.5]'`, `--ratings '{"50": 4}'` or `--ratings @file.json`. */
async function ratingsArg(arg: string): Promise<number[] | Record<string, number>> {
  const text = arg.startsWith('@') ? await readFile(arg.slice(1), 'utf8') : arg;
  try {
    const v = JSON.parse(text) as unknown;
    if (Array.isArray(v) || (v !== null && typeof v === 'object')) return v as number[] | Record<string, number>;
  } catch {
    // reported below
  }
  throw new InputError(
    `--ratings ${arg.slice(0, 40)}: expected a JSON array (one value per item) or an {item: rating} object`,
  );
}
