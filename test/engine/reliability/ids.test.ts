import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeVector, Table, tableFromArrays, tableToIPC, type Vector } from 'apache-arrow';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, describe, expect, test } from 'vitest';
import { Baseline } from '../../../src/engine/algorithms/baseline.js';
import { joinThroughLinks } from '../../../src/engine/data/join-links.js';
import type { RatingsLayout } from '../../../src/engine/data/ratings-layout.js';
import { readItemsData } from '../../../src/engine/data/read-items.js';
import { readRatings } from '../../../src/engine/data/read-ratings.js';
import { InputError } from '../../../src/engine/errors.js';
import { IdIndex } from '../../../src/engine/matrix/id-index.js';
import { RatingMatrix } from '../../../src/engine/matrix/rating-matrix.js';
import { FactorModel } from '../../../src/engine/model/factor-model.js';
import { factorModelTables } from '../../../src/engine/model/factor-model-files.js';
import { loadModel } from '../../../src/engine/model/load-model.js';
import { writeModelDir } from '../../../src/engine/model/model-dir.js';
import { factorFixture } from '../../support/factor-fixture.js';

// The id rules of docs/data-and-ids.md ("Ids"): a column is numeric only when every id is a plain
// integer within 2^53; otherwise the whole column keeps its ids as written, as strings.

const dir = mkdtempSync(join(tmpdir(), 'reckit-ids-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
const layout = (delimiter: string): RatingsLayout => ({
  format: 'delimited',
  file: 'x',
  delimiter,
  header: true,
  columns: { user: 0, item: 1, rating: 2 },
});
async function matrixOf(path: string, l: RatingsLayout): Promise<RatingMatrix> {
  const { table } = await readRatings(path, l);
  return (await RatingMatrix.fromTable(table, { source: path })).matrix;
}
/** 2^53 + 1 and 2^53 are distinct ids that one double cannot tell apart. */
const BIG_A = '9007199254740993';
const BIG_B = '9007199254740992';
/** `n` rows of plain ids first, so only the scanner (not the sampled head) meets what follows. */
const plainRows = (n: number, d: string) =>
  Array.from({ length: n }, (_, r) => `${(r % 50) + 1}${d}${(r % 70) + 1}${d}${(r % 5) + 1}\n`).join('');

describe('issue 20 item 4: ids are kept exact or refused, never merged', () => {
  test.each([
    ['CSV', ','],
    ['TSV', '\t'],
  ])(
    'issue 20 item 4: %s ids beyond 2^53 stay distinct, as exact strings, in the head or after row 200',
    async (name, d) => {
      for (const at of ['head', 'tail']) {
        const prefix = at === 'tail' ? plainRows(300, d) : '';
        const p = file(`big-${at}.${name}`, `u${d}i${d}r\n${prefix}${BIG_A}${d}1${d}5\n${BIG_B}${d}1${d}1\n`);
        const m = await matrixOf(p, layout(d));
        expect(m.users.kind).toBe('string');
        expect(m.users.indexOf(BIG_A)).toBeGreaterThanOrEqual(0);
        expect(m.users.indexOf(BIG_B)).toBeGreaterThanOrEqual(0);
        expect(m.users.indexOf(BIG_A)).not.toBe(m.users.indexOf(BIG_B));
        expect(m.nRatings).toBe((at === 'tail' ? 300 : 0) + 2);
        // a double that rounds to an id is not that id
        expect(m.users.indexOf(Number(BIG_A))).toBe(-1);
        // the item column holds plain integers only and stays numeric
        expect(m.items.kind).toBe('number');
      }
    },
  );

  test.each([
    ['2.5', ['1', '2.5']],
    ['1.0', ['1', '1.0']],
    ['01', ['01', '1']],
  ])('issue 20 item 4: an id written %s is a string id, distinct from 1', async (written, ids) => {
    for (const prefix of ['', plainRows(300, ',')]) {
      const p = file('odd.csv', `u,i,r\n${prefix}1,5,4\n${written},5,2\n`);
      const m = await matrixOf(p, layout(','));
      expect(m.users.kind).toBe('string');
      for (const id of ids) expect(m.users.indexOf(id)).toBeGreaterThanOrEqual(0);
      expect(m.nRatings).toBe(prefix ? 302 : 2);
      expect(m.items.kind).toBe('number');
    }
  });

  test('issue 20 item 4: a numeric index matches plain integer text only', () => {
    const idx = IdIndex.fromIds(Float64Array.of(1, 7, 42));
    expect(idx.indexOf('7')).toBe(1);
    expect(idx.indexOf(' 7 ')).toBe(1);
    expect(idx.indexOf(7)).toBe(1);
    for (const text of ['07', '7.0', '+7', '7e0', '']) expect(idx.indexOf(text)).toBe(-1);
    const strings = IdIndex.fromIds([BIG_B, 'a']);
    expect(strings.indexOf(BIG_B)).toBe(0);
    expect(strings.indexOf(Number(BIG_B))).toBe(-1);
    expect(() => IdIndex.fromIds(Float64Array.of(1, 2.5))).toThrow(InputError);
  });

  test('issue 20 item 4: Arrow IPC Int64 ids beyond 2^53 stay distinct; a Float64 id 2.5 is refused with its row', async () => {
    const t = tableFromArrays({
      user: BigInt64Array.of(BigInt(BIG_A), BigInt(BIG_B), 3n),
      item: BigInt64Array.of(1n, 1n, 2n),
      rating: Float32Array.of(5, 1, 3),
    });
    const p = file('big.arrow', tableToIPC(t, 'file'));
    const m = await matrixOf(p, { format: 'arrow', file: 'big.arrow' });
    expect(m.nUsers).toBe(3);
    expect(m.users.indexOf(BIG_A)).not.toBe(m.users.indexOf(BIG_B));
    expect(m.users.indexOf('3')).toBeGreaterThanOrEqual(0);
    expect(m.items.kind).toBe('number');
    const f = tableFromArrays({
      user: Float64Array.of(1, 2.5),
      item: Float64Array.of(1, 1),
      rating: Float32Array.of(3, 4),
    });
    const q = file('float.arrow', tableToIPC(f, 'file'));
    await expect(readRatings(q, { format: 'arrow', file: 'float.arrow' })).rejects.toThrow(
      /float\.arrow row 1: field user: id 2\.5 is not an integer within/,
    );
  });

  test('issue 20 item 4: Parquet INT64 ids beyond 2^53 stay distinct and survive a model round trip', async () => {
    const buf = parquetWriteBuffer({
      columnData: [
        { name: 'user', data: [BigInt(BIG_A), BigInt(BIG_B), BigInt(BIG_A), 3n], type: 'INT64' },
        { name: 'item', data: Int32Array.of(1, 1, 2, 2), type: 'INT32' },
        { name: 'rating', data: Float32Array.of(5, 1, 4, 2), type: 'FLOAT' },
      ],
    });
    const p = file('big.parquet', new Uint8Array(buf));
    const m = await matrixOf(p, { format: 'parquet', file: 'big.parquet' });
    expect(m.nUsers).toBe(3);
    expect(m.nRatings).toBe(4);
    const model = await new Baseline().fit(m);
    await model.save(join(dir, 'model'));
    const back = await loadModel(join(dir, 'model'));
    const a = back.predict([BIG_A, BIG_B], [1, 1]);
    expect(Array.from(a.known)).toEqual([1, 1]);
    // user A rated item 1 a 5, user B a 1: their predictions differ, as the ids do
    expect(a.scores[0]).toBeGreaterThan(a.scores[1]!);
  });

  test('issue 20 item 4: an items file follows the same id rules on its whole column; NUL bytes are refused', async () => {
    const rows = Array.from({ length: 60 }, (_, r) => `${r + 1},Title ${r + 1}\n`).join('');
    const items = { delimiter: ',', header: true, columns: { item: 0, title: 1 } };
    const plain = await readItemsData(file('items.csv', `id,title\n${rows}`), { file: 'items.csv', ...items });
    expect(plain.item).toBeInstanceOf(Int32Array);
    // a text id after row 50 used to be dropped as "unusable"; 01 used to become 1
    for (const late of ['B00X4WHP5E', '01', BIG_A]) {
      const d = await readItemsData(file('items.csv', `id,title\n${rows}${late},Late\n`), {
        file: 'items.csv',
        ...items,
      });
      expect(d.skipped).toBe(0);
      expect(d.item).toHaveLength(61);
      expect((d.item as string[]).at(-1)).toBe(late);
      expect((d.item as string[])[0]).toBe('1');
    }
    const zeros = Buffer.concat([Buffer.from(`id,title\n${rows}`), new Uint8Array(1 << 20)]);
    await expect(readItemsData(file('items-z.csv', zeros), { file: 'items-z.csv', ...items })).rejects.toThrow(
      /items-z\.csv line 62: NUL byte/,
    );
  });

  test('issue 20 item 4: a links file keeps its item ids as written and matches keys exactly', async () => {
    const byKey = { item: Int32Array.of(862, 8844), title: ['Toy Story', 'Jumanji'], genres: ['', ''], skipped: 0 };
    const links = file('links.csv', `movieId,imdbId,tmdbId\n01,1,862\n${BIG_A},2,8844\n${BIG_B},3,08844\n`);
    const d = await joinThroughLinks(
      links,
      { file: 'links.csv', delimiter: ',', item: 'movieId', key: 'tmdbId' },
      byKey,
    );
    // 08844 is not the key 8844; 01 and the 64-bit id stay as written
    expect(d.linked).toBe(2);
    expect(d.item).toEqual(['01', BIG_A]);
    expect(d.title).toEqual(['Toy Story', 'Jumanji']);
  });

  test('issue 20 item 4: a model directory with Int64 user ids beyond 2^53 (another writer) loads them exactly', async () => {
    const d = factorFixture({ seed: 2, nUsers: 4, nItems: 12 });
    const { meta, tables } = factorModelTables(d);
    // user 101 + k becomes 2^53 + 1 + k: ids a double cannot tell from their neighbours
    const big = (id: number) => 2n ** 53n + BigInt(id - 100);
    const swap = (t: Table, name: string, v: Vector) => {
      const cols: Record<string, Vector> = {};
      for (const f of t.schema.fields) cols[f.name] = f.name === name ? v : (t.getChild(f.name) as Vector);
      return new Table(cols);
    };
    const users = tables.users as Table;
    const seen = tables.seen as Table;
    const userIds = Array.from(users.getChild('id')?.toArray() as Int32Array, big);
    const seenUsers = Array.from(seen.getChild('user')?.toArray() as Int32Array, big);
    const out = join(dir, 'int64-model');
    await writeModelDir(out, meta, {
      ...tables,
      users: swap(users, 'id', makeVector(BigInt64Array.from(userIds))),
      seen: swap(seen, 'user', makeVector(BigInt64Array.from(seenUsers))),
    });
    const back = await loadModel(out);
    expect(back.users.size).toBe(4);
    const ids = userIds.map(String);
    expect(new Set(ids.map((id) => back.users.indexOf(id)))).toEqual(new Set([0, 1, 2, 3]));
    const ref = new FactorModel(d);
    for (let u = 0; u < 4; u++) {
      expect(back.predictOne(ids[u]!, d.items.idOf(3))).toEqual(ref.predictOne(d.users.idOf(u), d.items.idOf(3)));
    }
  });
});
