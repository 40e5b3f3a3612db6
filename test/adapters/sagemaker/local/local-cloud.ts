import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import S3rver from 's3rver';
import { ObjectStore } from '../../../../src/adapters/sagemaker/client/object-store.js';
import { type LocalSageMaker, startLocalSageMaker } from '../../../../src/adapters/sagemaker/local/local-sagemaker.js';

/** Static fake credentials: s3rver accepts these, and the local SageMaker ignores the signature. */
export const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
export const REGION = 'us-east-1';
export const BUCKET = 'reckit-test';

export interface LocalCloud {
  dir: string;
  sagemaker: LocalSageMaker;
  client: SageMakerClient;
  /** Client config for SageMakerRuntimeClient / Predictor. */
  runtimeConfig: { endpoint: string; region: string; credentials: typeof CREDENTIALS };
  store: ObjectStore;
  logs: string[];
  close(): Promise<void>;
}

/**
 * s3rver (a real S3 wire-protocol server, in-process on a free port) and a local SageMaker whose
 * containers read it through @aws-sdk/client-s3; the real SageMaker client pointed at both.
 * The S3 client needs path-style addressing and checksums only when required: s3rver predates
 * the SDK's default CRC32 checksums.
 */
export async function startLocalCloud(o: { trainingStopGraceMs?: number } = {}): Promise<LocalCloud> {
  const dir = mkdtempSync(join(tmpdir(), 'reckit-local-cloud-'));
  const s3rver = new S3rver({ port: 0, address: '127.0.0.1', directory: join(dir, 's3'), silent: true });
  const { port } = (await s3rver.run()) as { port: number };
  const s3 = {
    endpoint: `http://127.0.0.1:${port}`,
    region: REGION,
    credentials: CREDENTIALS,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED' as const,
    responseChecksumValidation: 'WHEN_REQUIRED' as const,
  };
  const store = new ObjectStore(s3);
  await store.s3().send(new CreateBucketCommand({ Bucket: BUCKET }));
  const logs: string[] = [];
  const sagemaker = await startLocalSageMaker({
    root: join(dir, 'sagemaker'),
    s3,
    region: REGION,
    trainingStopGraceMs: o.trainingStopGraceMs ?? 10_000,
    servingStopGraceMs: 10_000,
    log: (line) => logs.push(line),
  });
  const runtimeConfig = { endpoint: sagemaker.url, region: REGION, credentials: CREDENTIALS };
  const client = new SageMakerClient(runtimeConfig);
  return {
    dir,
    sagemaker,
    client,
    runtimeConfig,
    store,
    logs,
    async close() {
      client.destroy();
      await sagemaker.close();
      store.close();
      await s3rver.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Pids of live processes whose environment mentions `needle` (e.g. the local SageMaker's root). */
export function processesWith(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const env = readFileSync(`/proc/${entry}/environ`, 'utf8');
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (env.includes(needle) && !/\) Z /.test(stat)) pids.push(Number(entry));
    } catch {
      // the process ended while we looked, or is not ours to read: not one of the containers
    }
  }
  return pids;
}
