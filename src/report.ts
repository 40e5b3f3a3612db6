// `reckit/report`: the self-contained HTML evaluation report.
export {
  ratingHistogram,
  renderEvaluationReport,
  writeEvaluationReport,
} from './adapters/report/evaluation-report.js';
