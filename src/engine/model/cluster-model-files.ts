import { makeVector, Table } from 'apache-arrow';
import { InputError } from '../errors.js';
import { checkFinite, type FiniteField } from './check-finite.js';
import type { ClusterFeatureKind, ClusterModelData } from './cluster-model.js';
import {
  fixedListValues,
  fixedListVector,
  flagVector,
  idVector,
  iota,
  modelFiles,
  seenTable,
} from './model-columns.js';
import { type ModelMeta, type ModelMetaInput, ratingModelMeta } from './model-dir.js';

/**
 * A cluster model directory (model.json kind "cluster"), plain Arrow IPC any reader opens:
 * - users.arrow: id, cluster Int32 (-1: no training ratings), bias Float32 (b_u).
 * - items.arrow: id, bias Float32 (b_i), known Bool.
 * - centroids.arrow: cluster Int32, centroid FixedSizeList<Float32>[dim].
 * - cluster-items.arrow: cluster Int32, item id, deviation Float32 (dev_ci), members Int32 (n_Ci),
 *   only where n_Ci > 0 (elsewhere dev_ci = 0).
 * - seen.arrow: user, item, rating Float32: the training ratings, by user then item.
 * model.json `extra`: globalMean, k, dim, features.
 */
export function clusterModelTables(d: ClusterModelData): { meta: ModelMetaInput; tables: Record<string, Table> } {
  checkFinite(
    `cannot save the ${d.algorithm} model`,
    finiteFields(d, 'user', 'item', 'centroids'),
    'the fit produced non-finite numbers: scale the ratings (e.g. log(1 + count) for counts)',
  );
  const nU = d.users.size;
  const nI = d.items.size;
  const users = new Table({
    id: idVector(d.users, iota(nU)),
    cluster: makeVector(d.userCluster),
    bias: makeVector(d.userBias),
  });
  const items = new Table({
    id: idVector(d.items, iota(nI)),
    bias: makeVector(d.itemBias),
    known: flagVector(d.itemKnown),
  });
  const centroids = new Table({
    cluster: makeVector(iota(d.k)),
    centroid: fixedListVector(d.centroids, d.k, d.dim, 'value'),
  });
  const cc: number[] = [];
  const ci: number[] = [];
  for (let p = 0; p < d.memberCounts.length; p++) {
    if (d.memberCounts[p]! > 0) {
      cc.push(Math.floor(p / nI));
      ci.push(p % nI);
    }
  }
  const clusterItems = new Table({
    cluster: makeVector(Int32Array.from(cc)),
    item: idVector(d.items, Int32Array.from(ci)),
    deviation: makeVector(Float32Array.from(cc, (c, q) => d.deviation[c * nI + ci[q]!]!)),
    members: makeVector(Int32Array.from(cc, (c, q) => d.memberCounts[c * nI + ci[q]!]!)),
  });
  const seen = seenTable(d.users, d.items, d.seen);
  const meta = ratingModelMeta('cluster', d, { globalMean: d.globalMean, k: d.k, dim: d.dim, features: d.features });
  return { meta, tables: { users, items, centroids, 'cluster-items': clusterItems, seen } };
}

/** Reads back what clusterModelTables wrote; a missing table, column or bad shape is an InputError naming it. */
export async function clusterModelData(
  dir: string,
  meta: ModelMeta,
  tables: Record<string, Table>,
): Promise<ClusterModelData> {
  const { globalMean, k, dim, features } = (meta.extra ?? {}) as Record<string, unknown>;
  if (
    typeof globalMean !== 'number' ||
    !Number.isInteger(k) ||
    !Number.isInteger(dim) ||
    typeof features !== 'string'
  ) {
    throw new InputError(`${dir}/model.json: extra.globalMean, k, dim and features are required for a cluster model`);
  }
  const K = k as number;
  const D = dim as number;
  const f = modelFiles(dir, tables, 'a cluster model needs users, items, centroids, cluster-items, seen');
  const users = f.ids('users', meta.idTypes.user);
  const items = f.ids('items', meta.idTypes.item);
  const nI = items.size;
  const centroids = fixedListValues(f.column('centroids', 'centroid'), K, D, `${dir}/centroids.arrow centroid`);
  const deviation = new Float32Array(K * nI);
  const memberCounts = new Int32Array(K * nI);
  const cc = f.numbers('cluster-items', 'cluster', Int32Array);
  const cItems = f.column('cluster-items', 'item').toArray() as ArrayLike<number | string>;
  const dev = f.numbers('cluster-items', 'deviation', Float32Array);
  const mem = f.numbers('cluster-items', 'members', Int32Array);
  for (let q = 0; q < cc.length; q++) {
    const i = items.indexOf(cItems[q]!);
    if (i < 0 || cc[q]! < 0 || cc[q]! >= K)
      throw new InputError(`${dir}/cluster-items.arrow row ${q}: cluster or item out of range`);
    deviation[cc[q]! * nI + i] = dev[q]!;
    memberCounts[cc[q]! * nI + i] = mem[q]!;
  }
  const csr = await f.seen(users, items);
  const data: ClusterModelData = {
    algorithm: meta.algorithm,
    params: meta.params,
    users,
    items,
    scale: meta.scale,
    globalMean,
    features: features as ClusterFeatureKind,
    k: K,
    dim: D,
    centroids,
    userCluster: f.numbers('users', 'cluster', Int32Array),
    userBias: f.numbers('users', 'bias', Float32Array),
    itemBias: f.numbers('items', 'bias', Float32Array),
    deviation,
    memberCounts,
    seen: csr,
    itemKnown: f.flags('items', 'known'),
    metrics: meta.metrics,
  };
  checkFinite(
    dir,
    finiteFields(data, 'users.arrow', 'items.arrow', 'centroids.arrow centroid'),
    'the model is damaged: train it again',
  );
  return data;
}

/** The numbers of a cluster model that must be finite, named for messages. */
function finiteFields(d: ClusterModelData, users: string, items: string, centroids: string): FiniteField[] {
  return [
    { name: centroids, values: d.centroids, width: d.dim },
    { name: `${users} bias`, values: d.userBias, ids: d.users },
    { name: `${items} bias`, values: d.itemBias, ids: d.items },
    { name: 'cluster-items deviation', values: d.deviation, width: d.items.size },
    { name: 'globalMean', values: [d.globalMean] },
    { name: 'scale', values: [d.scale.min, d.scale.max] },
  ];
}
