// `reckit/datasets`: resolve and load rating datasets by name or path (MovieLens layouts, CSV/TSV,
// Parquet, Arrow IPC, the seeded synthetic generator), as Arrow tables or straight to a RatingMatrix.
export {
  type LoadDatasetOptions,
  type LoadedDataset,
  type LoadReport,
  loadDataset,
} from './adapters/datasets/load-dataset.js';
export { loadMatrix } from './adapters/datasets/load-matrix.js';
export { type DatasetEntry, registryEntries } from './adapters/datasets/registry.js';
