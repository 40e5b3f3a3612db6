import { check } from '../errors.js';
import type { Id, IdIndex } from '../matrix/id-index.js';
import type { Attributes } from './attributes.js';
import { type WhereFn, type WhereSpec, whereMask } from './where.js';

/** Business filters of one request, applied inside the scan (never after it). */
export interface EmbeddingFilter {
  /** Ids never returned (e.g. items the user has seen). Ids not in the index are ignored. */
  exclude?: readonly Id[] | undefined;
  /** Rank only these ids. Ids not in the index are ignored. */
  candidates?: readonly Id[] | undefined;
  /** A predicate over the index's item attributes: a JSON condition object or a function. */
  where?: WhereSpec | WhereFn | undefined;
}

/** A filter as the kernels take it: row mask (0 = skip), sorted excluded rows, candidate rows. */
export interface CompiledFilter {
  mask: Uint8Array | undefined;
  exclude: Int32Array;
  candidates: Int32Array | undefined;
}

const CACHE_SIZE = 32;

/**
 * Turns filters into row masks. A `where` object is evaluated once per distinct condition and its
 * mask cached (services repeat the same few filters); functions are evaluated on every request.
 */
export class FilterCompiler {
  private readonly cache = new Map<string, Uint8Array>();

  constructor(
    private readonly ids: IdIndex,
    private readonly attributes: () => Attributes | undefined,
  ) {}

  compile(f: EmbeddingFilter | undefined, extraExclude?: number): CompiledFilter {
    check(
      f === undefined || f === null || (typeof f === 'object' && !Array.isArray(f)),
      () => 'filter: expected an object with exclude, candidates and/or where',
    );
    const skip = new Set<number>();
    if (extraExclude !== undefined) skip.add(extraExclude);
    for (const id of list(f?.exclude, 'filter.exclude')) {
      const i = this.ids.indexOf(id);
      if (i >= 0) skip.add(i);
    }
    let candidates: Int32Array | undefined;
    if (f?.candidates !== undefined) {
      const set = new Set<number>();
      for (const id of list(f.candidates, 'filter.candidates')) {
        const i = this.ids.indexOf(id);
        if (i >= 0) set.add(i);
      }
      candidates = Int32Array.from(set).sort();
    }
    const mask = f?.where === undefined ? undefined : this.where(f.where);
    return { mask, exclude: Int32Array.from(skip).sort(), candidates };
  }

  /** One mask for a whole batch: where AND candidates AND NOT exclude (undefined when nothing filters). */
  batchMask(c: CompiledFilter): Uint8Array | undefined {
    if (!c.candidates && c.exclude.length === 0) return c.mask;
    const n = this.ids.size;
    let mask: Uint8Array;
    if (c.candidates) {
      mask = new Uint8Array(n);
      for (const i of c.candidates) mask[i] = c.mask ? c.mask[i]! : 1;
    } else {
      mask = c.mask ? c.mask.slice() : new Uint8Array(n).fill(1);
    }
    for (const i of c.exclude) mask[i] = 0;
    return mask;
  }

  private where(w: WhereSpec | WhereFn): Uint8Array {
    if (typeof w === 'function') return whereMask(this.attributes(), w, this.ids.size);
    const key = JSON.stringify(w);
    let mask = this.cache.get(key);
    if (!mask) {
      mask = whereMask(this.attributes(), w, this.ids.size);
      if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(key, mask);
    }
    return mask;
  }
}

function list(ids: readonly Id[] | undefined, what: string): readonly Id[] {
  if (ids === undefined) return [];
  check(Array.isArray(ids), () => `${what}: expected an array of ids`);
  return ids;
}
