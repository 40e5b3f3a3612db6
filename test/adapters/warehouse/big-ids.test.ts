import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DuckDbWarehouse } from '../../../src/adapters/warehouse/duckdb-warehouse.js';
import { InputError } from '../../../src/engine/errors.js';
import { RatingMatrix } from '../../../src/engine/matrix/rating-matrix.js';

// The id rules (docs/data-and-ids.md, "Ids") on the warehouse read path, against a real DuckDB file.
let dir: string;
let wh: DuckDbWarehouse;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'reckit-wh-ids-'));
  wh = await DuckDbWarehouse.open(join(dir, 'ids.duckdb'));
});
afterAll(async () => {
  await wh.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('issue 20 item 4: warehouse ids beyond 2^53', () => {
  test('issue 20 item 4: BIGINT ids beyond 2^53 read back as distinct exact string ids', async () => {
    await wh.run('CREATE TABLE big (user BIGINT, item INTEGER, rating FLOAT)');
    await wh.run('INSERT INTO big VALUES (9007199254740993, 1, 5), (9007199254740992, 1, 1), (7, 2, 3)');
    const t = await wh.readTable('big');
    const { matrix, report } = await RatingMatrix.fromTable(t, { source: 'big' });
    expect(report.duplicates).toBe(0);
    expect(matrix.nUsers).toBe(3);
    expect(matrix.users.indexOf('9007199254740993')).not.toBe(matrix.users.indexOf('9007199254740992'));
    expect(matrix.users.indexOf('9007199254740993')).toBeGreaterThanOrEqual(0);
    expect(matrix.users.indexOf('7')).toBeGreaterThanOrEqual(0);
  });

  test('issue 20 item 4: a UBIGINT/HUGEINT beyond 2^53 is refused naming the column, not rounded', async () => {
    await wh.run('CREATE TABLE huge (user HUGEINT, item UBIGINT, rating FLOAT)');
    await wh.run('INSERT INTO huge VALUES (1, 18446744073709551615, 5), (2, 18446744073709551614, 1)');
    const read = wh.readTable('huge');
    await expect(read).rejects.toThrow(InputError);
    await expect(read).rejects.toThrow(
      /huge: column "item" holds 18446744073709551615, beyond 2\^53.*CAST it to VARCHAR/,
    );
    // small values of the same types still read as numbers
    await wh.run('CREATE TABLE small (user HUGEINT, item UBIGINT, rating FLOAT)');
    await wh.run('INSERT INTO small VALUES (1, 10, 5), (2, 11, 1)');
    const t = await wh.readTable('small');
    expect(Array.from(t.getChild('item')?.toArray() as Float64Array)).toEqual([10, 11]);
  });
});
