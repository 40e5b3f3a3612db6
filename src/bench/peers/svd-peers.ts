import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { loadDataset } from '../../adapters/datasets/load-dataset.js';
import { SVD } from '../../engine/algorithms/svd.js';
import { backend, defaultThreads } from '../../engine/kernels/registry.js';
import { RatingMatrix } from '../../engine/matrix/rating-matrix.js';
import { randomHoldout, type TestSet } from '../../engine/matrix/split.js';
import type { FactorModelData } from '../../engine/model/factor-model-data.js';
import type { CaseResult, SuiteOptions } from '../bench-case.js';
import { measureSideBySide, type TimedCase } from '../harness.js';
import { SklearnPeer } from './sklearn-peer.js';

const FACTORS = 100;
const SEED = 0;

/** Test RMSE/MAE of a factor model on dense-index test triples (scores clipped to the scale). */
export function testErrors(d: FactorModelData, t: TestSet): { rmse: number; mae: number } {
  let se = 0;
  let ae = 0;
  const k = d.factors;
  for (let j = 0; j < t.ratings.length; j++) {
    const u = t.users[j]!;
    const i = t.items[j]!;
    let s = d.biased ? d.globalMean + d.userBias[u]! + d.itemBias[i]! : 0;
    for (let f = 0; f < k; f++) s += d.userFactors[u * k + f]! * d.itemFactors[i * k + f]!;
    s = Math.min(d.scale.max, Math.max(d.scale.min, s));
    const e = s - t.ratings[j]!;
    se += e * e;
    ae += Math.abs(e);
  }
  return { rmse: Math.sqrt(se / t.ratings.length), mae: ae / t.ratings.length };
}

/**
 * TruncatedSVD-like peer in pure JS: ml-matrix's full SVD of the dense, global-mean-centred train
 * matrix (missing = 0 after centring), truncated to `k`; predictions mu + U_k S_k V_k^T.
 */
export function mlMatrixTruncatedSvd(train: RatingMatrix, k: number, t: TestSet): { rmse: number; mae: number } {
  const csr = train.csr;
  const mu = train.globalMean;
  const a = Matrix.zeros(csr.nRows, csr.nCols);
  for (let r = 0; r < csr.nRows; r++) {
    for (let p = csr.offsets[r]!; p < csr.offsets[r + 1]!; p++) a.set(r, csr.cols[p]!, csr.values[p]! - mu);
  }
  const svd = new SingularValueDecomposition(a, { autoTranspose: true });
  const u = svd.leftSingularVectors;
  const v = svd.rightSingularVectors;
  const s = svd.diagonal;
  let se = 0;
  let ae = 0;
  for (let j = 0; j < t.ratings.length; j++) {
    let p = mu;
    for (let f = 0; f < k; f++) p += u.get(t.users[j]!, f) * s[f]! * v.get(t.items[j]!, f);
    p = Math.min(train.scale.max, Math.max(train.scale.min, p));
    const e = p - t.ratings[j]!;
    se += e * e;
    ae += Math.abs(e);
  }
  return { rmse: Math.sqrt(se / t.ratings.length), mae: ae / t.ratings.length };
}

/**
 * One factorisation of ml-100k (80/20 random holdout, seed 0), every line fitting rank 100 on the
 * same train part and scored on the same test part: reckit SVD (SGD, Surprise defaults) on the
 * native and reference backends, scikit-learn TruncatedSVD (randomized, 5 power iterations) and
 * ml-matrix's dense SVD. The peers factor the centred matrix with missing ratings as 0, a
 * different model from SGD on the observed ratings: their RMSE shows what that costs.
 */
export async function runSvdPeers(o: SuiteOptions): Promise<CaseResult[]> {
  const data = await loadDataset('ml-100k', { items: false, dataDir: o.dataDir });
  const { matrix } = await RatingMatrix.fromTable(data.ratings, { source: 'ml-100k' });
  const { train, test } = randomHoldout(matrix, { testFraction: 0.2, seed: SEED });
  const threads = defaultThreads();
  const size = `${train.nRatings.toLocaleString('en-US')} train / ${test.ratings.length.toLocaleString('en-US')} test ratings, ${FACTORS} factors`;
  const base = { group: `rank-${FACTORS} fit on an ml-100k 80% split`, dataset: 'ml-100k', size };
  const sk = await SklearnPeer.start();
  const cases: TimedCase[] = [
    {
      ...base,
      name: 'reckit SVD (SGD, 20 epochs)',
      impl: 'reckit',
      backend: 'native',
      threads,
      run: async () => {
        const d = await new SVD({ seed: SEED, threads }, { kernels: backend('native') }).fitData(train);
        return { metrics: testErrors(d, test) };
      },
    },
    {
      ...base,
      name: 'reckit SVD reference (pure TS)',
      impl: 'reckit-reference',
      backend: 'reference',
      threads: 1,
      // Seconds per fit in pure TS: once in the CI variant.
      maxRuns: o.quick ? 1 : undefined,
      run: async () => {
        const d = await new SVD({ seed: SEED, threads: 1 }, { kernels: backend('reference') }).fitData(train);
        return { metrics: testErrors(d, test) };
      },
    },
  ];
  if (sk instanceof SklearnPeer) {
    o.reportVersion?.('scikit-learn', sk.versions['scikit-learn'] ?? '?');
    o.reportVersion?.('numpy', sk.versions.numpy ?? '?');
    const x = sk.csr(train.csr);
    const testFiles = { users: sk.file(test.users), items: sk.file(test.items), ratings: sk.file(test.ratings) };
    cases.push({
      ...base,
      name: 'scikit-learn TruncatedSVD',
      impl: 'scikit-learn',
      backend: 'numpy/scipy',
      threads: 1,
      notes: 'TruncatedSVD(randomized, n_iter=5) of the global-mean-centred train matrix (missing = 0)',
      run: () =>
        sk.request({
          op: 'tsvd',
          key: 'ml-100k-train',
          x,
          k: FACTORS,
          seed: SEED,
          global_mean: train.globalMean,
          scale: [train.scale.min, train.scale.max],
          test: testFiles,
        }),
      teardown: () => sk.close(),
    });
  } else {
    o.reportAbsent?.(sk.peer, sk.reason);
  }
  // ~80 s per run on a 2.45 GHz EPYC core: full runs only, once, without warm-up.
  if (!o.quick) {
    cases.push({
      ...base,
      name: 'ml-matrix dense SVD',
      impl: 'ml-matrix',
      backend: 'js float64',
      threads: 1,
      maxRuns: 1,
      notes: 'full dense SVD of the 943 x 1,682 centred train matrix (missing = 0), truncated to 100; one run',
      run: () => ({ metrics: mlMatrixTruncatedSvd(train, FACTORS, test) }),
    });
  }
  return measureSideBySide('svd-peers', cases, { warmup: 1, runs: o.runs ?? (o.quick ? 2 : 5) });
}
