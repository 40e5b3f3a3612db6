// The engine's public API (`reckit`): data, matrices, algorithms, models, evaluation, errors.
// Re-exports only. Adapters live behind subpath entries (reckit/pipeline, reckit/report,
// reckit/warehouse, reckit/sagemaker, ...) so importing the engine loads no DuckDB and no HTTP server.
export type { Algorithm, EpochReport, FitOptions } from './engine/algorithms/algorithm.js';
export { Baseline, type BaselineParams } from './engine/algorithms/baseline.js';
export { BPR, type BprParams } from './engine/algorithms/bpr.js';
export {
  ALGORITHM_NAMES,
  type AlgorithmName,
  createAlgorithm,
  RANKER_NAMES,
} from './engine/algorithms/create-algorithm.js';
export { EASE, type EaseParams } from './engine/algorithms/ease.js';
export { EaseALS, type EaseAlsParams } from './engine/algorithms/ease-als.js';
export { GlobalMean } from './engine/algorithms/global-mean.js';
export { ImplicitALS, type ImplicitAlsParams } from './engine/algorithms/implicit-als.js';
export { ItemKNN, type ItemKnnParams, type KnnSimilarity } from './engine/algorithms/item-knn.js';
export { clusterItems } from './engine/algorithms/kmeans/item-clusters.js';
export { type KmeansOptions, kmeans } from './engine/algorithms/kmeans/kmeans.js';
export type { ClusterFeatures, KmeansParams } from './engine/algorithms/kmeans/kmeans-params.js';
export { KMeansRecommender } from './engine/algorithms/kmeans/kmeans-recommender.js';
export { type KmeansAlgorithm, type KmeansMetric, KmeansResult } from './engine/algorithms/kmeans/kmeans-result.js';
export { Popularity } from './engine/algorithms/popularity.js';
export { SVD } from './engine/algorithms/svd.js';
export type { SvdParams } from './engine/algorithms/svd-params.js';
export { CancelledError, InputError, InternalError, NativeError, ReckitError } from './engine/errors.js';
export {
  type CrossValidateOptions,
  type CrossValidateResult,
  crossValidate,
  evaluateSplit,
  type FoldResult,
} from './engine/eval/cross-validate.js';
export { evaluateRanking, type RankingRun, type RankingRunOptions } from './engine/eval/evaluate-ranking.js';
export { type GridSearchOptions, type GridSearchResult, gridSearch } from './engine/eval/grid-search.js';
export {
  compareOnSplit,
  PROTOCOL_NAMES,
  type ProtocolName,
  protocolSplit,
} from './engine/eval/protocols.js';
export { type RankingMetrics, rankingMetrics, relevantItems } from './engine/eval/ranking-metrics.js';
export {
  type RankingSearchOptions,
  type RankingSearchRow,
  searchRanking,
} from './engine/eval/ranking-search.js';
export { leaveLastOut, pythonStratifiedSplit, stratifiedSplit } from './engine/eval/ranking-splits.js';
export { type RatingMetrics, ratingMetrics } from './engine/eval/rating-metrics.js';
export { fileSplit } from './engine/eval/test-set.js';
export { availableBackends, kernels } from './engine/kernels/registry.js';
export type { BackendName } from './engine/kernels/signatures.js';
export { type Id, IdIndex } from './engine/matrix/id-index.js';
export { RatingMatrix, type RatingScale } from './engine/matrix/rating-matrix.js';
export { kFold, leaveKOut, randomHoldout, type Split, type TestSet, temporal } from './engine/matrix/split.js';
export { ClusterModel, type ClusterModelData } from './engine/model/cluster-model.js';
export { FactorModel } from './engine/model/factor-model.js';
export type { FactorModelData } from './engine/model/factor-model-data.js';
export type { FoldInOptions } from './engine/model/fold-in.js';
export { ItemItemModel, type ItemItemModelData } from './engine/model/item-item-model.js';
export { loadModel } from './engine/model/load-model.js';
export type {
  FoldedUser,
  Model,
  Prediction,
  RecommendAllOptions,
  RecommendOptions,
  Scored,
  TopN,
} from './engine/model/model.js';
export { topNListTable, topNLongTable } from './engine/model/top-n-table.js';
