import type { ScoringKernels } from '../signatures.js';
import { pairDot } from './pair-dot.js';
import { scoreItems } from './score-items.js';
import { topNAll, topNVector } from './top-n.js';

export const scoringKernels: ScoringKernels = { scoreItems, topNVector, topNAll, pairDot };
