import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Float32 } from 'apache-arrow';
import { afterAll, expect, test } from 'vitest';
import { DuckDbWarehouse } from '../../../src/adapters/warehouse/duckdb-warehouse.js';
import { ratings, warehouseConformance } from './conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'reckit-conf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

warehouseConformance('DuckDB file', () => DuckDbWarehouse.open(join(dir, 'conf.duckdb')));

test('DuckDB keeps Float32 as FLOAT: ratings come back Float32', async () => {
  const wh = await DuckDbWarehouse.open(join(dir, 'types.duckdb'));
  try {
    await wh.writeTable('ratings', ratings(20));
    const back = await wh.readTable('ratings');
    expect(back.getChild('RATING')?.type).toBeInstanceOf(Float32);
    expect(back.getChild('RATING')?.get(13)).toBe(2);
  } finally {
    await wh.close();
  }
});
