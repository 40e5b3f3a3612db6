import {
  Table as ArrowTable,
  Field,
  Int32,
  List,
  makeData,
  makeVector,
  type Table,
  tableFromArrays,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Warehouse } from '../../../src/adapters/warehouse/warehouse.js';
import { InputError } from '../../../src/engine/errors.js';

/** n rows of (USERID, MOVIEID, RATING) with a known pattern. */
export function ratings(n: number, shift = 0): Table {
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

/** USERID and a list column TOP: row r holds [r, r+1, ..., r+len-1] with len = r % 4. */
export function lists(n: number): Table {
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
  return new ArrowTable({ USERID: makeVector(Int32Array.from({ length: n }, (_, k) => k)), TOP: makeVector(list) });
}

/** A table's rows as plain JS (numbers, strings, BigInt as strings, lists as arrays), sorted by its first column. */
export function rowsOf(t: Table): unknown[][] {
  const names = t.schema.fields.map((f) => f.name);
  const out: unknown[][] = [];
  for (let r = 0; r < t.numRows; r++) {
    out.push(
      names.map((n) => {
        const v = t.getChild(n)?.get(r) as unknown;
        if (v && typeof v === 'object' && 'toArray' in v)
          return Array.from((v as { toArray(): ArrayLike<number> }).toArray(), Number);
        return typeof v === 'bigint' ? String(v) : v;
      }),
    );
  }
  return out.sort((a, b) => Number(a[0]) - Number(b[0]) || String(a[1]).localeCompare(String(b[1])));
}

/**
 * The behaviour every Warehouse must share, run against each implementation with its own table
 * names (`prefix`): reads, writes, replace/append, a failure mid-write leaving the previous table,
 * names that try to inject SQL, and 64-bit ids kept exact.
 */
export function warehouseConformance(label: string, open: () => Promise<Warehouse>, prefix = 'conf'): void {
  describe(`Warehouse conformance: ${label}`, () => {
    let wh: Warehouse;
    const name = (s: string) => `${prefix}_${s}`;
    beforeAll(async () => {
      wh = await open();
    });
    afterAll(async () => {
      await wh?.close();
    });

    test('write then read returns every row and value; columns pick and order', async () => {
      const t = ratings(5000);
      expect(await wh.writeTable(name('ratings'), t, { batchRows: 1500 })).toEqual({ rows: 5000 });
      const back = await wh.readTable(name('ratings'));
      expect(back.numRows).toBe(5000);
      expect(rowsOf(back)).toEqual(rowsOf(t));
      const two = await wh.readTable(name('ratings'), { columns: ['RATING', 'USERID'] });
      expect(two.schema.fields.map((f) => f.name)).toEqual(['RATING', 'USERID']);
      expect(await wh.hasTable(name('ratings'))).toBe(true);
      expect(await wh.hasTable(name('nothing_here'))).toBe(false);
    });

    test('list columns (the top-N VARIANT array) round-trip, including empty lists', async () => {
      const t = lists(300);
      await wh.writeTable(name('top'), t, { batchRows: 128 });
      const back = await wh.readTable(name('top'));
      expect(rowsOf(back)).toEqual(rowsOf(t));
      expect(rowsOf(back)[7]).toEqual([7, [7, 8, 9]]);
    });

    test('strings (quotes, unicode, nulls) and an empty table', async () => {
      const movies = new ArrowTable({
        MOVIEID: makeVector(Int32Array.from([1, 2, 3])),
        TITLE: vectorFromArray(["Schindler's List", 'Amélie "Le fabuleux destin" \\ ;--', null], new Utf8()),
      });
      await wh.writeTable(name('movies'), movies);
      expect(rowsOf(await wh.readTable(name('movies')))).toEqual(rowsOf(movies));
      await wh.writeTable(name('empty'), ratings(0));
      const empty = await wh.readTable(name('empty'));
      expect(empty.numRows).toBe(0);
      expect(empty.schema.fields.map((f) => f.name)).toEqual(['USERID', 'MOVIEID', 'RATING']);
    });

    test('replace swaps the whole table; append adds rows', async () => {
      await wh.writeTable(name('modes'), ratings(100));
      await wh.writeTable(name('modes'), ratings(40, 1000), { mode: 'replace' });
      expect(rowsOf(await wh.readTable(name('modes')))).toEqual(rowsOf(ratings(40, 1000)));
      await wh.writeTable(name('modes'), ratings(10, 5000), { mode: 'append' });
      const after = await wh.readTable(name('modes'));
      expect(after.numRows).toBe(50);
      await wh.writeTable(name('appended_new'), ratings(3), { mode: 'append' });
      expect((await wh.readTable(name('appended_new'))).numRows).toBe(3);
    });

    test('a failure mid-write leaves the previous table intact and no staging table behind', async () => {
      await wh.writeTable(name('keep'), ratings(200));
      const before = rowsOf(await wh.readTable(name('keep')));
      for (const mode of ['replace', 'append'] as const) {
        const failing = wh.writeTable(name('keep'), ratings(1000, 7), {
          mode,
          batchRows: 100,
          onBatch: (rows) => {
            if (rows >= 300) throw new Error('disk full (injected)');
          },
        });
        await expect(failing).rejects.toThrow('injected');
        expect(rowsOf(await wh.readTable(name('keep')))).toEqual(before);
      }
      const tables = await wh.run('SELECT table_name FROM information_schema.tables');
      const names = Array.from({ length: tables.numRows }, (_, r) =>
        String(tables.getChild(tables.schema.fields[0]?.name as string)?.get(r)),
      );
      expect(names.filter((n) => /__reckit_tmp_/i.test(n))).toEqual([]);
      // A first write that fails creates nothing.
      const first = wh.writeTable(name('never'), ratings(900), {
        batchRows: 100,
        onBatch: (rows) => {
          if (rows > 200) throw new Error('boom (injected)');
        },
      });
      await expect(first).rejects.toThrow('injected');
      expect(await wh.hasTable(name('never'))).toBe(false);
    });

    test('table names that try to inject SQL are refused before any SQL runs; the victim survives', async () => {
      await wh.writeTable(name('victim'), ratings(5));
      const bad = [
        `x; drop table ${name('victim')}`,
        `${name('victim')}; --`,
        `"${name('victim')}"`,
        `${name('victim')}" --`,
        'a.b.c.d',
        '1abc',
        '',
        `${name('victim')} WHERE 1=1`,
        `${name('victim')}' OR '1'='1`,
        `${name('victim')})`,
        'x"y',
      ];
      for (const n of bad) {
        await expect(wh.readTable(n)).rejects.toBeInstanceOf(InputError);
        await expect(wh.writeTable(n, ratings(1))).rejects.toBeInstanceOf(InputError);
        await expect(wh.hasTable(n)).rejects.toBeInstanceOf(InputError);
      }
      await expect(wh.readTable(name('ratings'), { columns: ['RATING" FROM x; --'] })).rejects.toBeInstanceOf(
        InputError,
      );
      const evil = tableFromArrays({ [`a"); DROP TABLE ${name('victim')}; --`]: Int32Array.of(1) });
      await expect(wh.writeTable(name('ok_name'), evil)).rejects.toBeInstanceOf(InputError);
      expect(await wh.hasTable(name('ok_name'))).toBe(false);
      expect((await wh.readTable(name('victim'))).numRows).toBe(5);
    });

    test('schema-qualified names: write, replace, append and read in another schema', async () => {
      await wh.run(`CREATE SCHEMA IF NOT EXISTS ${name('s')}`);
      const t = `${name('s')}.qualified`;
      await wh.writeTable(t, ratings(30));
      await wh.writeTable(t, ratings(20, 100), { mode: 'replace' });
      await wh.writeTable(t, ratings(5, 900), { mode: 'append' });
      expect((await wh.readTable(t)).numRows).toBe(25);
      expect(await wh.hasTable(t)).toBe(true);
      expect(await wh.hasTable(name('qualified'))).toBe(false);
      // Plain identifiers match whatever their case, as in SQL.
      expect((await wh.readTable(t.toUpperCase())).numRows).toBe(25);
    });

    test('a missing table is an InputError naming it', async () => {
      await expect(wh.readTable(name('missing'))).rejects.toThrow(new RegExp(`${name('missing')} does not exist`));
      await expect(wh.readTable(name('missing'))).rejects.toBeInstanceOf(InputError);
    });

    test('64-bit ids above 2^53 come back exact', async () => {
      const ids = [1n, 2n ** 53n + 1n, 9_007_199_254_740_993n + 10n, 2n ** 62n + 12345n, -(2n ** 60n) - 7n];
      const t = new ArrowTable({
        USERID: makeVector(BigInt64Array.from(ids)),
        RATING: makeVector(Float32Array.from(ids, () => 4.5)),
      });
      await wh.writeTable(name('bigids'), t);
      const back = await wh.readTable(name('bigids'));
      const got = Array.from({ length: back.numRows }, (_, r) => BigInt(back.getChild('USERID')?.get(r) as bigint));
      expect(got.sort((a, b) => (a < b ? -1 : 1))).toEqual([...ids].sort((a, b) => (a < b ? -1 : 1)));
    });

    test('run binds ? parameters', async () => {
      const r = await wh.run(`SELECT count(*) AS "N" FROM ${name('ratings')} WHERE "MOVIEID" >= ?`, [4990]);
      expect(Number(r.getChild('N')?.get(0))).toBe(10);
    });
  });
}
