import { resolve } from 'node:path';
import { makeVector, Table } from 'apache-arrow';
import type { Id } from '../../engine/matrix/id-index.js';
import { checkModelDirTarget } from '../../engine/model/model-dir-target.js';
import { openWarehouse } from '../warehouse/open-warehouse.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { clusterUsers, type UserCluster } from './cluster-users.js';
import { createEndpointRegistry } from './endpoints.js';
import { loadMovieLens } from './load-movielens.js';
import { type TrainSummary, trainAndGetRecommendations } from './train-and-get-recommendations.js';

/** The seed's no_ratings rows: (user, movie) pairs with no rating, predicted through the endpoint. */
export const SEED_UNRATED_PAIRS: readonly (readonly [number, number])[] = [
  [1, 610],
  [10, 313],
  [10, 297],
  [5, 18],
  [5, 19],
];

/** The quickstart's ranker: implicit ALS with the parameters tuned on an ml-100k validation split (docs/ranking.md). */
export const DEFAULT_RANKER: Readonly<{ algorithm: string; params: Record<string, unknown> }> = {
  algorithm: 'als',
  params: { factors: 64, reg: 5, regExponent: 0.5, alpha: 1.5, base: 0 },
};

export interface QuickstartRanker {
  algorithm: string;
  params?: Record<string, unknown> | undefined;
  /** Default reckit-models/movielens-<algorithm> in the cwd. */
  modelDir?: string | undefined;
}

export interface QuickstartOptions {
  /** Dataset (default ml-latest-small, the seed's). */
  data?: string | undefined;
  /** Warehouse spec (default duckdb:reckit.duckdb in the cwd). */
  warehouse?: string | undefined;
  /** Model directory (default reckit-models/movielens-svd in the cwd). */
  modelDir?: string | undefined;
  endpointName?: string | undefined;
  folds?: number | undefined;
  seed?: number | undefined;
  /**
   * The top-N ranker whose lists go to user_movie_recommendations_ranked next to the SVD lists
   * (default als with the parameters docs/ranking.md tuned on ml-100k; false skips it).
   */
  ranker?: QuickstartRanker | false;
  /** Clusters in the k-means view (0 skips it). */
  clusters?: number | undefined;
  signal?: AbortSignal | undefined;
  onStep?: ((step: QuickstartStep) => void) | undefined;
  onProgress?: ((step: string, fraction: number) => void) | undefined;
}

export interface QuickstartStep {
  step: string;
  seconds: number;
  detail: string;
}

export interface QuickstartReport {
  data: string;
  warehouse: string;
  steps: QuickstartStep[];
  train: Omit<TrainSummary, 'history'> & { epochs: number };
  /** The first rows of the output table, with titles. */
  sample: { user: number; items: { movie: number; title: string }[] }[];
  endpoint: { name: string; url: string };
  predictions: { user: number; movie: number; title: string; score: number; known: boolean }[];
  clusters?: { outputTable: string; clusters: UserCluster[] } | undefined;
  /** The ranker's lists and both models' nDCG@10 on the same ms-recommenders split. */
  ranker?: { algorithm: string; outputTable: string; modelDir: string; ndcg: number; svdNdcg: number } | undefined;
  tables: string[];
  modelDir: string;
  seconds: number;
}

/**
 * The seed pipeline, locally (what `npm start` runs): load MovieLens into the DuckDB warehouse,
 * train_and_get_recommendations('ratings', 'user_movie_recommendations'), show 10 rows with titles,
 * deploy_model('movielens-model-v1'), invoke_model on the seed's unrated pairs over HTTP, and a
 * k-means view of the users. Idempotent: every table is replaced atomically, the model directory
 * is swapped in, and the endpoint is stopped at the end.
 */
export async function quickstart(o: QuickstartOptions = {}): Promise<QuickstartReport> {
  const t0 = performance.now();
  const data = o.data ?? 'ml-latest-small';
  const endpointName = o.endpointName ?? 'movielens-model-v1';
  const steps: QuickstartStep[] = [];
  let last = performance.now();
  const step = (name: string, detail: string) => {
    const now = performance.now();
    const s = { step: name, seconds: (now - last) / 1000, detail };
    last = now;
    steps.push(s);
    o.onStep?.(s);
  };
  // Before any table is touched: a --model-dir that is not reckit's own model directory is refused.
  const modelDir = resolve(o.modelDir ?? 'reckit-models/movielens-svd');
  await checkModelDirTarget(modelDir);
  const warehouse = await openWarehouse(o.warehouse);
  try {
    const loaded = await loadMovieLens(warehouse, data, {
      signal: o.signal,
      onProgress: o.onProgress && ((f) => o.onProgress?.('load', f)),
    });
    step('load', `${loaded.ratings} ratings -> ratings, ${loaded.movies} movies -> movies (${warehouse.location})`);

    const rankerSpec: QuickstartRanker | undefined = o.ranker === false ? undefined : (o.ranker ?? DEFAULT_RANKER);
    const train = await trainAndGetRecommendations(warehouse, 'ratings', 'user_movie_recommendations', {
      folds: o.folds,
      seed: o.seed,
      rankingCheck: rankerSpec !== undefined,
      modelDir,
      signal: o.signal,
      onProgress: o.onProgress,
    });
    const cv = train.cv
      ? `${train.cv.folds.length}-fold CV RMSE ${train.cv.mean.rmse?.toFixed(4)} MAE ${train.cv.mean.mae?.toFixed(4)}; `
      : '';
    step(
      'train',
      `${cv}fit ${train.seconds.fit.toFixed(2)} s; top-10 for ${train.rowsWritten} users -> user_movie_recommendations; model -> ${train.modelDir}`,
    );

    let ranker: QuickstartReport['ranker'];
    if (rankerSpec) {
      const outputTable = 'user_movie_recommendations_ranked';
      const r = await trainAndGetRecommendations(warehouse, 'ratings', outputTable, {
        algorithm: rankerSpec.algorithm,
        params: rankerSpec.params,
        seed: o.seed,
        rankingCheck: true,
        modelDir: resolve(rankerSpec.modelDir ?? `reckit-models/movielens-${rankerSpec.algorithm}`),
        signal: o.signal,
        onProgress: o.onProgress,
      });
      const ndcg = r.ranking?.ndcg ?? Number.NaN;
      const svdNdcg = train.ranking?.ndcg ?? Number.NaN;
      ranker = { algorithm: r.algorithm, outputTable, modelDir: r.modelDir, ndcg, svdNdcg };
      step(
        'rank',
        `${r.algorithm} top-10 -> ${outputTable}; nDCG@10 on one ms-recommenders split: ${r.algorithm} ` +
          `${ndcg.toFixed(4)} vs svd ${svdNdcg.toFixed(4)} (docs/ranking.md)`,
      );
    }

    const sample = await sampleWithTitles(warehouse);
    step('show', `first ${sample.length} rows of user_movie_recommendations with titles`);

    const endpoints = createEndpointRegistry();
    const endpoint = await endpoints.deploy(endpointName, train.modelDir);
    step('deploy', `${endpointName} at ${endpoint.url}`);

    let predictions: QuickstartReport['predictions'];
    try {
      await warehouse.writeTable(
        'no_ratings',
        new Table({
          USERID: makeVector(Int32Array.from(SEED_UNRATED_PAIRS, (p) => p[0])),
          MOVIEID: makeVector(Int32Array.from(SEED_UNRATED_PAIRS, (p) => p[1])),
        }),
      );
      // The pairs keep the seed's order (SEED_UNRATED_PAIRS); titles come from movies by id, and
      // a pair whose movie has no title (297 is not in latest-small's movies.csv) still gets a
      // prediction (the endpoint's fallback). Plain SQL with binds: any warehouse runs it.
      const ids: (readonly [Id, Id])[] = SEED_UNRATED_PAIRS.map(([u, m]) => [u, m] as const);
      const titles = await titlesOf(
        warehouse,
        ids.map((p) => p[1] as number),
      );
      const scores = await endpoints.invoke(endpointName, ids);
      predictions = ids.map(([user, movie], r) => ({
        user: user as number,
        movie: movie as number,
        title: titles.get(movie as number) ?? '(not in movies)',
        score: scores[r]?.score as number,
        known: scores[r]?.known as boolean,
      }));
      step('predict', `${predictions.length} unrated pairs (as written to no_ratings) scored over HTTP`);
    } finally {
      await endpoints.close();
    }

    let clusters: QuickstartReport['clusters'];
    if ((o.clusters ?? 5) > 0) {
      const c = await clusterUsers(warehouse, { k: o.clusters ?? 5, seed: o.seed, signal: o.signal });
      clusters = { outputTable: c.outputTable, clusters: c.clusters };
      step('kmeans', `${c.clusters.length} user clusters (cosine k-means on rating rows) -> ${c.outputTable}`);
    }
    const { history, ...rest } = train;
    return {
      data,
      warehouse: warehouse.location,
      steps,
      train: { ...rest, epochs: history.length },
      sample,
      endpoint: { name: endpointName, url: endpoint.url },
      predictions,
      clusters,
      ranker,
      tables: [
        'ratings',
        'movies',
        'user_movie_recommendations',
        ...(ranker ? [ranker.outputTable] : []),
        'no_ratings',
        ...(clusters ? [clusters.outputTable] : []),
      ],
      modelDir: train.modelDir,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    await warehouse.close();
  }
}

/**
 * The output table's first 10 users with their movies' titles. Generic SQL (no unnest or
 * list functions): read 10 rows, then look the listed ids up in movies with bound parameters.
 */
async function sampleWithTitles(warehouse: Warehouse): Promise<QuickstartReport['sample']> {
  const first = await warehouse.run('SELECT * FROM user_movie_recommendations ORDER BY "USERID" LIMIT 10');
  const lists = first.getChild(first.schema.fields[1]?.name as string);
  const rows = Array.from({ length: first.numRows }, (_, r) => ({
    user: Number(first.getChild('USERID')?.get(r)),
    movies: Array.from((lists?.get(r) as { toArray(): ArrayLike<number | bigint> } | null)?.toArray() ?? [], Number),
  }));
  const titles = await titlesOf(
    warehouse,
    rows.flatMap((r) => r.movies),
  );
  return rows.map((r) => ({
    user: r.user,
    items: r.movies.map((movie) => ({ movie, title: titles.get(movie) ?? '?' })),
  }));
}

/** Titles of the given movie ids from the movies table (one query, ids as bound parameters). */
async function titlesOf(warehouse: Warehouse, movies: readonly number[]): Promise<Map<number, string>> {
  const ids = [...new Set(movies)];
  const out = new Map<number, string>();
  if (ids.length === 0) return out;
  const t = await warehouse.run(
    `SELECT "MOVIEID", "TITLE" FROM movies WHERE "MOVIEID" IN (${ids.map(() => '?').join(', ')})`,
    ids,
  );
  for (let r = 0; r < t.numRows; r++)
    out.set(Number(t.getChild('MOVIEID')?.get(r)), String(t.getChild('TITLE')?.get(r)));
  return out;
}
