import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
import { InputError } from '../errors.js';

/** Ids, row-major vectors and optional biases read from a Parquet file. */
export interface ParquetEmbeddings {
  ids: Float64Array | string[];
  values: Float32Array;
  dim: number;
  bias: number[] | undefined;
}

/**
 * Reads an id column and a list-of-floats vector column (Python's `pyarrow` / `pandas` write
 * embeddings this way) with hyparquet. Column defaults as for Arrow tables: "id" and "vector"
 * (or the only list column).
 */
export async function readParquetEmbeddings(
  path: string,
  o: { idColumn?: string | undefined; vectorColumn?: string | undefined; biasColumn?: string | undefined },
): Promise<ParquetEmbeddings> {
  let file: Awaited<ReturnType<typeof asyncBufferFromFile>>;
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    file = await asyncBufferFromFile(path);
    metadata = await parquetMetadataAsync(file);
  } catch (error) {
    throw new InputError(`${path}: not a readable Parquet file (${(error as Error).message})`, { cause: error });
  }
  const top = parquetSchema(metadata).children;
  const names = top.map((c) => c.element.name);
  const lists = top.filter((c) => c.children.length > 0).map((c) => c.element.name);
  const idName = o.idColumn ?? 'id';
  const vecName = o.vectorColumn ?? (lists.includes('vector') ? 'vector' : lists.length === 1 ? lists[0] : undefined);
  if (!vecName) {
    throw new InputError(
      `${path}: cannot tell which column holds the vectors (list columns: ${lists.join(', ') || 'none'})`,
    );
  }
  for (const c of [idName, vecName, o.biasColumn]) {
    if (c !== undefined && !names.includes(c))
      throw new InputError(`${path}: no column "${c}" (columns: ${names.join(', ')})`);
  }
  const rows = Number(metadata.num_rows);
  const cols = new Map<string, unknown[]>();
  for (const c of [idName, vecName, o.biasColumn]) if (c !== undefined) cols.set(c, new Array(rows));
  await parquetRead({
    file,
    metadata,
    columns: [...cols.keys()],
    onChunk(chunk) {
      const out = cols.get(chunk.columnName);
      if (!out) return;
      const data = chunk.columnData as ArrayLike<unknown>;
      for (let i = 0; i < data.length && chunk.rowStart + i < rows; i++) out[chunk.rowStart + i] = data[i];
    },
  });
  const rawIds = cols.get(idName) as unknown[];
  const vecs = cols.get(vecName) as unknown[];
  let dim = -1;
  let values = new Float32Array(0);
  for (let r = 0; r < rows; r++) {
    const v = vecs[r] as ArrayLike<number> | null | undefined;
    if (!v || typeof v.length !== 'number') throw new InputError(`${path} row ${r}: column "${vecName}" has no vector`);
    if (dim < 0) {
      dim = v.length;
      values = new Float32Array(rows * dim);
    }
    if (v.length !== dim) throw new InputError(`${path} row ${r}: vector has ${v.length} values, row 0 has ${dim}`);
    for (let f = 0; f < dim; f++) values[r * dim + f] = Number(v[f]);
  }
  const stringIds = rawIds.some((x) => typeof x === 'string');
  const ids = stringIds ? rawIds.map((x) => String(x)) : Float64Array.from(rawIds, (x) => Number(x as number | bigint));
  if (!stringIds) {
    rawIds.forEach((x, r) => {
      if (x === null || x === undefined) throw new InputError(`${path} row ${r}: null id`);
    });
  }
  const biasCol = o.biasColumn ? cols.get(o.biasColumn) : undefined;
  return { ids, values, dim: Math.max(dim, 0), bias: biasCol?.map((x) => Number(x)) };
}
