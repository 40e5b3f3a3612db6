import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { datasetsInfo, datasetsList } from '../../../src/adapters/cli/commands/datasets.js';
import { main } from '../../../src/adapters/cli/main.js';
import { dataPath, missing } from '../../support/data-dir.js';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'reckit', ...argv], { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

test('datasets list --json: every registry entry with its download or manual page', async () => {
  const r = await run('datasets', 'list', '--json');
  expect(r.code).toBe(0);
  const rows = JSON.parse(r.out) as ReturnType<typeof datasetsList>;
  expect(rows.map((x) => x.name)).toEqual(datasetsList().map((x) => x.name));
  expect(rows.find((x) => x.name === 'ml-25m')).toMatchObject({ ratings: 25_000_095, scale: '0.5..5 step 0.5' });
  expect(rows.find((x) => x.name === 'tmdb-5000')?.download).toMatch(/^manual: https:\/\/www\.kaggle\.com/);
});

const ml100k = dataPath('ml-100k', 'u.data');
test.skipIf(!ml100k)(
  `datasets info ml-100k --json: stable field names and exact counts (${missing('ml-100k', 'u.data')})`,
  async () => {
    const r = await run('datasets', 'info', 'ml-100k', '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const info = JSON.parse(r.out);
    expect(info).toMatchObject({
      ratings: 100_000,
      users: 943,
      items: 1_682,
      ratingMin: 1,
      ratingMax: 5,
      skipped: 0,
      duplicates: 0,
      itemsWithMetadata: 1_682,
      hasTimestamps: true,
    });
    expect(info.density).toBeCloseTo(100_000 / (943 * 1_682), 12);
    expect(info.loadSeconds).toBeGreaterThan(0);
  },
);

test('datasets info --skip-bad on a generic file: skipped rows and duplicates counted, text report', async () => {
  const p = join(mkdtempSync(join(tmpdir(), 'reckit-cli-')), 'mine.csv');
  writeFileSync(p, 'user,item,rating\n1,1,4\n1,1,5\n2,1,x\n2,2,3\n3,3,9\n');
  const strict = await run('datasets', 'info', p, '--scale', '1..5');
  expect(strict.code).toBe(2);
  expect(strict.err).toMatch(/mine\.csv line 4: field rating \(column 3\) is "x", not a finite number/);
  const info = await datasetsInfo({ data: p, skipBad: true, scale: { min: 1, max: 5 } });
  expect(info).toMatchObject({ ratings: 2, users: 2, items: 2, skipped: 2, duplicates: 1, ratingMin: 3, ratingMax: 5 });
  const text = await run('datasets', 'info', p, '--skip-bad', '--scale', '1..5');
  expect(text.code).toBe(0);
  expect(text.out).toMatch(/2 ratings, 2 users, 2 items/);
  expect(text.out).toMatch(/skipped rows 2, duplicate \(user, item\) pairs dropped \(keep last\) 1/);
  expect(text.out).toMatch(/skipped: .*line 6: rating 9 \(column 3\) is outside the scale \[1, 5\]/);
});

test('datasets info on a synthetic spec and on an unknown name', async () => {
  const s = JSON.parse(
    (await run('datasets', 'info', 'synthetic:users=100,items=80,ratings=2000,seed=5', '--json')).out,
  );
  expect(s).toMatchObject({ ratings: 2_000, users: 100, items: 80, duplicates: 0, origin: 'synthetic' });
  const bad = await run('datasets', 'info', 'no-such-set');
  expect(bad.code).toBe(2);
  expect(bad.err).toMatch(/not a known dataset/);
});
