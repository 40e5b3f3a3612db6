import { check } from '../errors.js';

/**
 * Checks that each array of a model's data has the length its shape implies:
 * `[name, actual, expected]` triples; the InputError names the data type and the field.
 */
export function checkLengths(what: string, fields: readonly (readonly [string, number, number])[]): void {
  for (const [name, got, want] of fields) {
    check(got === want, () => `${what}.${name} has ${got} entries, expected ${want}`);
  }
}
