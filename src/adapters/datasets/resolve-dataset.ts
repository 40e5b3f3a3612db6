import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RatingColumns } from '../../engine/data/ratings-layout.js';
import { parseSyntheticSpec, type SyntheticSpec } from '../../engine/data/synthetic-spec.js';
import { InputError } from '../../engine/errors.js';
import { type DetectedLayout, detectLayout } from './detect-layout.js';
import { type DownloadOptions, downloadDataset, placeByHand } from './download-dataset.js';
import { type DatasetEntry, PACKAGE_ROOT, registryEntries, registryEntry } from './registry.js';

export type ResolvedDataset =
  | (DetectedLayout & { name: string; origin: 'path' | 'data-dir' | 'cache' | 'download' })
  | { kind: 'synthetic'; name: string; spec: SyntheticSpec; origin: 'synthetic' };

export interface ResolveOptions extends DownloadOptions {
  /** Default: $RECKIT_DATA_DIR. */
  dataDir?: string | undefined;
  /** Default: $RECKIT_CACHE_DIR, else the package's datasets/ folder. */
  cacheDir?: string | undefined;
  /** Download missing registry datasets (default true). */
  download?: boolean | undefined;
  /** Generic files: column mapping, delimiter and header override what is sniffed. */
  columns?: RatingColumns | undefined;
  delimiter?: string | undefined;
  header?: boolean | undefined;
}

/** The download cache: $RECKIT_CACHE_DIR, else datasets/ beside datasets/registry.json. */
export function cacheDir(o: { cacheDir?: string | undefined } = {}): string {
  return o.cacheDir ?? process.env.RECKIT_CACHE_DIR ?? join(PACKAGE_ROOT, 'datasets');
}

/**
 * `--data NAME|PATH`, in order: `synthetic:...`; an existing file or folder (layout detected from
 * file names, or a generic CSV/TSV/Parquet/Arrow file); $RECKIT_DATA_DIR/NAME; the cache
 * datasets/NAME; else a download into the cache. The error for a dataset that cannot be found
 * or downloaded says which files to place where.
 */
export async function resolveDataset(spec: string, o: ResolveOptions = {}): Promise<ResolvedDataset> {
  if (spec.startsWith('synthetic:')) {
    return {
      kind: 'synthetic',
      name: spec,
      spec: parseSyntheticSpec(spec.slice('synthetic:'.length)),
      origin: 'synthetic',
    };
  }
  if (existsSync(spec)) {
    const path = resolve(spec);
    const detected = await detectLayout(path, statSync(path).isDirectory(), o);
    return { ...detected, name: spec, origin: 'path' };
  }
  const entry = registryEntry(spec);
  if (!entry) {
    const known = registryEntries()
      .map((e) => e.name)
      .join(', ');
    throw new InputError(
      `--data ${spec}: no such file or folder, and not a known dataset (known: ${known}; or synthetic:ml-25m-shape)`,
    );
  }
  const dataDir = o.dataDir ?? process.env.RECKIT_DATA_DIR;
  const cache = cacheDir(o);
  const places: [string, 'data-dir' | 'cache'][] = [];
  if (dataDir) places.push([join(dataDir, spec), 'data-dir']);
  places.push([join(cache, spec), 'cache']);
  for (const [dir, origin] of places) {
    if (present(dir, entry)) return { kind: 'registry', entry, dir, exact: true, name: spec, origin };
  }
  if (o.download === false || !entry.download) {
    const tried = places.map(([d]) => d).join(' and ');
    throw new InputError(
      `${placeByHand(entry, join(cache, spec), entry.download ? '' : 'it has no direct download URL')} (looked in ${tried})`,
    );
  }
  const got = await downloadDataset(entry, cache, o);
  return { kind: 'registry', entry, dir: got.dir, exact: true, name: spec, origin: 'download' };
}

function present(dir: string, entry: DatasetEntry): boolean {
  const first = entry.ratings?.file ?? entry.items.map((i) => ('file' in i ? i.file : undefined)).find(Boolean);
  return first !== undefined && existsSync(join(dir, first));
}
