import { existsSync, readdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { RatingsLayout } from '../../engine/data/ratings-layout.js';
import { type SniffOptions, sniffDelimited } from '../../engine/data/sniff-delimited.js';
import { InputError } from '../../engine/errors.js';
import { type DatasetEntry, registryEntries } from './registry.js';

/** A dataset found at a path: the registry entry whose layout it follows, or a generic file layout. */
export type DetectedLayout =
  | {
      kind: 'registry';
      entry: DatasetEntry;
      dir: string;
      /** A file other than the entry's own ratings file (ml-100k's u1.base). */
      ratingsFile?: string;
      /** False when only the file names matched: the layout is borrowed, the declared scale is not. */
      exact: boolean;
    }
  | { kind: 'generic'; layout: RatingsLayout; dir: string };

const COLUMNAR: Record<string, 'parquet' | 'arrow'> = {
  '.parquet': 'parquet',
  '.arrow': 'arrow',
  '.arrows': 'arrow',
  '.feather': 'arrow',
  '.ipc': 'arrow',
};

/**
 * The registry entry a folder follows. Its own name wins (ml-10M100K -> ml-10m, ml-1m -> ml-1m);
 * otherwise the first entry whose ratings file is in the folder (u.data, ratings.dat, ratings.csv,
 * ratings_small.csv, ratings.tsv, user_artists.dat).
 */
function entryForFolder(dir: string): { entry: DatasetEntry; exact: boolean } | undefined {
  const entries = registryEntries().filter((e) => e.ratings);
  const name = basename(dir).toLowerCase();
  const byName = entries.find(
    (e) => (name === e.name || name === e.download?.archiveRoot.replace(/\/$/, '').toLowerCase()) && has(dir, e),
  );
  if (byName) return { entry: byName, exact: true };
  const byFile = entries.find((e) => has(dir, e));
  return byFile && { entry: byFile, exact: false };
}

const has = (dir: string, e: DatasetEntry) => Boolean(e.ratings && existsSync(join(dir, e.ratings.file)));

/** Detects the layout of a folder or file given as `--data PATH`. */
export async function detectLayout(path: string, isDir: boolean, o: SniffOptions = {}): Promise<DetectedLayout> {
  if (isDir) {
    const found = entryForFolder(path);
    if (found) return { kind: 'registry', ...found, dir: path };
    const candidates = readdirSync(path).filter((f) =>
      /\.(csv|tsv|txt|dat|data|parquet|arrow|arrows|feather|ipc)$/i.test(f),
    );
    if (candidates.length !== 1) {
      throw new InputError(
        `${path}: no known ratings file (u.data, ratings.dat, ratings.csv, ratings_small.csv, ratings.tsv, user_artists.dat) and ${candidates.length} candidate files; pass the file itself`,
      );
    }
    return detectLayout(join(path, candidates[0]!), false, o);
  }
  const dir = join(path, '..');
  const file = basename(path);
  const format = COLUMNAR[extname(file).toLowerCase()];
  if (format) return { kind: 'generic', layout: { format, file, columns: o.columns }, dir };
  if (!o.columns && !o.delimiter) {
    const inFolder = entryForFolder(dir);
    if (inFolder?.exact && inFolder.entry.ratings?.file === file) return { kind: 'registry', ...inFolder, dir };
    // u1.base / ua.test are ml-100k splits in u.data's layout; other distinctive names borrow a layout
    const split = /^u(\d|a|b)\.(base|test)$/.test(file);
    const known = registryEntries().find((e) => e.ratings?.file === (split ? 'u.data' : file));
    if (known && file !== 'ratings.csv') {
      return { kind: 'registry', entry: known, dir, ratingsFile: file, exact: known.ratings?.file === 'u.data' };
    }
  }
  return { kind: 'generic', layout: await sniffDelimited(path, file, o), dir };
}
