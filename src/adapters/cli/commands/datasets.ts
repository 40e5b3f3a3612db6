import type { Command } from 'commander';
import { RatingMatrix } from '../../../engine/matrix/rating-matrix.js';
import { type LoadDatasetOptions, loadDataset } from '../../datasets/load-dataset.js';
import { registryEntries } from '../../datasets/registry.js';
import { type CliContext, emit } from '../context.js';
import { progressBar } from '../progress.js';
import { addLoaderFlags, type LoaderFlags, loaderOptions } from './loader-flags.js';

export interface DatasetListRow {
  name: string;
  title: string;
  download: string | null;
  ratings: number | null;
  scale: string | null;
  license: string;
}

/** `reckit datasets list`: the registry. */
export function datasetsList(): DatasetListRow[] {
  return registryEntries().map((e) => ({
    name: e.name,
    title: e.title,
    download: e.download?.url ?? (e.manual ? `manual: ${e.manual.page}` : null),
    ratings: e.published?.ratings ?? null,
    scale: e.scale ? `${e.scale.min}..${e.scale.max} step ${e.scale.step}` : e.implicit ? 'implicit' : null,
    license: e.license,
  }));
}

/** Stable JSON field names: ratings, users, items, ratingMin, ratingMax, density, skipped, duplicates, loadSeconds. */
export interface DatasetInfo {
  name: string;
  ratings: number;
  users: number;
  items: number;
  ratingMin: number;
  ratingMax: number;
  density: number;
  skipped: number;
  duplicates: number;
  /** Items with titles/genres, when the dataset has metadata. */
  itemsWithMetadata: number | null;
  hasTimestamps: boolean;
  origin: string;
  files: string[];
  skippedExamples: string[];
  loadSeconds: number;
}

export interface DatasetInfoOptions extends LoadDatasetOptions {
  data: string;
}

/** `reckit datasets info NAME|PATH`: loads the data and builds the RatingMatrix (counts, scale, duplicates). */
export async function datasetsInfo(o: DatasetInfoOptions): Promise<DatasetInfo> {
  const t0 = performance.now();
  const d = await loadDataset(o.data, o);
  const { matrix, report } = await RatingMatrix.fromTable(d.ratings, {
    source: o.data,
    scale: d.scale,
    signal: o.signal,
  });
  const observed = { min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY };
  for (const v of matrix.csr.values) {
    if (v < observed.min) observed.min = v;
    if (v > observed.max) observed.max = v;
  }
  return {
    name: d.name,
    ratings: matrix.nRatings,
    users: matrix.nUsers,
    items: matrix.nItems,
    ratingMin: observed.min,
    ratingMax: observed.max,
    density: matrix.density,
    skipped: d.report.skipped,
    duplicates: report.duplicates,
    itemsWithMetadata: d.items?.numRows ?? null,
    hasTimestamps: matrix.timestamps !== undefined,
    origin: d.report.origin,
    files: d.report.files,
    skippedExamples: d.report.skippedExamples,
    loadSeconds: (performance.now() - t0) / 1000,
  };
}

const n = (x: number) => x.toLocaleString('en-US');

export function registerDatasets(program: Command, ctx: CliContext): void {
  const datasets = program.command('datasets').description('list and inspect rating datasets');
  datasets
    .command('list')
    .option('--json', 'print JSON')
    .description('the known datasets (datasets/registry.json)')
    .action((o: { json?: boolean }) => {
      const rows = datasetsList();
      emit(ctx, o.json, rows, () =>
        rows
          .map(
            (r) =>
              `${r.name.padEnd(22)} ${r.ratings === null ? ''.padStart(12) : n(r.ratings).padStart(12)}  ${r.title}\n`,
          )
          .join(''),
      );
    });
  addLoaderFlags(
    datasets
      .command('info')
      .argument('<data>', 'dataset name, path to a file or folder, or synthetic:PRESET|users=..,items=..,ratings=..')
      .option('--json', 'print JSON'),
  )
    .option('--no-download', 'fail instead of downloading a missing registry dataset')
    .description('load a dataset and print its counts, scale, density, skipped rows, duplicates and load time')
    .action(async (data: string, o: InfoFlags) => {
      const bar = progressBar(ctx, 'load');
      const dl = progressBar(ctx, 'download');
      try {
        const info = await datasetsInfo({
          data,
          ...loaderOptions(o),
          signal: ctx.signal,
          onProgress: bar.update,
          onDownloadProgress: dl.update,
          download: o.download,
        });
        bar.stop();
        dl.stop();
        emit(ctx, o.json, info, () => infoText(info));
      } finally {
        bar.stop();
        dl.stop();
      }
    });
}

interface InfoFlags extends LoaderFlags {
  json?: boolean;
  download?: boolean;
}

function infoText(i: DatasetInfo): string {
  const lines = [
    `${i.name}: ${n(i.ratings)} ratings, ${n(i.users)} users, ${n(i.items)} items`,
    `ratings ${i.ratingMin}..${i.ratingMax}, density ${(i.density * 100).toFixed(3)}%`,
    `skipped rows ${n(i.skipped)}, duplicate (user, item) pairs dropped (keep last) ${n(i.duplicates)}`,
  ];
  if (i.itemsWithMetadata !== null) lines.push(`items with titles ${n(i.itemsWithMetadata)}`);
  for (const e of i.skippedExamples) lines.push(`  skipped: ${e}`);
  lines.push(`loaded in ${i.loadSeconds.toFixed(3)} s (${i.origin}: ${i.files.join(', ') || 'generated'})`, '');
  return lines.join('\n');
}
