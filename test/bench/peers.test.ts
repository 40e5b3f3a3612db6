import { expect, test } from 'vitest';
import { factorFixture } from '../../src/bench/peers/factor-fixture.js';
import { mlMatrixTopN } from '../../src/bench/peers/ml-matrix-top-n.js';
import { peerEnv, SklearnPeer } from '../../src/bench/peers/sklearn-peer.js';
import { loadTfjs, tfjsTopN } from '../../src/bench/peers/tfjs-top-n.js';
import { selectTopN, topNAgreement } from '../../src/bench/peers/top-n-select.js';

/** Brute force: every score, sorted descending (ties by lower index). */
function bruteTopN(f: ReturnType<typeof factorFixture>, n: number): Int32Array {
  const out = new Int32Array(f.nUsers * n);
  for (let u = 0; u < f.nUsers; u++) {
    const s: [number, number][] = [];
    for (let i = 0; i < f.nItems; i++) {
      let dot = f.itemBias[i]!;
      for (let d = 0; d < f.factors; d++) dot += f.users[u * f.factors + d]! * f.items[i * f.factors + d]!;
      s.push([dot, i]);
    }
    s.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    for (let p = 0; p < n; p++) out[u * n + p] = s[p]![1];
  }
  return out;
}

test('selectTopN keeps the n largest in descending order and pads short rows with -1', () => {
  const items = new Int32Array(4);
  const scores = new Float32Array(4);
  selectTopN([0.5, 3, -1, 2, 3.5, 0], 0, 6, 3, items, scores, 0);
  expect([...items.subarray(0, 3)]).toEqual([4, 1, 3]);
  expect([...scores.subarray(0, 3)]).toEqual([3.5, 3, 2]);
  const short = new Int32Array(3);
  selectTopN([1, 2], 0, 2, 3, short, new Float32Array(3), 0);
  expect([...short]).toEqual([1, 0, -1]);
});

test('the ml-matrix and tfjs peers return the brute-force top-10 of the same factors', async () => {
  const f = factorFixture(37, 501, 16, 3);
  const want = { n: 10, items: bruteTopN(f, 10), scores: new Float32Array(0) };
  expect(topNAgreement(want, mlMatrixTopN(f, 10, 8))).toBe(1);
  const tf = await loadTfjs(1);
  expect(['wasm', 'cpu']).toContain(tf.backend);
  // float32 scoring may swap a near-tie with the float64 brute force, never more than one in a list.
  expect(topNAgreement(want, await tfjsTopN(tf, f, 10, 16))).toBeGreaterThanOrEqual(0.99);
});

test('topNAgreement counts shared items per user, ignoring order', () => {
  const a = { n: 2, items: Int32Array.of(1, 2, 3, 4), scores: new Float32Array(4) };
  const b = { n: 2, items: Int32Array.of(2, 1, 3, 9), scores: new Float32Array(4) };
  expect(topNAgreement(a, b)).toBe(0.75);
});

test('the scikit-learn peer fits KMeans from given centroids, or says why it cannot run', async () => {
  const sk = await SklearnPeer.start();
  if (!(sk instanceof SklearnPeer)) {
    expect(sk.reason).toMatch(/python3-sklearn/);
    return;
  }
  try {
    // Two tight pairs of points; starting at one point of each pair, Lloyd converges in one step.
    const x = Float32Array.of(0, 0, 0, 1, 10, 10, 10, 11);
    const r = await sk.request({
      op: 'kmeans',
      key: 'tiny',
      x: sk.dense(x, 4, 2),
      k: 2,
      init: sk.file(Float32Array.of(0, 0, 10, 10)),
      seed: 0,
    });
    expect(r.metrics!.inertia).toBeCloseTo(1, 5);
    expect(r.seconds).toBeGreaterThan(0);
    expect(r.peakRssMiB).toBeGreaterThan(10);
    await expect(sk.request({ op: 'kmeans', key: 'bad', x: sk.dense(x, 4, 2), k: 9 })).rejects.toThrow(
      /scikit-learn: ValueError/,
    );
  } finally {
    sk.close();
  }
});

test('the scikit-learn child sleeps its idle OpenMP threads unless the caller chose a wait policy', () => {
  const env = peerEnv({ PATH: '/usr/bin' });
  expect(env.OMP_WAIT_POLICY).toBe('PASSIVE');
  expect(env.PATH).toBe('/usr/bin');
  expect(peerEnv({ OMP_WAIT_POLICY: 'ACTIVE' }).OMP_WAIT_POLICY).toBe('ACTIVE');
});
