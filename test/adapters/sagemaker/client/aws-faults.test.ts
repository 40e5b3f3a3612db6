import { expect, test } from 'vitest';
import { awsStep, isTransientAwsError } from '../../../../src/adapters/sagemaker/client/aws-faults.js';
import { InputError } from '../../../../src/engine/errors.js';

/** An error as the AWS SDK v3 raises it: the service's type as `name`, the HTTP status in `$metadata`. */
function sdkError(name: string, status: number | undefined, message = `${name} happened`): Error {
  return Object.assign(new Error(message), { name, $metadata: status === undefined ? {} : { httpStatusCode: status } });
}

test('throttling sent as HTTP 400, 429, 5xx and network errors are transient; other 4xx are not', () => {
  const transient = [
    sdkError('ThrottlingException', 400),
    sdkError('Throttling', 400),
    sdkError('SlowDown', 503),
    sdkError('ModelNotReadyException', 429),
    sdkError('InternalFailure', 500),
    sdkError('Anything', 502),
    sdkError('TimeoutError', undefined, 'socket hang up'),
  ];
  for (const e of transient) expect(isTransientAwsError(e), e.name).toBe(true);
  const permanent = [
    sdkError('ValidationException', 400),
    sdkError('ResourceLimitExceeded', 400),
    sdkError('AccessDeniedException', 403),
    sdkError('NoSuchBucket', 404),
    sdkError('ModelError', 424),
    new InputError('bad table'),
  ];
  for (const e of permanent) expect(isTransientAwsError(e), e.name).toBe(false);
});

test('awsStep: transient faults pass through unchanged, other AWS 4xx become InputErrors naming the step', async () => {
  const throttled = sdkError('ThrottlingException', 400, 'Rate exceeded');
  await expect(awsStep('training job x', () => Promise.reject(throttled))).rejects.toBe(throttled);
  const bad = awsStep('endpoint m', () => Promise.reject(sdkError('ValidationException', 400, 'Could not find model')));
  await expect(bad).rejects.toBeInstanceOf(InputError);
  await expect(bad).rejects.toThrow('endpoint m: ValidationException: Could not find model');
  expect(await awsStep('ok', async () => 42)).toBe(42);
});
