import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { type Table, tableFromIPC } from 'apache-arrow';
import type { Command } from 'commander';
import type { EmbeddingIndex } from '../../../engine/embeddings/embedding-index.js';
import { HNSW_DEFAULTS, HnswIndex } from '../../../engine/embeddings/hnsw-index.js';
import type { Metric } from '../../../engine/embeddings/index-data.js';
import { saveIndex } from '../../../engine/embeddings/index-files.js';
import { type ColumnOptions, indexFromFile, indexFromModel } from '../../../engine/embeddings/sources.js';
import { check, InputError } from '../../../engine/errors.js';
import { type HnswQuantize, isHnswQuantize } from '../../../engine/kernels/addon/hnsw-kernels.js';
import { DuckDbWarehouse } from '../../warehouse/duckdb-warehouse.js';
import { type CliContext, emit } from '../context.js';
import { progressBar } from '../progress.js';

export interface IndexRun {
  /** A .npy, .parquet or Arrow IPC file of vectors, or a factor model's directory. */
  source: string;
  out: string;
  metric?: Metric | undefined;
  columns?: Pick<ColumnOptions, 'idColumn' | 'vectorColumn' | 'biasColumn'> | undefined;
  /** Item attributes for `filter.where` (Parquet, CSV or Arrow IPC) and their id column. */
  attributes?: string | undefined;
  attributesId?: string | undefined;
  /** Also build an HNSW graph with these settings. */
  hnsw?:
    | { m: number; efConstruction: number; ef: number; quantize: HnswQuantize; threads?: number | undefined }
    | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((fraction: number) => void) | undefined;
}

export interface IndexReport {
  source: string;
  out: string;
  items: number;
  dim: number;
  metric: Metric;
  bias: boolean;
  attributes: string[];
  hnsw: { m: number; efConstruction: number; ef: number; quantize: HnswQuantize; buildSeconds: number } | null;
  seconds: number;
}

/** `reckit index` as a plain function: read the vectors, optionally build the graph, save the directory. */
export async function runIndex(o: IndexRun): Promise<IndexReport> {
  const t0 = performance.now();
  check(existsSync(o.source), () => `index: ${o.source} does not exist`);
  const attributes = o.attributes ? await readAttributes(o.attributes) : undefined;
  const options = { metric: o.metric, attributes, attributesId: o.attributesId };
  const exact: EmbeddingIndex = statSync(o.source).isDirectory()
    ? (await indexFromModel(o.source, options)).index
    : await indexFromFile(o.source, { ...options, ...o.columns });
  let hnsw: IndexReport['hnsw'] = null;
  if (o.hnsw) {
    const b0 = performance.now();
    const graph = await HnswIndex.build(exact, { ...o.hnsw, signal: o.signal, onProgress: o.onProgress });
    const { m, efConstruction, ef, quantize } = o.hnsw;
    hnsw = { m, efConstruction, ef, quantize, buildSeconds: (performance.now() - b0) / 1000 };
    await graph.save(o.out);
  } else {
    await saveIndex(exact, o.out);
  }
  return {
    source: o.source,
    out: o.out,
    items: exact.size,
    dim: exact.dim,
    metric: exact.metric,
    bias: exact.data.bias != null,
    attributes: attributes
      ? attributes.schema.fields.map((f) => f.name).filter((n) => n !== (o.attributesId ?? 'id'))
      : [],
    hnsw,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** An attribute table: Arrow IPC read directly, Parquet and CSV through embedded DuckDB. */
async function readAttributes(path: string): Promise<Table> {
  check(existsSync(path), () => `--attributes: ${path} does not exist`);
  const ext = extname(path).toLowerCase();
  if (ext === '.arrow' || ext === '.feather' || ext === '.ipc') {
    try {
      return tableFromIPC(readFileSync(path));
    } catch (error) {
      throw new InputError(`${path}: not an Arrow IPC file (${(error as Error).message})`, { cause: error });
    }
  }
  const reader = ext === '.parquet' ? 'read_parquet' : ext === '.csv' ? 'read_csv_auto' : undefined;
  if (!reader) throw new InputError(`--attributes: ${path}: use a .parquet, .csv or .arrow file`);
  const db = await DuckDbWarehouse.open(':memory:');
  try {
    return await db.run(`SELECT * FROM ${reader}(?)`, [path]);
  } catch (error) {
    throw new InputError(`${path}: cannot read the attributes (${(error as Error).message})`, { cause: error });
  } finally {
    await db.close();
  }
}

function text(r: IndexReport): string {
  const graph = r.hnsw
    ? `, HNSW (M ${r.hnsw.m}, efConstruction ${r.hnsw.efConstruction}, ef ${r.hnsw.ef}, ${r.hnsw.quantize === 'int8' ? 'int8' : 'float32'} points) built in ${r.hnsw.buildSeconds.toFixed(1)} s`
    : '';
  const attrs = r.attributes.length ? `; filter attributes: ${r.attributes.join(', ')}` : '';
  return `reckit index: ${r.items} items x ${r.dim} dims (${r.metric}${r.bias ? ', with bias' : ''}) from ${r.source}${graph}; saved to ${r.out}${attrs}\n`;
}

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InputError(`${name} must be a positive integer, got "${v}"`);
  return n;
};

export function registerIndex(program: Command, ctx: CliContext): void {
  program
    .command('index')
    .description('build an embedding index (exact, or HNSW with --hnsw) from a vectors file or a factor model')
    .argument('<source>', '.npy, .parquet or .arrow/.feather file of item vectors, or a factor model directory')
    .requiredOption('--out <dir>', 'index directory to write (replaces only an existing index directory)')
    .option('--metric <m>', 'dot | cosine', 'dot')
    .option('--id-column <name>', 'id column of a .parquet/.arrow source (default "id"; .npy: ids are row numbers)')
    .option('--vector-column <name>', 'vector column (default "vector", else the only list column)')
    .option('--bias-column <name>', 'per-item bias column, added to every score')
    .option('--attributes <file>', 'item attributes for filter.where (.parquet, .csv or .arrow; one row per item)')
    .option('--attributes-id <name>', 'id column of --attributes', 'id')
    .option('--hnsw', 'also build an HNSW graph for approximate search')
    .option('--m <n>', 'HNSW graph degree', int('--m'), HNSW_DEFAULTS.m)
    .option(
      '--ef-construction <n>',
      'HNSW build candidate list',
      int('--ef-construction'),
      HNSW_DEFAULTS.efConstruction,
    )
    .option('--ef <n>', 'HNSW search candidate list (saved with the index)', int('--ef'), HNSW_DEFAULTS.ef)
    .option('--quantize <q>', "HNSW points: 'none' (float32) or 'int8' (a quarter of the bytes)", 'none')
    .option('--threads <n>', 'HNSW build threads (default: all cores)', int('--threads'))
    .option('--json', 'print JSON')
    .addHelpText('after', '\nSee docs/embeddings.md for the index, its filters and the HNSW trade-offs.')
    .action(async (source: string, a: Record<string, string | number | boolean | undefined>) => {
      check(a.metric === 'dot' || a.metric === 'cosine', () => `--metric must be dot or cosine, got "${a.metric}"`);
      check(isHnswQuantize(a.quantize), () => `--quantize must be none or int8, got "${a.quantize}"`);
      const str = (k: string) => a[k] as string | undefined;
      const bar = progressBar(ctx, 'hnsw build');
      try {
        const report = await runIndex({
          source,
          out: a.out as string,
          metric: a.metric as Metric,
          columns: { idColumn: str('idColumn'), vectorColumn: str('vectorColumn'), biasColumn: str('biasColumn') },
          attributes: str('attributes'),
          attributesId: str('attributesId'),
          hnsw: a.hnsw
            ? {
                m: a.m as number,
                efConstruction: a.efConstruction as number,
                ef: a.ef as number,
                quantize: a.quantize as HnswQuantize,
                threads: a.threads as number | undefined,
              }
            : undefined,
          signal: ctx.signal,
          onProgress: (f) => bar.update(f),
        });
        emit(ctx, a.json as boolean | undefined, report, () => text(report));
      } finally {
        bar.stop();
      }
    });
}
