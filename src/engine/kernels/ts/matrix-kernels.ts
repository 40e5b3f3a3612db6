import type { MatrixKernels } from '../signatures.js';
import { buildCsr } from './build-csr.js';
import { transposeCsr } from './transpose-csr.js';

export const matrixKernels: MatrixKernels = { buildCsr, transposeCsr };
