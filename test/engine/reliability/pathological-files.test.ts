import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { loadDataset } from '../../../src/adapters/datasets/load-dataset.js';
import type { RatingsLayout } from '../../../src/engine/data/ratings-layout.js';
import { readRatings } from '../../../src/engine/data/read-ratings.js';
import { InputError } from '../../../src/engine/errors.js';

// Damaged or wrong files, generated small (a few MB) in a temp dir: each is refused with one
// short printable line naming the file and the line, never a huge message or raw bytes.

const dir = mkdtempSync(join(tmpdir(), 'reckit-patho-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
const ROWS = Array.from({ length: 400 }, (_, r) => `${(r % 40) + 1},${(r % 30) + 1},${(r % 5) + 1}\n`).join('');
const CSV = `user,item,rating\n${ROWS}`;
const layout: RatingsLayout = {
  format: 'delimited',
  file: 'x',
  delimiter: ',',
  header: true,
  columns: { user: 0, item: 1, rating: 2 },
};

/** Rejects with a one-line printable InputError of at most `max` characters matching `re`. */
async function refused(run: Promise<unknown>, re: RegExp, max = 300): Promise<void> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  const message = (error as Error).message;
  expect(message).toMatch(re);
  expect(message.length).toBeLessThanOrEqual(max);
  expect(message).toMatch(/^[\x20-\x7e]*$/);
}

describe('issue 20 item 5: pathological files', () => {
  test('issue 20 item 5: a 5 MB zero-filled tail is refused naming its line and byte (numeric and text ids)', async () => {
    const zeros = new Uint8Array(5 << 20);
    const numeric = file('zeros.csv', Buffer.concat([Buffer.from(CSV), zeros]));
    await refused(
      readRatings(numeric, layout),
      /zeros\.csv line 402: NUL byte at byte \d+; .*truncated or preallocated/,
    );
    const text = file('zeros-text.csv', Buffer.concat([Buffer.from(`${CSV}a,b,3\n`), zeros]));
    await refused(readRatings(text, layout), /zeros-text\.csv line 403: NUL byte/);
    // end to end through --data PATH (layout sniffing first): only zeros
    await refused(
      loadDataset(file('only-zeros.csv', zeros), { items: false }),
      /only-zeros\.csv line 1: NUL byte at byte 0/,
    );
  });

  test('issue 20 item 5: a line over 1 MB is refused naming the line; a long bad field is quoted in 80 chars', async () => {
    const long = file('long.csv', `${CSV}1,2,${'9'.repeat(3 << 20)}\n1,2,3\n`);
    await refused(readRatings(long, layout), /long\.csv line 402: the line is longer than 1 MB/);
    const tail = file('long-tail.csv', `${CSV}1,2,${'7'.repeat(3 << 20)}`);
    await refused(readRatings(tail, layout), /long-tail\.csv line 402: the line is longer than 1 MB/);
    const field = file('field.csv', `${CSV}1,2,${'x'.repeat(200 << 10)}\n`);
    await refused(
      readRatings(field, layout),
      /field\.csv line 402: field rating \(column 3\) is "x{80}"\.\.\. \(204800 bytes\), not a finite number/,
    );
  });

  test('issue 20 item 5: gzip, zip and binary input get a one-line hint, not raw bytes', async () => {
    const gz = file('ratings.csv.gz', gzipSync(CSV));
    await refused(loadDataset(gz, { items: false }), /ratings\.csv\.gz: this is a gzip-compressed file, .*gunzip/);
    await refused(readRatings(file('gz.csv', gzipSync(CSV)), layout), /gz\.csv: this is a gzip-compressed file/);
    const zip = file('r.csv', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from(CSV)]));
    await refused(loadDataset(zip, { items: false }), /r\.csv: this is a zip archive, .*unzip/);
    const bin = file('bin.csv', Buffer.concat([Buffer.from('user,item,rating\n1,2,\u0001\u0000\u00ff\n')]));
    await refused(readRatings(bin, layout), /bin\.csv line 2: NUL byte at byte 22/);
  });

  test('issue 20 item 5: a huge unusable header is quoted in 80 chars when sniffing', async () => {
    const header = file('header.csv', `${'name\u0007,'.repeat(2000)}x\n1,2,3\n`);
    await refused(
      loadDataset(header, { items: false }),
      /header\.csv: cannot tell which columns hold user, item and rating \(header: ".{80,200}"\.\.\. \(\d+ characters\)\)/,
      500, // 80 characters, some escaped as \u0007
    );
  });

  test('issue 20 item 5: a string id first seen after row 200 makes the column string ids, not an error', async () => {
    for (const id of ['abc', 'B00X4WHP5E']) {
      const p = file('late.csv', `${CSV}${id},1,4\n`);
      const { table, report } = await readRatings(p, layout);
      expect(report.rows).toBe(401);
      const users = Array.from(table.getChild('user')?.toArray() as ArrayLike<unknown>, String);
      expect(users.at(-1)).toBe(id);
      expect(users[0]).toBe('1');
      // the item column holds plain integers only and stays numeric
      expect(table.getChild('item')?.type.toString()).toBe('Int32');
    }
    // an empty id after row 200 is still a bad row naming its line, and skipBad skips it
    const empty = file('empty-id.csv', `${CSV},1,4\n`);
    await refused(readRatings(empty, layout), /empty-id\.csv line 402: field user \(column 1\) is empty/);
    const { report } = await readRatings(empty, layout, { skipBad: true });
    expect(report).toMatchObject({ rows: 400, skipped: 1 });
  });
});
