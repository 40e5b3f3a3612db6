import type { KernelRun } from '../signatures.js';
import { loadBinding, type NativeBinding, type NativeHandle, type NativeJob } from './binding.js';
import { callNative, runNative } from './run-native.js';

/** The native HNSW kernels (native/hnsw-build.cc, hnsw-search.cc); present when the addon was built with hnswlib's headers. */
export interface HnswBinding {
  hnswCreate(dim: number, bias: boolean, int8: boolean): NativeHandle;
  hnswBuild(
    graph: NativeHandle,
    vectors: Float32Array,
    bias: Float32Array | null,
    m: number,
    efConstruction: number,
    seed: number,
    threads: number,
  ): NativeJob<number>;
  hnswLoad(graph: NativeHandle, path: string): NativeJob<number>;
  hnswSave(graph: NativeHandle, path: string): NativeJob<void>;
  hnswSetEf(graph: NativeHandle, ef: number): void;
  hnswSearch(
    graph: NativeHandle,
    query: Float32Array,
    mask: Uint8Array | null,
    exclude: Int32Array | null,
    candidates: Int32Array | null,
    k: number,
    outRows: Int32Array,
    rows: Float32Array | null,
    bias: Float32Array | null,
  ): number;
  hnswSearchBatch(
    graph: NativeHandle,
    queries: Float32Array,
    mask: Uint8Array | null,
    exclude: Int32Array | null,
    candidates: Int32Array | null,
    k: number,
    threads: number,
    outRows: Int32Array,
    rows: Float32Array | null,
    bias: Float32Array | null,
  ): NativeJob<void>;
}

/** Which rows a search may return: mask byte 1 (no mask: all), in `candidates` (sorted; absent: all), not in `exclude` (sorted). */
export interface HnswRowFilter {
  mask?: Uint8Array | undefined;
  exclude?: Int32Array | undefined;
  candidates?: Int32Array | undefined;
}

export interface HnswGraphBuild {
  m: number;
  efConstruction: number;
  seed: number;
  threads: number;
}

/** How the graph stores its points: float32 ('none', hnswlib's own format) or int8 codes + a scale (native/hnsw-spaces.h). */
export type HnswQuantize = 'none' | 'int8';

export function isHnswQuantize(x: unknown): x is HnswQuantize {
  return x === 'none' || x === 'int8';
}

/**
 * An HNSW graph in the native addon over `dim`-dimensional rows (plus one bias coordinate when
 * `bias`), labelled by row number. Its memory is freed when this object is collected.
 */
export class NativeHnswGraph {
  private constructor(
    private readonly b: HnswBinding,
    private readonly handle: NativeHandle,
    readonly dim: number,
    readonly bias: boolean,
    readonly quantize: HnswQuantize,
  ) {}

  /** An empty graph, or undefined when the addon is missing or was built without hnswlib's headers. */
  static create(dim: number, bias: boolean, quantize: HnswQuantize): NativeHnswGraph | undefined {
    const b = loadBinding() as (NativeBinding & Partial<HnswBinding>) | null;
    if (!b?.hnswCreate) return undefined;
    const binding = b as NativeBinding & HnswBinding;
    return new NativeHnswGraph(
      binding,
      callNative(() => binding.hnswCreate(dim, bias, quantize === 'int8')),
      dim,
      bias,
      quantize,
    );
  }

  /** Inserts every row (row r gets label r) on `threads` threads; resolves to the point count. */
  build(vectors: Float32Array, bias: Float32Array | undefined, o: HnswGraphBuild, run?: KernelRun): Promise<number> {
    const { m, efConstruction, seed, threads } = o;
    return runNative(() => this.b.hnswBuild(this.handle, vectors, bias ?? null, m, efConstruction, seed, threads), run);
  }

  /** Reads a graph file in hnswlib's format; resolves to its point count. */
  load(path: string): Promise<number> {
    return runNative(() => this.b.hnswLoad(this.handle, path));
  }

  save(path: string): Promise<void> {
    return runNative(() => this.b.hnswSave(this.handle, path));
  }

  setEf(ef: number): void {
    callNative(() => this.b.hnswSetEf(this.handle, ef));
  }

  private exact: [Float32Array | null, Float32Array | null] = [null, null];

  /**
   * The float32 rows (row-major, dim each) and biases an int8 graph rescores its candidates from;
   * they must not change afterwards. A float32 graph ignores them.
   */
  rescoreFrom(rows: Float32Array, bias: Float32Array | undefined): void {
    if (this.quantize === 'int8') this.exact = [rows, bias ?? null];
  }

  /** The k nearest rows the filter allows, nearest first; fewer when fewer are reachable. */
  search(query: Float32Array, f: HnswRowFilter, k: number): Int32Array {
    const out = new Int32Array(k);
    const { mask, exclude, candidates } = f;
    const n = callNative(() =>
      this.b.hnswSearch(this.handle, query, mask ?? null, exclude ?? null, candidates ?? null, k, out, ...this.exact),
    );
    return out.subarray(0, n);
  }

  /** Many queries (row-major) on `threads` threads off the event loop: k rows each, -1 padded. */
  async searchBatch(
    queries: Float32Array,
    f: HnswRowFilter,
    k: number,
    threads: number,
    run?: KernelRun,
  ): Promise<Int32Array> {
    const out = new Int32Array((queries.length / this.dim) * k);
    const { mask, exclude, candidates } = f;
    await runNative(
      () =>
        this.b.hnswSearchBatch(
          this.handle,
          queries,
          mask ?? null,
          exclude ?? null,
          candidates ?? null,
          k,
          threads,
          out,
          ...this.exact,
        ),
      run,
    );
    return out;
  }
}
