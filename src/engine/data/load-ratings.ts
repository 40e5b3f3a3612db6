import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type Table, tableFromArrays } from 'apache-arrow';
import { InputError } from '../errors.js';
import { parseDelimitedNumbers } from './parse-delimited-numbers.js';

/**
 * Minimal loader for the numeric rating files of the shared datasets (first cut; the dataset
 * registry replaces the name table below). Output: an Arrow table user, item, rating (Float32)
 * [, timestamp].
 */
const KNOWN: Record<string, { file: string; delimiter: string; header: boolean; timestamp: boolean }> = {
  'ml-100k': { file: 'u.data', delimiter: '\t', header: false, timestamp: true },
  'ml-latest-small': { file: 'ratings.csv', delimiter: ',', header: true, timestamp: true },
  'ml-1m-triples': { file: 'ratings.tsv', delimiter: '\t', header: false, timestamp: false },
  'the-movies-dataset': { file: 'ratings_small.csv', delimiter: ',', header: true, timestamp: true },
};

export function loadRatingsFile(
  path: string,
  layout: { delimiter: string; header: boolean; timestamp: boolean },
): Table {
  const buf = readFileSync(path);
  if (buf.length === 0) throw new InputError(`${path}: the file is empty`);
  const fields = layout.timestamp ? [0, 1, 2, 3] : [0, 1, 2];
  const names = ['user', 'item', 'rating', 'timestamp'].slice(0, fields.length);
  const cols = parseDelimitedNumbers(buf, { ...layout, fields, names, source: basename(path) });
  if ((cols[0] as Float64Array).length === 0) throw new InputError(`${path}: no rating rows`);
  const arrays: Record<string, Float64Array | Float32Array | Int32Array> = {
    user: Int32Array.from(cols[0] as Float64Array),
    item: Int32Array.from(cols[1] as Float64Array),
    rating: Float32Array.from(cols[2] as Float64Array),
  };
  if (layout.timestamp) arrays.timestamp = cols[3] as Float64Array;
  return tableFromArrays(arrays);
}

/** Resolves a known dataset name under RECKIT_DATA_DIR, or a folder holding one of the known files. */
export function loadKnownRatings(spec: string, dataDir = process.env.RECKIT_DATA_DIR): Table {
  const name = basename(spec);
  const layout = KNOWN[name];
  if (!layout) throw new InputError(`unknown dataset "${spec}"; known: ${Object.keys(KNOWN).join(', ')}`);
  const candidates = [
    existsSync(spec) && statSync(spec).isDirectory() ? spec : undefined,
    dataDir ? join(dataDir, name) : undefined,
  ];
  for (const dir of candidates) {
    if (dir && existsSync(join(dir, layout.file))) return loadRatingsFile(join(dir, layout.file), layout);
  }
  throw new InputError(`dataset "${name}" not found: place ${layout.file} in $RECKIT_DATA_DIR/${name}/`);
}
