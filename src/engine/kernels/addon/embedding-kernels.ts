import type {
  EmbeddingKernels,
  ItemFactors,
  KernelRun,
  MaskedTopNBatchArgs,
  TopNQuery,
  TopNResult,
} from '../signatures.js';
import { queriesAsUsers } from '../ts/masked-top-n.js';
import type { NativeBinding } from './binding.js';
import { nativeTopNAll, nativeTopNVector, type PackedItems, panelPacker } from './item-panels.js';

/**
 * Native masked top-N (native/top-n.cc). The index's vectors are packed into 16-item panels once
 * per vectors array (addon/item-panels.ts); a request's mask costs one pass over the per-item bias
 * (-inf where masked), so the scan itself is the unfiltered one. Single queries on large indexes
 * screen with an int8 copy (a quarter of the bytes) and rescore the survivors exactly.
 */
export function nativeEmbeddingKernels(binding: NativeBinding): EmbeddingKernels {
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
    maskedTopNBatch(a: MaskedTopNBatchArgs, run?: KernelRun): Promise<TopNResult> {
      const p = pack(a.items);
      return nativeTopNAll(binding, p, maskedBias(p, a.mask), queriesAsUsers(a, a.items), run);
    },
  };
}
