import type { Command } from 'commander';
import { loadKnownRatings } from '../../../engine/data/load-ratings.js';
import { RatingMatrix } from '../../../engine/matrix/rating-matrix.js';
import { type CliContext, emit } from '../context.js';

/** `reckit datasets info NAME|PATH`: counts, scale, density, duplicates, load time. */
export function registerDatasets(program: Command, ctx: CliContext): void {
  const datasets = program.command('datasets').description('list and inspect rating datasets');
  datasets
    .command('info')
    .argument('<data>', 'dataset name (resolved under $RECKIT_DATA_DIR) or path')
    .option('--json', 'print JSON')
    .description('load a dataset and print its counts')
    .action(async (data: string, o: { json?: boolean }) => {
      const t0 = performance.now();
      const table = loadKnownRatings(data);
      const { matrix, report } = await RatingMatrix.fromTable(table, { source: data, signal: ctx.signal });
      const info = {
        name: data,
        ratings: matrix.nRatings,
        users: matrix.nUsers,
        items: matrix.nItems,
        ratingMin: matrix.scale.min,
        ratingMax: matrix.scale.max,
        density: matrix.density,
        duplicates: report.duplicates,
        loadSeconds: (performance.now() - t0) / 1000,
      };
      emit(ctx, o.json, info, () =>
        [
          `${info.name}: ${info.ratings.toLocaleString('en-US')} ratings, ${info.users.toLocaleString('en-US')} users, ${info.items.toLocaleString('en-US')} items`,
          `scale [${info.ratingMin}, ${info.ratingMax}], density ${(info.density * 100).toFixed(3)}%, duplicates dropped ${info.duplicates}`,
          `loaded in ${info.loadSeconds.toFixed(3)} s`,
          '',
        ].join('\n'),
      );
    });
}
