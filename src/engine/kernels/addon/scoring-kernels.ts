import type { ItemFactors, KernelRun, ScoringKernels, TopNAllArgs, TopNQuery, TopNResult } from '../signatures.js';
import { pairDot } from '../ts/pair-dot.js';
import type { NativeBinding } from './binding.js';
import { nativeTopNAll, nativeTopNVector, panelPacker } from './item-panels.js';
import { callNative } from './run-native.js';

interface ScoringBinding {
  scoreItems(
    panels: Float32Array,
    k: number,
    bias: Float32Array,
    vector: Float32Array,
    offset: number,
    out: Float32Array,
  ): void;
}

/**
 * Native scoring (native/top-n.cc, score-items.cc) over the item factors packed once into 16-item
 * panels (addon/item-panels.ts; cached per factors array, models are immutable).
 */
export function nativeScoringKernels(binding: NativeBinding): ScoringKernels {
  const b = binding as unknown as ScoringBinding;
  const pack = panelPacker(binding, 'item factors');
  return {
    scoreItems(items: ItemFactors, vector: Float32Array, offset: number): Float32Array {
      const p = pack(items);
      const out = new Float32Array(items.bias.length);
      callNative(() => b.scoreItems(p.panels, items.k, items.bias, vector, offset, out));
      return out;
    },
    topNVector(items: ItemFactors, q: TopNQuery): TopNResult {
      const p = pack(items);
      return nativeTopNVector(binding, p, p.pbias, items, q);
    },
    topNAll(a: TopNAllArgs, run?: KernelRun): Promise<TopNResult> {
      const p = pack(a.items);
      return nativeTopNAll(binding, p, p.pbias, a, run);
    },
    // A single dot product is shorter than an addon call: the TypeScript loop runs it in-line.
    pairDot,
  };
}
