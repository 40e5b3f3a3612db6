import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { beforeEach, describe, expect, test } from 'vitest';
import { InputError } from '../../../src/engine/errors.js';
import type { Id } from '../../../src/engine/matrix/id-index.js';
import { FactorModel } from '../../../src/engine/model/factor-model.js';
import { loadModel } from '../../../src/engine/model/load-model.js';
import { writeModelDir } from '../../../src/engine/model/model-dir.js';
import { factorFixture } from '../../support/factor-fixture.js';

function allPairs(m: FactorModel): { users: Id[]; items: Id[] } {
  const users: Id[] = [];
  const items: Id[] = [];
  for (let u = 0; u < m.users.size; u++) {
    for (let i = 0; i < m.items.size; i++) {
      users.push(m.users.idOf(u));
      items.push(m.items.idOf(i));
    }
  }
  return { users, items };
}

describe('FactorModel save / loadModel', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'reckit-factor-'));
  });

  test.each([
    ['numeric ids', {}],
    ['string ids, cold users and items', { stringIds: true, coldUsers: 2, coldItems: 4 }],
    ['bias only (k = 0)', { k: 0 }],
    ['unbiased', { biased: false }],
  ])('round trip predicts and recommends bit-identically: %s', async (_, o) => {
    const m = new FactorModel(factorFixture({ seed: 4, ...o }));
    const dir = join(root, 'model');
    await m.save(dir);
    const back = await loadModel(dir);
    expect(back).toBeInstanceOf(FactorModel);
    const l = back as FactorModel;
    const pairs = allPairs(m);
    pairs.users.push('ghost');
    pairs.items.push(m.items.idOf(0));
    const a = m.predict(pairs.users, pairs.items);
    const b = l.predict(pairs.users, pairs.items);
    expect(Buffer.from(b.scores.buffer).equals(Buffer.from(a.scores.buffer))).toBe(true);
    expect(b.known).toEqual(a.known);
    expect(l.recommend(m.users.idOf(3), { n: 7 })).toEqual(m.recommend(m.users.idOf(3), { n: 7 }));
    expect(l.data.seen.offsets).toEqual(m.data.seen.offsets);
    expect(l.data.seen.cols).toEqual(m.data.seen.cols);
    expect(l.data.history).toEqual(m.data.history);
    expect(l.data.globalMean).toBe(m.data.globalMean);
    expect(l.algorithm).toBe('fixture');
    expect(l.params).toEqual({ reg: 0.02 });
  });

  test('the .arrow files are plain Arrow IPC with the documented columns (apache-arrow alone)', async () => {
    const d = factorFixture({ seed: 5, k: 6 });
    const dir = join(root, 'm');
    await new FactorModel(d).save(dir);
    const read = async (f: string) => tableFromIPC(await readFile(join(dir, f)));
    const users = await read('users.arrow');
    expect(users.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      'id:Int32',
      'bias:Float32',
      'factors:FixedSizeList[6]<Float32>',
    ]);
    expect(users.numRows).toBe(d.users.size);
    expect(users.get(2)?.toJSON().id).toBe(103);
    expect(Array.from(users.getChild('factors')?.get(2) ?? [])).toEqual(Array.from(d.userFactors.subarray(12, 18)));
    const items = await read('items.arrow');
    expect(items.schema.fields.map((f) => f.name)).toEqual(['id', 'bias', 'known', 'factors']);
    expect(items.getChild('known')?.get(0)).toBe(d.itemKnown[0] === 1);
    const seen = await read('seen.arrow');
    expect(seen.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      'user:Int32',
      'item:Int32',
      'rating:Float32',
    ]);
    expect(seen.numRows).toBe(d.seen.cols.length);
    const first = seen.get(0)?.toJSON();
    expect(first?.item).toBe(1001 + d.seen.cols[0]!);
    const history = await read('history.arrow');
    expect(history.getChild('validationRmse')?.toArray()[1]).toBeCloseTo(0.95);
    const meta = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    expect(meta.kind).toBe('factor');
    expect(meta.extra).toEqual({ globalMean: 3.5, factors: 6, biased: true });
  });

  test('corrupt or foreign directories are clear InputErrors', async () => {
    const dir = join(root, 'm');
    await new FactorModel(factorFixture()).save(dir);
    const path = join(dir, 'items.arrow');
    const bytes = await readFile(path);
    bytes[bytes.length - 20]! ^= 0xff;
    await writeFile(path, bytes);
    await expect(loadModel(dir)).rejects.toThrow(/items\.arrow: checksum mismatch/);
    await expect(loadModel(root)).rejects.toThrow(/not a reckit model directory: no model\.json/);
    const foreign = join(root, 'f');
    await writeModelDir(
      foreign,
      {
        kind: 'factor',
        algorithm: 'x',
        params: {},
        idTypes: { user: 'number', item: 'number' },
        scale: { min: 1, max: 5 },
        extra: { globalMean: 3, factors: 2, biased: true },
      },
      {},
    );
    await expect(loadModel(foreign)).rejects.toThrow(InputError);
    await expect(loadModel(foreign)).rejects.toThrow(/users\.arrow is missing/);
  });
});
