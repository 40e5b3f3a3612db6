import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { DataType, type Table, tableFromIPC, type Vector } from 'apache-arrow';
import { check, InputError } from '../errors.js';
import { FactorModel } from '../model/factor-model.js';
import { loadModel } from '../model/load-model.js';
import type { Model } from '../model/model.js';
import { EmbeddingIndex, type IndexOptions } from './embedding-index.js';
import { readNpy } from './npy.js';
import { readParquetEmbeddings } from './parquet-embeddings.js';

/** Which columns of a table hold the ids, the vectors and (optionally) a per-item bias. */
export interface ColumnOptions extends IndexOptions {
  /** Id column (default "id"). */
  idColumn?: string | undefined;
  /** Vector column: FixedSizeList<float> or List<float> (default "vector", else the only list column). */
  vectorColumn?: string | undefined;
  /** Optional per-item bias column. */
  biasColumn?: string | undefined;
}

/** From an Arrow table: an id column and a FixedSizeList<float32> (or list) vector column. */
export function indexFromArrow(table: Table, o: ColumnOptions = {}): EmbeddingIndex {
  const where = o.source ?? 'Arrow table';
  const names = table.schema.fields.map((f) => f.name);
  const idName = o.idColumn ?? 'id';
  const vecName = o.vectorColumn ?? pickVectorColumn(table, where);
  const col = (name: string): Vector => {
    const v = table.getChild(name);
    if (!v) throw new InputError(`${where}: no column "${name}" (columns: ${names.join(', ')})`);
    return v;
  };
  const ids = idValues(col(idName), `${where} column "${idName}"`);
  const vec = col(vecName);
  const { values, dim } = listValues(vec, `${where} column "${vecName}"`);
  const bias = o.biasColumn ? (col(o.biasColumn).toArray() as ArrayLike<number>) : undefined;
  return EmbeddingIndex.fromArrays(ids, values, dim, {
    ...o,
    source: where,
    bias: bias ? Array.from(bias, Number) : undefined,
  });
}

/** From a .npy (ids 0..n-1 unless `ids` is given), .parquet or .arrow/.feather/.ipc file, by extension. */
export async function indexFromFile(
  path: string,
  o: ColumnOptions & { ids?: ArrayLike<number> | readonly string[] | undefined } = {},
): Promise<EmbeddingIndex> {
  const ext = extname(path).toLowerCase();
  if (ext === '.npy') {
    const m = await readNpy(path);
    const ids = o.ids ?? Int32Array.from({ length: m.rows }, (_, i) => i);
    check(ids.length === m.rows, () => `${path}: ${m.rows} rows but ${ids.length} ids`);
    return EmbeddingIndex.fromArrays(ids, m.values, m.cols, { ...o, source: path });
  }
  if (ext === '.parquet') {
    const t = await readParquetEmbeddings(path, o);
    return EmbeddingIndex.fromArrays(t.ids, t.values, t.dim, { ...o, bias: t.bias, source: path });
  }
  if (ext === '.arrow' || ext === '.feather' || ext === '.ipc' || ext === '.arrows') {
    let table: Table;
    try {
      table = tableFromIPC(await readFile(path));
    } catch (error) {
      throw new InputError(`${path}: not an Arrow IPC file (${(error as Error).message})`, { cause: error });
    }
    return indexFromArrow(table, { ...o, source: path });
  }
  throw new InputError(`${path}: unknown embeddings file type "${ext}" (use .npy, .parquet or .arrow)`);
}

/**
 * From a reckit factor model (or its directory): item factors, and item biases when the model is
 * biased, over the items with training ratings. score = b_i + q . q_i ranks as the model does for a
 * user whose vector is q (mu + b_u is the same for every item); `model.userVector(id)` is that q.
 */
export async function indexFromModel(
  model: Model | string,
  o: IndexOptions = {},
): Promise<{ index: EmbeddingIndex; model: FactorModel }> {
  const m = typeof model === 'string' ? await loadModel(model) : model;
  if (!(m instanceof FactorModel)) throw new InputError(`${describe(model)}: not a factor model (no item vectors)`);
  check(m.k > 0, () => `${describe(model)}: a bias-only model has no item vectors`);
  const d = m.data;
  const rows: number[] = [];
  for (let i = 0; i < m.items.size; i++) if (d.itemKnown[i]) rows.push(i);
  const k = m.k;
  const vectors = new Float32Array(rows.length * k);
  rows.forEach((i, r) => {
    vectors.set(d.itemFactors.subarray(i * k, (i + 1) * k), r * k);
  });
  const ids = rows.map((i) => m.items.idOf(i));
  const numeric = m.items.kind === 'number';
  const index = EmbeddingIndex.fromArrays(
    numeric ? Float64Array.from(ids as number[]) : (ids as string[]),
    vectors,
    k,
    {
      ...o,
      bias: o.bias ?? (d.biased ? rows.map((i) => d.itemBias[i]!) : undefined),
      source: describe(model),
    },
  );
  return { index, model: m };
}

/** The part of a TF.js Tensor2D this reads (duck-typed: @tensorflow/tfjs stays optional). */
export interface TensorLike {
  shape: number[];
  dtype: string;
  data(): Promise<ArrayLike<number>>;
}

/** From a TF.js Tensor2D (items x dim, float32) and one id per row. The tensor is read, not disposed. */
export async function indexFromTensor(
  tensor: TensorLike,
  ids: ArrayLike<number> | readonly string[],
  o: IndexOptions = {},
): Promise<EmbeddingIndex> {
  const ok =
    tensor !== null && typeof tensor === 'object' && Array.isArray(tensor.shape) && typeof tensor.data === 'function';
  check(ok, () => 'indexFromTensor: expected a TF.js Tensor2D');
  check(tensor.shape.length === 2, () => `indexFromTensor: tensor has shape [${tensor.shape}], expected [items, dim]`);
  check(tensor.dtype === 'float32', () => `indexFromTensor: tensor dtype is ${tensor.dtype}, expected float32`);
  const [rows, dim] = tensor.shape as [number, number];
  check(ids.length === rows, () => `indexFromTensor: ${rows} rows but ${ids.length} ids`);
  const values = await tensor.data();
  const f32 = values instanceof Float32Array ? values : Float32Array.from(values);
  return EmbeddingIndex.fromArrays(ids, f32, dim, { ...o, source: o.source ?? 'tensor' });
}

function describe(model: Model | string): string {
  return typeof model === 'string' ? model : `${model.algorithm} model`;
}

function pickVectorColumn(table: Table, where: string): string {
  const lists = table.schema.fields.filter((f) => DataType.isFixedSizeList(f.type) || DataType.isList(f.type));
  const named = lists.find((f) => f.name === 'vector');
  if (named) return named.name;
  if (lists.length === 1) return (lists[0] as { name: string }).name;
  throw new InputError(
    `${where}: cannot tell which column holds the vectors (list columns: ${lists.map((f) => f.name).join(', ') || 'none'}); pass vectorColumn`,
  );
}

function idValues(v: Vector, what: string): Float64Array | string[] {
  if (DataType.isInt(v.type) || DataType.isFloat(v.type)) {
    check(v.nullCount === 0, () => `${what}: ${v.nullCount} null ids`);
    return Float64Array.from(v.toArray() as ArrayLike<number | bigint>, Number);
  }
  if (DataType.isUtf8(v.type) || DataType.isLargeUtf8(v.type) || DataType.isDictionary(v.type)) {
    return Array.from({ length: v.length }, (_, r) => {
      const x = v.get(r);
      if (x === null || x === undefined) throw new InputError(`${what} row ${r}: null id`);
      return String(x);
    });
  }
  throw new InputError(`${what}: ids must be integers, floats or strings, found ${v.type}`);
}

/** Row-major floats of a FixedSizeList or List column; every row must have the same length. */
function listValues(v: Vector, what: string): { values: Float32Array; dim: number } {
  if (DataType.isFixedSizeList(v.type)) {
    const dim = v.type.listSize;
    const out = new Float32Array(v.length * dim);
    let at = 0;
    for (const d of v.data) {
      const child = d.children[0];
      const vals = child?.values;
      if (!child || !(vals instanceof Float32Array || vals instanceof Float64Array)) {
        throw new InputError(`${what}: list values must be float32 or float64, found ${String(child?.type)}`);
      }
      const start = child.offset + d.offset * dim;
      for (let r = 0; r < d.length; r++) {
        check(d.getValid(r), () => `${what} row ${at / dim}: null vector`);
        out.set(vals.subarray(start + r * dim, start + (r + 1) * dim), at);
        at += dim;
      }
    }
    return { values: out, dim };
  }
  check(
    DataType.isList(v.type),
    () => `${what}: expected a FixedSizeList<float32> or List<float> column, found ${v.type}`,
  );
  let dim = -1;
  let out = new Float32Array(0);
  for (let r = 0; r < v.length; r++) {
    const row = v.get(r) as { length: number; toArray(): ArrayLike<number> } | null;
    check(row !== null, () => `${what} row ${r}: null vector`);
    if (dim < 0) {
      dim = row.length;
      out = new Float32Array(v.length * dim);
    }
    check(row.length === dim, () => `${what} row ${r}: ${row.length} values, row 0 has ${dim}`);
    out.set(Float32Array.from(row.toArray(), Number), r * dim);
  }
  return { values: out, dim: Math.max(dim, 0) };
}
