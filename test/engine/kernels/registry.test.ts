import { describe, expect, test } from 'vitest';
import { InputError } from '../../../src/engine/errors.js';
import { backend, kernels } from '../../../src/engine/kernels/registry.js';
import type { BackendName } from '../../../src/engine/kernels/signatures.js';

describe('kernel backends by name', () => {
  test('reference is the TypeScript twins', () => {
    expect(backend('reference').name).toBe('reference');
  });

  test('an unknown name from untyped code is refused, not answered with native kernels', () => {
    const typo = 'ts' as BackendName;
    expect(() => backend(typo)).toThrow(InputError);
    expect(() => backend(typo)).toThrow(/backend "ts" is not a backend/);
  });

  test('RECKIT_BACKEND with an unknown value is refused naming it', () => {
    expect(() => kernels('fast')).toThrow(/RECKIT_BACKEND="fast" is not a backend/);
  });
});
