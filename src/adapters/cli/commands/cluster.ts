import type { Command } from 'commander';
import type { ClusterFeatures } from '../../../engine/algorithms/kmeans/kmeans-params.js';
import { KMeansRecommender } from '../../../engine/algorithms/kmeans/kmeans-recommender.js';
import { check } from '../../../engine/errors.js';
import { kernels } from '../../../engine/kernels/registry.js';
import type { Id } from '../../../engine/matrix/id-index.js';
import { loadMatrix } from '../../datasets/load-matrix.js';
import { type CliContext, emit } from '../context.js';
import { progressBar } from '../progress.js';

export interface ClusterRun {
  data: string;
  k?: number | undefined;
  /** 'ratings' (zero-filled rows, the default), 'centered', 'normalized' or 'factors' (SVD user factors). */
  on?: string | undefined;
  seed?: number | undefined;
  /** Movies listed per cluster. */
  top?: number | undefined;
  /** Only items at least this many members rated are listed (the cluster's own favourites). */
  minMembers?: number | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((fraction: number) => void) | undefined;
}

export interface ClusterSummary {
  cluster: number;
  users: number;
  ratings: number;
  meanRating: number;
  top: { item: Id; title: string | null; score: number; members: number }[];
}

export interface ClusterReport {
  data: string;
  k: number;
  on: string;
  seed: number;
  users: number;
  items: number;
  ratings: number;
  inertia: number;
  iterations: number;
  emptyClustersRepaired: number;
  backend: string;
  loadSeconds: number;
  fitSeconds: number;
  clusters: ClusterSummary[];
}

/**
 * `reckit cluster` as a plain function: k-means of the users (KMeansRecommender), then each
 * cluster's size, mean rating and best-scored movies (with titles when the dataset has them),
 * largest cluster first.
 */
export async function runCluster(o: ClusterRun): Promise<ClusterReport> {
  const t0 = performance.now();
  const k = o.k ?? 20;
  const on = o.on ?? 'ratings';
  const seed = o.seed ?? 0;
  const top = o.top ?? 5;
  const minMembers = o.minMembers ?? 3;
  check(Number.isInteger(top) && top >= 1, () => `--top must be an integer >= 1, got ${o.top}`);
  check(Number.isInteger(minMembers) && minMembers >= 1, () => `--min-members must be >= 1, got ${o.minMembers}`);
  const algorithm = new KMeansRecommender({ k, features: on as ClusterFeatures, seed });
  const { matrix, dataset: loaded } = await loadMatrix(o.data, { signal: o.signal });
  const titles = titleLookup(loaded.items);
  const t1 = performance.now();
  const model = await algorithm.fit(matrix, { signal: o.signal, onProgress: o.onProgress });
  const t2 = performance.now();
  const d = model.data;
  const nI = matrix.nItems;
  const sums = new Float64Array(k);
  const counts = new Float64Array(k);
  const { offsets, values } = matrix.csr;
  for (let u = 0; u < matrix.nUsers; u++) {
    const c = d.userCluster[u]!;
    if (c < 0) continue;
    for (let p = offsets[u]!; p < offsets[u + 1]!; p++) sums[c]! += values[p]!;
    counts[c]! += offsets[u + 1]! - offsets[u]!;
  }
  const sizes = model.clusterSizes();
  const clusters: ClusterSummary[] = [];
  for (let c = 0; c < k; c++) {
    const best: ClusterSummary['top'] = [];
    for (const i of model.rankedItems(c)) {
      if (best.length >= top) break;
      const members = d.memberCounts[c * nI + i]!;
      if (members < minMembers) continue;
      const id = matrix.items.idOf(i);
      best.push({
        item: id,
        title: titles.get(id) ?? null,
        score: Math.fround(model.rawScore(-1, i).score + d.deviation[c * nI + i]!),
        members,
      });
    }
    clusters.push({
      cluster: c,
      users: sizes[c]!,
      ratings: counts[c]!,
      meanRating: counts[c] ? sums[c]! / counts[c]! : Number.NaN,
      top: best,
    });
  }
  clusters.sort((a, b) => b.users - a.users || a.cluster - b.cluster);
  return {
    data: o.data,
    k,
    on,
    seed,
    users: matrix.nUsers,
    items: matrix.nItems,
    ratings: matrix.nRatings,
    inertia: d.metrics?.inertia ?? Number.NaN,
    iterations: d.metrics?.iterations ?? 0,
    emptyClustersRepaired: d.metrics?.emptyClustersRepaired ?? 0,
    backend: kernels().name,
    loadSeconds: (t1 - t0) / 1000,
    fitSeconds: (t2 - t1) / 1000,
    clusters,
  };
}

function titleLookup(items: { getChild(name: string): { toArray(): unknown } | null } | undefined): Map<Id, string> {
  const out = new Map<Id, string>();
  const ids = items?.getChild('item')?.toArray() as ArrayLike<Id> | undefined;
  const titles = items?.getChild('title')?.toArray() as ArrayLike<string | null> | undefined;
  if (!ids || !titles) return out;
  for (let r = 0; r < ids.length; r++) if (titles[r]) out.set(ids[r]!, titles[r]!);
  return out;
}

function text(r: ClusterReport): string {
  const lines = [
    `${r.data}: ${r.users.toLocaleString('en-US')} users in ${r.k} clusters on ${r.on} (seed ${r.seed}, ${r.backend} kernels)`,
    `inertia ${r.inertia.toExponential(4)}, ${r.iterations} iterations, ${r.emptyClustersRepaired} empty clusters repaired; load ${r.loadSeconds.toFixed(2)} s, fit ${r.fitSeconds.toFixed(2)} s`,
  ];
  for (const c of r.clusters) {
    lines.push(
      '',
      `cluster ${c.cluster}: ${c.users} users, ${c.ratings.toLocaleString('en-US')} ratings, mean rating ${c.meanRating.toFixed(2)}`,
    );
    for (const t of c.top) {
      lines.push(`  ${t.score.toFixed(2)}  ${t.title ?? `item ${String(t.item)}`}  (${t.members} members rated it)`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function registerCluster(program: Command, ctx: CliContext): void {
  program
    .command('cluster')
    .description("k-means of the users: each cluster's size, mean rating and top movies")
    .requiredOption('--data <name|path>', 'dataset name (resolved under $RECKIT_DATA_DIR) or path')
    .option('--k <n>', 'clusters', '20')
    .option('--on <features>', 'ratings | centered | normalized | factors (SVD user factors)', 'ratings')
    .option('--seed <n>', 'k-means++ seed', '0')
    .option('--top <n>', 'movies listed per cluster', '5')
    .option('--min-members <n>', 'list only movies at least this many members rated', '3')
    .option('--json', 'print JSON')
    .action(
      async (a: {
        data: string;
        k: string;
        on: string;
        seed: string;
        top: string;
        minMembers: string;
        json?: boolean;
      }) => {
        const bar = progressBar(ctx, 'cluster');
        const report = await runCluster({
          data: a.data,
          k: Number(a.k),
          on: a.on,
          seed: Number(a.seed),
          top: Number(a.top),
          minMembers: Number(a.minMembers),
          signal: ctx.signal,
          onProgress: bar.update,
        }).finally(() => bar.stop());
        emit(ctx, a.json, report, () => text(report));
      },
    );
}
