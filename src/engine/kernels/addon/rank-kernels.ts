import type {
  AlsHalfStepArgs,
  BprEpochArgs,
  ItemItemTopNArgs,
  KernelRun,
  RankKernels,
  SlimColumnsArgs,
  TopNResult,
} from '../signatures.js';
import type { NativeBinding, NativeJob } from './binding.js';
import { runNative } from './run-native.js';

interface RankBinding {
  alsHalfStep(
    offsets: Int32Array,
    cols: Int32Array,
    conf: Float32Array,
    nCols: number,
    solve: Float32Array,
    fixed: Float32Array,
    k: number,
    reg: number,
    cgSteps: number,
    threads: number,
    regExponent: number,
    loss: boolean,
    cgPrecision: number,
  ): NativeJob<number>;
  spdInverse(a: Float64Array, n: number, threads: number): NativeJob<void>;
  bprEpoch(
    offsets: Int32Array,
    cols: Int32Array,
    userFactors: Float32Array,
    itemFactors: Float32Array,
    itemBias: Float32Array,
    k: number,
    lr: number,
    reg: number,
    samples: number,
    seed: number,
    threads: number,
  ): NativeJob<number>;
  itemItemTopN(
    offsets: Int32Array,
    cols: Int32Array,
    weights: Float32Array,
    users: Int32Array,
    n: number,
    eligible: Uint8Array,
    excludeSeen: boolean,
    threads: number,
    outItems: Int32Array,
    outScores: Float32Array,
    userFactors: Float32Array,
    itemFactors: Float32Array,
    factorK: number,
    factorWeight: number,
  ): NativeJob<void>;
  slimColumns(
    gram: Float64Array,
    n: number,
    l1: number,
    l2: number,
    maxSweeps: number,
    tol: number,
    topK: number,
    weights: Float32Array,
    threads: number,
  ): NativeJob<number>;
}

/** Native ranking kernels (native/als-half-step.cc, spd-inverse.cc, item-item-top-n.cc, bpr-epoch.cc, slim-columns.cc). */
export function nativeRankKernels(binding: NativeBinding): RankKernels {
  const b = binding as unknown as RankBinding;
  return {
    async alsHalfStep(a: AlsHalfStepArgs, run?: KernelRun): Promise<{ loss: number }> {
      const { rows } = a;
      const loss = await runNative(
        () =>
          b.alsHalfStep(
            rows.offsets,
            rows.cols,
            rows.values,
            rows.nCols,
            a.solve,
            a.fixed,
            a.k,
            a.reg,
            a.cgSteps,
            a.threads ?? 0,
            a.regExponent ?? 0,
            a.loss !== false,
            a.cgPrecision ?? 32,
          ),
        run,
      );
      return { loss };
    },
    async bprEpoch(a: BprEpochArgs, run?: KernelRun): Promise<{ correct: number }> {
      const correct = await runNative(
        () =>
          b.bprEpoch(
            a.seen.offsets,
            a.seen.cols,
            a.userFactors,
            a.itemFactors,
            a.itemBias,
            a.k,
            a.learningRate,
            a.reg,
            a.samples,
            a.seed >>> 0,
            a.threads ?? 1,
          ),
        run,
      );
      return { correct };
    },
    spdInverse(a: Float64Array, n: number, run?: KernelRun & { threads?: number | undefined }): Promise<void> {
      return runNative(() => b.spdInverse(a, n, run?.threads ?? 0), run);
    },
    async itemItemTopN(a: ItemItemTopNArgs, run?: KernelRun): Promise<TopNResult> {
      const items = new Int32Array(a.users.length * a.n);
      const scores = new Float32Array(a.users.length * a.n);
      await runNative(
        () =>
          b.itemItemTopN(
            a.seen.offsets,
            a.seen.cols,
            a.weights,
            a.users,
            a.n,
            a.eligible,
            a.excludeSeen,
            a.threads ?? 0,
            items,
            scores,
            a.factors?.user ?? new Float32Array(0),
            a.factors?.item ?? new Float32Array(0),
            a.factors?.k ?? 0,
            a.factors?.weight ?? 0,
          ),
        run,
      );
      return { items, scores };
    },
    async slimColumns(a: SlimColumnsArgs, run?: KernelRun): Promise<{ sweeps: number }> {
      const sweeps = await runNative(
        () => b.slimColumns(a.gram, a.n, a.l1, a.l2, a.maxSweeps, a.tol, a.topK, a.weights, a.threads ?? 0),
        run,
      );
      return { sweeps };
    },
  };
}
