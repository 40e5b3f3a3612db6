import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackend } from './backend-settings.js';
import { createFunctionsCore, type FunctionsCore, type FunctionsCoreOptions } from './functions-core.js';

/** The parts of an API Gateway REST proxy event (payload format 1.0) the functions use. */
export interface ApiGatewayProxyEvent {
  httpMethod: string;
  path: string;
  resource?: string;
  headers?: Record<string, string | undefined> | null;
  /** A string (JSON) that API Gateway has already decompressed; base64 only when isBase64Encoded. */
  body?: string | null;
  isBase64Encoded?: boolean;
}

export interface ApiGatewayProxyResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: false;
}

/** Lambda's synchronous response limit is 6 MB; stay under it. */
const LAMBDA_MAX_RESPONSE = 6 * 1024 * 1024 - 64 * 1024;

/**
 * An AWS Lambda proxy handler over the same core as `reckit functions serve`. Auth is API
 * Gateway's (AWS_IAM on the method, Snowflake's role in the resource policy); a shared secret is
 * checked too when one is configured. The body is not gunzipped again (API Gateway did it).
 */
export function createLambdaHandler(
  core: FunctionsCore,
): (event: ApiGatewayProxyEvent) => Promise<ApiGatewayProxyResult> {
  return async (event) => {
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(event.headers ?? {})) headers[k.toLowerCase()] = v ?? undefined;
    const body = event.body ?? '';
    const r = await core.handle({
      method: event.httpMethod,
      path: event.path ?? event.resource ?? '/',
      headers,
      body: event.isBase64Encoded ? Buffer.from(body, 'base64') : body,
    });
    return { statusCode: r.status, headers: r.headers, body: r.body, isBase64Encoded: false };
  };
}

let fromEnv: ((event: ApiGatewayProxyEvent) => Promise<ApiGatewayProxyResult>) | undefined;

/**
 * The deployable handler, configured from the environment: RECKIT_WAREHOUSE (e.g. snowflake:prod,
 * credentials from SNOWFLAKE_* variables), RECKIT_STATE_DIR (default /tmp/reckit-functions; use a
 * mounted EFS path so batch state outlives the container), RECKIT_FUNCTIONS_SECRET (optional);
 * RECKIT_BACKEND=sagemaker with RECKIT_SAGEMAKER_ROLE, RECKIT_S3_PREFIX, RECKIT_SAGEMAKER_IMAGE and
 * optionally RECKIT_SAGEMAKER_INSTANCE_TYPE trains and serves on SageMaker (AWS credentials: the
 * function's role, through the SDK's default chain).
 */
export async function handler(event: ApiGatewayProxyEvent): Promise<ApiGatewayProxyResult> {
  fromEnv ??= createLambdaHandler(createFunctionsCore(await lambdaOptions(process.env)));
  return fromEnv(event);
}

async function lambdaOptions(env: NodeJS.ProcessEnv): Promise<FunctionsCoreOptions> {
  const stateDir = env.RECKIT_STATE_DIR ?? join(tmpdir(), 'reckit-functions');
  const backend = await createBackend(
    {
      backend: env.RECKIT_BACKEND || undefined,
      warehouse: env.RECKIT_WAREHOUSE ?? 'snowflake:',
      stateDir,
      roleArn: env.RECKIT_SAGEMAKER_ROLE,
      s3Prefix: env.RECKIT_S3_PREFIX,
      image: env.RECKIT_SAGEMAKER_IMAGE,
      instanceType: env.RECKIT_SAGEMAKER_INSTANCE_TYPE || undefined,
    },
    {
      backend: 'RECKIT_BACKEND',
      roleArn: 'RECKIT_SAGEMAKER_ROLE',
      s3Prefix: 'RECKIT_S3_PREFIX',
      image: 'RECKIT_SAGEMAKER_IMAGE',
    },
  );
  return {
    backend,
    stateDir,
    secret: env.RECKIT_FUNCTIONS_SECRET || undefined,
    maxResponseBytes: LAMBDA_MAX_RESPONSE,
  };
}
