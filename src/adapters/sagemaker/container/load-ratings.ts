import { InputError } from '../../../engine/errors.js';
import { RatingMatrix } from '../../../engine/matrix/rating-matrix.js';
import { loadMatrix } from '../../datasets/load-matrix.js';
import { channelPath } from './channels.js';
import { openWarehouseLazily } from './lazy-warehouse.js';
import type { TrainSettings } from './train-settings.js';

/** The seed's column names, used for warehouse tables unless `columns` says otherwise. */
const SEED_COLUMNS = { user: 'USERID', item: 'MOVIEID', rating: 'RATING' };

/**
 * The training ratings: a warehouse table (`input_table` + `warehouse`, as seed 1 reads them) or
 * the channel's files in any layout the loaders read (MovieLens folders, CSV/TSV, Parquet, Arrow).
 */
export async function loadRatings(
  s: TrainSettings,
  input: { dataRoot: string; dataConfig: Record<string, unknown> | undefined },
  signal: AbortSignal,
): Promise<{ matrix: RatingMatrix; source: string }> {
  if (s.inputTable && s.warehouse) {
    const c = s.columns ?? SEED_COLUMNS;
    const names = [c.user, c.item, c.rating];
    if (!names.every((n) => typeof n === 'string')) {
      throw new InputError('hyperparameter columns: a warehouse table needs column names, not positions');
    }
    const wh = await openWarehouseLazily(s.warehouse);
    try {
      const table = await wh.readTable(s.inputTable, { columns: names as string[], signal });
      const { matrix } = await RatingMatrix.fromTable(table, {
        source: s.inputTable,
        columns: { user: c.user, item: c.item, rating: c.rating } as { user: string; item: string; rating: string },
        scale: s.scale,
        signal,
      });
      return { matrix, source: `${wh.location} table ${s.inputTable}` };
    } finally {
      await wh.close();
    }
  }
  const { channel, path } = channelPath(input.dataRoot, input.dataConfig, s.channel);
  const { matrix } = await loadMatrix(path, {
    items: false,
    download: false,
    columns: s.columns,
    delimiter: s.delimiter,
    header: s.header,
    scale: s.scale,
    skipBad: s.skipBad,
    signal,
  });
  return { matrix, source: `channel ${channel} (${path})` };
}
