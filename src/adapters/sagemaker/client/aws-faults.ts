import { InputError } from '../../../engine/errors.js';

/** Error names AWS services use for "slow down" or "try again": never the caller's fault. */
const TRANSIENT_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'SlowDown',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
  'InternalServerError',
  'InternalError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ModelNotReadyException',
]);

interface SdkError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/**
 * True for faults a retry can cure: AWS's throttling names (sent with HTTP 400 on the JSON
 * protocols, which is why the status alone misleads), 429, 5xx, and network errors (no status).
 */
export function isTransientAwsError(error: unknown): boolean {
  const e = error as SdkError;
  if (error instanceof InputError) return false;
  if (e?.name && TRANSIENT_NAMES.has(e.name)) return true;
  const status = e?.$metadata?.httpStatusCode;
  if (status === undefined) return true;
  return status === 429 || status >= 500;
}

/**
 * Runs one step against AWS and sorts its failure for the External Functions core: transient
 * faults are rethrown as they are (the core answers 503 and Snowflake retries the batch); any
 * other AWS 4xx (a bad name, a missing object, a quota) becomes an InputError naming the step,
 * which the core answers as the row's error value. docs/snowflake.md, "The SageMaker backend".
 */
export async function awsStep<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof InputError || isTransientAwsError(error)) throw error;
    const e = error as SdkError;
    throw new InputError(`${what}: ${e.name ?? 'Error'}: ${e.message ?? String(error)}`, { cause: error });
  }
}
