import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromArrays, tableFromIPC } from 'apache-arrow';
import { parquetReadObjects } from 'hyparquet';
import { beforeAll, describe, expect, test } from 'vitest';
import { runPredict } from '../../../src/adapters/cli/commands/predict.js';
import { runRecommend } from '../../../src/adapters/cli/commands/recommend.js';
import { main } from '../../../src/adapters/cli/main.js';
import { EASE } from '../../../src/engine/algorithms/ease.js';
import { RatingMatrix } from '../../../src/engine/matrix/rating-matrix.js';
import { FactorModel } from '../../../src/engine/model/factor-model.js';
import { factorFixture } from '../../support/factor-fixture.js';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'reckit', ...args], { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

describe('reckit recommend / predict', () => {
  let root: string;
  let dir: string;
  let model: FactorModel;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'reckit-cli-'));
    dir = join(root, 'model');
    model = new FactorModel(factorFixture({ seed: 12, nUsers: 25, nItems: 120, k: 8 }));
    await model.save(dir);
  });

  test('runRecommend returns each user top-N equal to the model, seen excluded', async () => {
    const r = await runRecommend({ model: dir, top: 5, users: ['101', '110'] });
    expect(r.users).toBe(2);
    expect(r.rows).toBe(10);
    expect(r.recommendations?.[1]?.user).toBe(110);
    expect(r.recommendations?.[1]?.items.map((s) => s.item)).toEqual(model.recommend(110, { n: 5 }).map((s) => s.item));
  });

  test("recommend --json names each number: a rating (clipped, as predict gives it) or a ranker's rankScore", async () => {
    const rated = JSON.parse((await cli(['recommend', '--model', dir, '--users', '101', '--top', '5', '--json'])).out);
    expect(rated.scoreKind).toBe('rating');
    const items = rated.recommendations[0].items as { item: number; rating: number }[];
    expect(items.map((s) => s.item)).toEqual(model.recommend(101, { n: 5 }).map((s) => s.item));
    for (const s of items) {
      expect(Object.keys(s)).toEqual(['item', 'rating']);
      expect(s.rating).toBeCloseTo(model.predict([101], [s.item]).scores[0]!, 5);
    }
    // A ranker (EASE on a small synthetic matrix): preferences, not ratings.
    const n = 300;
    const table = tableFromArrays({
      user: Int32Array.from({ length: n }, (_, k) => 1 + (k % 30)),
      item: Int32Array.from({ length: n }, (_, k) => 1 + ((k * 7) % 40)),
      rating: Float32Array.from({ length: n }, (_, k) => 1 + (k % 5)),
    });
    const ranker = await new EASE({ lambda: 10 }).fit((await RatingMatrix.fromTable(table)).matrix);
    await ranker.save(join(root, 'ease'));
    const ranked = JSON.parse((await cli(['recommend', '--model', join(root, 'ease'), '--users', '3', '--json'])).out);
    expect(ranked.scoreKind).toBe('rankScore');
    const want = ranker.recommend(3, { n: 10 });
    const got = ranked.recommendations[0].items as { item: number; rankScore: number }[];
    expect(got.map((s) => Object.keys(s))).toEqual(want.map(() => ['item', 'rankScore']));
    expect(got.map((s) => s.item)).toEqual(want.map((s) => s.item));
    got.forEach((s, j) => {
      expect(s.rankScore).toBeCloseTo(want[j]?.score as number, 5);
    });
  });

  test.each(['csv', 'jsonl', 'parquet', 'arrow'])(
    '--out FILE.%s writes user,rank,item,score atomically',
    async (ext) => {
      const out = join(root, `recs.${ext}`);
      const { code, out: text } = await cli(['recommend', '--model', dir, '--top', '3', '--out', out, '--json']);
      expect(code).toBe(0);
      const report = JSON.parse(text);
      expect(report.rows).toBe(75);
      let rows: { user: number; rank: number; item: number; score: number }[];
      const bytes = await readFile(out);
      if (ext === 'csv') {
        const [header, ...lines] = bytes.toString('utf8').trim().split('\n');
        expect(header).toBe('user,rank,item,score');
        rows = lines.map((l) => {
          const f = l.split(',').map(Number);
          expect(f).toHaveLength(4);
          return { user: f[0]!, rank: f[1]!, item: f[2]!, score: f[3]! };
        });
      } else if (ext === 'jsonl') {
        rows = bytes
          .toString('utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l));
      } else if (ext === 'parquet') {
        const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
        rows = (await parquetReadObjects({ file: ab })) as typeof rows;
      } else {
        rows = tableFromIPC(bytes)
          .toArray()
          .map((r) => r.toJSON());
      }
      expect(rows.length).toBe(75);
      const want = model.recommend(107, { n: 3 });
      const mine = rows.filter((r) => r.user === 107);
      expect(mine.map((r) => r.rank)).toEqual([1, 2, 3]);
      expect(mine.map((r) => r.item)).toEqual(want.map((s) => s.item));
      mine.forEach((r, j) => {
        expect(r.score).toBeCloseTo(want[j]?.score as number, 5);
      });
      expect((await readdir(root)).filter((f) => f.includes('.tmp-'))).toEqual([]);
    },
  );

  test('recommend: unknown users, bad --top and unknown formats are input errors (exit 2)', async () => {
    expect((await cli(['recommend', '--model', dir, '--users', '101,9999'])).err).toMatch(/unknown user id\(s\): 9999/);
    expect((await cli(['recommend', '--model', dir, '--top', '0'])).code).toBe(2);
    const bad = await cli(['recommend', '--model', dir, '--out', join(root, 'x.xlsx')]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown output format ".xlsx"/);
    expect((await cli(['recommend', '--model', root])).err).toMatch(/no model\.json/);
  });

  test('predict one pair: clipped score and known flag, fallbacks flagged', async () => {
    const rows = await runPredict({ model: dir, user: '103', item: '1005' });
    expect(rows).toEqual([{ user: 103, item: 1005, score: model.predictOne(103, 1005).score, known: true }]);
    const r = await cli(['predict', '--model', dir, '--user', '5', '--item', '1005']);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[1]).toMatch(/^5,1005,[0-9.]+,false$/);
  });

  test('predict --pairs: header optional, CRLF, errors name the line and field', async () => {
    const file = join(root, 'pairs.csv');
    await writeFile(file, 'userId,movieId\r\n101,1001\r\n"102",1002\r\n\r\n999,1003\r\n');
    const rows = await runPredict({ model: dir, pairs: file });
    expect(rows.map((r) => [r.user, r.item, r.known])).toEqual([
      [101, 1001, true],
      [102, 1002, true],
      [999, 1003, false],
    ]);
    expect(rows[1]?.score).toBe(model.predictOne(102, 1002).score);
    await writeFile(file, '101,1001\n102,abc\n');
    await expect(runPredict({ model: dir, pairs: file })).rejects.toThrow(
      /pairs\.csv line 2, field item: id "abc" is not a number/,
    );
    await writeFile(file, '101,1001,5\n');
    const bad = await cli(['predict', '--model', dir, '--pairs', file]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/line 1: expected 2 fields/);
    expect((await cli(['predict', '--model', dir, '--user', '1'])).err).toMatch(/needs --user and --item, or --pairs/);
  });
});
