import { describe, expect, test } from 'vitest';
import { createAlgorithm } from '../../../src/engine/algorithms/create-algorithm.js';
import {
  type ParamSchema,
  resolveThreads,
  threadsParam,
  validateParams,
} from '../../../src/engine/algorithms/param-schema.js';
import { InputError } from '../../../src/engine/errors.js';
import { defaultThreads } from '../../../src/engine/kernels/registry.js';

const schema: ParamSchema = { factors: { type: 'integer', default: 10, min: 1, doc: 'latent size' } };

describe("validateParams: names are the schema's own keys", () => {
  test.each(['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__'])(
    'an inherited Object.prototype name (%s) is an unknown parameter, not silently ignored',
    (name) => {
      // JSON.parse makes "__proto__" an own key, as a hyperparameters file or CLI JSON would.
      const given = JSON.parse(`{"${name}": 3}`) as object;
      expect(Object.keys(given)).toEqual([name]);
      expect(() => validateParams('svd', schema, given)).toThrow(InputError);
      expect(() => validateParams('svd', schema, given)).toThrow(`svd: unknown parameter "${name}"; known: factors`);
    },
  );

  test('known names still validate and defaults fill in', () => {
    expect(validateParams('svd', schema, {})).toEqual({ factors: 10 });
    expect(validateParams('svd', schema, { factors: 4 })).toEqual({ factors: 4 });
  });

  test('through an algorithm: SVD refuses constructor as a hyperparameter', () => {
    expect(() => createAlgorithm('svd', JSON.parse('{"constructor": 1}'))).toThrow(/unknown parameter "constructor"/);
  });
});

describe('threadsParam and resolveThreads', () => {
  const threads: ParamSchema = { threads: threadsParam('solver threads (0: all cores)') };

  test('0 by default, an integer from 0 to 1024, and 0 resolves to every core', () => {
    expect(validateParams('als', threads, {})).toEqual({ threads: 0 });
    expect(validateParams('als', threads, { threads: 1024 })).toEqual({ threads: 1024 });
    for (const bad of [-1, 1025, 1.5, 'four']) {
      expect(() => validateParams('als', threads, { threads: bad })).toThrow(
        /^als: parameter threads = .+; expected an integer >= 0 and <= 1024$/,
      );
    }
    expect(resolveThreads(0)).toBe(defaultThreads());
    expect(resolveThreads(3)).toBe(3);
  });
});
