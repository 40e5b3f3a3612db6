import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { SageMakerRuntimeClientConfig } from '@aws-sdk/client-sagemaker-runtime';
import { InputError } from '../../../engine/errors.js';
import { ObjectStore } from '../../sagemaker/client/object-store.js';

/** Flags every `reckit sagemaker` command shares; the rest comes from the SDK's default chain. */
export interface AwsFlags {
  endpointUrl?: string | undefined;
  s3EndpointUrl?: string | undefined;
  region?: string | undefined;
}

export interface AwsClients {
  sagemaker: SageMakerClient;
  runtimeConfig: SageMakerRuntimeClientConfig;
  store: ObjectStore;
  close(): void;
}

/** The AWS SDK's own off switch for its Node version notice (and for nothing else). */
const SDK_NODE_WARNING_OFF = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

/**
 * On Node < 22 the AWS SDK prints a NodeVersionSupportWarning (future SDK releases will need a
 * newer Node) the first time a client is made: once for every `reckit sagemaker` command, about
 * the SDK's plans rather than anything the user asked. This turns off that one notice, through the
 * SDK's switch for it, unless the user has set the switch; every other warning still prints.
 */
export function quietSdkNodeVersionWarning(env: NodeJS.ProcessEnv = process.env): void {
  env[SDK_NODE_WARNING_OFF] ??= 'true';
}

/**
 * The SageMaker client, runtime config and S3 store for a command. Region and credentials come
 * from flags, else the SDK's default chain (AWS_REGION, AWS_PROFILE, ~/.aws/config and
 * credentials, SSO, instance roles); `--endpoint-url` (or AWS_ENDPOINT_URL_SAGEMAKER, which the
 * SDK reads itself) points at `reckit sagemaker local`. Credentials are never printed.
 */
export function awsClients(f: AwsFlags, env = process.env): AwsClients {
  const region = f.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const endpoint = f.endpointUrl ?? env.RECKIT_SAGEMAKER_ENDPOINT_URL;
  if (endpoint !== undefined && !/^https?:\/\//.test(endpoint)) {
    throw new InputError(`--endpoint-url "${endpoint}" is not an http(s) URL`);
  }
  // A local endpoint still needs a region to sign with; any value does.
  const common = {
    ...(region ? { region } : endpoint ? { region: 'us-east-1' } : {}),
    ...(endpoint ? { endpoint } : {}),
  };
  const s3Endpoint = f.s3EndpointUrl ?? env.AWS_ENDPOINT_URL_S3;
  const store = new ObjectStore({
    ...(common.region ? { region: common.region } : {}),
    ...(s3Endpoint ? { endpoint: s3Endpoint, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED' } : {}),
  });
  const sagemaker = new SageMakerClient(common);
  return {
    sagemaker,
    runtimeConfig: { ...common, maxAttempts: 1 },
    store,
    close() {
      sagemaker.destroy();
      store.close();
    },
  };
}

/** `name=value` flags as a string map (hyperparameters, environment). */
export function parsePairs(flag: string, values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new InputError(`${flag} ${v}: expected name=value`);
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}

/** The status waits print on stderr, on a terminal only. */
export function statusPrinter(isTTY: boolean, err: (s: string) => void, what: string): (status: string) => void {
  return (status) => {
    if (isTTY) err(`${what}: ${status}\n`);
  };
}
