import { InputError } from '../../engine/errors.js';
import type { Id } from '../../engine/matrix/id-index.js';
import type { FunctionsBackend } from './backend.js';
import { type BatchRow, rowError } from './batch.js';

/**
 * deploy_model(model_name, model_url), row by row: each row deploys (or finds already deployed)
 * its own model; a bad row gets its error value. Non-input faults propagate (503, retried).
 */
export async function deployRows(backend: FunctionsBackend, rows: readonly BatchRow[]): Promise<unknown[]> {
  const values: unknown[] = [];
  for (const { args } of rows) {
    const [name, url] = args;
    if (args.length !== 2 || typeof name !== 'string' || typeof url !== 'string') {
      values.push(rowError('deploy_model(model_name VARCHAR, model_url VARCHAR): expected two strings'));
      continue;
    }
    try {
      const d = await backend.deploy(name, url);
      values.push({ model_name: name, endpoint: d.endpoint, status: d.reused ? 'already deployed' : 'deployed' });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      values.push(rowError(error.message));
    }
  }
  return values;
}

/**
 * invoke_model(model_name, user_id, item_id): rows are grouped by their own model name (never one
 * name for the whole batch), each group is scored in calls of at most `chunk` pairs, and every
 * score goes back to the row it came from. Rows with a bad id or an unknown model get error values.
 */
export async function invokeRows(
  backend: FunctionsBackend,
  rows: readonly BatchRow[],
  chunk: number,
): Promise<unknown[]> {
  const values: unknown[] = new Array(rows.length).fill(null);
  const groups = new Map<string, { at: number[]; pairs: (readonly [Id, Id])[] }>();
  rows.forEach(({ args }, at) => {
    const [name, user, item] = args;
    const u = toId(user);
    const i = toId(item);
    if (args.length !== 3 || typeof name !== 'string' || u === undefined || i === undefined) {
      values[at] = rowError('invoke_model(model_name VARCHAR, user_id, item_id): expected a model name and two ids');
      return;
    }
    const g = groups.get(name) ?? { at: [], pairs: [] };
    g.at.push(at);
    g.pairs.push([u, i]);
    groups.set(name, g);
  });
  for (const [name, g] of groups) {
    for (let from = 0; from < g.pairs.length; from += chunk) {
      const part = g.pairs.slice(from, from + chunk);
      try {
        const scores = await backend.invoke(name, part);
        part.forEach((_, k) => {
          values[g.at[from + k]!] = scores[k]?.score ?? null;
        });
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        for (let k = 0; k < part.length; k++) values[g.at[from + k]!] = rowError(error.message);
      }
    }
  }
  return values;
}

/** A JSON id: a number, or a string (VARCHAR ids; digit strings that fit a double exactly become numbers). */
function toId(v: unknown): Id | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.length > 0) {
    const n = Number(v);
    return /^-?\d+$/.test(v) && Number.isSafeInteger(n) ? n : v;
  }
  return undefined;
}
