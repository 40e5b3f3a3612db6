import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromArrays, tableFromIPC } from 'apache-arrow';
import { beforeEach, describe, expect, test } from 'vitest';
import { readModelDir, writeModelDir } from '../../../src/engine/model/model-dir.js';

const meta = {
  kind: 'test',
  algorithm: 'none',
  params: { a: 1 },
  idTypes: { user: 'number', item: 'number' } as const,
  scale: { min: 1, max: 5 },
};

describe('model directory', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'reckit-model-'));
  });

  test('round-trips tables as plain Arrow IPC files with checksums', async () => {
    const dir = join(root, 'm');
    await writeModelDir(dir, meta, { users: tableFromArrays({ id: Float64Array.from([1, 2]) }) });
    const { meta: m, tables } = await readModelDir(dir);
    expect(m.params).toEqual({ a: 1 });
    expect(m.files['users.arrow']?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(tables.users?.getChild('id')?.toArray()).toEqual(Float64Array.from([1, 2]));
    // any Arrow reader: apache-arrow alone
    expect(tableFromIPC(await readFile(join(dir, 'users.arrow'))).numRows).toBe(2);
  });

  test('replacing a model leaves no temp or old directories behind', async () => {
    const dir = join(root, 'm');
    await writeModelDir(dir, meta, { users: tableFromArrays({ id: Float64Array.from([1]) }) });
    await writeModelDir(dir, meta, { users: tableFromArrays({ id: Float64Array.from([7, 8, 9]) }) });
    expect(await readdir(root)).toEqual(['m']);
    expect((await readModelDir(dir)).tables.users?.numRows).toBe(3);
  });

  test('a failed write keeps the previous model intact', async () => {
    const dir = join(root, 'm');
    await writeModelDir(dir, meta, { users: tableFromArrays({ id: Float64Array.from([1]) }) });
    await expect(
      writeModelDir(dir, meta, { 'Bad Name': tableFromArrays({ id: Float64Array.from([2]) }) }),
    ).rejects.toThrow(/kebab-case/);
    expect((await readModelDir(dir)).tables.users?.numRows).toBe(1);
    expect(await readdir(root)).toEqual(['m']);
  });

  test('corrupt and foreign directories are clear errors', async () => {
    const dir = join(root, 'm');
    await writeModelDir(dir, meta, { users: tableFromArrays({ id: Float64Array.from([1]) }) });
    const f = join(dir, 'users.arrow');
    const bytes = await readFile(f);
    bytes[bytes.length - 20] ^= 0xff;
    await writeFile(f, bytes);
    await expect(readModelDir(dir)).rejects.toThrow(/users\.arrow: checksum mismatch/);
    await expect(readModelDir(root)).rejects.toThrow(/not a reckit model directory: no model\.json/);
    await writeFile(join(root, 'model.json'), JSON.stringify({ format: 'other' }));
    await expect(readModelDir(root)).rejects.toThrow(/format is "other", expected "reckit-model"/);
    expect(existsSync(dir)).toBe(true);
  });
});
