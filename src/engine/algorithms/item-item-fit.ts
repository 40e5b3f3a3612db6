import type { Csr, Kernels } from '../kernels/signatures.js';
import type { RatingMatrix } from '../matrix/rating-matrix.js';
import { ItemItemModel } from '../model/item-item-model.js';

/**
 * The ItemItemModel an item-item fit (EASE, item-kNN; docs/ranking.md) returns: its weights (dense,
 * or neighbour lists with an empty dense array) plus what every such model takes from the
 * training matrix: ids, the seen interactions (shared, not copied) and which items are known.
 */
export function fittedItemItemModel(
  train: RatingMatrix,
  algorithm: string,
  params: object,
  w: { weights: Float32Array; neighbours?: Csr | undefined },
  kernels: Kernels,
): ItemItemModel {
  const itemKnown = new Uint8Array(train.nItems);
  for (const c of train.csr.cols) itemKnown[c] = 1;
  return new ItemItemModel(
    {
      algorithm,
      params: { ...params } as Record<string, unknown>,
      users: train.users,
      items: train.items,
      weights: w.weights,
      neighbours: w.neighbours,
      seen: train.csr,
      itemKnown,
    },
    kernels,
  );
}
