import {
  Field,
  Float32,
  Int32,
  List,
  makeData,
  makeVector,
  Struct,
  type Table,
  tableFromArrays,
  type Vector,
} from 'apache-arrow';
import { InputError } from '../errors.js';
import { kernels as activeKernels } from '../kernels/registry.js';
import type { Csr, KernelRun, Kernels } from '../kernels/signatures.js';
import { idValues, numberValues } from './arrow-columns.js';
import { type Id, IdIndex } from './id-index.js';

export interface RatingScale {
  min: number;
  max: number;
}

export interface FromTableOptions extends KernelRun {
  /** Declared scale; ratings outside it are refused. Default: the observed [min, max]. */
  scale?: RatingScale | undefined;
  /** Names the input in error messages (a file name, a table name). */
  source?: string | undefined;
  /** Column names, default user/item/rating/timestamp. */
  columns?: { user?: string; item?: string; rating?: string; timestamp?: string } | undefined;
  kernels?: Kernels | undefined;
}

export interface BuildReport {
  /** Input rows dropped because a later row had the same (user, item). */
  duplicates: number;
  seconds: number;
}

/**
 * An immutable user x item rating matrix: CSR by user (and CSC by item, built lazily), ids mapped
 * to dense indices by `users`/`items`. Memory is the typed arrays themselves: ~8 bytes per rating
 * per orientation (+8 with timestamps). Rows are sorted by item index.
 */
export class RatingMatrix {
  private cscCache: Promise<Csr> | undefined;

  constructor(
    readonly csr: Csr,
    readonly users: IdIndex,
    readonly items: IdIndex,
    readonly scale: RatingScale,
    /** Unix seconds for each CSR entry, when the data has them. */
    readonly timestamps?: Float64Array | undefined,
    /** The input row each CSR entry came from (matrices built by fromTable; not kept by subset). */
    readonly sourceRows?: Int32Array | undefined,
  ) {
    if (csr.nRows !== users.size || csr.nCols !== items.size) {
      throw new InputError(
        `CSR is ${csr.nRows}x${csr.nCols} but the indexes hold ${users.size} users, ${items.size} items`,
      );
    }
  }

  /**
   * Builds the matrix from an Arrow table with user, item, rating[, timestamp] columns in O(nnz)
   * (counting sort, no per-row objects). Duplicate (user, item) pairs keep the last row.
   */
  static async fromTable(
    table: Table,
    o: FromTableOptions = {},
  ): Promise<{ matrix: RatingMatrix; report: BuildReport }> {
    const t0 = performance.now();
    const source = o.source ?? 'ratings';
    const c = { user: 'user', item: 'item', rating: 'rating', timestamp: 'timestamp', ...o.columns };
    const ratings = numberValues(table, c.rating, source, Float32Array);
    const scale = checkRatings(ratings, o.scale, source, c.rating);
    const u = IdIndex.encode(idValues(table, c.user, source));
    const i = IdIndex.encode(idValues(table, c.item, source));
    const k = o.kernels ?? activeKernels();
    const built = await k.buildCsr(
      { rows: u.codes, cols: i.codes, values: ratings, nRows: u.index.size, nCols: i.index.size },
      o,
    );
    let timestamps: Float64Array | undefined;
    if (table.getChild(c.timestamp)) {
      const raw = numberValues(table, c.timestamp, source, Float64Array);
      timestamps = new Float64Array(built.source.length);
      for (let p = 0; p < timestamps.length; p++) timestamps[p] = raw[built.source[p]!]!;
    }
    const matrix = new RatingMatrix(built.csr, u.index, i.index, scale, timestamps, built.source);
    return { matrix, report: { duplicates: built.duplicates, seconds: (performance.now() - t0) / 1000 } };
  }

  get nUsers(): number {
    return this.csr.nRows;
  }
  get nItems(): number {
    return this.csr.nCols;
  }
  get nRatings(): number {
    return this.csr.offsets[this.csr.nRows]!;
  }
  get density(): number {
    return this.nUsers && this.nItems ? this.nRatings / (this.nUsers * this.nItems) : 0;
  }

  /** Mean of all ratings, accumulated in double. */
  get globalMean(): number {
    const v = this.csr.values;
    let s = 0;
    for (let p = 0; p < v.length; p++) s += v[p]!;
    return v.length ? s / v.length : Number.NaN;
  }

  /** The item indices and ratings of one user, as views (no copy). */
  userRow(userIndex: number): { items: Int32Array; ratings: Float32Array } {
    const a = this.csr.offsets[userIndex]!;
    const b = this.csr.offsets[userIndex + 1]!;
    return { items: this.csr.cols.subarray(a, b), ratings: this.csr.values.subarray(a, b) };
  }

  /** CSR of the transpose (item -> users), built once on first use. */
  csc(run?: KernelRun): Promise<Csr> {
    this.cscCache ??= activeKernels().transposeCsr(this.csr, run);
    return this.cscCache;
  }

  /** A matrix with the same id vocabularies holding only the entries where keep[p] is non-zero. */
  subset(keep: Uint8Array): RatingMatrix {
    const { offsets, cols, values, nRows, nCols } = this.csr;
    let nnz = 0;
    for (let p = 0; p < keep.length; p++) if (keep[p]) nnz++;
    const o = new Int32Array(nRows + 1);
    const c = new Int32Array(nnz);
    const v = new Float32Array(nnz);
    const t = this.timestamps ? new Float64Array(nnz) : undefined;
    let q = 0;
    for (let r = 0; r < nRows; r++) {
      for (let p = offsets[r]!; p < offsets[r + 1]!; p++) {
        if (!keep[p]) continue;
        c[q] = cols[p]!;
        v[q] = values[p]!;
        if (t) t[q] = this.timestamps?.[p] as number;
        q++;
      }
      o[r + 1] = q;
    }
    return new RatingMatrix({ offsets: o, cols: c, values: v, nRows, nCols }, this.users, this.items, this.scale, t);
  }

  /** Row index of every CSR entry (the COO row array). */
  entryUsers(): Int32Array {
    const rows = new Int32Array(this.nRatings);
    for (let r = 0; r < this.nUsers; r++) rows.fill(r, this.csr.offsets[r]!, this.csr.offsets[r + 1]!);
    return rows;
  }

  /** Users with at least one rating here (a user with none is cold for a model fitted on this matrix). */
  hasUser(userIndex: number): boolean {
    return this.csr.offsets[userIndex + 1]! > this.csr.offsets[userIndex]!;
  }

  /** Ratings as an Arrow table with external ids: user, item, rating[, timestamp]. */
  toTable(): Table {
    const rows = this.entryUsers();
    const ids = (index: IdIndex, codes: Int32Array) =>
      index.kind === 'number'
        ? Float64Array.from(codes, (k) => index.idOf(k) as number)
        : Array.from(codes, (k) => index.idOf(k) as string);
    const cols: Record<string, Float64Array | Float32Array | string[]> = {
      user: ids(this.users, rows),
      item: ids(this.items, this.csr.cols),
      rating: this.csr.values,
    };
    if (this.timestamps) cols.timestamp = this.timestamps;
    return tableFromArrays(cols as Parameters<typeof tableFromArrays>[0]);
  }

  /**
   * The CSR as one Arrow vector of `List<Struct<item: Int32, rating: Float32>>`, one list per user,
   * sharing this matrix's buffers: Arrow's list layout is CSR (value offsets = row offsets).
   */
  toArrowRows(): Vector {
    const item = makeData({ type: new Int32(), length: this.nRatings, data: this.csr.cols });
    const rating = makeData({ type: new Float32(), length: this.nRatings, data: this.csr.values });
    const structType = new Struct([new Field('item', new Int32(), false), new Field('rating', new Float32(), false)]);
    const child = makeData({ type: structType, length: this.nRatings, nullCount: 0, children: [item, rating] });
    const listType = new List(new Field('entry', structType, false));
    return makeVector(
      makeData({ type: listType, length: this.nUsers, nullCount: 0, valueOffsets: this.csr.offsets, child }),
    );
  }

  /** Dense index of an external user id, -1 if unknown. */
  userIndex(id: Id): number {
    return this.users.indexOf(id);
  }
  /** Dense index of an external item id, -1 if unknown. */
  itemIndex(id: Id): number {
    return this.items.indexOf(id);
  }
}

function checkRatings(r: Float32Array, declared: RatingScale | undefined, source: string, field: string): RatingScale {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < r.length; i++) {
    const v = r[i]!;
    if (!Number.isFinite(v)) throw new InputError(`${source} row ${i}: ${field} ${v} is not a finite number`);
    if (declared && (v < declared.min || v > declared.max)) {
      throw new InputError(`${source} row ${i}: ${field} ${v} is outside the scale [${declared.min}, ${declared.max}]`);
    }
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (r.length === 0) throw new InputError(`${source}: no ratings`);
  return declared ?? { min, max };
}
