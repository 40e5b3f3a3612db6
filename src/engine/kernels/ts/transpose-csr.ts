import type { Csr, KernelRun } from '../signatures.js';
import { checkIndices } from './check-indices.js';

/** Reference twin of native/transpose-csr.cc. */
export async function transposeCsr(csr: Csr, run?: KernelRun): Promise<Csr> {
  run?.signal?.throwIfAborted();
  const { offsets, cols, values, nRows, nCols } = csr;
  const nnz = offsets[nRows]!;
  checkIndices(cols.subarray(0, nnz), nCols, 'col');
  const o = new Int32Array(nCols + 1);
  for (let p = 0; p < nnz; p++) o[cols[p]! + 1]!++;
  for (let c = 0; c < nCols; c++) o[c + 1] = o[c + 1]! + o[c]!;
  const cursor = o.slice(0, nCols);
  const outCols = new Int32Array(nnz);
  const outValues = new Float32Array(nnz);
  for (let r = 0; r < nRows; r++) {
    for (let p = offsets[r]!; p < offsets[r + 1]!; p++) {
      const q = cursor[cols[p]!]!++;
      outCols[q] = r;
      outValues[q] = values[p]!;
    }
  }
  run?.onProgress?.(1);
  return { offsets: o, cols: outCols, values: outValues, nRows: nCols, nCols: nRows };
}
