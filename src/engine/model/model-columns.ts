import {
  Bool,
  DataType,
  Field,
  FixedSizeList,
  Float32,
  makeData,
  makeVector,
  Table,
  Utf8,
  type Vector,
  vectorFromArray,
} from 'apache-arrow';
import { InputError } from '../errors.js';
import { kernels } from '../kernels/registry.js';
import type { Csr } from '../kernels/signatures.js';
import { type Id, IdIndex } from '../matrix/id-index.js';
import { idsFromBigInts } from '../matrix/id-rules.js';

/** The Arrow columns every model directory shares (factor and cluster models, top-N tables). */

/** 0, 1, ..., n-1: every dense index in order. */
export function iota(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

/** External ids of dense indices as one Arrow vector: Int32 when every id fits, else Float64, or Utf8. */
export function idVector(index: IdIndex, dense: Int32Array): Vector {
  if (index.kind === 'string') {
    return vectorFromArray(
      Array.from(dense, (i) => index.idOf(i) as string),
      new Utf8(),
    );
  }
  const ids = index.ids as Float64Array;
  const int32 = ids.every((v) => Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31);
  const out = int32 ? new Int32Array(dense.length) : new Float64Array(dense.length);
  for (let p = 0; p < dense.length; p++) out[p] = ids[dense[p]!]!;
  return makeVector(out);
}

/**
 * An id column read back as IdIndex.fromIds wants it. An Int64 column (another writer's) keeps
 * its ids exact under the id rules: numbers, or decimal text beyond 2^53.
 */
export function idsOf(v: Vector, kind: 'number' | 'string'): Float64Array | string[] {
  if (kind === 'string') return Array.from(v.toArray() as ArrayLike<string>, String);
  const a = v.toArray() as ArrayLike<number> | BigInt64Array | BigUint64Array;
  if (a instanceof BigInt64Array || a instanceof BigUint64Array) return idsFromBigInts(a);
  return Float64Array.from(a);
}

/** Per-row flags (1: true) as a Bool column, read back by modelFiles' `flags`. */
export function flagVector(flags: Uint8Array): Vector {
  return vectorFromArray(
    Array.from(flags, (x) => x === 1),
    new Bool(),
  );
}

/** n rows of FixedSizeList<Float32>[width] over row-major values, without a copy. */
export function fixedListVector(values: Float32Array, n: number, width: number, childName: string): Vector {
  const child = makeData({ type: new Float32(), length: n * width, data: values });
  const type = new FixedSizeList(width, new Field(childName, new Float32(), false));
  return makeVector(makeData({ type, length: n, nullCount: 0, child }));
}

/** The flat float32 values of a FixedSizeList<Float32>[width] column, copied out of every chunk. */
export function fixedListValues(v: Vector, n: number, width: number, what: string): Float32Array {
  if (v.length !== n || !DataType.isFixedSizeList(v.type) || v.type.listSize !== width) {
    throw new InputError(
      `${what}: expected ${n} rows of FixedSizeList<Float32>[${width}], found ${v.length} rows of ${v.type}`,
    );
  }
  const out = new Float32Array(n * width);
  let at = 0;
  for (const d of v.data) {
    const child = d.children[0];
    if (!child || !(child.values instanceof Float32Array)) throw new InputError(`${what}: values are not Float32`);
    const start = (child.offset + d.offset * width) as number;
    out.set(child.values.subarray(start, start + d.length * width), at);
    at += d.length * width;
  }
  return out;
}

/** seen.arrow: user, item (external ids), rating Float32, the training ratings by user then item. */
export function seenTable(users: IdIndex, items: IdIndex, seen: Csr): Table {
  const nnz = seen.offsets[seen.nRows]!;
  const rowOf = new Int32Array(nnz);
  for (let u = 0; u < seen.nRows; u++) rowOf.fill(u, seen.offsets[u]!, seen.offsets[u + 1]!);
  return new Table({
    user: idVector(users, rowOf),
    item: idVector(items, seen.cols.subarray(0, nnz)),
    rating: makeVector(seen.values.subarray(0, nnz)),
  });
}

/**
 * Reading a model directory back, for the factor and cluster loaders alike: table and column
 * lookups whose InputErrors name the file and column (`needs` ends the missing-table message:
 * which tables the model kind needs), and the columns both kinds store the same way.
 */
export function modelFiles(dir: string, tables: Record<string, Table>, needs: string) {
  const table = (name: string): Table => {
    const t = tables[name];
    if (!t) throw new InputError(`${dir}: ${name}.arrow is missing (${needs})`);
    return t;
  };
  const column = (name: string, field: string): Vector => {
    const c = table(name).getChild(field);
    if (!c) throw new InputError(`${dir}/${name}.arrow: column "${field}" is missing`);
    return c;
  };
  const numbers = <T extends Float32Array | Int32Array>(
    name: string,
    field: string,
    As: { from(a: ArrayLike<number>): T },
  ): T => As.from(column(name, field).toArray() as ArrayLike<number>);
  return {
    table,
    column,
    numbers,
    /** The id column of users.arrow or items.arrow as an IdIndex. */
    ids: (name: string, kind: 'number' | 'string'): IdIndex => IdIndex.fromIds(idsOf(column(name, 'id'), kind)),
    /** A Bool column as 1/0. */
    flags: (name: string, field: string): Uint8Array =>
      Uint8Array.from(column(name, field).toArray() as ArrayLike<unknown>, (x) => (x ? 1 : 0)),
    /** seen.arrow (what seenTable wrote) back to the CSR by dense user: ids to indices, sorted as written. */
    async seen(users: IdIndex, items: IdIndex): Promise<Csr> {
      const su = seenIds(column('seen', 'user'));
      const si = seenIds(column('seen', 'item'));
      const n = su.length;
      const rows = new Int32Array(n);
      const cols = new Int32Array(n);
      for (let p = 0; p < n; p++) {
        rows[p] = users.indexOf(su[p]!);
        cols[p] = items.indexOf(si[p]!);
        if (rows[p]! < 0 || cols[p]! < 0) {
          throw new InputError(
            `${dir}/seen.arrow row ${p}: user ${su[p]} or item ${si[p]} is not in users/items.arrow`,
          );
        }
      }
      const values = numbers('seen', 'rating', Float32Array);
      const { csr } = await kernels().buildCsr({ rows, cols, values, nRows: users.size, nCols: items.size });
      return csr;
    },
  };
}

/** A seen.arrow id column as stored (no copy), except Int64 (another writer's): by the id rules. */
function seenIds(v: Vector): ArrayLike<Id> {
  const a = v.toArray() as ArrayLike<Id> | BigInt64Array | BigUint64Array;
  return a instanceof BigInt64Array || a instanceof BigUint64Array ? idsFromBigInts(a) : a;
}
