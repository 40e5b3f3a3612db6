import type { BuildCsrResult, Coo, Csr, KernelRun, MatrixKernels } from '../signatures.js';
import type { NativeBinding, NativeJob } from './binding.js';
import { runNative } from './run-native.js';

interface MatrixBinding {
  buildCsr(
    rows: Int32Array,
    cols: Int32Array,
    values: Float32Array,
    nRows: number,
    nCols: number,
    outOffsets: Int32Array,
    outCols: Int32Array,
    outValues: Float32Array,
    outSource: Int32Array,
  ): NativeJob<{ nnz: number; duplicates: number }>;
  transposeCsr(
    offsets: Int32Array,
    cols: Int32Array,
    values: Float32Array,
    nCols: number,
    outOffsets: Int32Array,
    outCols: Int32Array,
    outValues: Float32Array,
  ): NativeJob<void>;
}

export function nativeMatrixKernels(binding: NativeBinding): MatrixKernels {
  const b = binding as unknown as MatrixBinding;
  return {
    async buildCsr(coo: Coo, run?: KernelRun): Promise<BuildCsrResult> {
      const n = coo.rows.length;
      const offsets = new Int32Array(coo.nRows + 1);
      const cols = new Int32Array(n);
      const values = new Float32Array(n);
      const source = new Int32Array(n);
      const { nnz, duplicates } = await runNative(
        () => b.buildCsr(coo.rows, coo.cols, coo.values, coo.nRows, coo.nCols, offsets, cols, values, source),
        run,
      );
      // Keep-last duplicates are rare: copy to exact size only then, so memory tracks nnz.
      const trimmed = <T extends Int32Array | Float32Array>(a: T): T => (nnz === n ? a : (a.slice(0, nnz) as T));
      return {
        csr: { offsets, cols: trimmed(cols), values: trimmed(values), nRows: coo.nRows, nCols: coo.nCols },
        source: trimmed(source),
        duplicates,
      };
    },
    async transposeCsr(csr: Csr, run?: KernelRun): Promise<Csr> {
      const nnz = csr.offsets[csr.nRows]!;
      const offsets = new Int32Array(csr.nCols + 1);
      const cols = new Int32Array(nnz);
      const values = new Float32Array(nnz);
      await runNative(() => b.transposeCsr(csr.offsets, csr.cols, csr.values, csr.nCols, offsets, cols, values), run);
      return { offsets, cols, values, nRows: csr.nCols, nCols: csr.nRows };
    },
  };
}
