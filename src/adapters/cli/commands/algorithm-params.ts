import { InputError } from '../../../engine/errors.js';

const RESERVED = new Set(['constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf', 'isPrototypeOf']);

/**
 * `--param name=value` flags as a plain-JSON params object: values parse as JSON when they can
 * (numbers, true/false, null, quoted strings), else stay strings, so `--param factors=50
 * --param method=sgd` gives { factors: 50, method: 'sgd' }.
 */
export function parseParamFlags(flags: readonly string[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const flag of flags ?? []) {
    const eq = flag.indexOf('=');
    if (eq <= 0) throw new InputError(`--param ${flag}: expected name=value, e.g. --param factors=50`);
    const name = flag.slice(0, eq).trim();
    // A name such as __proto__ or constructor would set or shadow an Object built-in instead of a
    // parameter, and slip past an `in` check of the schema: only plain identifiers are names.
    // `algo.name` (comparing algorithms: --param als.factors=128) routes a value to one of them.
    const param = name.slice(name.indexOf('.') + 1);
    if (!/^(?:[a-z][a-z0-9-]*\.)?[A-Za-z][A-Za-z0-9_]*$/.test(name) || RESERVED.has(param)) {
      throw new InputError(`--param ${flag.slice(0, 80)}: "${name.slice(0, 40)}" is not a parameter name`);
    }
    const raw = flag.slice(eq + 1).trim();
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // Not JSON: a bare word such as `als` is meant as a string.
    }
    out[name] = value;
  }
  return out;
}

/** Commander's collector for a repeatable option. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
