import { makeVector, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { kmeans } from '../../engine/algorithms/kmeans/kmeans.js';
import { RatingMatrix } from '../../engine/matrix/rating-matrix.js';
import { parseTableName } from '../warehouse/table-name.js';
import type { Warehouse } from '../warehouse/warehouse.js';

export interface UserCluster {
  cluster: number;
  users: number;
  meanRating: number;
  /** The cluster's most-rated movies, with titles. */
  topMovies: string[];
}

/**
 * A k-means view of the users: spherical k-means (cosine) on each user's sparse rating row, the
 * labels written to `outputTable` (USERID, CLUSTER), then one SQL query in the warehouse sums up
 * each cluster: size, mean rating and its most-rated titles (joined by the warehouse's own string
 * aggregate, its dialect's one non-standard piece).
 */
export async function clusterUsers(
  warehouse: Warehouse,
  o: {
    ratingsTable?: string | undefined;
    moviesTable?: string | undefined;
    outputTable?: string | undefined;
    k?: number | undefined;
    seed?: number | undefined;
    signal?: AbortSignal | undefined;
  } = {},
): Promise<{ clusters: UserCluster[]; inertia: number; iterations: number; outputTable: string }> {
  const ratings = parseTableName(o.ratingsTable ?? 'ratings').quoted;
  const movies = parseTableName(o.moviesTable ?? 'movies').quoted;
  const outputTable = o.outputTable ?? 'user_clusters';
  const out = parseTableName(outputTable).quoted;
  const table = await warehouse.readTable(o.ratingsTable ?? 'ratings', { columns: ['USERID', 'MOVIEID', 'RATING'] });
  const { matrix } = await RatingMatrix.fromTable(table, {
    columns: { user: 'USERID', item: 'MOVIEID', rating: 'RATING' },
    signal: o.signal,
  });
  const k = Math.min(o.k ?? 5, matrix.nUsers);
  const fit = await kmeans({ kind: 'csr', csr: matrix.csr }, k, {
    metric: 'cosine',
    seed: o.seed ?? 0,
    signal: o.signal,
  });
  // The ratings table's own id type goes back out (INTEGER ids stay INTEGER, text ids stay text).
  const ids = matrix.users.ids;
  const users =
    ids instanceof Float64Array
      ? ids.every((v) => Number.isInteger(v) && Math.abs(v) < 2 ** 31)
        ? makeVector(Int32Array.from(ids))
        : makeVector(ids)
      : vectorFromArray(ids as string[], new Utf8());
  await warehouse.writeTable(outputTable, new Table({ USERID: users, CLUSTER: makeVector(fit.labels) }));
  const summary = await warehouse.run(
    `WITH per_movie AS (
       SELECT c."CLUSTER", r."MOVIEID", count(*) AS n
       FROM ${ratings} r JOIN ${out} c ON c."USERID" = r."USERID" GROUP BY 1, 2),
     ranked AS (
       SELECT *, row_number() OVER (PARTITION BY "CLUSTER" ORDER BY n DESC, "MOVIEID") AS rk FROM per_movie),
     tops AS (
       SELECT k."CLUSTER", ${warehouse.dialect.stringAgg('m."TITLE"', '\n', 'k.rk')} AS titles
       FROM ranked k JOIN ${movies} m ON m."MOVIEID" = k."MOVIEID" WHERE k.rk <= 3 GROUP BY 1),
     sizes AS (
       SELECT c."CLUSTER", count(DISTINCT c."USERID") AS users, avg(r."RATING") AS mean_rating
       FROM ${out} c JOIN ${ratings} r ON r."USERID" = c."USERID" GROUP BY 1)
     SELECT s."CLUSTER" AS cluster, s.users, s.mean_rating, t.titles
     FROM sizes s JOIN tops t ON t."CLUSTER" = s."CLUSTER" ORDER BY s.users DESC, cluster`,
  );
  const clusters: UserCluster[] = [];
  for (let r = 0; r < summary.numRows; r++) {
    clusters.push({
      cluster: Number(summary.getChild('cluster')?.get(r)),
      users: Number(summary.getChild('users')?.get(r)),
      meanRating: Number(summary.getChild('mean_rating')?.get(r)),
      topMovies: String(summary.getChild('titles')?.get(r) ?? '').split('\n'),
    });
  }
  return { clusters, inertia: fit.inertia, iterations: fit.iterations, outputTable };
}
