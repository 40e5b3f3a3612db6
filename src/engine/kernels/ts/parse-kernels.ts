import type { ParseKernels } from '../signatures.js';
import { parseNumericLines } from './parse-numeric-lines.js';

export const parseKernels: ParseKernels = { parseNumericLines };
