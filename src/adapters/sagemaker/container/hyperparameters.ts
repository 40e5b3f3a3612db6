import { InputError } from '../../../engine/errors.js';

/**
 * hyperparameters.json as typed values. The file maps names to strings (CreateTrainingJob's
 * HyperParameters is a string map), but callers differ: Node code and the Python SDK's generic
 * Estimator send `"50"`, framework estimators JSON-encode every value (`"\"svd\""`). As the
 * training toolkit does, each value is tried as JSON and kept as the raw string when that fails,
 * so `"50"`, `50` and `"\"svd\""` all work. Python's `str(True)` ("True"/"False") reads as a
 * boolean too, and so does a JSON-encoded number or boolean (see parseValue). Names are made
 * camelCase (`learning_rate` -> `learningRate`), so reckit's own parameter names and the
 * snake_case habit of Python callers both work.
 * `sagemaker_*` names (set by the Python SDK for its own toolkits) are dropped.
 */
export function parseHyperparameters(doc: Record<string, unknown>, source: string): Hyperparameters {
  const out: Record<string, unknown> = {};
  const from: Record<string, string> = {};
  for (const [rawName, raw] of Object.entries(doc)) {
    if (rawName.startsWith('sagemaker_')) continue;
    const name = camelCase(rawName);
    if (from[name] !== undefined) {
      throw new InputError(`${source}: "${from[name]}" and "${rawName}" name the same hyperparameter; give one`);
    }
    from[name] = rawName;
    out[name] = typeof raw === 'string' ? parseValue(raw) : raw;
  }
  return { values: out, names: from };
}

export interface Hyperparameters {
  /** Typed values by camelCase name. */
  values: Record<string, unknown>;
  /** The caller's own spelling of each name, for messages. */
  names: Record<string, string>;
}

/**
 * One string value: JSON when it parses, Python's True/False as booleans, else the string itself.
 * A JSON-encoded string that holds a number or boolean (`"\"50\""`: a framework estimator given
 * the Python string '50') reads as that number or boolean, as the toolkit's user scripts get it
 * after their argparse `type=int`.
 */
export function parseValue(raw: string): unknown {
  const v = decode(raw);
  if (typeof v !== 'string') return v;
  const inner = decode(v);
  return typeof inner === 'number' || typeof inner === 'boolean' ? inner : v;
}

function decode(raw: string): unknown {
  if (raw === 'True') return true;
  if (raw === 'False') return false;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** `top_n` -> `topN`, `learning_rate` -> `learningRate`; camelCase names are left alone. */
export function camelCase(name: string): string {
  return name.replace(/[_-]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
}
