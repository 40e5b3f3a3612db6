import type {
  EmbeddingKernels,
  ItemFactors,
  KernelRun,
  MaskedTopNBatchArgs,
  TopNQuery,
  TopNResult,
} from '../signatures.js';
import type { NativeBinding, NativeJob } from './binding.js';
import { nativeTopNVector, type PackedItems, panelPacker } from './item-panels.js';
import { runNative } from './run-native.js';

/** The batched entry of native/top-n.cc (its TS signature is quoted there). */
interface TopNBatchBinding {
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
}

/**
 * Native masked top-N (native/top-n.cc). The index's vectors are packed into 16-item panels once
 * per vectors array (addon/item-panels.ts); a request's mask costs one pass over the per-item bias
 * (-inf where masked), so the scan itself is the unfiltered one. Single queries on large indexes
 * screen with an int8 copy (a quarter of the bytes) and rescore the survivors exactly.
 */
export function nativeEmbeddingKernels(binding: NativeBinding): EmbeddingKernels {
  const b = binding as unknown as TopNBatchBinding;
  const pack = panelPacker(binding, 'item vectors');
  // The last mask seen per packed index and its pbias with masked rows at -inf (requests often repeat a filter).
  const lastMask = new WeakMap<PackedItems, { mask: Uint8Array; pbias: Float32Array }>();
  const maskedBias = (p: PackedItems, mask: Uint8Array | undefined): Float32Array => {
    if (!mask) return p.pbias;
    const last = lastMask.get(p);
    if (last?.mask === mask) return last.pbias;
    const pbias = p.pbias.slice();
    const n = Math.min(mask.length, pbias.length);
    for (let i = 0; i < n; i++) if (mask[i] === 0) pbias[i] = Number.NEGATIVE_INFINITY;
    lastMask.set(p, { mask, pbias });
    return pbias;
  };
  return {
    maskedTopNVector(items: ItemFactors, mask: Uint8Array | undefined, q: TopNQuery): TopNResult {
      const p = pack(items);
      return nativeTopNVector(binding, p, maskedBias(p, mask), items, q);
    },
    async maskedTopNBatch(a: MaskedTopNBatchArgs, run?: KernelRun): Promise<TopNResult> {
      const p = pack(a.items);
      const nQueries = a.queries.length / a.items.k;
      const out = { items: new Int32Array(nQueries * a.n), scores: new Float32Array(nQueries * a.n) };
      await runNative(
        () =>
          b.topNAll(
            p.panels,
            maskedBias(p, a.mask),
            a.items.k,
            a.items.bias.length,
            a.queries,
            new Float32Array(nQueries),
            Int32Array.from({ length: nQueries }, (_, r) => r),
            a.n,
            a.exclude?.offsets ?? null,
            a.exclude?.cols ?? null,
            a.threads ?? 0,
            out.items,
            out.scores,
          ),
        run,
      );
      return out;
    },
  };
}
