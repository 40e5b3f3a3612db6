import type {
  AlsExplicitArgs,
  KernelRun,
  KnnBaselineTopNArgs,
  MfKernels,
  PearsonBaselineArgs,
  SgdEpochArgs,
  SvdppEpochArgs,
  TopNResult,
} from '../signatures.js';
import type { NativeBinding, NativeJob } from './binding.js';
import { runNative } from './run-native.js';

interface MfBinding {
  sgdEpoch(
    users: Int32Array,
    items: Int32Array,
    ratings: Float32Array,
    blockOffsets: Int32Array,
    grid: number,
    userFactors: Float32Array,
    itemFactors: Float32Array,
    userBias: Float32Array,
    itemBias: Float32Array,
    factors: number,
    globalMean: number,
    biased: boolean,
    rates: Float64Array,
    shuffleSeed: number,
    threads: number,
  ): NativeJob<{ sse: number; penalty: number }>;
  fillNormal(out: Float32Array, mean: number, std: number, seed: number): NativeJob<void>;
  svdppEpoch(
    offsets: Int32Array,
    cols: Int32Array,
    values: Float32Array,
    userFactors: Float64Array,
    itemFactors: Float64Array,
    implicitFactors: Float64Array,
    userBias: Float64Array,
    itemBias: Float64Array,
    factors: number,
    globalMean: number,
    rates: Float64Array,
  ): NativeJob<{ sse: number; penalty: number }>;
  pearsonBaselineSims(
    itemOffsets: Int32Array,
    itemUsers: Int32Array,
    itemResiduals: Float64Array,
    userOffsets: Int32Array,
    userItems: Int32Array,
    userResiduals: Float64Array,
    nItems: number,
    shrinkage: number,
    minSupport: number,
    out: Float32Array,
    threads: number,
  ): NativeJob<void>;
  alsExplicitHalfStep(
    offsets: Int32Array,
    cols: Int32Array,
    residuals: Float64Array,
    fixed: Float32Array,
    solve: Float32Array,
    k: number,
    reg: number,
    threads: number,
  ): NativeJob<void>;
  knnBaselineTopN(
    offsets: Int32Array,
    cols: Int32Array,
    values: Float32Array,
    sims: Float32Array,
    userBias: Float32Array,
    itemBias: Float32Array,
    globalMean: number,
    k: number,
    minK: number,
    eligible: Uint8Array,
    users: Int32Array,
    n: number,
    excludeSeen: boolean,
    outItems: Int32Array,
    outScores: Float32Array,
    threads: number,
  ): NativeJob<void>;
}

/** Native matrix-factorisation kernels (native/sgd-epoch.cc, native/fill-normal.cc, native/svdpp-epoch.cc,
 * native/pearson-baseline-sims.cc, native/als-explicit-half-step.cc,
 * native/knn-baseline-top-n.cc). */
export function nativeMfKernels(binding: NativeBinding): MfKernels {
  const b = binding as unknown as MfBinding;
  return {
    sgdEpoch(a: SgdEpochArgs, run?: KernelRun): Promise<{ sse: number; penalty: number }> {
      const { plan, params: m, rates: r } = a;
      const rates = Float64Array.of(r.lrBu, r.lrBi, r.lrPu, r.lrQi, r.regBu, r.regBi, r.regPu, r.regQi);
      return runNative(
        () =>
          b.sgdEpoch(
            plan.users,
            plan.items,
            plan.ratings,
            plan.blockOffsets,
            plan.grid,
            m.userFactors,
            m.itemFactors,
            m.userBias,
            m.itemBias,
            m.factors,
            m.globalMean,
            m.biased,
            rates,
            a.shuffleSeed === undefined ? -1 : a.shuffleSeed >>> 0,
            a.threads ?? 0,
          ),
        run,
      );
    },
    fillNormal(out: Float32Array, mean: number, std: number, seed: number, run?: KernelRun): Promise<void> {
      return runNative(() => b.fillNormal(out, mean, std, seed >>> 0), run);
    },
    svdppEpoch(a: SvdppEpochArgs, run?: KernelRun): Promise<{ sse: number; penalty: number }> {
      const { csr, params: m, rates: r } = a;
      const rates = Float64Array.of(
        r.lrBu,
        r.lrBi,
        r.lrPu,
        r.lrQi,
        r.lrYj,
        r.regBu,
        r.regBi,
        r.regPu,
        r.regQi,
        r.regYj,
      );
      return runNative(
        () =>
          b.svdppEpoch(
            csr.offsets,
            csr.cols,
            csr.values,
            m.userFactors,
            m.itemFactors,
            m.implicitFactors,
            m.userBias,
            m.itemBias,
            m.factors,
            m.globalMean,
            rates,
          ),
        run,
      );
    },
    async pearsonBaselineSims(a: PearsonBaselineArgs, run?: KernelRun): Promise<Float32Array> {
      const { byItem: i, byUser: u } = a;
      const out = new Float32Array(a.nItems * a.nItems);
      await runNative(
        () =>
          b.pearsonBaselineSims(
            i.offsets,
            i.cols,
            i.residuals,
            u.offsets,
            u.cols,
            u.residuals,
            a.nItems,
            a.shrinkage,
            a.minSupport,
            out,
            a.threads ?? 0,
          ),
        run,
      );
      return out;
    },
    alsExplicitHalfStep(a: AlsExplicitArgs, run?: KernelRun): Promise<void> {
      const { offsets, cols, residuals } = a.rows;
      return runNative(
        () => b.alsExplicitHalfStep(offsets, cols, residuals, a.fixed, a.solve, a.k, a.reg, a.threads ?? 0),
        run,
      );
    },
    async knnBaselineTopN(a: KnnBaselineTopNArgs, run?: KernelRun): Promise<TopNResult> {
      const items = new Int32Array(a.users.length * a.n);
      const scores = new Float32Array(a.users.length * a.n);
      await runNative(
        () =>
          b.knnBaselineTopN(
            a.seen.offsets,
            a.seen.cols,
            a.seen.values,
            a.sims,
            a.userBias,
            a.itemBias,
            a.globalMean,
            a.k,
            a.minK,
            a.eligible,
            a.users,
            a.n,
            a.excludeSeen,
            items,
            scores,
            a.threads ?? 0,
          ),
        run,
      );
      return { items, scores };
    },
  };
}
