import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Model } from '../../../engine/model/model.js';
import { topNLongTable } from '../../../engine/model/top-n-table.js';
import { writeTableFile } from '../../cli/write-table-file.js';
import { seedTopNTable } from '../../pipeline/seed-top-n.js';
import { openWarehouseLazily } from './lazy-warehouse.js';
import type { TrainSettings } from './train-settings.js';

/** Where the top-N lists went, for the run's report. */
export interface TopNOutput {
  n: number;
  users: number;
  rows: number;
  to: string;
}

/**
 * Each user's top-N unseen items, when asked for: to a warehouse table in seed 1's shape
 * (USERID, TOP_<N>_RECOMMENDATIONS as a list; atomic replace), or else to
 * `<root>/output/data/<top_n_file>` as user,rank,item,score rows (SageMaker uploads that folder
 * as output.tar.gz).
 */
export async function writeTopN(
  model: Model,
  s: TrainSettings,
  outputData: string,
  signal: AbortSignal,
): Promise<TopNOutput | undefined> {
  if (s.topN === undefined && !s.outputTable) return undefined;
  const n = s.topN ?? 10;
  const top = await model.recommendAll({ n, excludeSeen: !s.includeSeen, signal });
  if (s.outputTable && s.warehouse) {
    const table = seedTopNTable(top, model, n);
    const wh = await openWarehouseLazily(s.warehouse);
    try {
      const { rows } = await wh.writeTable(s.outputTable, table, { mode: 'replace', signal });
      return { n, users: top.users.length, rows, to: `${wh.location} table ${s.outputTable}` };
    } finally {
      await wh.close();
    }
  }
  await mkdir(outputData, { recursive: true });
  const path = join(outputData, s.topNFile);
  const table = topNLongTable(top, model);
  await writeTableFile(path, table);
  return { n, users: top.users.length, rows: table.numRows, to: path };
}
