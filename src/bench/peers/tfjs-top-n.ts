import type { FactorFixture } from './factor-fixture.js';
import type { TopNLists } from './top-n-select.js';

type Tf = typeof import('@tensorflow/tfjs');

/** Which tfjs backend actually runs, and why, for the report. */
export interface TfjsSetup {
  tf: Tf;
  backend: string;
  threads: number;
  notes: string;
}

let setup: Promise<TfjsSetup> | undefined;

/**
 * Loads tfjs with the WebAssembly backend (XNNPACK, SIMD). In Node the threaded wasm build is not
 * used (it needs cross-origin-isolated web workers), so it runs on one thread; when wasm cannot
 * start at all, tfjs's plain-JS `cpu` backend runs instead and the notes say so.
 */
export function loadTfjs(threads: number): Promise<TfjsSetup> {
  setup ??= (async () => {
    const tf = await import('@tensorflow/tfjs');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setThreadsCount(threads);
    let ok = false;
    let why = '';
    try {
      ok = await tf.setBackend('wasm');
    } catch (error) {
      why = (error as Error).message;
    }
    if (!ok) await tf.setBackend('cpu');
    await tf.ready();
    const backend = tf.getBackend();
    if (backend !== 'wasm') {
      return { tf, backend, threads: 1, notes: `wasm backend failed (${why || 'setBackend false'}); ran tfjs cpu` };
    }
    const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    const used = wasm.getThreadsCount();
    const notes =
      `tfjs-backend-wasm${simd ? ' SIMD' : ''}, ${used} thread${used === 1 ? '' : 's'}` +
      (used < threads ? ` (asked ${threads}; Node has no multithreaded wasm build)` : '');
    return { tf, backend, threads: used, notes };
  })();
  return setup;
}

/**
 * Bulk top-N with tfjs: per block of users, matMul(U_block, Q, transposeB) + item bias, then
 * `topk`. Blocks bound the dense score tensor (blockUsers x nItems float32).
 */
export async function tfjsTopN(t: TfjsSetup, f: FactorFixture, n: number, blockUsers = 1024): Promise<TopNLists> {
  const { tf } = t;
  const k = f.factors;
  const q = tf.tensor2d(f.items, [f.nItems, k]);
  const bias = tf.tensor2d(f.itemBias, [1, f.nItems]);
  const items = new Int32Array(f.nUsers * n);
  const scores = new Float32Array(f.nUsers * n);
  try {
    for (let u0 = 0; u0 < f.nUsers; u0 += blockUsers) {
      const rows = Math.min(blockUsers, f.nUsers - u0);
      const { values, indices } = tf.tidy(() => {
        const ub = tf.tensor2d(f.users.subarray(u0 * k, (u0 + rows) * k), [rows, k]);
        return tf.topk(tf.add(tf.matMul(ub, q, false, true), bias), n);
      });
      items.set(await indices.data(), u0 * n);
      scores.set(await values.data(), u0 * n);
      tf.dispose([values, indices]);
    }
  } finally {
    tf.dispose([q, bias]);
  }
  return { n, items, scores };
}
