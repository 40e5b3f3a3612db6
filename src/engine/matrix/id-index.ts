import { InputError } from '../errors.js';
import { checkNumericIds, isPlainIntegerId } from './id-rules.js';

/** An external user or item id as the data has it. */
export type Id = number | string;

/** Numbers with a span up to this many times the count use an array lookup instead of a Map. */
const DENSE_SPAN_FACTOR = 8;

/**
 * Vocabulary of external ids <-> dense indices 0..size-1, ids sorted ascending (numbers
 * numerically, strings by code unit), so indices do not depend on the input's row order.
 * The only place external ids and dense indices meet.
 */
export class IdIndex {
  /** Use `encode` or `fromIds`; the lookup must agree with `ids`. */
  constructor(
    /** Dense index -> external id. */
    readonly ids: Float64Array | readonly string[],
    private readonly dense: { base: number; table: Int32Array } | null,
    private readonly map: Map<Id, number> | null,
  ) {}

  get kind(): 'number' | 'string' {
    return this.ids instanceof Float64Array ? 'number' : 'string';
  }

  get size(): number {
    return this.ids.length;
  }

  /**
   * Dense index of an external id, or -1 when unknown. Under the id rules (id-rules.ts) a string
   * matches a numeric id only when written as a plain integer ("7", not "07" or "7.0"), and an
   * integer beyond 2^53 never matches: it may be a rounded neighbour of the id that was meant.
   */
  indexOf(id: Id): number {
    if (this.ids instanceof Float64Array) {
      let v: number;
      if (typeof id === 'number') v = id;
      else {
        const text = String(id).trim();
        if (!isPlainIntegerId(text)) return -1;
        v = Number(text);
      }
      if (this.dense) {
        const k = v - this.dense.base;
        return Number.isInteger(k) && k >= 0 && k < this.dense.table.length ? this.dense.table[k]! : -1;
      }
      return this.map?.get(v) ?? -1;
    }
    if (typeof id === 'number' && Number.isInteger(id) && !Number.isSafeInteger(id)) return -1;
    return this.map?.get(String(id)) ?? -1;
  }

  /** External id of a dense index. */
  idOf(index: number): Id {
    const id = this.ids[index];
    if (id === undefined) throw new InputError(`index ${index} is outside [0, ${this.size})`);
    return id;
  }

  /** Builds the index from sorted unique ids (as saved with a model). */
  static fromIds(ids: Float64Array | readonly string[]): IdIndex {
    if (ids instanceof Float64Array) {
      checkNumericIds(ids, (i) => `id ${i}`);
      return numericIndex(ids);
    }
    const map = new Map<Id, number>();
    for (let i = 0; i < ids.length; i++) map.set(ids[i]!, i);
    return new IdIndex(ids, null, map);
  }

  /** Builds the index of a column and codes every value with its dense index, in O(n) for dense integer ids. */
  static encode(values: ArrayLike<number> | readonly string[]): { index: IdIndex; codes: Int32Array } {
    const n = values.length;
    const codes = new Int32Array(n);
    if (n > 0 && typeof values[0] === 'string') {
      const strings = values as readonly string[];
      const seen = new Map<Id, number>();
      for (let i = 0; i < n; i++) if (!seen.has(strings[i]!)) seen.set(strings[i]!, 0);
      const ids = [...seen.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) as string[];
      for (let k = 0; k < ids.length; k++) seen.set(ids[k]!, k);
      for (let i = 0; i < n; i++) codes[i] = seen.get(strings[i]!) as number;
      return { index: new IdIndex(ids, null, seen), codes };
    }
    const nums = values as ArrayLike<number>;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    // Ids are safe integers from here on (checkNumericIds), so the dense table applies whenever the span is small.
    if (nums instanceof Int32Array) {
      // the common case (parsers emit Int32 ids): finite and integral by type, so only the range
      for (let i = 0; i < n; i++) {
        const v = nums[i]!;
        if (v < min) min = v;
        if (v > max) max = v;
      }
    } else {
      checkNumericIds(nums, (i) => `row ${i}`);
      for (let i = 0; i < n; i++) {
        const v = nums[i]!;
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
    if (n > 0 && max - min + 1 <= Math.max(1024, DENSE_SPAN_FACTOR * n)) {
      const table = new Int32Array(max - min + 1).fill(-1);
      for (let i = 0; i < n; i++) table[nums[i]! - min] = 0;
      let next = 0;
      for (let k = 0; k < table.length; k++) if (table[k] === 0) table[k] = next++;
      const ids = new Float64Array(next);
      for (let k = 0; k < table.length; k++) if (table[k]! >= 0) ids[table[k]!] = k + min;
      for (let i = 0; i < n; i++) codes[i] = table[nums[i]! - min]!;
      return { index: new IdIndex(ids, { base: min, table }, null), codes };
    }
    const unique = Float64Array.from(new Set(Array.from(nums))).sort();
    const index = numericIndex(unique);
    for (let i = 0; i < n; i++) codes[i] = index.indexOf(nums[i]!);
    return { index, codes };
  }
}

function numericIndex(ids: Float64Array): IdIndex {
  const n = ids.length;
  const min = n ? ids[0]! : 0;
  const max = n ? ids[n - 1]! : -1;
  const integral = ids.every((v) => Number.isInteger(v));
  if (integral && n > 0 && max - min + 1 <= Math.max(1024, DENSE_SPAN_FACTOR * n)) {
    const table = new Int32Array(max - min + 1).fill(-1);
    ids.forEach((v, i) => {
      table[v - min] = i;
    });
    return new IdIndex(ids, { base: min, table }, null);
  }
  const map = new Map<Id, number>();
  for (let i = 0; i < ids.length; i++) map.set(ids[i]!, i);
  return new IdIndex(ids, null, map);
}
