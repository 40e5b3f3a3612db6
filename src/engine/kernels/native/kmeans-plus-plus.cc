// kmeansPlusPlus: greedy k-means++ seeding as scikit-learn's _kmeans_plusplus, same draws and
// arithmetic as ts/kmeans-plus-plus.ts. First seed uniform (1 NextBelow); each next step draws
// `trials` candidates (trials NextDouble), u * potential located in the running sum of D(x)^2,
// and keeps the candidate whose sum(min(D^2, d^2)) is lowest (first on ties).
// Distances to the candidates: a row pass blocked like assign-clusters.cc (acc[t] += x_j * cand_t[j]),
// or, for sparse rows when cheaper, a walk down the candidates' columns (see DistancesTo).
// TS: kmeansPlusPlus(offsets: Int32Array | null, cols: Int32Array | null, values: Float32Array,
//   nRows: number, dim: number, rowNorms: Float64Array, k: number, trials: number, seed: number,
//   outCenters: Int32Array, threads: number) -> NativeJob<void>
#include <atomic>
#include <cmath>
#include <limits>

#include "kmeans-rows.h"
#include "rng.h"

namespace {

// Column view of CSR rows (built once per call) for DistancesTo's sparse path.
struct Columns {
  std::vector<int64_t> offsets;
  std::vector<int32_t> rows;
  std::vector<float> values;
  bool sorted = false;  // every row's columns ascending: the column walk then sums in the twin's order
};

Columns BuildColumns(const rk::KmeansRows& rows) {
  Columns c;
  if (!rows.offsets) return c;
  long long nnz = rows.offsets[rows.nRows];
  c.sorted = true;
  for (long long r = 0; r < rows.nRows && c.sorted; ++r)
    for (int32_t p = rows.offsets[r] + 1; p < rows.offsets[r + 1]; ++p)
      if (rows.cols[p] <= rows.cols[p - 1]) {
        c.sorted = false;
        break;
      }
  if (!c.sorted) return c;
  c.offsets.assign(static_cast<size_t>(rows.dim) + 1, 0);
  for (long long p = 0; p < nnz; ++p) c.offsets[rows.cols[p] + 1]++;
  for (int j = 0; j < rows.dim; ++j) c.offsets[j + 1] += c.offsets[j];
  std::vector<int64_t> at(c.offsets.begin(), c.offsets.end() - 1);
  c.rows.resize(static_cast<size_t>(nnz));
  c.values.resize(static_cast<size_t>(nnz));
  for (long long r = 0; r < rows.nRows; ++r)
    for (int32_t p = rows.offsets[r]; p < rows.offsets[r + 1]; ++p) {
      int64_t q = at[rows.cols[p]]++;
      c.rows[q] = static_cast<int32_t>(r);
      c.values[q] = rows.values[p];
    }
  return c;
}

// out[t][r] = max(0, ||x_r||^2 + ||x_id||^2 - 2 x_r.x_id) for each candidate id = ids[t].
// Row path: one pass over every rating, acc[t] += x_j * cand_t[j]. Column path (sorted CSR, when
// the candidates' columns hold fewer ratings than nnz * T): for each candidate non-zero j in
// ascending order, acc_t[r] += x_rj * cand_tj down column j. Both give the twin's bits: a row's
// terms arrive in ascending j either way, and the terms the column path skips are x_j * 0 = +-0,
// which leave a sum unchanged.
void DistancesTo(const rk::KmeansRows& rows, const Columns& cols, const double* rowNorms,
                 const std::vector<int32_t>& ids, std::vector<std::vector<double>>& out, int threads,
                 const rk::JobState& st) {
  int T = static_cast<int>(ids.size());
  out.resize(T);
  for (auto& o : out) o.resize(static_cast<size_t>(rows.nRows));
  std::vector<double> cn(T);
  for (int t = 0; t < T; ++t) cn[t] = rowNorms[ids[t]];
  if (cols.sorted) {
    long long work = 0;
    for (int t = 0; t < T; ++t)
      for (int32_t p = rows.offsets[ids[t]]; p < rows.offsets[ids[t] + 1]; ++p)
        work += cols.offsets[rows.cols[p] + 1] - cols.offsets[rows.cols[p]];
    if (work < static_cast<long long>(rows.offsets[rows.nRows]) * T) {
      rk::ParallelFor(T, threads, [&](long long t0, long long t1, int) {
        for (long long t = t0; t < t1; ++t) {
          rk::ThrowIfCancelled(st);
          double* acc = out[t].data();
          std::fill(acc, acc + rows.nRows, 0.0);
          for (int32_t p = rows.offsets[ids[t]]; p < rows.offsets[ids[t] + 1]; ++p) {
            int j = rows.cols[p];
            double cv = rows.values[p];
            for (int64_t q = cols.offsets[j]; q < cols.offsets[j + 1]; ++q)
              acc[cols.rows[q]] += static_cast<double>(cols.values[q]) * cv;
          }
          for (long long r = 0; r < rows.nRows; ++r) acc[r] = std::max(0.0, rowNorms[r] + cn[t] - 2.0 * acc[r]);
        }
      });
      return;
    }
  }
  std::vector<double> candT(static_cast<size_t>(rows.dim) * T, 0.0);
  for (int t = 0; t < T; ++t)
    rows.ForEach(ids[t], [&](int j, float v) { candT[static_cast<size_t>(j) * T + t] = v; });
  rk::ParallelFor(rows.nRows, threads, [&](long long b, long long e, int) {
    std::vector<double> acc(T);
    for (long long r = b; r < e; ++r) {
      if ((r & 1023) == 0) rk::ThrowIfCancelled(st);
      std::fill(acc.begin(), acc.end(), 0.0);
      rk::AccumulateRow(rows, r, candT.data(), T, acc.data());
      for (int t = 0; t < T; ++t) out[t][r] = std::max(0.0, rowNorms[r] + cn[t] - 2.0 * acc[t]);
    }
  });
}

// First index i with cum[i] >= v (numpy searchsorted side='left'); n when none.
long long SearchLeft(const std::vector<double>& cum, double v) {
  return std::lower_bound(cum.begin(), cum.end(), v) - cum.begin();
}

Napi::Value KmeansPlusPlus(const Napi::CallbackInfo& info) {
  return rk::Guard(info, [&]() -> Napi::Value {
    rk::Args args(info);
    rk::KmeansRows rows = rk::RowsArg(args, 0);
    auto rowNorms = args.Float64(5, "rowNorms");
    int k = static_cast<int>(args.Number(6, "k"));
    int trials = static_cast<int>(args.Number(7, "trials"));
    uint32_t seed = static_cast<uint32_t>(args.Number(8, "seed"));
    auto centers = args.Int32(9, "outCenters");
    int threads = static_cast<int>(args.Number(10, "threads"));
    RK_CHECK(k >= 1 && k <= rows.nRows && trials >= 1, "k-means++ needs 1 <= k <= nRows and trials >= 1");
    RK_CHECK(centers.length == static_cast<size_t>(k), "outCenters must have k entries");
    RK_CHECK(rowNorms.length == static_cast<size_t>(rows.nRows), "rowNorms must have nRows entries");
    auto* job = new rk::AsyncJob(
        args, [=](rk::JobState& st) {
          rows.Validate();
          long long n = rows.nRows;
          const Columns cols = BuildColumns(rows);
          rk::Rng rng(seed);
          std::vector<std::vector<double>> d;
          std::vector<int32_t> ids{static_cast<int32_t>(rng.NextBelow(static_cast<uint32_t>(n)))};
          centers.data[0] = ids[0];
          DistancesTo(rows, cols, rowNorms.data, ids, d, threads, st);
          std::vector<double> closest = std::move(d[0]);
          double pot = rk::BlockedSum(closest.data(), n, threads);
          std::vector<double> cum(static_cast<size_t>(n));
          std::vector<int32_t> cand(trials);
          for (int c = 1; c < k; ++c) {
            double s = 0.0;
            for (long long i = 0; i < n; ++i) cum[i] = s += closest[i];
            for (int t = 0; t < trials; ++t)
              cand[t] = static_cast<int32_t>(std::min(SearchLeft(cum, rng.NextDouble() * pot), n - 1));
            DistancesTo(rows, cols, rowNorms.data, cand, d, threads, st);
            int best = 0;
            double bestPot = std::numeric_limits<double>::infinity();
            for (int t = 0; t < trials; ++t) {
              double* dt = d[t].data();
              for (long long i = 0; i < n; ++i) dt[i] = std::min(closest[i], dt[i]);
              double p = rk::BlockedSum(dt, n, threads);
              if (p < bestPot) {
                bestPot = p;
                best = t;
              }
            }
            pot = bestPot;
            closest.swap(d[best]);
            centers.data[c] = cand[best];
            st.progress.store(static_cast<double>(c + 1) / k);
          }
          st.progress.store(1.0);
        },
        [](Napi::Env env) -> Napi::Value { return env.Undefined(); });
    return job->Start();
  });
}
RK_REGISTER("kmeansPlusPlus", KmeansPlusPlus);

}  // namespace
