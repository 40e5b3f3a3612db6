import type { Table } from 'apache-arrow';
import { check, InputError } from '../errors.js';
import { defaultThreads, kernels } from '../kernels/registry.js';
import type { ItemFactors, KernelRun, Kernels, TopNResult } from '../kernels/signatures.js';
import type { Id } from '../matrix/id-index.js';
import { type Attributes, alignAttributes } from './attributes.js';
import { type CompiledFilter, type EmbeddingFilter, FilterCompiler } from './filters.js';
import { type BuildOptions, buildEmbeddingData, type EmbeddingData, type Metric, queryVector } from './index-data.js';

/** One result: an item id and its score (inner product or cosine, plus the item's bias if any). */
export interface Hit {
  id: Id;
  score: number;
}

export interface SearchOptions {
  /** How many results (default 10). */
  top?: number | undefined;
  filter?: EmbeddingFilter | undefined;
}

export interface BatchSearchOptions extends SearchOptions, KernelRun {
  /** Native worker threads (default: all cores). */
  threads?: number | undefined;
}

export interface IndexOptions extends BuildOptions {
  /** Item attributes for `filter.where`: an Arrow table with one row per item. */
  attributes?: Table | undefined;
  /** The id column of `attributes` (default "id"). */
  attributesId?: string | undefined;
  /** Kernel backend (default: the active one, native when built). */
  backend?: Kernels | undefined;
}

/** Candidate lists shorter than nItems / this are scored one by one; longer ones become a mask. */
const CANDIDATE_SCAN_RATIO = 16;
const MAX_TOP = 100_000;

/**
 * Exact top-N over item embeddings: score(q, i) = q . v_i (+ bias_i), or cosine (rows and queries
 * scaled to unit length). Rows are kept in id order, so equal scores come out by id. Filters
 * become a row mask that the kernel's scan skips. docs/embeddings.md describes the whole API.
 */
export class EmbeddingIndex {
  private readonly filters: FilterCompiler;
  private readonly items: ItemFactors;

  constructor(
    readonly data: EmbeddingData,
    readonly attributes: Attributes | undefined = undefined,
    private readonly backend: Kernels = kernels(),
  ) {
    this.filters = new FilterCompiler(data.ids, () => this.attributes);
    const n = data.ids.size;
    this.items = {
      factors: data.vectors,
      bias: data.bias ?? new Float32Array(n),
      k: data.dim,
      eligible: new Uint8Array(n).fill(1),
    };
  }

  /** From ids and row-major vectors (ids.length x dim). A Float32Array in id order and `dot` is used without a copy. */
  static fromArrays(
    ids: ArrayLike<number> | readonly string[],
    vectors: Float32Array | Float64Array,
    dim: number,
    o: IndexOptions = {},
  ): EmbeddingIndex {
    const data = buildEmbeddingData(ids, vectors, dim, o);
    const attrs = o.attributes ? alignAttributes(o.attributes, data.ids, o.attributesId) : undefined;
    return new EmbeddingIndex(data, attrs, o.backend);
  }

  get size(): number {
    return this.data.ids.size;
  }
  get dim(): number {
    return this.data.dim;
  }
  get metric(): Metric {
    return this.data.metric;
  }
  /** Whether the index holds this id. */
  has(id: Id): boolean {
    return this.data.ids.indexOf(id) >= 0;
  }
  /** The stored vector of an id (unit length for cosine) as a view, undefined when unknown. */
  vector(id: Id): Float32Array | undefined {
    const i = this.data.ids.indexOf(id);
    return i < 0 ? undefined : this.data.vectors.subarray(i * this.dim, (i + 1) * this.dim);
  }

  /** The same vectors with item attributes for `filter.where`. */
  withAttributes(table: Table, idColumn = 'id'): EmbeddingIndex {
    return new EmbeddingIndex(this.data, alignAttributes(table, this.data.ids, idColumn), this.backend);
  }

  /** Top items for one query vector. Synchronous: one scan of the index. */
  search(vector: ArrayLike<number>, o: SearchOptions = {}): Hit[] {
    const q = queryVector(this.data, vector, 'query vector');
    return this.searchRow(q, this.filters.compile(o.filter), topOf(o.top));
  }

  /** "More like this": top items for an indexed item's own vector, the item itself excluded. */
  similar(id: Id, o: SearchOptions = {}): Hit[] {
    const i = this.data.ids.indexOf(id);
    check(i >= 0, () => `similar: id ${JSON.stringify(id)} is not in the index`);
    const q = this.data.vectors.subarray(i * this.dim, (i + 1) * this.dim);
    return this.searchRow(q, this.filters.compile(o.filter, i), topOf(o.top));
  }

  /**
   * Top items for many query vectors (row-major m x dim, or one array per query), on the native
   * batched kernel off the event loop; one filter for the whole batch.
   */
  async searchBatch(
    vectors: Float32Array | readonly ArrayLike<number>[],
    o: BatchSearchOptions = {},
  ): Promise<Hit[][]> {
    const queries = this.batchQueries(vectors);
    const n = topOf(o.top);
    const m = queries.length / this.dim;
    if (m === 0) return [];
    const mask = this.filters.batchMask(this.filters.compile(o.filter));
    const r = await this.backend.maskedTopNBatch(
      { items: this.items, mask, queries, n, threads: o.threads ?? defaultThreads() },
      { signal: o.signal, onProgress: o.onProgress },
    );
    return Array.from({ length: m }, (_, q) => this.hits(r, q * n, n));
  }

  // ---- for the approximate index (hnsw-index.ts), which shares the data and the filters ----

  /** A query vector checked and (cosine) normalised as `search` takes it. */
  prepareQuery(vector: ArrayLike<number>, what = 'query vector'): Float32Array {
    return queryVector(this.data, vector, what);
  }

  /** Dense row of an id, -1 when unknown. */
  rowOf(id: Id): number {
    return this.data.ids.indexOf(id);
  }

  /** The filter as the kernels take it: the `where` mask (cached per condition), sorted excluded and candidate rows. */
  compileFilter(filter: EmbeddingFilter | undefined, skipRow?: number): CompiledFilter {
    return this.filters.compile(filter, skipRow);
  }

  /** The filter as one row mask (1 = may be returned); undefined when nothing is filtered. */
  rowMask(filter: EmbeddingFilter | undefined, skipRow?: number): Uint8Array | undefined {
    return this.filters.batchMask(this.filters.compile(filter, skipRow));
  }

  /** Scores rows for a prepared query exactly as the reference kernel does, best first, ties by id. */
  rank(query: Float32Array, rows: ArrayLike<number>): Hit[] {
    const { vectors, dim, bias, ids } = this.data;
    const scored = Array.from(rows, (r) => {
      let dot = 0;
      for (let f = 0; f < dim; f++) dot += query[f]! * vectors[r * dim + f]!;
      return { r, s: Math.fround(dot + (bias ? bias[r]! : 0)) };
    });
    scored.sort((a, b) => b.s - a.s || a.r - b.r);
    return scored.map((x) => ({ id: ids.idOf(x.r), score: x.s }));
  }

  private searchRow(vector: Float32Array, f: CompiledFilter, n: number): Hit[] {
    let { mask, candidates } = f;
    if (candidates && candidates.length * CANDIDATE_SCAN_RATIO >= this.size) {
      mask = this.filters.batchMask({ mask, exclude: new Int32Array(0), candidates });
      candidates = undefined;
    }
    const r = this.backend.maskedTopNVector(this.items, mask, {
      vector,
      offset: 0,
      n,
      exclude: f.exclude,
      candidates,
      // One thread: it screens with the int8 copy of the vectors (a quarter of the memory traffic);
      // measured faster per query than splitting the float32 scan over 2 cores.
      threads: 1,
    });
    return this.hits(r, 0, n);
  }

  private batchQueries(vectors: Float32Array | readonly ArrayLike<number>[]): Float32Array {
    const d = this.dim;
    if (vectors instanceof Float32Array) {
      check(
        vectors.length % d === 0,
        () => `query batch: ${vectors.length} values is not a whole number of ${d}-dimensional vectors`,
      );
      const m = vectors.length / d;
      const out = this.metric === 'cosine' ? new Float32Array(vectors.length) : vectors;
      for (let q = 0; q < m; q++) {
        const row = queryVector(this.data, vectors.subarray(q * d, (q + 1) * d), `query ${q}`);
        if (out !== vectors) out.set(row, q * d);
      }
      return out;
    }
    check(Array.isArray(vectors), () => 'query batch: expected a Float32Array or an array of vectors');
    const out = new Float32Array(vectors.length * d);
    vectors.forEach((v, q) => {
      out.set(queryVector(this.data, v, `query ${q}`), q * d);
    });
    return out;
  }

  private hits(r: TopNResult, at: number, n: number): Hit[] {
    const out: Hit[] = [];
    for (let j = 0; j < n; j++) {
      const i = r.items[at + j]!;
      if (i < 0) break;
      out.push({ id: this.data.ids.idOf(i), score: r.scores[at + j]! });
    }
    return out;
  }
}

/** Checks a requested result count (default 10). */
export function topOf(top: number | undefined): number {
  const n = top ?? 10;
  if (!Number.isInteger(n) || n < 1 || n > MAX_TOP) {
    throw new InputError(`top must be an integer in [1, ${MAX_TOP}], got ${String(top)}`);
  }
  return n;
}
