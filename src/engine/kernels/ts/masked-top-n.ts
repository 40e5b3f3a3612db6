import type { ItemFactors, KernelRun, MaskedTopNBatchArgs, TopNAllArgs, TopNQuery, TopNResult } from '../signatures.js';
import { topNAll, topNVector } from './top-n.js';

/**
 * Reference twin of addon/embedding-kernels.ts: the plain top-N scans of ts/top-n.ts with the
 * request's row mask folded into the items' eligibility (masked rows are never offered).
 */
export function maskedTopNVector(items: ItemFactors, mask: Uint8Array | undefined, q: TopNQuery): TopNResult {
  return topNVector(withMask(items, mask), q);
}

/** Reference twin of the batched scan: one query per row of `queries`, each with offset 0. */
export async function maskedTopNBatch(a: MaskedTopNBatchArgs, run?: KernelRun): Promise<TopNResult> {
  return topNAll(queriesAsUsers(a, withMask(a.items, a.mask)), run);
}

/** A query batch as topNAll's arguments (both backends): query r is "user" r with offset 0. */
export function queriesAsUsers(a: MaskedTopNBatchArgs, items: ItemFactors): TopNAllArgs {
  const nQueries = a.items.k === 0 ? 0 : a.queries.length / a.items.k;
  return {
    items,
    userFactors: a.queries,
    userOffset: new Float32Array(nQueries),
    users: Int32Array.from({ length: nQueries }, (_, r) => r),
    n: a.n,
    seen: a.exclude,
    threads: a.threads,
  };
}

function withMask(items: ItemFactors, mask: Uint8Array | undefined): ItemFactors {
  if (!mask) return items;
  const eligible = new Uint8Array(items.eligible.length);
  for (let i = 0; i < eligible.length; i++) eligible[i] = items.eligible[i] && mask[i] ? 1 : 0;
  return { ...items, eligible };
}
