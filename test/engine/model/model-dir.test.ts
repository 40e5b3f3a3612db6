import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromArrays, tableFromIPC, tableToIPC } from 'apache-arrow';
import { beforeEach, describe, expect, test } from 'vitest';
import { readModelDir, writeModelDir } from '../../../src/engine/model/model-dir.js';
import { acquireLock, LOCK_FILE } from '../../../src/engine/model/model-dir-lock.js';
import { metaChecksum, sha256 } from '../../../src/engine/model/model-meta-check.js';

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
    bytes[bytes.length - 20]! ^= 0xff;
    await writeFile(f, bytes);
    await expect(readModelDir(dir)).rejects.toThrow(/users\.arrow: checksum mismatch/);
    await expect(readModelDir(root)).rejects.toThrow(/not a reckit model directory: no model\.json/);
    // issue 20 item 8: a model.json that is a folder is a one-line error, not a crash.
    await mkdir(join(root, 'x', 'model.json'), { recursive: true });
    await expect(readModelDir(join(root, 'x'))).rejects.toThrow(/x: cannot read the model directory \(EISDIR/);
    await writeFile(join(root, 'model.json'), JSON.stringify({ format: 'other' }));
    await expect(readModelDir(root)).rejects.toThrow(/format is "other", expected "reckit-model"/);
    expect(existsSync(dir)).toBe(true);
  });
});

// issue 20 item 1: a model directory replaces only what reckit recognisably wrote, atomically.
describe('what writeModelDir replaces (issue 20 item 1)', () => {
  let root: string;
  const one = (id: number) => ({ users: tableFromArrays({ id: Float64Array.from([id]) }) });
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'reckit-target-'));
  });

  test('a file, a folder of user files, the cwd, a parent of it and / are refused and left as they were', async () => {
    const file = join(root, 'ratings.csv');
    await writeFile(file, 'u,i,r\n1,2,3\n');
    await expect(writeModelDir(file, meta, one(1))).rejects.toThrow(/ratings\.csv: is a file, not a model directory/);
    expect(await readFile(file, 'utf8')).toBe('u,i,r\n1,2,3\n');
    const mine = join(root, 'photos');
    await mkdir(mine);
    await writeFile(join(mine, 'b.jpg'), 'b');
    await writeFile(join(mine, 'a.txt'), 'a');
    await expect(writeModelDir(mine, meta, one(1))).rejects.toThrow(
      /photos: holds "a\.txt" and 1 more, which reckit did not write/,
    );
    expect((await readdir(mine)).sort()).toEqual(['a.txt', 'b.jpg']);
    // A reckit model plus one user file is refused too, naming that file.
    const m = join(root, 'm');
    await writeModelDir(m, meta, one(1));
    await writeFile(join(m, 'notes.md'), 'mine');
    await expect(writeModelDir(m, meta, one(2))).rejects.toThrow(/holds "notes\.md", which reckit did not write/);
    expect((await readModelDir(m)).tables.users?.getChild('id')?.toArray()).toEqual(Float64Array.from([1]));
    const cwd = process.cwd();
    process.chdir(m);
    try {
      await expect(writeModelDir('.', meta, one(3))).rejects.toThrow(/^\.: is the current directory/);
      await expect(writeModelDir('..', meta, one(3))).rejects.toThrow(/is a parent of the current directory/);
      await expect(writeModelDir('/', meta, one(3))).rejects.toThrow(/is a parent of the current directory/);
    } finally {
      process.chdir(cwd);
    }
    // A model.json that is not reckit's is not a reason to delete the folder.
    const other = join(root, 'other');
    await mkdir(other);
    await writeFile(join(other, 'model.json'), '{"format":"keras"}');
    await expect(writeModelDir(other, meta, one(1))).rejects.toThrow(/its model\.json is not a reckit model/);
  });

  test('an empty directory is used; a reckit model (also one of format version 1) is replaced', async () => {
    const empty = join(root, 'empty');
    await mkdir(empty);
    await writeModelDir(empty, meta, one(4));
    expect((await readdir(empty)).sort()).toEqual(['model.json', 'users.arrow']);
    // Format version 1 as earlier reckit wrote it: plain names, no self-checksum.
    const v1 = join(root, 'v1');
    await mkdir(v1);
    const bytes = tableToIPC(tableFromArrays({ id: Float64Array.from([9]) }), 'file');
    await writeFile(join(v1, 'users.arrow'), bytes);
    const files = { 'users.arrow': { sha256: sha256(bytes), bytes: bytes.byteLength } };
    await writeFile(
      join(v1, 'model.json'),
      JSON.stringify({ ...meta, format: 'reckit-model', formatVersion: 1, files }),
    );
    expect((await readModelDir(v1)).tables.users?.numRows).toBe(1);
    for (const id of [5, 6, 7]) {
      await writeModelDir(v1, meta, one(id));
      const { meta: m, tables } = await readModelDir(v1);
      expect(tables.users?.getChild('id')?.toArray()).toEqual(Float64Array.from([id]));
      // Only model.json and the files it lists: the old generation is gone, nothing else is there.
      expect((await readdir(v1)).sort()).toEqual(['model.json', ...Object.keys(m.files)].sort());
    }
  });

  test('concurrent writers take turns through the lock; readers meanwhile always see a whole model', async () => {
    const dir = join(root, 'm');
    await writeModelDir(dir, meta, one(0));
    const writes = [1, 2, 3, 4, 5].map((id) => writeModelDir(dir, meta, one(id)));
    const reads = Array.from({ length: 30 }, () => readModelDir(dir).then((r) => r.tables.users?.numRows));
    expect(await Promise.all(reads)).toEqual(Array(30).fill(1));
    await Promise.all(writes);
    const { meta: m, tables } = await readModelDir(dir);
    expect([1, 2, 3, 4, 5]).toContain(tables.users?.getChild('id')?.toArray()[0]);
    expect((await readdir(dir)).sort()).toEqual(['model.json', ...Object.keys(m.files)].sort());
  });

  test('a live lock holder is named after the wait; a dead one is taken over and its leftovers removed', async () => {
    const dir = join(root, 'm');
    await writeModelDir(dir, meta, one(1));
    const held = await acquireLock(dir);
    await expect(acquireLock(dir, 200)).rejects.toThrow(
      new RegExp(`another reckit process \\(pid ${process.pid} on .*\\) is writing this model directory`),
    );
    await held.release();
    // A lock with our own pid that this process does not hold (a killed process whose pid we got,
    // as in a container), or older than the longest save, is stale.
    for (const lock of [
      { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), nonce: 'gone', journal: [] },
      { pid: 1, host: 'another-host', startedAt: '2020-01-01T00:00:00Z', journal: [] },
    ]) {
      await writeFile(join(dir, LOCK_FILE), JSON.stringify(lock));
      await (await acquireLock(dir, 200)).release();
    }
    // A writer killed mid-write: its lock (dead pid) journals a half-written file and a temp model.json.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid as number;
    await writeFile(join(dir, 'users.0badf00d.arrow'), 'half');
    await writeFile(join(dir, '.model.json.0badf00d.tmp'), '{');
    const journal = ['users.0badf00d.arrow', '.model.json.0badf00d.tmp', 'users.arrow'];
    await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid: dead, host: hostname(), startedAt: 'x', journal }));
    expect((await readModelDir(dir)).tables.users?.getChild('id')?.toArray()).toEqual(Float64Array.from([1]));
    await writeModelDir(dir, meta, one(2));
    const { meta: m } = await readModelDir(dir);
    expect((await readdir(dir)).sort()).toEqual(['model.json', ...Object.keys(m.files)].sort());
  });

  test('a writer killed after its commit: the old files its journal names are removed by the next', async () => {
    const dir = join(root, 'm');
    await writeModelDir(dir, meta, one(1));
    await writeModelDir(dir, meta, one(2));
    const current = Object.keys((await readModelDir(dir)).meta.files);
    expect(current[0]).toMatch(/^users\.[0-9a-f]{8}\.arrow$/);
    // The old generation's file is still there, as when the writer died between commit and cleanup.
    await writeFile(join(dir, 'users.arrow'), 'old generation');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid as number;
    const journal = [...current, '.model.json.0badf00d.tmp', 'users.arrow'];
    await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid: dead, host: hostname(), startedAt: 'x', journal }));
    expect((await readModelDir(dir)).tables.users?.getChild('id')?.toArray()).toEqual(Float64Array.from([2]));
    await writeModelDir(dir, meta, one(3));
    const { meta: m, tables } = await readModelDir(dir);
    expect(tables.users?.getChild('id')?.toArray()).toEqual(Float64Array.from([3]));
    expect((await readdir(dir)).sort()).toEqual(['model.json', ...Object.keys(m.files)].sort());
  });

  test('directories earlier reckit versions left beside the model are removed once it holds a model', async () => {
    const dir = join(root, 'm');
    await writeModelDir(dir, meta, one(1));
    const tmp = join(root, '.m.tmp-0123abcd');
    const userDir = join(root, '.m.old-89abcdef');
    await mkdir(tmp);
    await writeFile(join(tmp, 'users.arrow'), 'x');
    await mkdir(userDir);
    await writeFile(join(userDir, 'diary.txt'), 'not reckit');
    await writeModelDir(dir, meta, one(2));
    expect(existsSync(tmp)).toBe(false);
    expect(existsSync(join(userDir, 'diary.txt'))).toBe(true);
  });
});

// issue 20 item 10: model.json is covered by a checksum and may not point outside the directory.
describe('model.json integrity (issue 20 item 10)', () => {
  test('a hand-edited scale is refused; so are files outside the directory, even with a fixed-up checksum', async () => {
    const root = await mkdtemp(join(tmpdir(), 'reckit-meta-'));
    const dir = join(root, 'm');
    await writeModelDir(dir, meta, { users: tableFromArrays({ id: Float64Array.from([1]) }) });
    const path = join(dir, 'model.json');
    const good = JSON.parse(await readFile(path, 'utf8'));
    await writeFile(path, JSON.stringify({ ...good, scale: { min: 1, max: 50 } }, null, 4));
    await expect(readModelDir(dir)).rejects.toThrow(/model\.json: content does not match its checksum/);
    // Re-indenting alone is no edit.
    await writeFile(path, JSON.stringify(good));
    expect((await readModelDir(dir)).meta.scale).toEqual({ min: 1, max: 5 });
    for (const name of ['../users.arrow', '/etc/passwd', 'sub/users.arrow', '..']) {
      const files = { [name]: good.files['users.arrow'] };
      const edited = { ...good, files };
      edited.metaSha256 = metaChecksum(edited);
      await writeFile(path, JSON.stringify(edited));
      await expect(readModelDir(dir)).rejects.toThrow(/which is not a data file inside the model directory/);
    }
  });
});
