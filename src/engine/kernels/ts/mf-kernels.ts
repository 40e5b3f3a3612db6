import type { MfKernels } from '../signatures.js';
import { fillNormal } from './fill-normal.js';
import { sgdEpoch } from './sgd-epoch.js';

export const mfKernels: MfKernels = { sgdEpoch, fillNormal };
