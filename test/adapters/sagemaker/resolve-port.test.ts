import { expect, test } from 'vitest';
import { resolvePort } from '../../../src/adapters/sagemaker/serve-model.js';
import { InputError } from '../../../src/engine/errors.js';

test('port: --port, else SAGEMAKER_BIND_TO_PORT, else 8080', () => {
  expect(resolvePort(undefined, {})).toBe(8080);
  expect(resolvePort(undefined, { SAGEMAKER_BIND_TO_PORT: '9090' })).toBe(9090);
  expect(resolvePort('8181', { SAGEMAKER_BIND_TO_PORT: '9090' })).toBe(8181);
  expect(resolvePort('0', {})).toBe(0);
  expect(() => resolvePort('http', {})).toThrow(InputError);
  expect(() => resolvePort(undefined, { SAGEMAKER_BIND_TO_PORT: '70000' })).toThrow(/SAGEMAKER_BIND_TO_PORT "70000"/);
});
