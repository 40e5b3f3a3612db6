import { InputError } from '../../errors.js';
import type { ItemFactors, KernelRun, ScoringKernels, TopNAllArgs, TopNQuery, TopNResult } from '../signatures.js';
import { pairDot } from '../ts/pair-dot.js';
import type { NativeBinding, NativeJob } from './binding.js';
import { callNative, runNative } from './run-native.js';

interface ScoringBinding {
  packItemPanels(
    factors: Float32Array,
    bias: Float32Array,
    eligible: Uint8Array,
    k: number,
    outPanels: Float32Array,
    outBias: Float32Array,
  ): void;
  topNVector(
    panels: Float32Array,
    pbias: Float32Array,
    k: number,
    nItems: number,
    factors: Float32Array,
    vector: Float32Array,
    offset: number,
    n: number,
    exclude: Int32Array,
    candidates: Int32Array | null,
    outItems: Int32Array,
    outScores: Float32Array,
    threads: number,
    half: Uint16Array | null,
    norms: Float32Array | null,
  ): number;
  packHalfPanels(panels: Float32Array, k: number, outHalf: Uint16Array, outNorms: Float32Array): boolean;
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

const PANEL = 16;
/** Catalogs with at least this many factor floats (4 MB) get a float16 screening copy (native/half-screen.h). */
const HALF_MIN_FLOATS = 1 << 20;
const NO_ITEMS = new Int32Array(0);

interface Packed {
  panels: Float32Array;
  /** Bias per padded item, -inf where ineligible or padding. */
  pbias: Float32Array;
  bias: Float32Array;
  eligible: Uint8Array;
  /** float16 copy + per-item norms for screening single-vector scans (large catalogs only). */
  half: { panels: Uint16Array; norms: Float32Array } | null;
}

/**
 * Native scoring (native/top-n.cc, score-items.cc). The item factors are packed once into 16-item
 * panels (item-panels.h) and cached per factors array: models are immutable, so a model's factors
 * array always holds the same values (a caller that mutates one must pass a new array).
 */
export function nativeScoringKernels(binding: NativeBinding): ScoringKernels {
  const b = binding as unknown as ScoringBinding;
  const cache = new WeakMap<Float32Array, Packed>();
  const pack = (items: ItemFactors): Packed => {
    const hit = cache.get(items.factors);
    if (hit && hit.bias === items.bias && hit.eligible === items.eligible) return hit;
    const nItems = items.bias.length;
    if (items.factors.length !== nItems * items.k) {
      throw new InputError(`item factors hold ${items.factors.length} floats, expected ${nItems} x ${items.k}`);
    }
    const padded = Math.ceil(nItems / PANEL) * PANEL;
    const packed: Packed = {
      panels: new Float32Array(padded * items.k),
      pbias: new Float32Array(padded),
      bias: items.bias,
      eligible: items.eligible,
      half: null,
    };
    callNative(() => b.packItemPanels(items.factors, items.bias, items.eligible, items.k, packed.panels, packed.pbias));
    if (items.k > 0 && packed.panels.length >= HALF_MIN_FLOATS) {
      const half = { panels: new Uint16Array(packed.panels.length), norms: new Float32Array(padded) };
      if (callNative(() => b.packHalfPanels(packed.panels, items.k, half.panels, half.norms))) packed.half = half;
    }
    cache.set(items.factors, packed);
    return packed;
  };
  return {
    scoreItems(items: ItemFactors, vector: Float32Array, offset: number): Float32Array {
      const p = pack(items);
      const out = new Float32Array(items.bias.length);
      callNative(() => b.scoreItems(p.panels, items.k, items.bias, vector, offset, out));
      return out;
    },
    topNVector(items: ItemFactors, q: TopNQuery): TopNResult {
      const p = pack(items);
      const out = { items: new Int32Array(q.n), scores: new Float32Array(q.n) };
      callNative(() =>
        b.topNVector(
          p.panels,
          p.pbias,
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
    // A single dot product is shorter than an addon call: the TypeScript loop runs it in-line.
    pairDot,
  };
}
