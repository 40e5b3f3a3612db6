import type { MfKernels } from '../signatures.js';
import { alsExplicitHalfStep } from './als-explicit-half-step.js';
import { fillNormal } from './fill-normal.js';
import { knnBaselineTopN } from './knn-baseline-top-n.js';
import { pearsonBaselineSims } from './pearson-baseline-sims.js';
import { sgdEpoch } from './sgd-epoch.js';
import { svdppEpoch } from './svdpp-epoch.js';

export const mfKernels: MfKernels = {
  sgdEpoch,
  fillNormal,
  svdppEpoch,
  pearsonBaselineSims,
  alsExplicitHalfStep,
  knnBaselineTopN,
};
