import {
  CreateTransformJobCommand,
  DescribeTransformJobCommand,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { makeVector, Table, type Vector, vectorFromArray } from 'apache-arrow';
import { InputError } from '../../../engine/errors.js';
import type { Id } from '../../../engine/matrix/id-index.js';
import { joinUri, type ObjectStore } from './object-store.js';
import { pollUntil, type WaitOptions } from './poll.js';

export interface BatchRecommendSpec {
  /** Transform job name (unique; reusing one waits on that job instead of starting another). */
  jobName: string;
  /** A model created by CreateModel (e.g. deployEndpoint's modelName). */
  modelName: string;
  users: readonly Id[];
  /** Items per user (default 10). */
  n?: number | undefined;
  /** S3 prefix the user shards are written under (`part-00000.jsonl`, ...). */
  inputPath: string;
  /** S3 prefix the job writes `<shard>.out` under. */
  outputPath: string;
  /** Instances of the transform job (default 2). */
  instanceCount?: number | undefined;
  instanceType?: string | undefined;
  /** Shard files (default 2 per instance): SageMaker hands whole objects to instances. */
  shards?: number | undefined;
  maxPayloadMb?: number | undefined;
}

/**
 * Bulk top-N when one machine is not enough: the users are cut into jsonlines shards
 * (`{"user": u, "top": n}` per line), a batch transform job runs them over several instances
 * (SplitType Line, MultiRecord, AssembleWith Line), and the answers are read back in shard order
 * into one long Arrow table (user, rank, item, score), the shape of topNLongTable.
 */
export async function batchRecommend(
  client: SageMakerClient,
  store: ObjectStore,
  s: BatchRecommendSpec,
  wait: WaitOptions = {},
): Promise<Table> {
  const n = s.n ?? 10;
  const instances = s.instanceCount ?? 2;
  const shards = Math.max(1, Math.min(s.shards ?? instances * 2, s.users.length));
  const names: string[] = [];
  for (let k = 0; k < shards; k++) {
    const from = Math.floor((k * s.users.length) / shards);
    const to = Math.floor(((k + 1) * s.users.length) / shards);
    const name = `part-${String(k).padStart(5, '0')}.jsonl`;
    const body = s.users
      .slice(from, to)
      .map((user) => `${JSON.stringify({ user, top: n })}\n`)
      .join('');
    await store.write(joinUri(s.inputPath, name), body);
    names.push(name);
  }
  try {
    await client.send(
      new CreateTransformJobCommand({
        TransformJobName: s.jobName,
        ModelName: s.modelName,
        BatchStrategy: 'MultiRecord',
        MaxPayloadInMB: s.maxPayloadMb ?? 6,
        TransformInput: {
          DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: s.inputPath } },
          ContentType: 'application/jsonlines',
          SplitType: 'Line',
        },
        TransformOutput: { S3OutputPath: s.outputPath, Accept: 'application/jsonlines', AssembleWith: 'Line' },
        TransformResources: { InstanceType: (s.instanceType ?? 'ml.m5.large') as never, InstanceCount: instances },
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ResourceInUse') throw error;
  }
  const d = await pollUntil(
    `transform job ${s.jobName}`,
    () => client.send(new DescribeTransformJobCommand({ TransformJobName: s.jobName })),
    (d) => d.TransformJobStatus as string,
    (d) => ['Completed', 'Failed', 'Stopped'].includes(d.TransformJobStatus as string),
    { intervalMs: 500, ...wait },
  );
  if (d.TransformJobStatus !== 'Completed') {
    throw new InputError(
      `transform job ${s.jobName} ${d.TransformJobStatus?.toLowerCase()}: ${d.FailureReason ?? 'no reason given'}`,
    );
  }
  const rows = { user: [] as Id[], rank: [] as number[], item: [] as Id[], score: [] as number[] };
  for (const name of names) {
    const text = (await store.read(joinUri(s.outputPath, `${name}.out`))).toString('utf8');
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      const a = JSON.parse(line) as { user: Id; items: Id[]; scores: number[] };
      a.items.forEach((item, j) => {
        rows.user.push(a.user);
        rows.rank.push(j + 1);
        rows.item.push(item);
        rows.score.push(a.scores[j]!);
      });
    }
  }
  return new Table({
    user: idColumn(rows.user),
    rank: makeVector(Int32Array.from(rows.rank)),
    item: idColumn(rows.item),
    score: makeVector(Float32Array.from(rows.score)),
  });
}

/** Int32 when every id is an int32 (as topNLongTable does), else Float64 or Utf8. */
function idColumn(ids: Id[]): Vector {
  if (ids.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= -(2 ** 31) && x < 2 ** 31)) {
    return makeVector(Int32Array.from(ids as number[]));
  }
  if (ids.every((x) => typeof x === 'number')) return makeVector(Float64Array.from(ids as number[]));
  return vectorFromArray(ids.map(String));
}
