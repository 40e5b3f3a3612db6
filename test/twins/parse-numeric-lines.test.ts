import { describe, expect, test } from 'vitest';
import { availableBackends, backend } from '../../src/engine/kernels/registry.js';
import { Rng } from '../../src/engine/kernels/rng.js';
import type { ParseLinesArgs } from '../../src/engine/kernels/signatures.js';

const reference = backend('reference');

/** ~2.6 MB of seeded CSV lines (so the native kernel splits it across threads), optionally with bad lines. */
const texts = new Map<string, Uint8Array>();
function text(seed: number, lines: number, badEvery: number): Uint8Array {
  const key = `${seed}/${lines}/${badEvery}`;
  const hit = texts.get(key);
  if (hit) return hit;
  const rng = new Rng(seed);
  const out: string[] = [];
  const bad = ['1,2,x,3', '1,2', '', '4,5,9.5,6', '7,"8,9,1', ' 3 , 4 , 2.5 , 17 ', '1,2,1e1,5\r', '"5",6,0.5,1e3'];
  for (let i = 0; i < lines; i++) {
    if (badEvery && i % badEvery === badEvery - 1) {
      out.push(bad[rng.nextBelow(bad.length)]!);
      continue;
    }
    const r = (1 + rng.nextBelow(10)) / 2;
    out.push(`${1 + rng.nextBelow(200_000)},${1 + rng.nextBelow(60_000)},${r},${1_000_000_000 + rng.nextBelow(1e8)}`);
  }
  const buf = new TextEncoder().encode(`${out.join(i2n(seed))}\n`);
  texts.set(key, buf);
  return buf;
}
const i2n = (seed: number) => (seed % 2 ? '\n' : '\r\n');

/** The written rows of a column as bytes (Buffer comparison: deep-equal on 90K numbers is slow). */
const written = (c: ArrayBufferView | undefined, rows: number) =>
  Buffer.from(
    (c as Int32Array).buffer,
    (c as Int32Array).byteOffset + 3 * (c as Int32Array).BYTES_PER_ELEMENT,
    rows * (c as Int32Array).BYTES_PER_ELEMENT,
  ).toString('base64');

function args(buf: Uint8Array, skipBad: boolean, rows: number): ParseLinesArgs {
  return {
    buf,
    delimiter: ',',
    columns: Int32Array.from([0, 1, 2, 3]),
    kinds: Int32Array.from([0, 0, 1, 2]),
    min: Float64Array.from([-Infinity, -Infinity, 0.5, -Infinity]),
    max: Float64Array.from([Infinity, Infinity, 5, Infinity]),
    out: [new Int32Array(rows), new Int32Array(rows), new Float32Array(rows), new Float64Array(rows)],
    row: 3,
    skipBad,
  };
}

describe.each(availableBackends())('parseNumericLines [%s]', (name) => {
  const k = backend(name);

  test.each([
    ['clean, LF', 1, 0, false],
    ['bad lines skipped, CRLF', 2, 997, true],
    ['bad lines stop the call', 3, 4001, false],
  ] as const)(
    '%s: the same result and columns as the reference, for any thread count',
    async (_, seed, badEvery, skip) => {
      const buf = text(seed, 90_000, badEvery);
      expect(buf.length).toBeGreaterThan(2 << 20);
      const want = args(buf, skip, 90_010);
      const w = await reference.parseNumericLines(want);
      for (const threads of name === 'native' ? [1, 2, 3] : [1]) {
        const got = { ...args(buf, skip, 90_010), threads };
        const g = await k.parseNumericLines(got);
        expect(g).toEqual(w);
        // rows past row + rows are scratch (native chunks write there before compacting)
        for (let f = 0; f < got.out.length; f++) {
          expect(written(got.out[f], w.rows), `field ${f}, ${threads} threads`).toEqual(written(want.out[f], w.rows));
        }
      }
      if (badEvery === 0) expect(w.rows).toBe(90_000);
      if (skip) expect(w.skipped).toBeGreaterThan(30);
      if (!skip && badEvery) expect(w.bad).toHaveLength(1);
    },
  );

  test('too little room: needCapacity, nothing written', async () => {
    const a = args(new TextEncoder().encode('1,2,3,4\n5,6,1,8\n'), false, 4);
    const r = await k.parseNumericLines(a);
    expect(r).toMatchObject({ rows: 0, needCapacity: 5 });
    expect(Array.from(a.out[0] as Int32Array)).toEqual([0, 0, 0, 0]);
  });

  test("an integer id beyond int32 asks to widen; '::' layout", async () => {
    const a = { ...args(new TextEncoder().encode('1::2::3::4\n3000000000::2::3::4\n'), false, 8), delimiter: '::' };
    expect(await k.parseNumericLines(a)).toMatchObject({ rows: 1, widen: true });
  });

  test.each(['2.5', '1.0', '01', '-0', '+3', '1e3', 'abc', '', '9007199254740993', '12345678901234567890'])(
    'issue 20 item 4: id %j is not a plain integer id: code 6 stops the call even with skipBad',
    async (id) => {
      const a = args(new TextEncoder().encode(`1,2,3,4\n${id},2,3,4\n5,6,7,8\n`), true, 8);
      const r = await k.parseNumericLines(a);
      expect(r).toMatchObject({ rows: 1, widen: false });
      expect(r.bad).toEqual([expect.objectContaining({ line: 1, code: 6, field: 0 })]);
    },
  );

  test('issue 20 item 4: the largest safe ids are plain integer ids', async () => {
    const a = args(new TextEncoder().encode('9007199254740991,-9007199254740991,3,4\n0,-7,3,4\n'), false, 8);
    a.kinds = Int32Array.of(3, 3, 1, 2);
    a.out = [new Float64Array(8), new Float64Array(8), new Float32Array(8), new Float64Array(8)];
    a.row = 0;
    const r = await k.parseNumericLines(a);
    expect(r).toMatchObject({ rows: 2, bad: [] });
    expect(Array.from(a.out[0] as Float64Array).slice(0, 2)).toEqual([9007199254740991, 0]);
    expect(Array.from(a.out[1] as Float64Array).slice(0, 2)).toEqual([-9007199254740991, -7]);
  });

  test('exponents and long mantissas round as Number() does', async () => {
    const vals = ['1e-3', '2.5E+0', '0.30000000000000004', '123456789.123456789', '4.99999999999999999999', '7.'];
    const buf = new TextEncoder().encode(vals.map((v, i) => `${i},1,1,${v}`).join('\n'));
    const a = args(buf, false, 10);
    a.row = 0;
    await k.parseNumericLines(a);
    expect(Array.from((a.out[3] as Float64Array).subarray(0, vals.length))).toEqual(vals.map(Number));
  });
});
