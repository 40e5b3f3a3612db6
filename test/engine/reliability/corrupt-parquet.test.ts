import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, describe, expect, test } from 'vitest';
import { readRatings } from '../../../src/engine/data/read-ratings.js';
import { InputError } from '../../../src/engine/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'reckit-corrupt-pq-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('issue 20 item 8: a Parquet file with a corrupt page', () => {
  test('issue 20 item 8: every 64-byte smear over a Parquet file reads, or fails as a one-line InputError naming it', async () => {
    const n = 5000;
    const good = new Uint8Array(
      parquetWriteBuffer({
        columnData: [
          { name: 'user', data: Int32Array.from({ length: n }, (_, i) => i % 97), type: 'INT32' },
          { name: 'item', data: Int32Array.from({ length: n }, (_, i) => i % 89), type: 'INT32' },
          { name: 'rating', data: Float32Array.from({ length: n }, (_, i) => (i % 5) + 1), type: 'FLOAT' },
        ],
      }),
    );
    const path = join(dir, 'ratings.parquet');
    const outcomes = new Set<string>();
    // Smears start after the 4-byte magic and stop before the footer (its damage is "not a Parquet file").
    for (let at = 4; at < good.length - 200; at += 97) {
      const bad = good.slice();
      bad.fill(0xff, at, at + 64);
      writeFileSync(path, bad);
      const error = await readRatings(path, { format: 'parquet', file: 'ratings.parquet' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      if (!error) continue;
      expect(error, `smear at byte ${at}`).toBeInstanceOf(InputError);
      const message = (error as Error).message;
      expect(message.startsWith(path)).toBe(true);
      expect(message.length).toBeLessThanOrEqual(300);
      expect(message).not.toMatch(/\n/);
      if (/the Parquet data is damaged/.test(message)) outcomes.add('damaged');
    }
    // at least one smear hit a page header the decoder cannot parse (before the fix: a bare Error)
    expect(outcomes.has('damaged')).toBe(true);
  });
});
