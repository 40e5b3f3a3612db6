import type { Algorithm } from '../../../engine/algorithms/algorithm.js';
import { createAlgorithm } from '../../../engine/algorithms/create-algorithm.js';
import { parseColumnMapping } from '../../../engine/data/guess-columns.js';
import type { RatingColumns } from '../../../engine/data/ratings-layout.js';
import { InputError } from '../../../engine/errors.js';
import type { RatingScale } from '../../../engine/matrix/rating-matrix.js';
import type { Hyperparameters } from './hyperparameters.js';

/** What one `train` run does, read from its hyperparameters (docs/sagemaker-container.md). */
export interface TrainSettings {
  algorithm: Algorithm<object>;
  /** Channel to read (default: "train", "training", or the only one configured). */
  channel?: string | undefined;
  /** Ratings from this warehouse table instead of a channel (needs `warehouse`). */
  inputTable?: string | undefined;
  /** Each user's top-N to this warehouse table (needs `warehouse`), as seed 1 does. */
  outputTable?: string | undefined;
  warehouse?: string | undefined;
  /** Items per user in the top-N output; set alone, the lists go to output/data/<topNFile>. */
  topN?: number | undefined;
  topNFile: string;
  /** Recommend items the user rated in training too (default false). */
  includeSeen: boolean;
  /** Data options for generic files and tables. */
  columns?: RatingColumns | undefined;
  delimiter?: string | undefined;
  header?: boolean | undefined;
  scale?: RatingScale | undefined;
  skipBad: boolean;
  /** Hyperparameters the run ignored, said on stdout. */
  notes: string[];
}

/** reckit's own hyperparameters (camelCase); every other name is a parameter of the algorithm. */
export const CONTAINER_HYPERPARAMETERS = [
  'algorithm',
  'seed',
  'channel',
  'inputTable',
  'outputTable',
  'warehouse',
  'topN',
  'topNFile',
  'includeSeen',
  'columns',
  'delimiter',
  'header',
  'scale',
  'skipBad',
] as const;

/** The same names as a Python caller writes them, for messages. */
const SNAKE = CONTAINER_HYPERPARAMETERS.map((n) => n.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)).join(', ');

/**
 * Splits hyperparameters into reckit's own and the algorithm's, and builds the algorithm: its
 * parameters go through the same schema as `reckit train --param`, so a bad one fails here,
 * before any data is read. `seed` reaches the algorithm when its schema has one.
 */
export function trainSettings(hp: Hyperparameters): TrainSettings {
  const v = hp.values;
  const name = (key: string) => hp.names[key] ?? key;
  const str = (key: string) => optionalString(v[key], name(key));
  const bool = (key: string) => optionalBoolean(v[key], name(key));
  const params: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(v)) {
    if (!(CONTAINER_HYPERPARAMETERS as readonly string[]).includes(key)) params[key] = value;
  }
  const algo = str('algorithm') ?? 'svd';
  const notes: string[] = [];
  let algorithm = build(algo, params);
  const seed = v.seed;
  if (seed !== undefined) {
    if (!Number.isInteger(seed) || (seed as number) < 0) {
      throw new InputError(`hyperparameter ${name('seed')} = ${JSON.stringify(seed)}; expected an integer >= 0`);
    }
    if ('seed' in algorithm.params && params.seed === undefined) algorithm = build(algo, { ...params, seed });
    else if (!('seed' in algorithm.params)) notes.push(`${algo} has no seed; hyperparameter ${name('seed')} ignored`);
  }
  const topN = v.topN;
  if (topN !== undefined && (!Number.isInteger(topN) || (topN as number) < 1 || (topN as number) > 10_000)) {
    throw new InputError(`hyperparameter ${name('topN')} = ${JSON.stringify(topN)}; expected an integer in [1, 10000]`);
  }
  const s: TrainSettings = {
    algorithm,
    channel: str('channel'),
    inputTable: str('inputTable'),
    outputTable: str('outputTable'),
    warehouse: str('warehouse'),
    topN: topN as number | undefined,
    topNFile: str('topNFile') ?? 'recommendations.csv',
    includeSeen: bool('includeSeen') ?? false,
    columns: columns(v.columns, name('columns')),
    delimiter: str('delimiter'),
    header: bool('header'),
    scale: scale(v.scale, name('scale')),
    skipBad: bool('skipBad') ?? false,
    notes,
  };
  if ((s.inputTable || s.outputTable) && !s.warehouse) {
    const which = s.inputTable ? name('inputTable') : name('outputTable');
    throw new InputError(`hyperparameter ${which} needs a warehouse hyperparameter too, e.g. duckdb:/path/file.duckdb`);
  }
  if (s.inputTable && s.channel) {
    throw new InputError(`give either ${name('inputTable')} or ${name('channel')}, not both: both name the ratings`);
  }
  if (!/^[\w.-]+\.(csv|jsonl|parquet|arrow)$/.test(s.topNFile)) {
    throw new InputError(
      `hyperparameter ${name('topNFile')} = ${JSON.stringify(s.topNFile)}; expected a file name ending .csv, .jsonl, .parquet or .arrow`,
    );
  }
  return s;
}

/** createAlgorithm with the hyperparameters' names in the message when a parameter is unknown. */
function build(algo: string, params: Record<string, unknown>): Algorithm<object> {
  try {
    return createAlgorithm(algo, params);
  } catch (error) {
    if (error instanceof InputError && /unknown parameter/.test(error.message)) {
      throw new InputError(`hyperparameters: ${error.message}; reckit's own: ${SNAKE}`, { cause: error });
    }
    if (error instanceof InputError) throw new InputError(`hyperparameters: ${error.message}`, { cause: error });
    throw error;
  }
}

function optionalString(x: unknown, name: string): string | undefined {
  if (x === undefined) return undefined;
  // A numeric-looking value such as a table named 2024 was parsed as JSON; the caller meant text.
  if (typeof x === 'number') return String(x);
  if (typeof x !== 'string' || x === '') {
    throw new InputError(`hyperparameter ${name} = ${JSON.stringify(x)}; expected a non-empty string`);
  }
  return x;
}

function optionalBoolean(x: unknown, name: string): boolean | undefined {
  if (x === undefined) return undefined;
  if (typeof x !== 'boolean')
    throw new InputError(`hyperparameter ${name} = ${JSON.stringify(x)}; expected true or false`);
  return x;
}

/** `user=USERID,item=MOVIEID,rating=RATING` (names or 0-based positions), or the same as a JSON object. */
function columns(x: unknown, name: string): RatingColumns | undefined {
  if (x === undefined) return undefined;
  const text =
    typeof x === 'string'
      ? x
      : x !== null && typeof x === 'object' && !Array.isArray(x)
        ? Object.entries(x)
            .map(([k, c]) => `${k}=${c}`)
            .join(',')
        : undefined;
  if (text === undefined) {
    throw new InputError(
      `hyperparameter ${name} = ${JSON.stringify(x)}; expected e.g. user=USERID,item=MOVIEID,rating=RATING`,
    );
  }
  try {
    return parseColumnMapping(text);
  } catch (error) {
    throw new InputError(`hyperparameter ${name}: ${(error as Error).message.replace(/^--columns:? ?/, '')}`);
  }
}

/** `1..5`, `[1, 5]` or `{"min": 1, "max": 5}`. */
function scale(x: unknown, name: string): RatingScale | undefined {
  if (x === undefined) return undefined;
  let min = Number.NaN;
  let max = Number.NaN;
  if (typeof x === 'string') {
    const m = /^\s*(-?[\d.]+)\s*\.\.\s*(-?[\d.]+)\s*$/.exec(x);
    if (m) [min, max] = [Number(m[1]), Number(m[2])];
  } else if (Array.isArray(x) && x.length === 2) [min, max] = [Number(x[0]), Number(x[1])];
  else if (x !== null && typeof x === 'object') {
    const o = x as { min?: unknown; max?: unknown };
    [min, max] = [Number(o.min), Number(o.max)];
  }
  if (!Number.isFinite(min) || !Number.isFinite(max) || max <= min) {
    throw new InputError(`hyperparameter ${name} = ${JSON.stringify(x)}; expected MIN..MAX, e.g. 1..5 or 0.5..5`);
  }
  return { min, max };
}
