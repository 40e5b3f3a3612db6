import { InputError } from '../../errors.js';
import type { ItemFactors, KernelRun, TopNAllArgs, TopNQuery, TopNResult } from '../signatures.js';
import type { NativeBinding, NativeJob } from './binding.js';
import { callNative, runNative } from './run-native.js';

/** The entries of native/top-n.cc that pack item panels and scan them for one vector or many. */
interface PanelBinding {
  packItemPanels(
    factors: Float32Array,
    bias: Float32Array,
    eligible: Uint8Array,
    k: number,
    outPanels: Float32Array,
    outBias: Float32Array,
  ): void;
  packInt8Panels(
    panels: Float32Array,
    k: number,
    outCodes: Int8Array,
    outScales: Float32Array,
    outWeights: Float32Array,
  ): boolean;
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
    codes: Int8Array | null,
    scales: Float32Array | null,
    weights: Float32Array | null,
  ): number;
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

export const PANEL = 16;
/** Catalogs with at least this many floats (4 MB) get an int8 screening copy (native/int8-screen.h). */
const SCREEN_MIN_FLOATS = 1 << 20;
const NO_ITEMS = new Int32Array(0);

/** Item vectors packed for the native scans (native/item-panels.h). */
export interface PackedItems {
  panels: Float32Array;
  /** Bias per padded item, -inf where ineligible or padding. */
  pbias: Float32Array;
  bias: Float32Array;
  eligible: Uint8Array;
  /** int8 copy that single-vector scans screen with (large catalogs only; null without AVX2). */
  int8: { codes: Int8Array; scales: Float32Array; weights: Float32Array } | null;
}

/**
 * Packs item vectors into 16-item panels once per vectors array, cached: models and indexes never
 * mutate their arrays, so an array always holds the same values (a caller that changes one must
 * pass a new array). `what` names the vectors in the length error ("item factors", "item vectors").
 */
export function panelPacker(binding: NativeBinding, what: string): (items: ItemFactors) => PackedItems {
  const b = binding as unknown as PanelBinding;
  const cache = new WeakMap<Float32Array, PackedItems>();
  return (items) => {
    const hit = cache.get(items.factors);
    if (hit && hit.bias === items.bias && hit.eligible === items.eligible) return hit;
    const nItems = items.bias.length;
    if (items.factors.length !== nItems * items.k) {
      throw new InputError(`${what} hold ${items.factors.length} floats, expected ${nItems} x ${items.k}`);
    }
    const padded = Math.ceil(nItems / PANEL) * PANEL;
    const p: PackedItems = {
      panels: new Float32Array(padded * items.k),
      pbias: new Float32Array(padded),
      bias: items.bias,
      eligible: items.eligible,
      int8: null,
    };
    callNative(() => b.packItemPanels(items.factors, items.bias, items.eligible, items.k, p.panels, p.pbias));
    if (items.k > 0 && p.panels.length >= SCREEN_MIN_FLOATS) {
      const int8 = {
        codes: new Int8Array(p.panels.length),
        scales: new Float32Array(padded),
        weights: new Float32Array(padded),
      };
      if (callNative(() => b.packInt8Panels(p.panels, items.k, int8.codes, int8.scales, int8.weights))) p.int8 = int8;
    }
    cache.set(items.factors, p);
    return p;
  };
}

/**
 * Native top-N for one vector over packed items, with `pbias` (the packed bias, or a masked copy
 * of it). One thread screens with the int8 copy and rescores its survivors exactly; more threads
 * split the float32 scan; both return exactly the float32 scan's list.
 */
export function nativeTopNVector(
  binding: NativeBinding,
  p: PackedItems,
  pbias: Float32Array,
  items: ItemFactors,
  q: TopNQuery,
): TopNResult {
  const b = binding as unknown as PanelBinding;
  const out = { items: new Int32Array(q.n), scores: new Float32Array(q.n) };
  callNative(() =>
    b.topNVector(
      p.panels,
      pbias,
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
      p.int8?.codes ?? null,
      p.int8?.scales ?? null,
      p.int8?.weights ?? null,
    ),
  );
  return out;
}

/** Native top-N for many rows of `a.userFactors` (queries) on all cores, off the event loop, with `pbias` as above. */
export async function nativeTopNAll(
  binding: NativeBinding,
  p: PackedItems,
  pbias: Float32Array,
  a: TopNAllArgs,
  run?: KernelRun,
): Promise<TopNResult> {
  const b = binding as unknown as PanelBinding;
  const out = { items: new Int32Array(a.users.length * a.n), scores: new Float32Array(a.users.length * a.n) };
  await runNative(
    () =>
      b.topNAll(
        p.panels,
        pbias,
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
}
