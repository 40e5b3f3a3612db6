import { type BuildReport, RatingMatrix } from '../../engine/matrix/rating-matrix.js';
import { type LoadDatasetOptions, type LoadedDataset, loadDataset } from './load-dataset.js';

/**
 * `--data NAME|PATH` straight to a RatingMatrix: loadDataset, then RatingMatrix.fromTable with the
 * dataset's declared scale and the spec naming the source in errors. The commands that train on a
 * dataset (evaluate, train, cluster) all start here.
 */
export async function loadMatrix(
  spec: string,
  o: LoadDatasetOptions = {},
): Promise<{ matrix: RatingMatrix; dataset: LoadedDataset; build: BuildReport }> {
  const dataset = await loadDataset(spec, o);
  const { matrix, report } = await RatingMatrix.fromTable(dataset.ratings, {
    scale: dataset.scale,
    source: spec,
    signal: o.signal,
  });
  return { matrix, dataset, build: report };
}
