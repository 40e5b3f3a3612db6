import { createHash } from 'node:crypto';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  DescribeEndpointCommand,
  type DescribeEndpointCommandOutput,
  DescribeEndpointConfigCommand,
  type SageMakerClient,
  UpdateEndpointCommand,
} from '@aws-sdk/client-sagemaker';
import { InputError } from '../../../engine/errors.js';
import { pollUntil, type WaitOptions } from './poll.js';

export interface DeploySpec {
  endpointName: string;
  image: string;
  /** The model.tar.gz a training job wrote (ModelArtifacts.S3ModelArtifacts). */
  modelDataUrl: string;
  roleArn: string;
  instanceType?: string | undefined;
  instanceCount?: number | undefined;
  environment?: Record<string, string> | undefined;
}

export interface Deployment {
  endpointName: string;
  modelName: string;
  configName: string;
  /** What deploy did: a new endpoint, an update in place to a new version, or nothing (already serving it). */
  action: 'created' | 'updated' | 'unchanged';
}

/**
 * Model, endpoint config and endpoint for one model version, with names derived from the endpoint
 * and a hash of what is deployed (`<endpoint>-<hash10>`): deploying the same thing twice changes
 * nothing; a new version gets a new model + config and the endpoint is updated in place
 * (UpdateEndpoint, configs being immutable), then the previous version's config and model (named
 * by this scheme) are deleted. Waits for InService; a failure throws with SageMaker's reason.
 */
export async function deployEndpoint(
  client: SageMakerClient,
  s: DeploySpec,
  wait: WaitOptions = {},
): Promise<Deployment> {
  const hash = createHash('sha256')
    .update(JSON.stringify([s.image, s.modelDataUrl, s.environment ?? {}, s.instanceType ?? '', s.instanceCount ?? 1]))
    .digest('hex')
    .slice(0, 10);
  const name = `${s.endpointName.slice(0, 52).replace(/-+$/, '')}-${hash}`;
  await ignoreExisting(
    client.send(
      new CreateModelCommand({
        ModelName: name,
        ExecutionRoleArn: s.roleArn,
        PrimaryContainer: {
          Image: s.image,
          ModelDataUrl: s.modelDataUrl,
          ...(s.environment ? { Environment: s.environment } : {}),
        },
      }),
    ),
  );
  await ignoreExisting(
    client.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: name,
        ProductionVariants: [
          {
            VariantName: 'AllTraffic',
            ModelName: name,
            InitialInstanceCount: s.instanceCount ?? 1,
            InstanceType: (s.instanceType ?? 'ml.m5.large') as never,
            InitialVariantWeight: 1,
          },
        ],
      }),
    ),
  );
  let current = await findEndpoint(client, s.endpointName);
  if (current) current = await waitSettled(client, s.endpointName, wait);
  if (current?.EndpointStatus === 'Failed') {
    // SageMaker cannot update a Failed endpoint: it is deleted (with its config and models) and created again.
    await deleteEndpoint(client, s.endpointName, wait);
    current = undefined;
  }
  let action: Deployment['action'] = 'unchanged';
  if (!current) {
    await client.send(new CreateEndpointCommand({ EndpointName: s.endpointName, EndpointConfigName: name }));
    action = 'created';
  } else if (current.EndpointConfigName !== name) {
    await client.send(new UpdateEndpointCommand({ EndpointName: s.endpointName, EndpointConfigName: name }));
    action = 'updated';
  }
  const done = await waitSettled(client, s.endpointName, wait);
  if (done.EndpointStatus !== 'InService' || done.EndpointConfigName !== name) {
    throw new InputError(
      `endpoint ${s.endpointName} did not ${action === 'updated' ? 'update' : 'start'}: ${done.FailureReason ?? done.EndpointStatus}`,
    );
  }
  const previous = current?.EndpointConfigName;
  if (action === 'updated' && previous && previous.startsWith(`${name.slice(0, -10)}`))
    await deleteConfigAndModels(client, previous);
  return { endpointName: s.endpointName, modelName: name, configName: name, action };
}

/**
 * Deletes the endpoint, then its config, then the config's models (SageMaker's order), waiting
 * until the endpoint is gone. Returns false when there was no such endpoint.
 */
export async function deleteEndpoint(
  client: SageMakerClient,
  endpointName: string,
  wait: WaitOptions = {},
): Promise<boolean> {
  const e = await findEndpoint(client, endpointName);
  if (!e) return false;
  await client.send(new DeleteEndpointCommand({ EndpointName: endpointName }));
  await pollUntil(
    `deletion of endpoint ${endpointName}`,
    () => findEndpoint(client, endpointName),
    (d) => d?.EndpointStatus ?? 'deleted',
    (d) => d === undefined,
    { intervalMs: 500, ...wait },
  );
  if (e.EndpointConfigName) await deleteConfigAndModels(client, e.EndpointConfigName);
  return true;
}

/** DescribeEndpoint, or undefined when SageMaker says it could not find it. */
export async function findEndpoint(
  client: SageMakerClient,
  name: string,
): Promise<DescribeEndpointCommandOutput | undefined> {
  try {
    return await client.send(new DescribeEndpointCommand({ EndpointName: name }));
  } catch (error) {
    if ((error as Error).name === 'ValidationException' && /Could not find/i.test((error as Error).message))
      return undefined;
    throw error;
  }
}

/** Waits out Creating/Updating/SystemUpdating/RollingBack; returns the settled description. */
export function waitSettled(
  client: SageMakerClient,
  name: string,
  wait: WaitOptions,
): Promise<DescribeEndpointCommandOutput> {
  return pollUntil(
    `endpoint ${name}`,
    async () => {
      const d = await findEndpoint(client, name);
      if (!d) throw new InputError(`endpoint ${name} disappeared while waiting for it`);
      return d;
    },
    (d) => d.EndpointStatus as string,
    (d) => ['InService', 'Failed', 'OutOfService', 'UpdateRollbackFailed'].includes(d.EndpointStatus as string),
    { intervalMs: 500, ...wait },
  );
}

async function deleteConfigAndModels(client: SageMakerClient, configName: string): Promise<void> {
  const config = await client
    .send(new DescribeEndpointConfigCommand({ EndpointConfigName: configName }))
    .catch(() => undefined);
  if (!config) return;
  await client.send(new DeleteEndpointConfigCommand({ EndpointConfigName: configName }));
  for (const v of config.ProductionVariants ?? []) {
    if (v.ModelName) await client.send(new DeleteModelCommand({ ModelName: v.ModelName })).catch(() => undefined);
  }
}

/** Create* of a name that exists already: the same version deployed before, fine. */
async function ignoreExisting(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (error) {
    if (!/already exist/i.test((error as Error).message)) throw error;
  }
}
