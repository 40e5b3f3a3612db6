import { check, InputError } from '../errors.js';
import { type Id, IdIndex } from '../matrix/id-index.js';

/** How a query vector scores an item vector. `cosine` normalises the items once at build. */
export type Metric = 'dot' | 'cosine';

/** What an EmbeddingIndex holds: rows sorted by id, so ties (equal scores) come out in id order. */
export interface EmbeddingData {
  ids: IdIndex;
  /** size x dim, row-major, row r = ids.idOf(r); unit length per row when metric is cosine. */
  vectors: Float32Array;
  dim: number;
  metric: Metric;
  /** Per-row term added to every score (e.g. a factor model's item bias); null for none. */
  bias: Float32Array | null;
}

export interface BuildOptions {
  metric?: Metric | undefined;
  /** One bias per input row, in the same order as the ids. */
  bias?: ArrayLike<number> | undefined;
  /** Where the rows came from, for error messages (a file path, "Arrow table", ...). */
  source?: string | undefined;
}

/**
 * Validates ids + row-major vectors (n x dim) and builds the index's data: duplicate or missing
 * ids and non-finite values are InputErrors naming the row; rows are reordered by id (a copy only
 * when they are not already in id order or cosine needs unit rows).
 */
export function buildEmbeddingData(
  ids: ArrayLike<number> | readonly string[],
  vectors: Float32Array | Float64Array,
  dim: number,
  o: BuildOptions = {},
): EmbeddingData {
  const where = o.source ?? 'embeddings';
  const metric = o.metric ?? 'dot';
  check(metric === 'dot' || metric === 'cosine', () => `${where}: metric "${metric}" is not "dot" or "cosine"`);
  check(Number.isInteger(dim) && dim >= 1, () => `${where}: dimension ${dim} must be a positive integer`);
  const n = ids.length;
  check(n > 0, () => `${where}: the index is empty (no item vectors)`);
  check(
    vectors.length === n * dim,
    () => `${where}: ${vectors.length} values for ${n} ids of dimension ${dim} (expected ${n * dim})`,
  );
  check(!o.bias || o.bias.length === n, () => `${where}: ${o.bias?.length} biases for ${n} ids`);
  for (let r = 0; r < n; r++) {
    const id = ids[r];
    if (id === null || id === undefined || (typeof id === 'number' && !Number.isFinite(id))) {
      throw new InputError(`${where} row ${r}: missing or non-finite id`);
    }
  }
  const { index, codes } = IdIndex.encode(ids);
  if (index.size !== n) throw new InputError(`${where}: ${duplicateMessage(ids, codes)}`);
  const sorted = codes.every((c, r) => c === r);
  const out = sorted && metric === 'dot' && vectors instanceof Float32Array ? vectors : new Float32Array(n * dim);
  const bias = o.bias ? new Float32Array(n) : null;
  for (let r = 0; r < n; r++) {
    const to = codes[r]!;
    let norm = 0;
    for (let f = 0; f < dim; f++) {
      const v = vectors[r * dim + f]!;
      if (!Number.isFinite(v)) throw new InputError(`${where} row ${r} (id ${ids[r]}): value ${f} is ${v}`);
      norm += v * v;
    }
    const scale = metric === 'cosine' ? 1 / Math.sqrt(norm) : 1;
    if (metric === 'cosine' && norm === 0) {
      throw new InputError(`${where} row ${r} (id ${ids[r]}): zero vector has no cosine similarity`);
    }
    if (out !== vectors) for (let f = 0; f < dim; f++) out[to * dim + f] = vectors[r * dim + f]! * scale;
    if (bias) {
      const b = o.bias?.[r] as number;
      if (!Number.isFinite(b)) throw new InputError(`${where} row ${r} (id ${ids[r]}): bias is ${b}`);
      bias[to] = b;
    }
  }
  return { ids: index, vectors: out, dim, metric, bias };
}

function duplicateMessage(ids: ArrayLike<number> | readonly string[], codes: Int32Array): string {
  const first = new Map<number, number>();
  for (let r = 0; r < codes.length; r++) {
    const c = codes[r]!;
    const prev = first.get(c);
    if (prev !== undefined) return `id ${ids[r]} appears twice (rows ${prev} and ${r})`;
    first.set(c, r);
  }
  return 'duplicate ids';
}

/** A query vector checked against the index: length, finite values; unit length for cosine. */
export function queryVector(d: EmbeddingData, v: ArrayLike<number>, what: string): Float32Array {
  check(
    v !== null && typeof v === 'object' && typeof v.length === 'number',
    () => `${what}: expected an array of ${d.dim} numbers`,
  );
  check(v.length === d.dim, () => `${what}: has ${v.length} values, the index has dimension ${d.dim}`);
  const out = new Float32Array(d.dim);
  let norm = 0;
  for (let f = 0; f < d.dim; f++) {
    const x = v[f];
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new InputError(`${what}: value ${f} is ${String(x)}`);
    out[f] = x;
    norm += x * x;
  }
  if (d.metric === 'cosine') {
    check(norm > 0, () => `${what}: a zero vector has no cosine similarity`);
    const s = 1 / Math.sqrt(norm);
    for (let f = 0; f < d.dim; f++) out[f] = out[f]! * s;
  }
  return out;
}

export type { Id };
