import type { RatingMatrix } from '../matrix/rating-matrix.js';
import type { FactorModelData } from '../model/factor-model-data.js';

/**
 * The parts of FactorModelData every algorithm fills the same way from its training matrix: ids,
 * scale, global mean, seen ratings (the training CSR, shared, not copied) and which items are known.
 */
export function factorDataBase(
  train: RatingMatrix,
  algorithm: string,
  params: object,
): Pick<FactorModelData, 'algorithm' | 'params' | 'users' | 'items' | 'scale' | 'globalMean' | 'seen' | 'itemKnown'> {
  const itemKnown = new Uint8Array(train.nItems);
  const cols = train.csr.cols;
  for (let p = 0; p < cols.length; p++) itemKnown[cols[p]!] = 1;
  return {
    algorithm,
    params: { ...params } as Record<string, unknown>,
    users: train.users,
    items: train.items,
    scale: train.scale,
    globalMean: train.globalMean,
    seen: train.csr,
    itemKnown,
  };
}
