import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Field,
  Float32,
  Int32,
  List,
  makeData,
  makeVector,
  Table,
  tableFromArrays,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DuckDbWarehouse } from '../../../src/adapters/warehouse/duckdb-warehouse.js';
import { parseTableName } from '../../../src/adapters/warehouse/table-name.js';
import { InputError } from '../../../src/engine/errors.js';

let dir: string;
let wh: DuckDbWarehouse;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'reckit-wh-'));
  wh = await DuckDbWarehouse.open(join(dir, 'test.duckdb'));
});
afterAll(async () => {
  await wh.close();
  rmSync(dir, { recursive: true, force: true });
});

/** n rows of (USERID, MOVIEID, RATING) with a known pattern. */
function ratings(n: number, shift = 0): Table {
  const u = new Int32Array(n);
  const i = new Int32Array(n);
  const r = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    u[k] = k % 97;
    i[k] = k + shift;
    r[k] = 0.5 + (k % 10) / 2;
  }
  return tableFromArrays({ USERID: u, MOVIEID: i, RATING: r });
}

/** A LIST<INTEGER> column: row r holds [r, r+1, ..., r+len-1] with len = r % 4. */
function lists(n: number): Table {
  const offsets = new Int32Array(n + 1);
  for (let r = 0; r < n; r++) offsets[r + 1] = offsets[r]! + (r % 4);
  const values = new Int32Array(offsets[n]!);
  for (let r = 0; r < n; r++) for (let p = 0; p < r % 4; p++) values[offsets[r]! + p] = r + p;
  const child = makeData({ type: new Int32(), length: values.length, nullCount: 0, data: values });
  const list = makeData({
    type: new List(new Field('item', new Int32(), false)),
    length: n,
    nullCount: 0,
    valueOffsets: offsets,
    child,
  });
  return new Table({ USERID: makeVector(Int32Array.from({ length: n }, (_, k) => k)), TOP: makeVector(list) });
}

describe('DuckDbWarehouse', () => {
  test('round-trips numbers, strings and lists across several batches', async () => {
    const t = ratings(5000);
    expect(await wh.writeTable('ratings', t, { batchRows: 1000 })).toEqual({ rows: 5000 });
    const back = await wh.readTable('ratings');
    expect(back.numRows).toBe(5000);
    expect(Array.from(back.getChild('MOVIEID')?.toArray() as Int32Array)).toEqual(
      Array.from(t.getChild('MOVIEID')?.toArray() as Int32Array),
    );
    expect(back.getChild('RATING')?.type).toBeInstanceOf(Float32);
    expect(back.getChild('RATING')?.get(13)).toBe(2);

    const l = lists(3000);
    await wh.writeTable('recs', l, { batchRows: 512 });
    const lb = await wh.readTable('recs');
    expect(lb.numRows).toBe(3000);
    for (const r of [0, 1, 2, 3, 1025, 2999]) {
      const row = lb.getChild('TOP')?.get(r);
      expect(Array.from(row?.toArray() ?? [])).toEqual(Array.from({ length: r % 4 }, (_, p) => r + p));
    }
    const sql = await wh.run('SELECT len("TOP") AS n FROM recs WHERE "USERID" = ?', [7]);
    expect(Number(sql.getChild('n')?.get(0))).toBe(3);

    const titles = new Table({
      MOVIEID: makeVector(Int32Array.of(1, 2)),
      TITLE: vectorFromArray(['Toy Story (1995)', null], new Utf8()),
    });
    await wh.writeTable('movies', titles);
    const tb = await wh.readTable('movies', { columns: ['TITLE'] });
    expect(tb.getChild('TITLE')?.toArray()).toEqual(['Toy Story (1995)', null]);
  });

  test('append adds rows; replace rebuilds', async () => {
    await wh.writeTable('grow', ratings(10));
    await wh.writeTable('grow', ratings(5, 100), { mode: 'append' });
    expect((await wh.readTable('grow')).numRows).toBe(15);
    await wh.writeTable('grow', ratings(3));
    expect((await wh.readTable('grow')).numRows).toBe(3);
  });

  test('a failure mid-write leaves the previous table intact (replace and append)', async () => {
    await wh.writeTable('atomic', ratings(4000));
    const failHalfway = (rows: number) => {
      if (rows >= 5000) throw new Error('injected failure after half the batches');
    };
    await expect(
      wh.writeTable('atomic', ratings(10_000, 7), { batchRows: 1000, onBatch: failHalfway }),
    ).rejects.toThrow('injected failure');
    let back = await wh.readTable('atomic');
    expect(back.numRows).toBe(4000);
    expect(back.getChild('MOVIEID')?.get(0)).toBe(0);
    await expect(
      wh.writeTable('atomic', ratings(10_000, 7), { mode: 'append', batchRows: 1000, onBatch: failHalfway }),
    ).rejects.toThrow('injected failure');
    back = await wh.readTable('atomic');
    expect(back.numRows).toBe(4000);
    // No temp tables are left behind either.
    const left = await wh.run("SELECT table_name FROM information_schema.tables WHERE table_name LIKE '__reckit_tmp%'");
    expect(left.numRows).toBe(0);
    // A first write that fails creates nothing.
    await expect(
      wh.writeTable('never2', ratings(9000), {
        batchRows: 1000,
        onBatch: (n) => {
          if (n > 2000) throw new Error('boom');
        },
      }),
    ).rejects.toThrow('boom');
    expect(await wh.hasTable('never2')).toBe(false);
  });

  test('schema-qualified names work', async () => {
    await wh.run('CREATE SCHEMA IF NOT EXISTS movielens');
    await wh.writeTable('movielens.ratings_train', ratings(20));
    expect(await wh.hasTable('movielens.ratings_train')).toBe(true);
    expect((await wh.readTable('MOVIELENS.RATINGS_TRAIN')).numRows).toBe(20);
  });

  test('injection attempts in table and column names are rejected before any SQL runs', async () => {
    await wh.writeTable('victim', ratings(5));
    const bad = [
      'victim; DROP TABLE victim',
      'victim"; DROP TABLE victim; --',
      "victim' OR '1'='1",
      'a.b.c.d',
      '1table',
      '',
      'victim --',
      'main.victim)',
      'x"y',
    ];
    for (const name of bad) {
      expect(() => parseTableName(name)).toThrow(InputError);
      await expect(wh.readTable(name)).rejects.toThrow(InputError);
      await expect(wh.writeTable(name, ratings(1))).rejects.toThrow(InputError);
    }
    await expect(wh.readTable('victim', { columns: ['USERID" FROM victim; --'] })).rejects.toThrow(InputError);
    const evil = tableFromArrays({ 'a"); DROP TABLE victim; --': Int32Array.of(1) });
    await expect(wh.writeTable('ok_name', evil)).rejects.toThrow(InputError);
    expect((await wh.readTable('victim')).numRows).toBe(5);
    await expect(wh.readTable('no_such_table')).rejects.toThrow(/does not exist/);
  });
});
