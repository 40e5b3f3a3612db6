import { type LoadDatasetOptions, loadDataset } from '../datasets/load-dataset.js';
import { type EvaluationReportInput, ratingHistogram, writeEvaluationReport } from './evaluation-report.js';

/**
 * `reckit evaluate --report FILE.html`: writes the evaluation page. The rating distribution needs
 * the ratings themselves, which the evaluate report does not carry, so the dataset is read again
 * (a fraction of the evaluation's time).
 */
export async function writeEvaluateHtml(
  file: string,
  report: EvaluationReportInput,
  load: LoadDatasetOptions = {},
): Promise<void> {
  const data = await loadDataset(report.data, { ...load, items: false });
  const values = data.ratings.getChild('rating')?.toArray() as Float32Array | undefined;
  await writeEvaluationReport(file, report, { ratingHistogram: values ? ratingHistogram(values) : undefined });
}
