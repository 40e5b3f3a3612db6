import type { RankKernels } from '../signatures.js';
import { alsHalfStep } from './als-half-step.js';
import { bprEpoch } from './bpr-epoch.js';
import { itemItemTopN } from './item-item-top-n.js';
import { slimColumns } from './slim-columns.js';
import { spdInverse } from './spd-inverse.js';

export const rankKernels: RankKernels = { alsHalfStep, spdInverse, itemItemTopN, bprEpoch, slimColumns };
