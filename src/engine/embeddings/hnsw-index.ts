import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CancelledError, check, InputError } from '../errors.js';
import {
  type HnswQuantize,
  type HnswRowFilter,
  isHnswQuantize,
  NativeHnswGraph,
} from '../kernels/addon/hnsw-kernels.js';
import { defaultThreads } from '../kernels/registry.js';
import type { KernelRun } from '../kernels/signatures.js';
import type { Id } from '../matrix/id-index.js';
import {
  type BatchSearchOptions,
  type EmbeddingIndex,
  type Hit,
  type SearchOptions,
  topOf,
} from './embedding-index.js';
import type { EmbeddingFilter } from './filters.js';
import { nativeHnswUnavailable } from './hnswlib.js';
import { loadIndex, saveIndex } from './index-files.js';

export interface HnswOptions extends KernelRun {
  /** Graph degree (hnswlib's M, default 16). */
  m?: number | undefined;
  /** Candidate list size while building (default 200). */
  efConstruction?: number | undefined;
  /** Candidate list size while searching (default 128): higher is slower and more exact. */
  ef?: number | undefined;
  seed?: number | undefined;
  /** Threads inserting rows (default: all cores; 1 gives the same graph for the same seed). */
  threads?: number | undefined;
  /**
   * How the graph stores each point: 'none' (float32, default; hnswlib's file format) or 'int8'
   * (a quarter of the bytes; faster builds and walks, candidates rescored exactly; reckit's own files).
   */
  quantize?: HnswQuantize | undefined;
}

/** Graph and search defaults; docs/embeddings.md gives the recall / speed curve they were picked from. */
export const HNSW_DEFAULTS = { m: 16, efConstruction: 200, ef: 128 } as const;

/** Filters that leave fewer than size / this rows are answered by the exact scan (a graph walk would starve). */
const SELECTIVE = 50;
const HEADER = 'hnsw.json';
const GRAPH = 'hnsw.bin';

/**
 * Approximate top-N over an EmbeddingIndex's vectors with an HNSW graph (hnswlib, compiled into
 * reckit's addon), with the same query methods and filters. The graph runs on inner product; a
 * per-item bias rides in one extra dimension (item [v, b], query [q, 1]); cosine rows are already
 * unit length. Returned rows are rescored exactly and ordered like the exact index;
 * docs/embeddings.md has the trade-offs.
 */
export class HnswIndex {
  private efNow = HNSW_DEFAULTS.ef as number;

  private constructor(
    readonly exact: EmbeddingIndex,
    private readonly graph: NativeHnswGraph,
    readonly m: number,
    readonly efConstruction: number,
  ) {}

  /** How the graph stores its points ('none': float32, 'int8'). */
  get quantize(): HnswQuantize {
    return this.graph.quantize;
  }

  /** Builds the graph over every row of `exact` on the addon's threads, off the event loop. */
  static async build(exact: EmbeddingIndex, o: HnswOptions = {}): Promise<HnswIndex> {
    const m = o.m ?? HNSW_DEFAULTS.m;
    const efConstruction = o.efConstruction ?? HNSW_DEFAULTS.efConstruction;
    const seed = o.seed ?? 100;
    const threads = o.threads ?? defaultThreads();
    const quantize = o.quantize ?? 'none';
    check(isHnswQuantize(quantize), () => `hnsw: quantize ${String(quantize)} must be 'none' or 'int8'`);
    check(Number.isInteger(m) && m >= 2 && m <= 256, () => `hnsw: m ${m} must be an integer in [2, 256]`);
    check(efConstruction >= 1, () => `hnsw: efConstruction ${efConstruction} must be >= 1`);
    check(Number.isInteger(seed) && seed >= 0, () => `hnsw: seed ${seed} must be a non-negative integer`);
    check(Number.isInteger(threads) && threads >= 1, () => `hnsw: threads ${threads} must be a positive integer`);
    check(exact.size > 0, () => 'hnsw: the index is empty');
    const graph = await emptyGraph(exact, quantize);
    if (o.signal?.aborted) throw new CancelledError('hnsw build cancelled');
    const { vectors, bias } = exact.data;
    await graph.build(vectors, bias ?? undefined, { m, efConstruction, seed, threads }, o);
    const index = new HnswIndex(exact, graph, m, efConstruction);
    index.setEf(o.ef ?? HNSW_DEFAULTS.ef);
    return index;
  }

  get size(): number {
    return this.exact.size;
  }
  get dim(): number {
    return this.exact.dim;
  }
  get ef(): number {
    return this.efNow;
  }
  /** Applies to later searches; a searchBatch already running may see either value. */
  setEf(ef: number): void {
    check(Number.isInteger(ef) && ef >= 1, () => `hnsw: ef ${ef} must be a positive integer`);
    this.graph.setEf(ef);
    this.efNow = ef;
  }

  search(vector: ArrayLike<number>, o: SearchOptions = {}): Hit[] {
    return this.searchPrepared(this.exact.prepareQuery(vector), this.rowFilter(o.filter), topOf(o.top), o);
  }

  /** "More like this" on the graph, the item itself excluded. */
  similar(id: Id, o: SearchOptions = {}): Hit[] {
    const r = this.exact.rowOf(id);
    check(r >= 0, () => `similar: id ${JSON.stringify(id)} is not in the index`);
    const q = this.exact.data.vectors.subarray(r * this.dim, (r + 1) * this.dim);
    const filter = { ...o.filter, exclude: [...(o.filter?.exclude ?? []), id] };
    return this.searchPrepared(q, this.rowFilter(filter), topOf(o.top), { ...o, filter });
  }

  /** Many queries, one filter: the graph walks run on the addon's threads, off the event loop. */
  async searchBatch(
    vectors: Float32Array | readonly ArrayLike<number>[],
    o: BatchSearchOptions = {},
  ): Promise<Hit[][]> {
    const d = this.dim;
    const m = vectors instanceof Float32Array ? vectors.length / d : vectors.length;
    check(
      Number.isInteger(m),
      () => `query batch: ${vectors.length} values is not a whole number of ${d}-dimensional vectors`,
    );
    const queries = new Float32Array(m * d);
    for (let q = 0; q < m; q++) {
      const v = vectors instanceof Float32Array ? vectors.subarray(q * d, (q + 1) * d) : vectors[q]!;
      queries.set(this.exact.prepareQuery(v, `query ${q}`), q * d);
    }
    const f = this.rowFilter(o.filter);
    const top = topOf(o.top);
    if (m === 0 || f.allowed === 0) return Array.from({ length: m }, () => []);
    if (f.allowed * SELECTIVE < this.size) return this.exact.searchBatch(queries, o);
    const k = Math.min(top, f.allowed);
    const rows = await this.graph.searchBatch(queries, f, k, o.threads ?? defaultThreads(), o);
    return Array.from({ length: m }, (_, q) => {
      const found = rows.subarray(q * k, (q + 1) * k);
      const n = found.indexOf(-1);
      return this.exact.rank(queries.subarray(q * d, (q + 1) * d), n < 0 ? found : found.subarray(0, n));
    });
  }

  /** Saves the exact index (index-files.ts) and the graph (hnsw.bin, hnswlib's format, + hnsw.json) into `dir`. */
  async save(dir: string): Promise<void> {
    await saveIndex(this.exact, dir);
    await this.graph.save(join(dir, GRAPH));
    const bytes = (await readFile(join(dir, GRAPH))).byteLength;
    const { m, efConstruction, ef, quantize } = this;
    const header = { m, efConstruction, ef, bytes, dim: graphDim(this.exact), quantize };
    await writeFile(join(dir, HEADER), `${JSON.stringify(header, null, 2)}\n`);
  }

  /** Loads what `save` wrote (also graphs written by hnswlib-node's writeIndex, labels = rows). */
  static async load(dir: string): Promise<HnswIndex> {
    const exact = await loadIndex(dir);
    const path = join(dir, HEADER);
    if (!existsSync(path)) throw new InputError(`${dir}: no ${HEADER} (save the HNSW index with HnswIndex.save)`);
    const h = JSON.parse(await readFile(path, 'utf8')) as {
      m: number;
      efConstruction: number;
      ef: number;
      bytes: number;
      dim: number;
      quantize?: HnswQuantize; // absent in files written before int8 graphs
    };
    const bin = join(dir, GRAPH);
    const bytes = existsSync(bin) ? (await readFile(bin)).byteLength : -1;
    if (bytes !== h.bytes || h.dim !== graphDim(exact))
      throw new InputError(`${bin}: missing or does not match ${HEADER}`);
    const quantize = h.quantize ?? 'none';
    if (!isHnswQuantize(quantize)) throw new InputError(`${path}: unknown quantize ${String(quantize)}`);
    const graph = await emptyGraph(exact, quantize);
    const count = await graph.load(bin);
    check(count === exact.size, () => `${bin}: ${count} points, the index has ${exact.size}`);
    const index = new HnswIndex(exact, graph, h.m, h.efConstruction);
    index.setEf(h.ef);
    return index;
  }

  private searchPrepared(q: Float32Array, f: RowFilter, top: number, o: SearchOptions): Hit[] {
    if (f.allowed === 0) return [];
    if (f.allowed * SELECTIVE < this.size) return this.exact.search(q, o);
    return this.exact.rank(q, this.graph.search(q, f, Math.min(top, f.allowed)));
  }

  /**
   * A request's filter for the graph walk, and how many rows it allows. The `where` mask is cached
   * per condition (and its count with it), so a request costs O(its exclude and candidate lists),
   * not a pass over every row.
   */
  private rowFilter(filter: EmbeddingFilter | undefined, skipRow?: number): RowFilter {
    if (filter === undefined && skipRow === undefined) return { allowed: this.size }; // the common request
    const { mask, exclude, candidates } = this.exact.compileFilter(filter, skipRow);
    const passes = (r: number) => !mask || mask[r] === 1;
    let allowed: number;
    if (candidates) {
      allowed = 0;
      for (const r of candidates) if (passes(r) && !sortedHas(exclude, r)) allowed++;
    } else {
      allowed = mask ? this.ones(mask) : this.size;
      for (const r of exclude) if (passes(r)) allowed--;
    }
    return { mask, exclude: exclude.length ? exclude : undefined, candidates, allowed };
  }

  private readonly counts = new WeakMap<Uint8Array, number>();

  private ones(mask: Uint8Array): number {
    let n = this.counts.get(mask);
    if (n === undefined) {
      n = 0;
      for (let i = 0; i < mask.length; i++) n += mask[i]!;
      this.counts.set(mask, n);
    }
    return n;
  }
}

interface RowFilter extends HnswRowFilter {
  allowed: number;
}

function sortedHas(sorted: Int32Array, x: number): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo] === x;
}

/** A graph for `exact`'s rows; an int8 one rescores its candidates from them (native/hnsw-search.cc). */
async function emptyGraph(exact: EmbeddingIndex, quantize: HnswQuantize): Promise<NativeHnswGraph> {
  const { vectors, bias } = exact.data;
  const graph = NativeHnswGraph.create(exact.dim, bias != null, quantize) ?? (await nativeHnswUnavailable());
  graph.rescoreFrom(vectors, bias ?? undefined);
  return graph;
}

function graphDim(exact: EmbeddingIndex): number {
  return exact.dim + (exact.data.bias ? 1 : 0);
}
