import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { makeVector, Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import { InputError } from '../errors.js';
import type { Kernels } from '../kernels/signatures.js';
import { IdIndex } from '../matrix/id-index.js';
import { fixedListValues, fixedListVector, idsOf, idVector, iota } from '../model/model-columns.js';
import { alignAttributes } from './attributes.js';
import { EmbeddingIndex } from './embedding-index.js';

export const INDEX_FORMAT = 'reckit-embeddings';
export const INDEX_FORMAT_VERSION = 1;
const HEADER = 'embeddings.json';

/** embeddings.json: what an index directory holds; the Arrow files are plain IPC any reader opens. */
export interface IndexHeader {
  format: typeof INDEX_FORMAT;
  formatVersion: number;
  metric: 'dot' | 'cosine';
  dim: number;
  size: number;
  idType: 'number' | 'string';
  bias: boolean;
  /** The id column of attributes.arrow, when the index has attributes. */
  attributesId?: string | undefined;
  createdAt: string;
  /** sha256 and size of each data file, checked on load. */
  files: Record<string, { sha256: string; bytes: number }>;
}

/**
 * Writes the index to `dir`: embeddings.json + vectors.arrow (id, vector FixedSizeList<Float32>,
 * bias when present; rows in id order, unit length for cosine) + attributes.arrow. Written to a
 * sibling temp directory and renamed into place; an existing `dir` is replaced only when it is an
 * index directory (it holds embeddings.json), never any other folder.
 */
export async function saveIndex(index: EmbeddingIndex, dir: string): Promise<void> {
  const d = index.data;
  if (existsSync(dir) && !existsSync(join(dir, HEADER))) {
    throw new InputError(
      `${dir} exists and is not an embedding index directory (no ${HEADER}); refusing to replace it`,
    );
  }
  const vectors = new Table({
    id: idVector(d.ids, iota(d.ids.size)),
    vector: fixedListVector(d.vectors, d.ids.size, d.dim, 'value'),
    ...(d.bias ? { bias: makeVector(d.bias) } : {}),
  });
  const tables: Record<string, Table> = { vectors };
  if (index.attributes) tables.attributes = index.attributes.table;
  const parent = dirname(dir);
  await mkdir(parent, { recursive: true });
  const tag = randomBytes(4).toString('hex');
  const tmp = join(parent, `.${basename(dir)}.tmp-${tag}`);
  await mkdir(tmp);
  try {
    const files: IndexHeader['files'] = {};
    for (const [name, table] of Object.entries(tables)) {
      const bytes = tableToIPC(table, 'file');
      await writeFile(join(tmp, `${name}.arrow`), bytes);
      files[`${name}.arrow`] = { sha256: sha256(bytes), bytes: bytes.byteLength };
    }
    const header: IndexHeader = {
      format: INDEX_FORMAT,
      formatVersion: INDEX_FORMAT_VERSION,
      metric: d.metric,
      dim: d.dim,
      size: d.ids.size,
      idType: d.ids.kind,
      bias: d.bias !== null,
      attributesId: index.attributes?.idColumn,
      createdAt: new Date().toISOString(),
      files,
    };
    await writeFile(join(tmp, HEADER), `${JSON.stringify(header, null, 2)}\n`);
    const old = existsSync(dir) ? join(parent, `.${basename(dir)}.old-${tag}`) : undefined;
    if (old) await rename(dir, old);
    await rename(tmp, dir);
    if (old) await rm(old, { recursive: true, force: true });
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
}

/** Reads an index directory back, verifying format, version, checksums and shapes. */
export async function loadIndex(dir: string, backend?: Kernels): Promise<EmbeddingIndex> {
  const path = join(dir, HEADER);
  if (!existsSync(path)) throw new InputError(`${dir} is not an embedding index directory: no ${HEADER}`);
  let h: IndexHeader;
  try {
    h = JSON.parse(await readFile(path, 'utf8')) as IndexHeader;
  } catch (error) {
    throw new InputError(`${path}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  if (h?.format !== INDEX_FORMAT || h.formatVersion !== INDEX_FORMAT_VERSION) {
    throw new InputError(
      `${path}: format ${JSON.stringify(h?.format)} v${h?.formatVersion}, expected ${INDEX_FORMAT} v1`,
    );
  }
  const tables: Record<string, Table> = {};
  for (const [file, want] of Object.entries(h.files ?? {})) {
    const p = join(dir, file);
    if (!existsSync(p)) throw new InputError(`${p}: missing (listed in ${HEADER})`);
    const bytes = await readFile(p);
    if (sha256(bytes) !== want.sha256) throw new InputError(`${p}: checksum mismatch; the index is corrupt`);
    tables[file.replace(/\.arrow$/, '')] = tableFromIPC(bytes);
  }
  const v = tables.vectors;
  if (!v) throw new InputError(`${dir}: vectors.arrow is missing`);
  const idCol = v.getChild('id');
  const vecCol = v.getChild('vector');
  if (!idCol || !vecCol || v.numRows !== h.size) {
    throw new InputError(`${dir}/vectors.arrow: expected ${h.size} rows with columns id and vector`);
  }
  const ids = IdIndex.fromIds(idsOf(idCol, h.idType));
  if (ids.size !== h.size) throw new InputError(`${dir}/vectors.arrow: ids are not unique`);
  const vectors = fixedListValues(vecCol, h.size, h.dim, `${dir}/vectors.arrow column vector`);
  const biasCol = h.bias ? v.getChild('bias') : null;
  if (h.bias && !biasCol) throw new InputError(`${dir}/vectors.arrow: column bias is missing`);
  const data = {
    ids,
    vectors,
    dim: h.dim,
    metric: h.metric,
    bias: biasCol ? Float32Array.from(biasCol.toArray() as ArrayLike<number>) : null,
  };
  const attrs = tables.attributes ? alignAttributes(tables.attributes, ids, h.attributesId) : undefined;
  return new EmbeddingIndex(data, attrs, backend);
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
