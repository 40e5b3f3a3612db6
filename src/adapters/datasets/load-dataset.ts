import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Table } from 'apache-arrow';
import { joinThroughLinks } from '../../engine/data/join-links.js';
import type { RatingColumns } from '../../engine/data/ratings-layout.js';
import { ratingsTable } from '../../engine/data/ratings-table.js';
import { type ItemsData, itemsTable, readItemsData } from '../../engine/data/read-items.js';
import { readRatings } from '../../engine/data/read-ratings.js';
import { generateSynthetic } from '../../engine/data/synthetic-ratings.js';
import { InputError } from '../../engine/errors.js';
import type { RatingScale } from '../../engine/matrix/rating-matrix.js';
import type { DatasetEntry } from './registry.js';
import { type ResolvedDataset, resolveDataset } from './resolve-dataset.js';

/** What loading a dataset returns: ratings (user, item, rating Float32[, timestamp]) and item metadata. */
export interface LoadedDataset {
  name: string;
  ratings: Table;
  /** item, title, genres (where the dataset has them). */
  items?: Table | undefined;
  /** Declared rating scale from the registry (or the synthetic spec), when known. */
  scale?: RatingScale | undefined;
  report: LoadReport;
}

export interface LoadReport {
  /** Rating rows kept. */
  rows: number;
  /** Malformed rows dropped under skipBad (0 otherwise: a bad row throws). */
  skipped: number;
  /** The first few skipped rows' reasons. */
  skippedExamples: string[];
  seconds: number;
  /** Files read (ratings first). */
  files: string[];
  /** Where the data came from. */
  origin: ResolvedDataset['origin'];
  /** Items with metadata that match rated ids' catalogue, when items were loaded. */
  items?: number | undefined;
  /** Registry dataset the layout came from. */
  layout?: string | undefined;
}

export interface LoadDatasetOptions {
  /** Skip and count malformed rating rows instead of failing on the first (`--skip-bad`). */
  skipBad?: boolean | undefined;
  signal?: AbortSignal | undefined;
  /** Fraction of the ratings read or generated. */
  onProgress?: ((fraction: number) => void) | undefined;
  /** Fraction of a download, when the dataset has to be fetched into the cache. */
  onDownloadProgress?: ((fraction: number) => void) | undefined;
  /** Generic files: column mapping / delimiter / header (`--columns`, `--delimiter`, `--no-header`). */
  columns?: RatingColumns | undefined;
  delimiter?: string | undefined;
  header?: boolean | undefined;
  /** Declared scale for generic files (ratings outside are bad rows). */
  scale?: RatingScale | undefined;
  /** Load item metadata too (default true). */
  items?: boolean | undefined;
  dataDir?: string | undefined;
  cacheDir?: string | undefined;
  download?: boolean | undefined;
  fetch?: typeof fetch | undefined;
}

/**
 * Resolves `--data NAME|PATH|synthetic:...` and loads it: ratings as an Arrow table, item
 * metadata where the dataset has it. Duplicate (user, item) pairs are kept here and resolved
 * keep-last by RatingMatrix.fromTable, which counts them.
 */
export async function loadDataset(spec: string, o: LoadDatasetOptions = {}): Promise<LoadedDataset> {
  const t0 = performance.now();
  const r = await resolveDataset(spec, { ...o, onProgress: o.onDownloadProgress });
  const seconds = () => (performance.now() - t0) / 1000;
  if (r.kind === 'synthetic') {
    const data = await generateSynthetic(r.spec, { signal: o.signal, onProgress: o.onProgress });
    const ratings = ratingsTable(data);
    const report = { rows: ratings.numRows, skipped: 0, skippedExamples: [], files: [], origin: r.origin };
    return {
      name: r.name,
      ratings,
      scale: { min: r.spec.min, max: r.spec.max },
      report: { ...report, seconds: seconds() },
    };
  }
  const layout = r.kind === 'registry' ? r.entry.ratings : r.layout;
  if (!layout) {
    throw new InputError(
      `${r.name} has no per-user ratings, only item metadata; use it through a dataset that links to it`,
    );
  }
  const file = join(r.dir, r.kind === 'registry' ? (r.ratingsFile ?? layout.file) : layout.file);
  const scale = o.scale ?? (r.kind === 'registry' && r.exact ? (r.entry.scale ?? undefined) : undefined);
  const read = await readRatings(file, layout, {
    scale,
    skipBad: o.skipBad,
    signal: o.signal,
    onProgress: o.onProgress,
  });
  const items = r.kind === 'registry' && o.items !== false ? await loadItems(r.entry, r.dir, o) : undefined;
  return {
    name: r.name,
    ratings: read.table,
    items: items?.table,
    scale: scale ? { min: scale.min, max: scale.max } : undefined,
    report: {
      ...read.report,
      seconds: seconds(),
      files: [file, ...(items ? items.files : [])],
      origin: r.origin,
      items: items?.table.numRows,
      layout: r.kind === 'registry' ? r.entry.name : undefined,
    },
  };
}

/**
 * Item metadata of a registry dataset: the first items source present (a file in its folder, or
 * another registry dataset found the same way), re-keyed through the links file when needed.
 */
export async function loadItems(
  entry: DatasetEntry,
  dir: string,
  o: Pick<LoadDatasetOptions, 'dataDir' | 'cacheDir'> = {},
): Promise<{ table: Table; files: string[] } | undefined> {
  for (const source of entry.items) {
    let data: ItemsData | undefined;
    const files: string[] = [];
    if ('file' in source) {
      const path = join(dir, source.file);
      if (!existsSync(path)) continue;
      data = await readItemsData(path, source);
      files.push(path);
    } else {
      const other = await resolveDataset(source.dataset, { ...o, download: false }).catch(() => undefined);
      if (other?.kind !== 'registry') continue;
      const got = await loadItems(other.entry, other.dir, o);
      if (!got) continue;
      const t = got.table;
      data = {
        item: t.getChild('item')?.toArray() as Int32Array,
        title: (t.getChild('title')?.toArray() ?? []) as string[],
        genres: (t.getChild('genres')?.toArray() ?? []) as string[],
        skipped: 0,
      };
      files.push(...got.files);
    }
    if (source.keyedBy && entry.links) {
      const links = join(dir, entry.links.file);
      if (!existsSync(links)) continue;
      data = await joinThroughLinks(links, entry.links, data);
      files.push(links);
    }
    return { table: itemsTable(data), files };
  }
  return undefined;
}
