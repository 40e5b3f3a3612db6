import { InputError } from '../errors.js';
import type { Algorithm } from './algorithm.js';
import { type AlsExplicitParams, ExplicitALS } from './als-explicit.js';
import { Baseline, type BaselineParams } from './baseline.js';
import { BPR, type BprParams } from './bpr.js';
import { EASE, type EaseParams } from './ease.js';
import { EaseALS, type EaseAlsParams } from './ease-als.js';
import { GlobalMean } from './global-mean.js';
import { ImplicitALS, type ImplicitAlsParams } from './implicit-als.js';
import { ItemKNN, type ItemKnnParams } from './item-knn.js';
import type { KmeansParams } from './kmeans/kmeans-params.js';
import { KMeansRecommender } from './kmeans/kmeans-recommender.js';
import { KNNBaseline, type KnnBaselineParams } from './knn-baseline.js';
import { Popularity } from './popularity.js';
import { SLIM, type SlimParams } from './slim.js';
import { SVD } from './svd.js';
import type { SvdParams } from './svd-params.js';
import { SVDpp } from './svdpp.js';
import type { SvdppParams } from './svdpp-params.js';

/** The algorithms `reckit evaluate|train --algo` knows: rating models, then the top-N rankers (docs/ranking.md). */
export const ALGORITHM_NAMES = [
  'svd',
  'baseline',
  'globalmean',
  'popularity',
  'kmeans',
  'als',
  'ease',
  'itemknn',
  'bpr',
  'ease-als',
  'svdpp',
  'knn-baseline',
  'als-explicit',
  'slim',
] as const;
export type AlgorithmName = (typeof ALGORITHM_NAMES)[number];

/** The top-N rankers among them: their scores are preferences on [0, 1], not ratings (docs/ranking.md). */
export const RANKER_NAMES: readonly string[] = ['als', 'ease', 'itemknn', 'bpr', 'ease-als', 'slim'];

/** A configured algorithm by name, params validated (InputError on an unknown name or bad param). */
export function createAlgorithm(name: string, params: Record<string, unknown> = {}): Algorithm<object> {
  switch (name) {
    case 'svd':
      return new SVD(params as Partial<SvdParams>);
    case 'baseline':
      return new Baseline(params as Partial<BaselineParams>);
    case 'globalmean':
      return new GlobalMean(params);
    case 'popularity':
      return new Popularity(params);
    case 'kmeans':
      return new KMeansRecommender(params as Partial<KmeansParams>);
    case 'als':
      return new ImplicitALS(params as Partial<ImplicitAlsParams>);
    case 'ease':
      return new EASE(params as Partial<EaseParams>);
    case 'itemknn':
      return new ItemKNN(params as Partial<ItemKnnParams>);
    case 'bpr':
      return new BPR(params as Partial<BprParams>);
    case 'svdpp':
      return new SVDpp(params as Partial<SvdppParams>);
    case 'knn-baseline':
      return new KNNBaseline(params as Partial<KnnBaselineParams>);
    case 'als-explicit':
      return new ExplicitALS(params as Partial<AlsExplicitParams>);
    case 'ease-als':
      return new EaseALS(params as Partial<EaseAlsParams>);
    case 'slim':
      return new SLIM(params as Partial<SlimParams>);
    default:
      throw new InputError(`unknown algorithm "${name}"; known: ${ALGORITHM_NAMES.join(', ')}`);
  }
}
