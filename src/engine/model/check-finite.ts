import { InputError } from '../errors.js';
import type { IdIndex } from '../matrix/id-index.js';

/** One array of a model's numbers: its name in messages, values, values per row and the ids of the rows. */
export interface FiniteField {
  name: string;
  values: ArrayLike<number>;
  /** Values per row (k for factors, 1 for biases). */
  width?: number | undefined;
  /** Names the row's external id in the message. */
  ids?: IdIndex | undefined;
}

/**
 * Refuses a model holding NaN or +-Infinity (docs/data-and-ids.md, "Diverged training"): such a
 * model predicts NaN for the rows involved, and the server would answer them as known. `where`
 * starts the message (the model directory, or "cannot save the svd model"); `hint` ends it.
 */
export function checkFinite(where: string, fields: readonly FiniteField[], hint: string): void {
  for (const f of fields) {
    const a = f.values;
    for (let i = 0; i < a.length; i++) {
      const v = a[i]!;
      if (v - v === 0) continue;
      const row = Math.floor(i / (f.width ?? 1));
      const id = f.ids && row < f.ids.size ? ` (id ${f.ids.idOf(row)})` : '';
      throw new InputError(`${where}: ${f.name} row ${row}${id} holds ${v}; ${hint}`);
    }
  }
}
