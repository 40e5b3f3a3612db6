import { makeVector, Table } from 'apache-arrow';
import { InputError } from '../../engine/errors.js';
import { loadDataset } from '../datasets/load-dataset.js';
import type { Warehouse } from '../warehouse/warehouse.js';

/**
 * Loads a MovieLens-style dataset into the warehouse as the seed's tables: `ratings` (USERID,
 * MOVIEID, RATING, TIMESTAMP) and `movies` (MOVIEID, TITLE, GENRES), each replaced atomically.
 */
export async function loadMovieLens(
  warehouse: Warehouse,
  data: string,
  o: {
    ratingsTable?: string | undefined;
    moviesTable?: string | undefined;
    signal?: AbortSignal | undefined;
    onProgress?: ((fraction: number) => void) | undefined;
  } = {},
): Promise<{ ratings: number; movies: number; files: string[]; ratingsTable: string; moviesTable: string }> {
  const d = await loadDataset(data, { signal: o.signal, onProgress: o.onProgress });
  if (!d.items) throw new InputError(`dataset "${data}" has no item titles (movies.csv); the quickstart needs them`);
  const r = d.ratings;
  const columns: Record<string, ReturnType<typeof makeVector>> = {
    USERID: r.getChild('user') as never,
    MOVIEID: r.getChild('item') as never,
    RATING: r.getChild('rating') as never,
  };
  const ts = r.getChild('timestamp');
  if (ts)
    columns.TIMESTAMP = makeVector(BigInt64Array.from(ts.toArray() as Float64Array, (x) => BigInt(Math.round(x))));
  const ratingsTable = o.ratingsTable ?? 'ratings';
  const moviesTable = o.moviesTable ?? 'movies';
  await warehouse.writeTable(ratingsTable, new Table(columns), { signal: o.signal });
  const movies = new Table({
    MOVIEID: d.items.getChild('item') as never,
    TITLE: d.items.getChild('title') as never,
    GENRES: d.items.getChild('genres') as never,
  });
  await warehouse.writeTable(moviesTable, movies, { signal: o.signal });
  return { ratings: r.numRows, movies: movies.numRows, files: d.report.files, ratingsTable, moviesTable };
}
