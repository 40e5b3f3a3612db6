import type { Csr, Kernels } from '../kernels/signatures.js';
import { TopHeap } from '../kernels/ts/top-heap.js';
import type { RatingMatrix } from '../matrix/rating-matrix.js';
import type { FitOptions } from './algorithm.js';
import { type ItemKnnParams, itemSimilarity } from './item-knn.js';

/**
 * Item-kNN neighbour lists without a dense n x n matrix (docs/ranking.md, "large catalogues"):
 * item i's co-occurrences are summed into one n-vector from the users who have i (the transpose
 * of the training CSR), its `neighbours` most similar items kept, and the vector reset. Memory:
 * O(n) working space plus the lists (neighbours x n entries); time: sum over users of n_u^2, as
 * the dense Gram. Sums run in the dense path's order, so both give the same weights.
 * Returns W as neighbour lists: row j holds the items i whose neighbourhood contains j.
 */
export async function sparseKnnWeights(
  train: RatingMatrix,
  p: ItemKnnParams,
  kernels: Kernels,
  o: FitOptions = {},
): Promise<Csr> {
  const n = train.nItems;
  const byUser = train.csr;
  const centred = p.similarity === 'adjusted-cosine';
  const dev = centred ? centredValues(byUser) : undefined;
  const byItem = entriesByItem(byUser, n);
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let e = byItem.offsets[i]!; e < byItem.offsets[i + 1]!; e++) {
      const d = dev ? dev[byItem.entries[e]!]! : 1;
      norms[i] = norms[i]! + d * d;
    }
  }
  const acc = new Float64Array(n);
  const touched = new Int32Array(n);
  const mark = new Uint8Array(n);
  const heap = new TopHeap(Math.min(p.neighbours, n));
  const rows: number[] = [];
  const cols: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    let nTouched = 0;
    for (let e = byItem.offsets[i]!; e < byItem.offsets[i + 1]!; e++) {
      const u = byItem.users[e]!;
      const di = dev ? dev[byItem.entries[e]!]! : 1;
      for (let x = byUser.offsets[u]!; x < byUser.offsets[u + 1]!; x++) {
        const j = byUser.cols[x]!;
        if (!mark[j]) {
          mark[j] = 1;
          touched[nTouched++] = j;
        }
        acc[j] = acc[j]! + (dev ? dev[x]! * di : 1);
      }
    }
    // Offered in ascending j, as the dense path does, so ties break the same way.
    touched.subarray(0, nTouched).sort();
    for (let t = 0; t < nTouched; t++) {
      const j = touched[t]!;
      const s = j === i ? 0 : itemSimilarity(p, acc[j]!, norms[j]!, norms[i]!);
      if (s > 0) heap.offer(s, j);
      acc[j] = 0;
      mark[j] = 0;
    }
    for (let h = 0; h < heap.size; h++) {
      rows.push(heap.items[h]!);
      cols.push(i);
      values.push(heap.scores[h]!);
    }
    heap.size = 0;
    if ((i & 1023) === 0) {
      o.signal?.throwIfAborted();
      o.onProgress?.(i / n);
    }
  }
  const coo = { rows: Int32Array.from(rows), cols: Int32Array.from(cols), values: Float32Array.from(values) };
  return (await kernels.buildCsr({ ...coo, nRows: n, nCols: n }, { signal: o.signal })).csr;
}

/** Per item, its users ascending and the positions of their entries in the user CSR. */
function entriesByItem(csr: Csr, n: number): { offsets: Int32Array; users: Int32Array; entries: Int32Array } {
  const nnz = csr.offsets[csr.nRows]!;
  const offsets = new Int32Array(n + 1);
  for (let x = 0; x < nnz; x++) offsets[csr.cols[x]! + 1]!++;
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i + 1]! + offsets[i]!;
  const cursor = offsets.slice(0, n);
  const users = new Int32Array(nnz);
  const entries = new Int32Array(nnz);
  for (let u = 0; u < csr.nRows; u++) {
    for (let x = csr.offsets[u]!; x < csr.offsets[u + 1]!; x++) {
      const at = cursor[csr.cols[x]!]!++ as number;
      users[at] = u;
      entries[at] = x;
    }
  }
  return { offsets, users, entries };
}

/** r_ui - mean_u per CSR entry (adjusted cosine), float64 as the dense path computes them. */
function centredValues(csr: Csr): Float64Array {
  const out = new Float64Array(csr.offsets[csr.nRows]!);
  for (let u = 0; u < csr.nRows; u++) {
    const a = csr.offsets[u]!;
    const b = csr.offsets[u + 1]!;
    let mean = 0;
    for (let x = a; x < b; x++) mean += csr.values[x]!;
    mean /= Math.max(1, b - a);
    for (let x = a; x < b; x++) out[x] = csr.values[x]! - mean;
  }
  return out;
}
