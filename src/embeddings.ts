/**
 * reckit/embeddings: top-N over any item embeddings for Node services (docs/embeddings.md).
 * Exact search on reckit's native top-N kernels, filters inside the scan, optional HNSW.
 */
export type { AttributeValue } from './engine/embeddings/attributes.js';
export {
  type BatchSearchOptions,
  EmbeddingIndex,
  type Hit,
  type IndexOptions,
  type SearchOptions,
} from './engine/embeddings/embedding-index.js';
export type { EmbeddingFilter } from './engine/embeddings/filters.js';
export { HnswIndex, type HnswOptions } from './engine/embeddings/hnsw-index.js';
export type { BuildOptions, Metric } from './engine/embeddings/index-data.js';
export { type IndexHeader, loadIndex, saveIndex } from './engine/embeddings/index-files.js';
export { formatNpy, parseNpy, readNpy } from './engine/embeddings/npy.js';
export { openIndex } from './engine/embeddings/open-index.js';
export {
  type ColumnOptions,
  indexFromArrow,
  indexFromFile,
  indexFromModel,
  indexFromTensor,
  type TensorLike,
} from './engine/embeddings/sources.js';
export type { Condition, WhereFn, WhereSpec } from './engine/embeddings/where.js';
export { InputError } from './engine/errors.js';
