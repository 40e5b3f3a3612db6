import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A temporary folder laid out as SageMaker's /opt/ml for one container (docs/sagemaker-local.md, "/opt/ml"). */
export interface OptMlTree {
  root: string;
  model: string;
  outputData: string;
  failure: string;
  channel(name: string): string;
}

export async function createOptMlTree(parent: string, prefix: string): Promise<OptMlTree> {
  await mkdir(parent, { recursive: true });
  const root = await mkdtemp(join(parent, `${prefix}-`));
  const tree: OptMlTree = {
    root,
    model: join(root, 'model'),
    outputData: join(root, 'output', 'data'),
    failure: join(root, 'output', 'failure'),
    channel: (name) => join(root, 'input', 'data', name),
  };
  await mkdir(join(root, 'input', 'config'), { recursive: true });
  await mkdir(join(root, 'input', 'data'), { recursive: true });
  await mkdir(tree.model, { recursive: true });
  await mkdir(tree.outputData, { recursive: true });
  return tree;
}

export interface TrainingConfig {
  hyperParameters: Record<string, string>;
  channels: { name: string; contentType?: string | undefined; distribution: string }[];
  instanceType: string;
  instanceCount: number;
}

/**
 * input/config/{hyperparameters,inputdataconfig,resourceconfig}.json as the platform writes them:
 * hyperparameters exactly as given (strings), the lower-case resourceconfig.json, File mode.
 */
export async function writeTrainingConfig(tree: OptMlTree, c: TrainingConfig): Promise<void> {
  const dir = join(tree.root, 'input', 'config');
  const channels: Record<string, unknown> = {};
  for (const ch of c.channels) {
    channels[ch.name] = {
      ...(ch.contentType ? { ContentType: ch.contentType } : {}),
      TrainingInputMode: 'File',
      S3DistributionType: ch.distribution,
      RecordWrapperType: 'None',
    };
  }
  const hosts = Array.from({ length: c.instanceCount }, (_, i) => `algo-${i + 1}`);
  await writeFile(join(dir, 'hyperparameters.json'), JSON.stringify(c.hyperParameters));
  await writeFile(join(dir, 'inputdataconfig.json'), JSON.stringify(channels));
  await writeFile(
    join(dir, 'resourceconfig.json'),
    JSON.stringify({
      current_host: 'algo-1',
      current_instance_type: c.instanceType,
      current_group_name: 'homogeneousCluster',
      hosts,
      instance_groups: [{ instance_group_name: 'homogeneousCluster', instance_type: c.instanceType, hosts }],
      network_interface_name: 'eth0',
    }),
  );
}

/** The first 1024 characters of output/failure (DescribeTrainingJob.FailureReason's limit), or undefined. */
export async function readFailure(tree: OptMlTree): Promise<string | undefined> {
  const text = await readFile(tree.failure, 'utf8').catch(() => undefined);
  return text?.trim() ? text.slice(0, 1024) : undefined;
}
