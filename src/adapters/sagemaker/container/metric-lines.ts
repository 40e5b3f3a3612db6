import type { EpochReport } from '../../../engine/algorithms/algorithm.js';

/**
 * Metric lines on stdout, for the job's MetricDefinitions (SageMaker applies each definition's
 * regex to the log and publishes the first capture group). Every figure is printed as
 * `<name>=<number>;` with a plain decimal (never an exponent), so one regex per metric fits
 * both the per-epoch lines and the final line, e.g. `train:rmse=(-?[0-9.]+);`
 * (docs/sagemaker-container.md lists them).
 */
export function epochLine(e: EpochReport, epochs?: number): string {
  const parts = [`epoch=${e.epoch}${epochs ? `/${epochs}` : ''};`, figure('train:loss', e.loss)];
  if (e.trainRmse !== undefined) parts.push(figure('train:rmse', e.trainRmse));
  if (e.validationRmse !== undefined) parts.push(figure('validation:rmse', e.validationRmse));
  return `reckit-train: ${parts.filter(Boolean).join(' ')}`;
}

/** The model's own figures (model.json "metrics"): trainRmse -> train:rmse, inertia -> train:inertia. */
export function finalLine(metrics: Record<string, number> | undefined): string | undefined {
  const parts = Object.entries(metrics ?? {}).map(([k, v]) => figure(metricName(k), v));
  return parts.some(Boolean) ? `reckit-train: final ${parts.filter(Boolean).join(' ')}` : undefined;
}

export function metricName(key: string): string {
  const m = /^(train|validation)([A-Z].*)$/.exec(key);
  const [scope, rest] = m ? [m[1], m[2]!] : ['train', key];
  return `${scope}:${rest.charAt(0).toLowerCase()}${rest.slice(1).replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;
}

function figure(name: string, v: number): string {
  if (!Number.isFinite(v)) return '';
  return `${name}=${Number.isInteger(v) ? String(v) : v.toFixed(6)};`;
}
