// The public API: re-exports only.
export { CancelledError, InputError, InternalError, NativeError, ReckitError } from './engine/errors.js';
export { availableBackends, backend, kernels } from './engine/kernels/registry.js';
export type { BackendName, Coo, Csr, Kernels } from './engine/kernels/signatures.js';
export { type Id, IdIndex } from './engine/matrix/id-index.js';
export { RatingMatrix, type RatingScale } from './engine/matrix/rating-matrix.js';
export { kFold, leaveKOut, randomHoldout, type Split, type TestSet, temporal } from './engine/matrix/split.js';
export { FactorModel } from './engine/model/factor-model.js';
export type { FactorModelData } from './engine/model/factor-model-data.js';
export { FactorFoldedUser, type FoldInOptions } from './engine/model/fold-in.js';
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
