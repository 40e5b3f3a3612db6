import type { Algorithm } from '../algorithms/algorithm.js';
import { InputError } from '../errors.js';
import type { RatingMatrix } from '../matrix/rating-matrix.js';
import { type CrossValidateOptions, type CrossValidateResult, crossValidate } from './cross-validate.js';

export interface GridSearchOptions extends CrossValidateOptions {
  /** The mean figure to rank by, default rmse. */
  measure?: string | undefined;
  /** Whether larger is better (ndcg, precision ...); default false for rmse/mae, true otherwise. */
  maximise?: boolean | undefined;
}

export interface GridSearchRow {
  params: Record<string, unknown>;
  score: number;
  result: CrossValidateResult;
}

export interface GridSearchResult {
  measure: string;
  /** One row per parameter combination, in grid order (keys in insertion order, last varies fastest). */
  rows: GridSearchRow[];
  best: GridSearchRow;
}

/**
 * Surprise's GridSearchCV: cross-validates every combination of `grid` (same folds for all, from
 * the seed) and picks the best mean `measure`. `create` builds a configured algorithm from one
 * combination, e.g. `(p) => new SVD(p)`.
 */
export async function gridSearch(
  create: (params: Record<string, unknown>) => Algorithm<object>,
  grid: Record<string, readonly unknown[]>,
  matrix: RatingMatrix,
  o: GridSearchOptions = {},
): Promise<GridSearchResult> {
  const measure = o.measure ?? 'rmse';
  const maximise = o.maximise ?? !['rmse', 'mae'].includes(measure);
  const combos = product(grid);
  const rows: GridSearchRow[] = [];
  for (const [c, params] of combos.entries()) {
    const result = await crossValidate(create(params), matrix, {
      ...o,
      onProgress: o.onProgress && ((f) => o.onProgress?.((c + f) / combos.length)),
    }).catch((error: unknown) => {
      // a combination that is out of range or diverges (divergence.ts): say which one it was
      if (error instanceof InputError) {
        throw new InputError(`gridSearch: params ${JSON.stringify(params)}: ${error.message}`, { cause: error });
      }
      throw error;
    });
    const score = result.mean[measure];
    if (score === undefined) {
      throw new InputError(`gridSearch: no mean "${measure}"; have ${Object.keys(result.mean).join(', ')}`);
    }
    rows.push({ params, score, result });
  }
  let best = rows[0]!;
  for (const r of rows) if (maximise ? r.score > best.score : r.score < best.score) best = r;
  return { measure, rows, best };
}

function product(grid: Record<string, readonly unknown[]>): Record<string, unknown>[] {
  let out: Record<string, unknown>[] = [{}];
  for (const [name, values] of Object.entries(grid)) {
    if (!Array.isArray(values) || values.length === 0) {
      throw new InputError(`gridSearch: grid.${name} must be a non-empty array of values`);
    }
    out = out.flatMap((p) => values.map((v) => ({ ...p, [name]: v })));
  }
  return out;
}
