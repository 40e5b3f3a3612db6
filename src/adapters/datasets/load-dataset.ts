import type { Table } from 'apache-arrow';
import { loadKnownRatings } from '../../engine/data/load-ratings.js';
import type { RatingScale } from '../../engine/matrix/rating-matrix.js';

/** What loading a dataset returns: ratings (user, item, rating Float32[, timestamp]) and item metadata. */
export interface LoadedDataset {
  name: string;
  ratings: Table;
  /** item, title, genres (where the dataset has them). */
  items?: Table | undefined;
  /** Declared rating scale from the registry, when known. */
  scale?: RatingScale | undefined;
  report: { rows: number; skipped: number; seconds: number; files: string[] };
}

export interface LoadDatasetOptions {
  skipBad?: boolean;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

/**
 * Resolves `--data NAME|PATH` and loads it. First cut over the four numeric rating layouts; the
 * dataset registry (datasets/registry.json) and download cache replace the internals.
 */
export async function loadDataset(spec: string, _o: LoadDatasetOptions = {}): Promise<LoadedDataset> {
  const t0 = performance.now();
  const ratings = loadKnownRatings(spec);
  return {
    name: spec,
    ratings,
    report: { rows: ratings.numRows, skipped: 0, seconds: (performance.now() - t0) / 1000, files: [] },
  };
}
