import { CancelledError, InputError } from '../../errors.js';
import type { KernelRun, SlimColumnsArgs } from '../signatures.js';
import { SlimColumnSolver } from './slim-column.js';
import { TopHeap } from './top-heap.js';

/**
 * Every SLIM column (docs/ranking.md, "SLIM"), the reference for native/slim-columns.cc: column j
 * solved by SlimColumnSolver, its topK largest weights (ties: lower item first) written to
 * weights[k * n + j] in float32. Columns are independent, so the native twin spreads them over
 * threads and still writes the same bits. Returns the coordinate sweeps summed over columns.
 */
export async function slimColumns(a: SlimColumnsArgs, run?: KernelRun): Promise<{ sweeps: number }> {
  const { gram, n, weights } = a;
  if (gram.length !== n * n || weights.length !== n * n) {
    throw new InputError(`slimColumns: gram and weights must hold ${n} x ${n} values`);
  }
  const solver = new SlimColumnSolver(gram, n, a);
  const heap = new TopHeap(Math.min(a.topK, n));
  let sweeps = 0;
  let clock = performance.now();
  for (let j = 0; j < n; j++) {
    const col = solver.solve(j);
    sweeps += solver.sweeps;
    for (let x = 0; x < col.items.length; x++) heap.offer(col.weights[x]!, col.items[x]!);
    for (let h = 0; h < heap.size; h++) weights[heap.items[h]! * n + j] = heap.scores[h]!;
    heap.size = 0;
    // Yield now and then so an abort or a progress bar gets its turn during a long fit.
    if (performance.now() - clock > 200) {
      run?.onProgress?.(j / n);
      await new Promise((r) => setImmediate(r));
      if (run?.signal?.aborted) throw new CancelledError('cancelled');
      clock = performance.now();
    }
  }
  return { sweeps };
}
