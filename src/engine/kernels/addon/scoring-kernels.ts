import type { ItemFactors, KernelRun, ScoringKernels, TopNAllArgs, TopNQuery, TopNResult } from '../signatures.js';
import { pairDot } from '../ts/pair-dot.js';
import { wasmPairDot } from '../wasm/pair-dot.js';
import type { NativeBinding, NativeJob } from './binding.js';
import { nativeTopNVector, panelPacker } from './item-panels.js';
import { callNative, runNative } from './run-native.js';

interface ScoringBinding {
  topNAll(
    panels: Float32Array,
    pbias: Float32Array,
    k: number,
    nItems: number,
    userFactors: Float32Array,
    userOffset: Float32Array,
    users: Int32Array,
    n: number,
    seenOffsets: Int32Array | null,
    seenCols: Int32Array | null,
    threads: number,
    outItems: Int32Array,
    outScores: Float32Array,
  ): NativeJob<void>;
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
    async topNAll(a: TopNAllArgs, run?: KernelRun): Promise<TopNResult> {
      const p = pack(a.items);
      const out = { items: new Int32Array(a.users.length * a.n), scores: new Float32Array(a.users.length * a.n) };
      await runNative(
        () =>
          b.topNAll(
            p.panels,
            p.pbias,
            a.items.k,
            a.items.bias.length,
            a.userFactors,
            a.userOffset,
            a.users,
            a.n,
            a.seen?.offsets ?? null,
            a.seen?.cols ?? null,
            a.threads ?? 0,
            out.items,
            out.scores,
          ),
        run,
      );
      return out;
    },
    // A single dot product is shorter than an addon call; WebAssembly runs it in-line.
    pairDot: (userFactors, itemFactors, k) =>
      wasmPairDot(userFactors, itemFactors, k) ?? pairDot(userFactors, itemFactors, k),
  };
}
