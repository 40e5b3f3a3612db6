import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { readLineBlocks } from '../../../src/engine/data/read-line-blocks.js';
import { CancelledError } from '../../../src/engine/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'reckit-line-blocks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readLineBlocks', () => {
  const lines = Array.from({ length: 200 }, (_, k) => `${k},${k * 7},${(k % 5) + 1}`);
  const path = join(dir, 'ratings.csv');
  writeFileSync(path, `${lines.join('\n')}\n`);

  test('yields whole lines only, in order, through a small reused buffer', async () => {
    let text = '';
    for await (const block of readLineBlocks(path, { blockBytes: 64 })) {
      expect(block[block.length - 1]).toBe(10); // each block ends at a newline
      text += Buffer.from(block).toString('utf8');
    }
    expect(text.trim().split('\n')).toEqual(lines);
  });

  test('an aborted signal stops the read with a CancelledError naming the file', async () => {
    const controller = new AbortController();
    const blocks: number[] = [];
    const read = async () => {
      for await (const block of readLineBlocks(path, { blockBytes: 64, signal: controller.signal })) {
        blocks.push(block.length);
        controller.abort();
      }
    };
    const error = await read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as Error).message).toBe(`cancelled while reading ${path}`);
    expect(blocks).toHaveLength(1);
  });
});
