import { InputError } from '../../errors.js';
import type {
  EmbeddingKernels,
  ItemFactors,
  KernelRun,
  MaskedTopNBatchArgs,
  TopNQuery,
  TopNResult,
} from '../signatures.js';
import type { NativeBinding } from './binding.js';
import { callNative, runNative } from './run-native.js';
import type { ScoringBinding } from './scoring-kernels.js';

/** The entries of native/top-n.cc this wrapper drives, typed once in scoring-kernels.ts. */
type TopNBinding = Pick<ScoringBinding, 'packItemPanels' | 'packHalfPanels' | 'topNVector' | 'topNAll'>;

const PANEL = 16;
/** Same threshold as addon/scoring-kernels.ts: 4 MB of factors and up get a float16 screening copy. */
const HALF_MIN_FLOATS = 1 << 20;
const NO_ITEMS = new Int32Array(0);

interface Packed {
  panels: Float32Array;
  /** Per padded item: bias, -inf where ineligible or padding. */
  pbias: Float32Array;
  bias: Float32Array;
  eligible: Uint8Array;
  half: { panels: Uint16Array; norms: Float32Array } | null;
  /** The last mask seen and its pbias with masked rows at -inf (requests often repeat a filter). */
  masked?: { mask: Uint8Array; pbias: Float32Array };
}

/**
 * Native masked top-N (native/top-n.cc). The index's vectors are packed into 16-item panels once
 * per factors array (an index never mutates its arrays); a request's mask costs one pass over the
 * per-item bias (-inf where masked), so the scan itself is the unfiltered one.
 */
export function nativeEmbeddingKernels(binding: NativeBinding): EmbeddingKernels {
  const b = binding as unknown as TopNBinding;
  const cache = new WeakMap<Float32Array, Packed>();
  const pack = (items: ItemFactors): Packed => {
    const hit = cache.get(items.factors);
    if (hit && hit.bias === items.bias && hit.eligible === items.eligible) return hit;
    const nItems = items.bias.length;
    if (items.factors.length !== nItems * items.k) {
      throw new InputError(`item vectors hold ${items.factors.length} floats, expected ${nItems} x ${items.k}`);
    }
    const padded = Math.ceil(nItems / PANEL) * PANEL;
    const p: Packed = {
      panels: new Float32Array(padded * items.k),
      pbias: new Float32Array(padded),
      bias: items.bias,
      eligible: items.eligible,
      half: null,
    };
    callNative(() => b.packItemPanels(items.factors, items.bias, items.eligible, items.k, p.panels, p.pbias));
    if (items.k > 0 && p.panels.length >= HALF_MIN_FLOATS) {
      const half = { panels: new Uint16Array(p.panels.length), norms: new Float32Array(padded) };
      if (callNative(() => b.packHalfPanels(p.panels, items.k, half.panels, half.norms))) p.half = half;
    }
    cache.set(items.factors, p);
    return p;
  };
  const maskedBias = (p: Packed, mask: Uint8Array | undefined): Float32Array => {
    if (!mask) return p.pbias;
    if (p.masked?.mask === mask) return p.masked.pbias;
    const pbias = p.pbias.slice();
    const n = Math.min(mask.length, pbias.length);
    for (let i = 0; i < n; i++) if (mask[i] === 0) pbias[i] = Number.NEGATIVE_INFINITY;
    p.masked = { mask, pbias };
    return pbias;
  };
  return {
    maskedTopNVector(items: ItemFactors, mask: Uint8Array | undefined, q: TopNQuery): TopNResult {
      const p = pack(items);
      const out = { items: new Int32Array(q.n), scores: new Float32Array(q.n) };
      callNative(() =>
        b.topNVector(
          p.panels,
          maskedBias(p, mask),
          items.k,
          items.bias.length,
          items.factors,
          q.vector,
          q.offset,
          q.n,
          q.exclude ?? NO_ITEMS,
          q.candidates ?? null,
          out.items,
          out.scores,
          q.threads ?? 1,
          p.half?.panels ?? null,
          p.half?.norms ?? null,
        ),
      );
      return out;
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
