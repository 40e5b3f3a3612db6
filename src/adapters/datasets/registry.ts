import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LinksLayout } from '../../engine/data/join-links.js';
import type { ItemsLayout, RatingsLayout } from '../../engine/data/ratings-layout.js';
import { InputError } from '../../engine/errors.js';

/** Metadata from another registry dataset (TMDB 5000 for The Movies Dataset). */
export interface ItemsFromDataset {
  dataset: string;
  keyedBy?: 'tmdbId' | undefined;
}

/** An items file of this dataset; `keyedBy` says its ids need the links file to reach rating ids. */
export type ItemsSource = (ItemsLayout & { keyedBy?: 'tmdbId' | undefined }) | ItemsFromDataset;

export interface DatasetEntry {
  name: string;
  title: string;
  homepage: string;
  /** Null where there is no direct URL (Kaggle): see `manual`. */
  download: {
    url: string;
    /** Archive checksum; null where none is published (never guessed). */
    sha256: string | null;
    /** Folder inside the archive holding the files ('' for none). */
    archiveRoot: string;
    checksumNote?: string;
    note?: string;
  } | null;
  manual?: { page: string; files: string[]; note: string };
  /** Null for metadata-only datasets (TMDB 5000). */
  ratings: RatingsLayout | null;
  /** Tried in order; the first whose file (or dataset) is present wins. */
  items: ItemsSource[];
  links?: LinksLayout;
  scale: { min: number; max: number; step: number } | null;
  implicit?: boolean;
  published: { ratings: number | null; users: number | null; items: number | null } | null;
  /** sha256 of individual files, where known. */
  files?: Record<string, string>;
  license: string;
}

// src/adapters/datasets -> package root; dist/adapters/datasets is at the same depth.
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

const REGISTRY_PATH = resolve(PACKAGE_ROOT, 'datasets/registry.json');
let cached: DatasetEntry[] | undefined;

/** Every dataset in datasets/registry.json (shipped in the package), in registry order. */
export function registryEntries(path = REGISTRY_PATH): DatasetEntry[] {
  if (cached && path === REGISTRY_PATH) return cached;
  let parsed: { version?: number; datasets?: DatasetEntry[] };
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new InputError(`cannot read the dataset registry ${path}: ${(error as Error).message}`, { cause: error });
  }
  if (parsed.version !== 1 || !Array.isArray(parsed.datasets)) {
    throw new InputError(`${path}: expected {"version": 1, "datasets": [...]}`);
  }
  if (path === REGISTRY_PATH) cached = parsed.datasets;
  return parsed.datasets;
}

/** The registry entry of a dataset name, or undefined. */
export function registryEntry(name: string): DatasetEntry | undefined {
  return registryEntries().find((d) => d.name === name);
}
