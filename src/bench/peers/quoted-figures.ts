/**
 * Figures for peers that cannot be installed here (no PyPI on these machines): quoted with their
 * source and machine, printed in their own section, never mixed with measured rows or ratios.
 * Source of the "measured once" rows: docs/peer-figures.md, taken on a
 * 2 vCPU AMD EPYC (AVX2/FMA, ~2.45 GHz, 24 GiB) on 2026-11-22.
 */
export interface QuotedFigure {
  peer: string;
  what: string;
  data: string;
  figure: string;
  machine: string;
  source: string;
}

const EPYC = '2 vCPU AMD EPYC (AVX2/FMA, ~2.45 GHz), 24 GiB';
const MEASURED_ONCE = 'measured once for reckit, 2026-11-22 (docs/peer-figures.md)';

export const QUOTED_FIGURES: readonly QuotedFigure[] = [
  {
    peer: 'Surprise 1.1 SVD',
    what: '5-fold CV, defaults (100 factors, 20 epochs)',
    data: 'ml-100k u.data',
    figure: 'RMSE 0.9369, MAE 0.7386; fit 1.34-1.71 s per fold; CV total 9.8 s',
    machine: EPYC,
    source: MEASURED_ONCE,
  },
  {
    peer: 'Surprise 1.1 SVD',
    what: 'ua.base -> ua.test',
    data: 'ml-100k',
    figure: 'RMSE 0.9512, MAE 0.7523; fit 0.81 s (BaselineOnly 0.9638 / 0.7658)',
    machine: EPYC,
    source: MEASURED_ONCE,
  },
  {
    peer: 'Surprise 1.1 SVD',
    what: '5-fold CV, defaults',
    data: 'ml-latest-small',
    figure: 'RMSE 0.8733, MAE 0.6710; fit 1.29-1.60 s per fold; fit on all data 1.20 s',
    machine: EPYC,
    source: MEASURED_ONCE,
  },
  {
    peer: 'Surprise 1.1 SVD',
    what: '5-fold CV, defaults',
    data: 'ml-1m-triples',
    figure: 'RMSE 0.8729, MAE 0.6854; fit 16.7-18.8 s per fold; CV total 117 s',
    machine: EPYC,
    source: MEASURED_ONCE,
  },
  {
    peer: 'Surprise 1.1 SVDpp / KNNBaseline',
    what: '5-fold CV, defaults (SVDpp 20 factors; KNNBaseline item-based pearson_baseline)',
    data: 'ml-100k u.data',
    figure: 'SVDpp RMSE 0.9187, MAE 0.7206, CV total 227 s; KNNBaseline RMSE 0.9176, MAE 0.7196, CV total 39 s',
    machine: EPYC,
    source: MEASURED_ONCE,
  },
  {
    peer: 'Surprise 1.1 (seed route)',
    what: 'top-10 by predicting every unrated pair (build_anti_testset) and sorting',
    data: 'ml-latest-small (5.83M pairs) / ml-100k (1.49M pairs)',
    figure: '64.3 s / 10.7 s',
    machine: EPYC,
    source: MEASURED_ONCE,
  },
  {
    peer: 'Surprise SVD',
    what: '5-fold CV, whole run',
    data: 'ml-100k / ml-1m',
    figure: 'RMSE 0.934 / 0.873, MAE 0.737 / 0.686; 6 s / 67 s',
    machine: 'Intel i5 laptop',
    source: 'published: Surprise README benchmark table',
  },
  {
    peer: 'LIBMF',
    what: 'SGD MF throughput, 100 factors, 1 thread',
    data: 'ML-1M shape',
    figure: '11.6M ratings/s (32 factors: 15.5M/s)',
    machine: EPYC,
    source: MEASURED_ONCE,
  },
  {
    peer: 'LIBMF',
    what: 'SGD MF throughput, 64 factors, 1 / 2 threads',
    data: 'ML-20M shape',
    figure: '9.7M / 20.6M ratings/s',
    machine: EPYC,
    source: MEASURED_ONCE,
  },
  {
    peer: 'implicit ALS',
    what: '64 factors, one iteration',
    data: 'ML-20M (ratings >= 4)',
    figure: '0.84 s CPU, 0.33 s GPU; Spark MLlib 12.3 s',
    machine: '8-core Intel i7-7820X',
    source: 'published: implicit benchmarks/README',
  },
  {
    peer: 'Microsoft Recommenders',
    what: 'nDCG@10, per-user 75/25 split, seen removed',
    data: 'ml-100k',
    figure: 'BiVAE 0.475, BPR 0.442, LightGCN 0.418, SAR 0.388, Surprise SVD 0.096, Spark ALS 0.047',
    machine: 'not stated (Azure DSVM)',
    source: 'published: microsoft/recommenders benchmark notebook',
  },
];
