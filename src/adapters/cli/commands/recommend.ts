import type { Command } from 'commander';
import { RANKER_NAMES } from '../../../engine/algorithms/create-algorithm.js';
import { InputError } from '../../../engine/errors.js';
import type { Id } from '../../../engine/matrix/id-index.js';
import { loadModel } from '../../../engine/model/load-model.js';
import type { Model, TopN } from '../../../engine/model/model.js';
import { topNLongTable } from '../../../engine/model/top-n-table.js';
import { type CliContext, emit } from '../context.js';
import { checkOutputFile } from '../file-args.js';
import { progressBar } from '../progress.js';
import { tableFileFormat, writeTableFile } from '../write-table-file.js';

export interface RecommendRun {
  model: string;
  top?: number | undefined;
  /** External ids as typed; converted to the model's id kind. Default: every user with training ratings. */
  users?: string[] | undefined;
  /** .csv | .jsonl | .parquet | .arrow; without it the lists come back (and are printed). */
  out?: string | undefined;
  includeSeen?: boolean | undefined;
  threads?: number | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((fraction: number) => void) | undefined;
}

export interface RecommendReport {
  model: string;
  algorithm: string;
  n: number;
  users: number;
  rows: number;
  /** The bulk top-N itself. */
  topNSeconds: number;
  /** Everything after loading the model: top-N, table, file. */
  seconds: number;
  out?: { path: string; format: string; bytes: number } | undefined;
  /**
   * What each recommended item's number is: `rating` for a rating predictor (the predicted rating,
   * clipped to the scale as predict() gives it), `rankScore` for a top-N ranker (a preference
   * that only orders items, not a rating; docs/ranking.md).
   */
  scoreKind: ScoreKind;
  /** Per user, best first (only when there is no --out). */
  recommendations?: { user: Id; items: RecommendedItem[] }[] | undefined;
}

export type ScoreKind = 'rating' | 'rankScore';

/** One recommended item, its number named by the model's ScoreKind. */
export type RecommendedItem = { item: Id; rating: number } | { item: Id; rankScore: number };

/** Rankers score preferences for ordering; every other model predicts ratings. */
export function scoreKind(model: Model): ScoreKind {
  return RANKER_NAMES.includes(model.algorithm) ? 'rankScore' : 'rating';
}

/** `reckit recommend` as a plain function: load, bulk top-N (native), write or return the lists. */
export async function runRecommend(o: RecommendRun): Promise<RecommendReport> {
  const n = o.top ?? 10;
  if (!Number.isInteger(n) || n < 1) throw new InputError(`--top must be a positive integer, got ${o.top}`);
  const t = o.threads;
  if (t !== undefined && !(Number.isInteger(t) && t >= 1 && t <= 1024)) {
    throw new InputError(`--threads must be an integer from 1 to 1024, got ${t}`);
  }
  if (o.out) {
    await checkOutputFile(o.out, '--out');
    tableFileFormat(o.out);
  }
  const model = await loadModel(o.model);
  const users = o.users?.map((s) => parseId(s, model.users.kind, '--users'));
  const t0 = performance.now();
  const top = await model.recommendAll({
    n,
    users,
    excludeSeen: !o.includeSeen,
    threads: o.threads,
    signal: o.signal,
    onProgress: o.onProgress,
  });
  const topNSeconds = (performance.now() - t0) / 1000;
  const table = topNLongTable(top, model);
  const report: RecommendReport = {
    model: o.model,
    algorithm: model.algorithm,
    n,
    users: top.users.length,
    rows: table.numRows,
    topNSeconds,
    seconds: 0,
    scoreKind: scoreKind(model),
  };
  if (o.out) report.out = { path: o.out, ...(await writeTableFile(o.out, table)) };
  else report.recommendations = lists(top, model);
  report.seconds = (performance.now() - t0) / 1000;
  return report;
}

function lists(top: TopN, model: Model): RecommendReport['recommendations'] {
  const kind = scoreKind(model);
  const { min, max } = model.scale;
  return Array.from(top.users, (u, r) => {
    const items: RecommendedItem[] = [];
    for (let j = 0; j < top.n && top.items[r * top.n + j]! >= 0; j++) {
      const item = model.items.idOf(top.items[r * top.n + j]!);
      // Ranking scores are unclipped (Scored in model.ts); as a rating, the score is clipped.
      const score = top.scores[r * top.n + j]!;
      items.push(
        kind === 'rating' ? { item, rating: Math.min(max, Math.max(min, score)) } : { item, rankScore: score },
      );
    }
    return { user: model.users.idOf(u), items };
  });
}

/** An id typed on the command line or in a file, as the model's id kind (numbers must parse). */
export function parseId(s: string, kind: 'number' | 'string', where: string): Id {
  const t = s.trim();
  if (t === '') throw new InputError(`${where}: an id is empty`);
  if (kind === 'string') return t;
  const v = Number(t);
  if (!Number.isFinite(v)) throw new InputError(`${where}: id "${t}" is not a number (this model's ids are numbers)`);
  return v;
}

export function registerRecommend(program: Command, ctx: CliContext): void {
  program
    .command('recommend')
    .description('top-N items for every user (or --users) from a saved model, excluding what each rated')
    .requiredOption('--model <dir>', 'model directory written by `reckit train`')
    .option('--top <n>', 'items per user', '10')
    .option('--users <ids>', 'comma-separated user ids (default: every user with training ratings)')
    .option('--out <file>', 'write user,rank,item,score to FILE.csv|.jsonl|.parquet|.arrow (atomically)')
    .option('--include-seen', 'also recommend items the user rated in training')
    .option('--threads <n>', 'worker threads (default: all cores)')
    .option('--json', 'print JSON (each item\'s number is "rating" for rating models, "rankScore" for rankers)')
    .action(
      async (a: {
        model: string;
        top: string;
        users?: string;
        out?: string;
        includeSeen?: boolean;
        threads?: string;
        json?: boolean;
      }) => {
        const bar = progressBar(ctx, 'recommend');
        const report = await runRecommend({
          model: a.model,
          top: Number(a.top),
          users: a.users?.split(','),
          out: a.out,
          includeSeen: a.includeSeen,
          threads: a.threads === undefined ? undefined : parseCount(a.threads),
          signal: ctx.signal,
          onProgress: bar.update,
        }).finally(() => bar.stop());
        emit(ctx, a.json, report, () => {
          if (report.out) {
            return `wrote ${report.rows} recommendations for ${report.users} users to ${report.out.path} (${report.out.format}, ${report.out.bytes} bytes) in ${report.seconds.toFixed(3)} s (top-N ${report.topNSeconds.toFixed(3)} s)\n`;
          }
          const lines = (report.recommendations ?? []).map(
            (r) =>
              `${r.user}: ${r.items.map((s) => `${s.item} (${('rating' in s ? s.rating : s.rankScore).toFixed(3)})`).join(', ')}`,
          );
          return `${lines.join('\n')}\n`;
        });
      },
    );
}

/** A count flag as typed: digits only (so "abc", "-1" and "1.5" are refused, not read as NaN or 0). */
function parseCount(text: string): number {
  return /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
}
