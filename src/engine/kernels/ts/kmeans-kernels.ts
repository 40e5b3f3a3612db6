import type { KmeansKernels } from '../signatures.js';
import { assignClusters } from './assign-clusters.js';
import { kmeansLloyd } from './kmeans-lloyd.js';
import { kmeansPlusPlus } from './kmeans-plus-plus.js';

export const kmeansKernels: KmeansKernels = { assignClusters, kmeansPlusPlus, kmeansLloyd };
