import type { Command } from 'commander';
import type { QuickstartReport } from '../../pipeline/quickstart.js';
import { type CliContext, emit } from '../context.js';
import { progressBar } from '../progress.js';

/** `reckit quickstart` (npm start): the seed pipeline on MovieLens latest-small, locally, step by step. */
export function registerQuickstart(program: Command, ctx: CliContext): void {
  program
    .command('quickstart')
    .description(
      'run the seed pipeline locally: DuckDB warehouse -> SVD -> top-10 table -> local endpoint -> predictions',
    )
    .option('--data <name|path>', 'MovieLens-style dataset with movies.csv', 'ml-latest-small')
    .option(
      '--warehouse <spec>',
      'warehouse: duckdb:PATH or snowflake:CONNECTION (connections.toml)',
      'duckdb:reckit.duckdb',
    )
    .option('--model-dir <dir>', 'where the trained model directory goes', 'reckit-models/movielens-svd')
    .option('--folds <n>', 'cross-validation folds (0 skips)', '5')
    .option('--clusters <n>', 'clusters in the k-means view of the users (0 skips)', '5')
    .option('--seed <n>', 'seed of the splits, SVD and k-means', '0')
    .option('--json', 'print the report as JSON')
    .action(async (o: Record<string, string | boolean | undefined>) => {
      // Loaded on use: DuckDB and the engine stay out of every other command's start-up.
      const { quickstart } = await import('../../pipeline/quickstart.js');
      const json = Boolean(o.json);
      const bars = new Map<string, ReturnType<typeof progressBar>>();
      const stopBars = () => {
        for (const b of bars.values()) b.stop();
        bars.clear();
      };
      const report = await quickstart({
        data: o.data as string,
        warehouse: o.warehouse as string,
        modelDir: o.modelDir as string,
        folds: Number(o.folds),
        clusters: Number(o.clusters),
        seed: Number(o.seed),
        signal: ctx.signal,
        onProgress: (step, f) => {
          if (!bars.has(step)) {
            stopBars();
            bars.set(step, progressBar(ctx, step.padEnd(9)));
          }
          bars.get(step)?.update(f);
        },
        onStep: (s) => {
          stopBars();
          if (!json) ctx.out(`[${s.step.padEnd(7)}] ${s.seconds.toFixed(2).padStart(6)} s  ${s.detail}\n`);
        },
      });
      stopBars();
      emit(ctx, json, report, () => describe(report));
    });
}

function describe(r: QuickstartReport): string {
  const lines: string[] = [''];
  if (r.train.cv) {
    lines.push(`Cross-validation of SVD (${r.train.cv.folds.length} folds, as the seed's cross_validate):`);
    lines.push('  fold   RMSE    MAE     fit s');
    for (const f of r.train.cv.folds) {
      lines.push(
        `  ${String(f.fold + 1).padEnd(5)}  ${f.rmse.toFixed(4)}  ${f.mae.toFixed(4)}  ${f.fitSeconds.toFixed(2)}`,
      );
    }
    lines.push(
      `  mean   ${r.train.cv.mean.rmse?.toFixed(4)}  ${r.train.cv.mean.mae?.toFixed(4)}`,
      `  std    ${r.train.cv.std.rmse?.toFixed(4)}  ${r.train.cv.std.mae?.toFixed(4)}`,
      '',
    );
  }
  lines.push('select * from user_movie_recommendations limit 10;');
  for (const row of r.sample) {
    lines.push(`  USERID ${row.user}: [${row.items.map((i) => i.movie).join(', ')}]`);
    lines.push(
      `    ${row.items
        .slice(0, 3)
        .map((i, k) => `${k + 1}. ${i.title}`)
        .join('  ')}  ...`,
    );
  }
  lines.push('', `invoke_model('${r.endpoint.name}', USERID, MOVIEID) over HTTP (${r.endpoint.url}/invocations):`);
  for (const p of r.predictions) {
    lines.push(
      `  ${String(p.user).padStart(3)}  ${String(p.movie).padStart(4)}  ${p.score.toFixed(3)}${p.known ? '' : ' (fallback)'}  ${p.title}`,
    );
  }
  if (r.clusters) {
    lines.push('', `k-means view of the users (cosine, on rating rows; labels in ${r.clusters.outputTable}):`);
    for (const c of r.clusters.clusters) {
      lines.push(
        `  cluster ${c.cluster}: ${c.users} users, mean rating ${c.meanRating.toFixed(2)}; most rated: ${c.topMovies.join('; ')}`,
      );
    }
  }
  lines.push(
    '',
    'Written:',
    `  warehouse  ${r.warehouse}  tables: ${r.tables.join(', ')}`,
    `  model      ${r.modelDir}`,
    `  serve it   reckit serve --model ${r.modelDir} --port 8080`,
    `Total ${r.seconds.toFixed(2)} s.`,
    '',
  );
  return lines.join('\n');
}
