/**
 * What local mode costs: the same work in-process and through the local SageMaker, side by side.
 *  - training: `reckit train` as a function (load ml-latest-small ratings.csv, SVD 20 factors x 5
 *    epochs, save) vs CreateTrainingJob + polling DescribeTrainingJob (50 ms) until Completed,
 *    through the real SageMaker client: the difference is the process start, the /opt/ml tree,
 *    the channel copy and the model.tar.gz packing;
 *  - endpoint calls: 200 (quick: 50) single-pair text/csv predictions, `invoke()` on the loaded model vs
 *    InvokeEndpoint through the real runtime client -> local SageMaker -> serve process.
 * Run: npx tsc -p tsconfig.build.json && RECKIT_DATA_DIR=../shared/datasets node dist/bench/run.js --suite sagemaker-local
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { runTrain } from '../adapters/cli/commands/train.js';
import { deleteEndpoint, deployEndpoint } from '../adapters/sagemaker/client/endpoint-deployment.js';
import { startTrainingJob, waitForTrainingJob } from '../adapters/sagemaker/client/training-job.js';
import { invoke } from '../adapters/sagemaker/invocations.js';
import { type LocalSageMaker, startLocalSageMaker } from '../adapters/sagemaker/local/local-sagemaker.js';
import { loadModel } from '../engine/model/load-model.js';
import type { Model } from '../engine/model/model.js';
import type { CaseResult, SuiteOptions } from './bench-case.js';
import { measureSideBySide } from './harness.js';

const SUITE = 'sagemaker-local';
const PARAMS = { factors: 20, epochs: 5, seed: 1 };
const ROLE = 'arn:aws:iam::000000000000:role/bench';
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export async function runSagemakerLocalBench(o: SuiteOptions): Promise<CaseResult[]> {
  const ratings = join(o.dataDir, 'ml-latest-small', 'ratings.csv');
  const dir = await mkdtemp(join(tmpdir(), 'reckit-bench-sm-'));
  let local: LocalSageMaker | undefined;
  let client: SageMakerClient | undefined;
  let runtime: SageMakerRuntimeClient | undefined;
  let model: Model | undefined;
  let jobs = 0;
  let outs = 0;
  // Calls per timed run; fewer in the quick (CI) run, which every suite shares.
  const CALLS = o.quick ? 50 : 200;
  const size = `100,836 ratings, SVD ${PARAMS.factors} factors x ${PARAMS.epochs} epochs`;
  const common = { dataset: 'ml-latest-small', threads: 0 };
  try {
    local = await startLocalSageMaker({ root: join(dir, 'root') });
    const config = { endpoint: local.url, region: 'us-east-1', credentials: CREDENTIALS };
    client = new SageMakerClient(config);
    runtime = new SageMakerRuntimeClient({ ...config, maxAttempts: 1 });
    const sm = client;
    const rt = runtime;
    const train = () =>
      startTrainingJob(sm, {
        name: `bench-${++jobs}`,
        image: 'reckit:bench',
        roleArn: ROLE,
        hyperParameters: { algorithm: 'svd', ...PARAMS },
        channels: { train: pathToFileURL(ratings).href },
        outputPath: pathToFileURL(join(dir, 'out')).href,
      }).then((j) => waitForTrainingJob(sm, `bench-${jobs}`, { intervalMs: 50, timeoutMs: 600_000 }).then(() => j));
    const results = await measureSideBySide(
      SUITE,
      [
        {
          ...common,
          group: 'training job',
          name: 'train in-process',
          impl: 'reckit',
          size,
          backend: 'native',
          run: async () => {
            await runTrain({ data: ratings, algo: 'svd', params: PARAMS, out: join(dir, `in-process-${++outs}`) });
            return undefined;
          },
        },
        {
          ...common,
          group: 'training job',
          name: 'training job (local SageMaker)',
          impl: 'reckit-sagemaker-local',
          size,
          backend: 'native, child process',
          run: async () => {
            await train();
            return undefined;
          },
        },
      ],
      { warmup: 1, runs: o.quick ? 2 : (o.runs ?? 5) },
    );
    const done = await waitForTrainingJob(sm, `bench-${jobs}`, {});
    const artifact = done.ModelArtifacts?.S3ModelArtifacts as string;
    await deployEndpoint(
      sm,
      { endpointName: 'bench', image: 'reckit:bench', modelDataUrl: artifact, roleArn: ROLE },
      { intervalMs: 100 },
    );
    model = await loadModel(join(dir, `in-process-${outs}`));
    const m = model;
    const body = Buffer.from('1,610\n');
    const calls = await measureSideBySide(
      SUITE,
      [
        {
          ...common,
          group: 'endpoint call',
          name: `${CALLS} single-pair calls in-process`,
          impl: 'reckit',
          size: `${CALLS} x text/csv "1,610"`,
          backend: 'invoke()',
          run: () => {
            for (let k = 0; k < CALLS; k++) invoke(m, body, 'text/csv', 'text/csv');
            return { metrics: { callsPerRun: CALLS } };
          },
        },
        {
          ...common,
          group: 'endpoint call',
          name: `${CALLS} InvokeEndpoint calls (local SageMaker)`,
          impl: 'reckit-sagemaker-local',
          size: `${CALLS} x text/csv "1,610"`,
          backend: 'SDK -> local runtime -> serve',
          run: async () => {
            for (let k = 0; k < CALLS; k++) {
              await rt.send(
                new InvokeEndpointCommand({
                  EndpointName: 'bench',
                  ContentType: 'text/csv',
                  Accept: 'text/csv',
                  Body: body,
                }),
              );
            }
            return { metrics: { callsPerRun: CALLS } };
          },
        },
      ],
      { warmup: 1, runs: o.quick ? 3 : (o.runs ?? 7) },
    );
    await deleteEndpoint(sm, 'bench', { intervalMs: 100 });
    for (const r of [...results, ...calls]) o.log?.(`${r.group} | ${r.name}: median ${r.seconds?.median.toFixed(4)} s`);
    return [...results, ...calls];
  } finally {
    client?.destroy();
    runtime?.destroy();
    await local?.close();
    await rm(dir, { recursive: true, force: true });
  }
}
