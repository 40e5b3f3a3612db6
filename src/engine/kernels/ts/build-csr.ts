import type { BuildCsrResult, Coo, KernelRun } from '../signatures.js';
import { checkIndices } from './check-indices.js';

/** Reference twin of native/build-csr.cc: two stable counting sorts (by col, then by row). */
export async function buildCsr(coo: Coo, run?: KernelRun): Promise<BuildCsrResult> {
  run?.signal?.throwIfAborted();
  const { rows, cols, values, nRows, nCols } = coo;
  const n = rows.length;
  checkIndices(rows, nRows, 'row');
  checkIndices(cols, nCols, 'col');

  const start = new Int32Array(nCols + 1);
  for (let i = 0; i < n; i++) start[cols[i]! + 1]!++;
  for (let c = 0; c < nCols; c++) start[c + 1] = start[c + 1]! + start[c]!;
  const byCol = new Int32Array(n);
  for (let i = 0; i < n; i++) byCol[start[cols[i]!]!++] = i;

  const rowStart = new Int32Array(nRows + 1);
  for (let i = 0; i < n; i++) rowStart[rows[i]! + 1]!++;
  for (let u = 0; u < nRows; u++) rowStart[u + 1] = rowStart[u + 1]! + rowStart[u]!;
  const cursor = rowStart.slice(0, nRows);
  const sorted = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const i = byCol[k]!;
    sorted[cursor[rows[i]!]!++] = i;
  }

  const offsets = new Int32Array(nRows + 1);
  const outCols = new Int32Array(n);
  const outValues = new Float32Array(n);
  const source = new Int32Array(n);
  let out = 0;
  let duplicates = 0;
  for (let u = 0; u < nRows; u++) {
    const end = rowStart[u + 1]!;
    for (let p = rowStart[u]!; p < end; p++) {
      const i = sorted[p]!;
      if (p + 1 < end && cols[sorted[p + 1]!] === cols[i]) {
        // keep-last: a later duplicate of (row, col) follows in this stable order
        duplicates++;
        continue;
      }
      outCols[out] = cols[i]!;
      outValues[out] = values[i]!;
      source[out] = i;
      out++;
    }
    offsets[u + 1] = out;
  }
  run?.onProgress?.(1);
  return {
    csr: { offsets, cols: outCols.slice(0, out), values: outValues.slice(0, out), nRows, nCols },
    source: source.slice(0, out),
    duplicates,
  };
}
