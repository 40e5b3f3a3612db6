import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { CancelledError, check, InputError } from '../errors.js';
import type { KernelRun } from '../kernels/signatures.js';
import type { Id } from '../matrix/id-index.js';
import { type EmbeddingIndex, type Hit, type SearchOptions, topOf } from './embedding-index.js';
import type { HnswLib } from './hnswlib.js';
import { loadHnswlib } from './hnswlib.js';
import { loadIndex, saveIndex } from './index-files.js';

export interface HnswOptions extends KernelRun {
  /** Graph degree (hnswlib's M, default 16). */
  m?: number | undefined;
  /** Candidate list size while building (default 200). */
  efConstruction?: number | undefined;
  /** Candidate list size while searching (default 128): higher is slower and more exact. */
  ef?: number | undefined;
  seed?: number | undefined;
}

/** Graph and search defaults; docs/embeddings.md gives the recall / speed curve they were picked from. */
export const HNSW_DEFAULTS = { m: 16, efConstruction: 200, ef: 128 } as const;

/** Filters that leave fewer than size / this rows are answered by the exact scan (a graph walk would starve). */
const SELECTIVE = 50;
const BUILD_CHUNK = 2000;
const HEADER = 'hnsw.json';

/**
 * Approximate top-N over an EmbeddingIndex's vectors with an HNSW graph (hnswlib-node), with the
 * same query methods and filters. The graph runs on inner product; a per-item bias rides in one
 * extra dimension (item [v, b], query [q, 1]); cosine rows are already unit length. Returned rows
 * are rescored exactly and ordered like the exact index; docs/embeddings.md has the trade-offs.
 */
export class HnswIndex {
  private constructor(
    readonly exact: EmbeddingIndex,
    private readonly graph: HnswLib,
    readonly m: number,
    readonly efConstruction: number,
  ) {}

  /** Builds the graph over every row of `exact`, yielding to the event loop between chunks. */
  static async build(exact: EmbeddingIndex, o: HnswOptions = {}): Promise<HnswIndex> {
    const m = o.m ?? HNSW_DEFAULTS.m;
    const efConstruction = o.efConstruction ?? HNSW_DEFAULTS.efConstruction;
    check(Number.isInteger(m) && m >= 2 && m <= 256, () => `hnsw: m ${m} must be an integer in [2, 256]`);
    check(efConstruction >= 1, () => `hnsw: efConstruction ${efConstruction} must be >= 1`);
    const lib = await loadHnswlib();
    const graph = new lib.HierarchicalNSW('ip', graphDim(exact));
    graph.initIndex({ maxElements: exact.size, m, efConstruction, randomSeed: o.seed ?? 100 });
    for (let r0 = 0; r0 < exact.size; r0 += BUILD_CHUNK) {
      if (o.signal?.aborted) throw new CancelledError('hnsw build cancelled');
      const r1 = Math.min(exact.size, r0 + BUILD_CHUNK);
      for (let r = r0; r < r1; r++) graph.addPoint(itemPoint(exact, r), r);
      o.onProgress?.(r1 / exact.size);
      await yieldToLoop();
    }
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
  /** The hnswlib-node index underneath (benchmarks time it directly against this wrapper). */
  get library(): HnswLib {
    return this.graph;
  }
  get ef(): number {
    return this.graph.getEf();
  }
  setEf(ef: number): void {
    check(Number.isInteger(ef) && ef >= 1, () => `hnsw: ef ${ef} must be a positive integer`);
    this.graph.setEf(ef);
  }

  search(vector: ArrayLike<number>, o: SearchOptions = {}): Hit[] {
    const q = this.exact.prepareQuery(vector);
    const mask = this.exact.rowMask(o.filter);
    return this.searchPrepared(q, mask, countAllowed(mask, this.size), topOf(o.top), o);
  }

  /** "More like this" on the graph, the item itself excluded. */
  similar(id: Id, o: SearchOptions = {}): Hit[] {
    const r = this.exact.rowOf(id);
    check(r >= 0, () => `similar: id ${JSON.stringify(id)} is not in the index`);
    const q = this.exact.data.vectors.subarray(r * this.dim, (r + 1) * this.dim);
    const filter = { ...o.filter, exclude: [...(o.filter?.exclude ?? []), id] };
    const mask = this.exact.rowMask(filter);
    return this.searchPrepared(q, mask, countAllowed(mask, this.size), topOf(o.top), { ...o, filter });
  }

  /** Many queries, one filter; yields to the event loop every 64 queries (the graph walk is synchronous). */
  async searchBatch(
    vectors: Float32Array | readonly ArrayLike<number>[],
    o: SearchOptions & KernelRun = {},
  ): Promise<Hit[][]> {
    const d = this.dim;
    const m = vectors instanceof Float32Array ? vectors.length / d : vectors.length;
    check(
      Number.isInteger(m),
      () => `query batch: ${vectors.length} values is not a whole number of ${d}-dimensional vectors`,
    );
    const mask = this.exact.rowMask(o.filter);
    const allowed = countAllowed(mask, this.size);
    const top = topOf(o.top);
    const out: Hit[][] = [];
    for (let q = 0; q < m; q++) {
      const v = vectors instanceof Float32Array ? vectors.subarray(q * d, (q + 1) * d) : vectors[q]!;
      out.push(this.searchPrepared(this.exact.prepareQuery(v, `query ${q}`), mask, allowed, top, o));
      if ((q & 63) === 63) {
        if (o.signal?.aborted) throw new CancelledError('search cancelled');
        o.onProgress?.(q / m);
        await yieldToLoop();
      }
    }
    return out;
  }

  /** Saves the exact index (index-files.ts) and the graph (hnsw.bin + hnsw.json) into `dir`. */
  async save(dir: string): Promise<void> {
    await saveIndex(this.exact, dir);
    await this.graph.writeIndex(join(dir, 'hnsw.bin'));
    const bytes = (await readFile(join(dir, 'hnsw.bin'))).byteLength;
    const header = { m: this.m, efConstruction: this.efConstruction, ef: this.ef, bytes, dim: graphDim(this.exact) };
    await writeFile(join(dir, HEADER), `${JSON.stringify(header, null, 2)}\n`);
  }

  /** Loads what `save` wrote. */
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
    };
    const bin = join(dir, 'hnsw.bin');
    const bytes = existsSync(bin) ? (await readFile(bin)).byteLength : -1;
    if (bytes !== h.bytes || h.dim !== graphDim(exact))
      throw new InputError(`${bin}: missing or does not match ${HEADER}`);
    const lib = await loadHnswlib();
    const graph = new lib.HierarchicalNSW('ip', h.dim);
    await graph.readIndex(bin);
    check(
      graph.getCurrentCount() === exact.size,
      () => `${bin}: ${graph.getCurrentCount()} points, the index has ${exact.size}`,
    );
    const index = new HnswIndex(exact, graph, h.m, h.efConstruction);
    index.setEf(h.ef);
    return index;
  }

  private keep: { mask: Uint8Array; fn: (label: number) => boolean } | undefined;

  /** hnswlib's filter callback for a mask, one function per mask (a batch reuses it). */
  private keepFor(mask: Uint8Array): (label: number) => boolean {
    if (this.keep?.mask !== mask) this.keep = { mask, fn: (label) => mask[label] === 1 };
    return this.keep.fn;
  }

  private searchPrepared(
    q: Float32Array,
    mask: Uint8Array | undefined,
    allowed: number,
    top: number,
    o: SearchOptions,
  ): Hit[] {
    if (allowed === 0) return [];
    if (allowed * SELECTIVE < this.size) return this.exact.search(q, o);
    const point = Array.from(q);
    if (this.exact.data.bias) point.push(1);
    const r = this.graph.searchKnn(point, Math.min(top, allowed), mask ? this.keepFor(mask) : undefined);
    return this.exact.rank(q, r.neighbors);
  }
}

function graphDim(exact: EmbeddingIndex): number {
  return exact.dim + (exact.data.bias ? 1 : 0);
}

function itemPoint(exact: EmbeddingIndex, r: number): number[] {
  const { vectors, dim, bias } = exact.data;
  const p = Array.from(vectors.subarray(r * dim, (r + 1) * dim));
  if (bias) p.push(bias[r]!);
  return p;
}

function countAllowed(mask: Uint8Array | undefined, size: number): number {
  if (!mask) return size;
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i]!;
  return n;
}
