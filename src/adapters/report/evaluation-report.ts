import { htmlPage, writeHtmlFile } from './html-page.js';
import { barChart, esc, lineChart, type Series } from './svg-chart.js';

/** What the report shows: the shape of `reckit evaluate`'s report (structurally; no import of the CLI). */
export interface EvaluationReportInput {
  algo: string;
  data: string;
  params: Record<string, unknown>;
  dataset: { ratings: number; users: number; items: number; scale: { min: number; max: number } };
  split: { kind: 'kfold'; folds: number; seed: number } | { kind: 'holdout'; testFraction: number; seed: number };
  backend: string;
  folds: readonly {
    fold: number;
    rmse: number;
    mae: number;
    fitSeconds: number;
    testSeconds: number;
    ranking?: object | undefined;
    history?:
      | readonly { epoch: number; loss: number; trainRmse?: number | undefined; validationRmse?: number | undefined }[]
      | undefined;
  }[];
  mean: Record<string, number>;
  std: Record<string, number>;
  totalSeconds?: number | undefined;
}

export interface RatingCount {
  rating: number;
  count: number;
}

/** Ratings per distinct value, ascending (the rating distribution plot's input). */
export function ratingHistogram(values: ArrayLike<number>): RatingCount[] {
  const counts = new Map<number, number>();
  for (let p = 0; p < values.length; p++) {
    const v = values[p]!;
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => a[0] - b[0]).map(([rating, count]) => ({ rating, count }));
}

const METRICS: [key: string, label: string, digits: number][] = [
  ['rmse', 'RMSE', 4],
  ['mae', 'MAE', 4],
  ['precision', 'Precision@k', 4],
  ['recall', 'Recall@k', 4],
  ['ndcg', 'NDCG@k', 4],
  ['map', 'MAP@k', 4],
  ['hitRate', 'Hit rate@k', 4],
  ['coverage', 'Coverage', 4],
  ['fitSeconds', 'Fit (s)', 3],
  ['testSeconds', 'Predict (s)', 3],
];

/**
 * A self-contained HTML page (inline CSS and SVG, no scripts, no external requests): the metrics
 * table per fold with mean and std, the training curve per epoch of each fold, per-fold RMSE/MAE
 * and ranking metrics, and the rating distribution.
 */
export function renderEvaluationReport(
  r: EvaluationReportInput,
  o: { ratingHistogram?: readonly RatingCount[] | undefined; generatedAt?: Date | undefined } = {},
): string {
  const k = num((r.folds[0]?.ranking as Record<string, unknown> | undefined)?.k);
  const label = (l: string) => l.replace('@k', k !== undefined ? `@${k}` : '');
  const rows = r.folds.map((f) => ({
    name: r.split.kind === 'holdout' ? 'holdout' : `fold ${f.fold + 1}`,
    v: flat(f),
  }));
  const cols = METRICS.filter(([key]) => r.mean[key] !== undefined || rows.some((x) => x.v[key] !== undefined));
  const cell = (v: number | undefined, digits: number) => (v === undefined ? '' : v.toFixed(digits));
  const table = [
    `<table><thead><tr><th></th>${cols.map(([, l]) => `<th>${esc(label(l))}</th>`).join('')}</tr></thead><tbody>`,
    ...rows.map(
      (x) => `<tr><th>${esc(x.name)}</th>${cols.map(([key, , d]) => `<td>${cell(x.v[key], d)}</td>`).join('')}</tr>`,
    ),
    `<tr class="mean"><th>mean</th>${cols.map(([key, , d]) => `<td>${cell(r.mean[key], d)}</td>`).join('')}</tr>`,
    `<tr><th>std</th>${cols.map(([key, , d]) => `<td>${cell(r.std[key], d)}</td>`).join('')}</tr>`,
    '</tbody></table>',
  ].join('\n');

  const charts: string[] = [];
  const curves: Series[] = [];
  r.folds.forEach((f, i) => {
    const h = f.history ?? [];
    const train = h.filter((e) => e.trainRmse !== undefined).map((e) => [e.epoch, e.trainRmse as number] as const);
    const valid = h
      .filter((e) => e.validationRmse !== undefined)
      .map((e) => [e.epoch, e.validationRmse as number] as const);
    if (train.length) curves.push({ name: `${rows[i]?.name} train`, points: train });
    if (valid.length) curves.push({ name: `${rows[i]?.name} validation`, points: valid });
  });
  charts.push(
    curves.length
      ? lineChart(
          {
            title: 'Training curve: RMSE on the training ratings per epoch',
            xLabel: 'epoch',
            yLabel: 'training RMSE (stars)',
          },
          curves,
        )
      : '<p class="none">No per-epoch history: this algorithm does not train in epochs.</p>',
  );
  const names = rows.map((x) => x.name);
  charts.push(
    barChart({ title: 'Rating error per fold', xLabel: 'fold', yLabel: 'error (stars)' }, names, [
      { name: 'RMSE', points: r.folds.map((f, i) => [i, f.rmse]) },
      { name: 'MAE', points: r.folds.map((f, i) => [i, f.mae]) },
    ]),
  );
  const ranking = ['precision', 'recall', 'ndcg', 'hitRate'].filter((key) => rows.every((x) => x.v[key] !== undefined));
  if (ranking.length) {
    charts.push(
      barChart(
        { title: `Top-${k ?? 'k'} ranking metrics per fold`, xLabel: 'fold', yLabel: 'score (0 to 1)' },
        names,
        ranking.map((key) => ({
          name: label(METRICS.find((m) => m[0] === key)?.[1] ?? key),
          points: rows.map((x, i) => [i, x.v[key]!]),
        })),
      ),
    );
  }
  if (o.ratingHistogram?.length) {
    charts.push(
      barChart(
        {
          title: `Rating distribution (${r.dataset.ratings.toLocaleString('en-US')} ratings)`,
          xLabel: 'rating (stars)',
          yLabel: 'ratings (count)',
        },
        o.ratingHistogram.map((b) => String(b.rating)),
        [{ name: 'ratings', points: o.ratingHistogram.map((b, i) => [i, b.count]) }],
      ),
    );
  }

  const d = r.dataset;
  const split =
    r.split.kind === 'kfold' ? `${r.split.folds}-fold cross-validation` : `random holdout of ${r.split.testFraction}`;
  const when = (o.generatedAt ?? new Date()).toISOString();
  return htmlPage(
    `reckit evaluation: ${r.algo} on ${r.data}`,
    `<h1>${esc(r.algo)} on ${esc(r.data)}</h1>
<p class="meta">${d.ratings.toLocaleString('en-US')} ratings, ${d.users.toLocaleString('en-US')} users, ${d.items.toLocaleString('en-US')} items, scale [${d.scale.min}, ${d.scale.max}] stars; ${esc(split)}, seed ${r.split.seed}; ${esc(r.backend)} kernels${r.totalSeconds !== undefined ? `; ${r.totalSeconds.toFixed(2)} s in all` : ''}.</p>
<p class="meta">Parameters: <code>${esc(JSON.stringify(r.params))}</code></p>
<p class="meta">RMSE and MAE are in stars (the rating unit); ranking metrics are fractions of 1${k !== undefined ? ` over each user's top ${k} unrated items, relevant = test rating &gt;= ${esc(String((r.folds[0]?.ranking as Record<string, unknown>)?.threshold))}` : ''}; times in seconds.</p>
${table}
<div class="charts">
${charts.join('\n')}
</div>
<p class="meta">Generated by reckit evaluate at ${esc(when)}.</p>`,
  );
}

/** Renders and writes the page atomically (temp file + rename). */
export async function writeEvaluationReport(
  file: string,
  r: EvaluationReportInput,
  o: { ratingHistogram?: readonly RatingCount[] | undefined } = {},
): Promise<void> {
  await writeHtmlFile(file, renderEvaluationReport(r, o));
}

/** A fold's numeric figures, ranking metrics flattened in. */
function flat(f: EvaluationReportInput['folds'][number]): Record<string, number | undefined> {
  const out: Record<string, number | undefined> = {
    rmse: f.rmse,
    mae: f.mae,
    fitSeconds: f.fitSeconds,
    testSeconds: f.testSeconds,
  };
  for (const [key, v] of Object.entries(f.ranking ?? {})) if (typeof v === 'number') out[key] = v;
  return out;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}
