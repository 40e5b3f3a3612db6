import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../engine/errors.js';
import { loadModel } from '../../engine/model/load-model.js';
import { writeTableFile } from '../cli/write-table-file.js';
import { seedTopNTable } from '../pipeline/seed-top-n.js';
import { awsStep } from '../sagemaker/client/aws-faults.js';
import type { ObjectStore } from '../sagemaker/client/object-store.js';
import { downloadModelArtifact } from '../sagemaker/client/training-job.js';
import { openWarehouse } from '../warehouse/open-warehouse.js';
import type { SnowflakeWarehouseOptions } from '../warehouse/snowflake-warehouse.js';

/** Where the tables are and where local copies go. */
export interface TablesPlace {
  warehouse: string;
  snowflake?: SnowflakeWarehouseOptions | undefined;
  /** Scratch files and downloaded models. */
  stateDir: string;
  store: ObjectStore;
}

/**
 * The ratings columns of `table` as one Arrow IPC object at `uri`, which the container's channel
 * reads with every id type kept exactly (64-bit and string ids included; CSV and reckit's Parquet
 * writer would not).
 */
export async function exportRatings(p: TablesPlace, table: string, uri: string): Promise<void> {
  const wh = await openWarehouse(p.warehouse, p.snowflake);
  const tmp = await mkdtemp(join(p.stateDir, '.export-'));
  try {
    const ratings = await wh.readTable(table, { columns: ['USERID', 'MOVIEID', 'RATING'] });
    if (ratings.numRows === 0) throw new InputError(`input table ${table} has no rows to train on`);
    const file = join(tmp, 'ratings.arrow');
    await writeTableFile(file, ratings);
    await awsStep(`upload of ${table} to ${uri}`, () => p.store.upload(file, uri));
  } finally {
    await wh.close();
    await rm(tmp, { recursive: true, force: true });
  }
}

/**
 * Each user's top N from the training job's model artifact, written to `outputTable` (atomic
 * replace). The model is kept under `<stateDir>/models/<job>`, put in place whole (extracted
 * beside it, then renamed), so a retry after a crash reuses it or downloads it again.
 */
export async function writeTopNFromArtifact(
  p: TablesPlace,
  job: string,
  artifact: string,
  outputTable: string,
  n: number,
): Promise<{ rows_written: number; users: number; items: number }> {
  const dir = join(p.stateDir, 'models', job);
  if (!existsSync(dir)) {
    await mkdir(join(p.stateDir, 'models'), { recursive: true });
    const tmp = `${dir}.tmp-${randomBytes(4).toString('hex')}`;
    try {
      await awsStep(`download of ${artifact}`, () => downloadModelArtifact(p.store, artifact, tmp));
      await rename(tmp, dir);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }
  const model = await loadModel(dir);
  const top = await model.recommendAll({ n, excludeSeen: true });
  const wh = await openWarehouse(p.warehouse, p.snowflake);
  try {
    const { rows } = await wh.writeTable(outputTable, seedTopNTable(top, model, n), { mode: 'replace' });
    return { rows_written: rows, users: model.users.size, items: model.items.size };
  } finally {
    await wh.close();
  }
}
