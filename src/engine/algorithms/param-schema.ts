import { InputError } from '../errors.js';
import { defaultThreads } from '../kernels/registry.js';

/** One parameter: its JSON type, default and bounds (inclusive unless `above` is set). */
export interface ParamSpec {
  type: 'number' | 'integer' | 'boolean' | 'string';
  default: number | boolean | string | undefined;
  min?: number;
  max?: number;
  /** The value must be strictly greater than this. */
  above?: number;
  oneOf?: readonly string[];
  doc: string;
}

export type ParamSchema = Record<string, ParamSpec>;

/**
 * The `threads` parameter of a multi-threaded algorithm: an integer from 0 (the default: all
 * cores) to 1024. `doc` says what the threads run and whether results depend on their number.
 */
export function threadsParam(doc: string): ParamSpec {
  return { type: 'integer', default: 0, min: 0, max: 1024, doc };
}

/** The thread count a `threads` parameter (threadsParam) asks for: 0 means every core. */
export function resolveThreads(threads: number): number {
  return threads > 0 ? threads : defaultThreads();
}

/**
 * Validates plain-JSON params against a schema and fills in defaults. Unknown names, wrong types
 * and out-of-range values throw InputError naming the algorithm, the parameter, the value seen and
 * what was expected (params arrive from CLI flags and SageMaker hyperparameters, so say it fully).
 * Names are looked up as own keys of the schema: `constructor` or `__proto__` is unknown, not
 * a parameter inherited from Object.prototype.
 */
export function validateParams<T extends object>(algorithm: string, schema: ParamSchema, given: object): T {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(schema, name)) {
      throw new InputError(`${algorithm}: unknown parameter "${name}"; known: ${Object.keys(schema).join(', ')}`);
    }
  }
  for (const [name, spec] of Object.entries(schema)) {
    const v = (given as Record<string, unknown>)[name];
    if (v === undefined) {
      if (spec.default !== undefined) out[name] = spec.default;
      continue;
    }
    out[name] = checkValue(algorithm, name, spec, v);
  }
  return out as T;
}

function checkValue(algorithm: string, name: string, spec: ParamSpec, v: unknown): unknown {
  const bad = (expected: string) =>
    new InputError(`${algorithm}: parameter ${name} = ${JSON.stringify(v)}; expected ${expected}`);
  switch (spec.type) {
    case 'boolean':
      if (typeof v !== 'boolean') throw bad('true or false');
      return v;
    case 'string':
      if (typeof v !== 'string' || (spec.oneOf && !spec.oneOf.includes(v))) {
        throw bad(spec.oneOf ? `one of ${spec.oneOf.map((s) => `"${s}"`).join(', ')}` : 'a string');
      }
      return v;
    default: {
      const what = spec.type === 'integer' ? 'an integer' : 'a number';
      if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(`${what}${range(spec)}`);
      if (spec.type === 'integer' && !Number.isInteger(v)) throw bad(`${what}${range(spec)}`);
      if (
        (spec.min !== undefined && v < spec.min) ||
        (spec.max !== undefined && v > spec.max) ||
        (spec.above !== undefined && v <= spec.above)
      ) {
        throw bad(`${what}${range(spec)}`);
      }
      return v;
    }
  }
}

function range(s: ParamSpec): string {
  const parts: string[] = [];
  if (s.above !== undefined) parts.push(`> ${s.above}`);
  if (s.min !== undefined) parts.push(`>= ${s.min}`);
  if (s.max !== undefined) parts.push(`<= ${s.max}`);
  return parts.length ? ` ${parts.join(' and ')}` : '';
}
