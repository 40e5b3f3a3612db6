import type { MfKernels } from '../signatures.js';
import { sgdEpoch } from './sgd-epoch.js';

export const mfKernels: MfKernels = { sgdEpoch };
