import { describe, expect, test } from 'vitest';
import { availableBackends, backend } from '../../src/engine/kernels/registry.js';
import { randomCoo } from '../support/random-coo.js';

const reference = backend('reference');

describe.each(availableBackends())('matrix kernels [%s]', (name) => {
  const k = backend(name);

  test('buildCsr matches the reference, sorted by (row, col), keep-last duplicates', async () => {
    const coo = randomCoo(42, 50, 40, 3000);
    const got = await k.buildCsr(coo);
    const want = await reference.buildCsr(coo);
    expect(got.csr.offsets).toEqual(want.csr.offsets);
    expect(got.csr.cols).toEqual(want.csr.cols);
    expect(got.csr.values).toEqual(want.csr.values);
    expect(got.source).toEqual(want.source);
    expect(got.duplicates).toBe(want.duplicates);
    expect(got.duplicates).toBeGreaterThan(0);
    // every kept entry is the last input with its (row, col)
    const last = new Map<number, number>();
    for (let i = 0; i < coo.rows.length; i++) last.set(coo.rows[i]! * 1000 + coo.cols[i]!, i);
    expect(got.csr.cols.length).toBe(last.size);
    for (let r = 0; r < coo.nRows; r++) {
      for (let p = got.csr.offsets[r]!; p < got.csr.offsets[r + 1]!; p++) {
        if (p > got.csr.offsets[r]!) expect(got.csr.cols[p]).toBeGreaterThan(got.csr.cols[p - 1]!);
        expect(got.source[p]).toBe(last.get(r * 1000 + got.csr.cols[p]!));
        expect(got.csr.values[p]).toBe(coo.values[got.source[p]!]);
      }
    }
  });

  test('transposeCsr matches the reference and round-trips', async () => {
    const { csr } = await reference.buildCsr(randomCoo(7, 30, 60, 800));
    const t = await k.transposeCsr(csr);
    const want = await reference.transposeCsr(csr);
    expect(t).toEqual(want);
    expect(await k.transposeCsr(t)).toEqual(csr);
  });

  test('out-of-range indices are refused with the input position', async () => {
    const coo = randomCoo(1, 5, 5, 10);
    coo.cols[3] = 5;
    await expect(k.buildCsr(coo)).rejects.toThrow(/col index out of range at input 3/);
  });

  test('empty input gives an empty matrix', async () => {
    const r = await k.buildCsr({
      rows: new Int32Array(0),
      cols: new Int32Array(0),
      values: new Float32Array(0),
      nRows: 3,
      nCols: 2,
    });
    expect(Array.from(r.csr.offsets)).toEqual([0, 0, 0, 0]);
    expect(r.csr.cols.length).toBe(0);
  });
});

test('the native backend is active when built (reports its name)', () => {
  expect(availableBackends()).toContain('reference');
  if (process.env.CI === 'true') expect(availableBackends()[0]).toBe('native');
});
