// `reckit/report`: the self-contained HTML reports (one evaluation, and algorithms compared).
export { renderCompareReport, writeCompareReport } from './adapters/report/compare-report.js';
export {
  ratingHistogram,
  renderEvaluationReport,
  writeEvaluationReport,
} from './adapters/report/evaluation-report.js';
