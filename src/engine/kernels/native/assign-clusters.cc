// assignClusters: the k-means E-step (and M-step sums), same semantics as ts/assign-clusters.ts.
//   d(x, c) = max(0, ||x||^2 + ||c||^2 - 2 x.c), x.c summed in double over x's non-zeros in
//   ascending column order; the nearest centroid wins, ties to the lower index.
// The k dot products of a row are rk::RowDots over CT = centroids transposed (each x.c keeps the
// twin's summation order; running sums in registers, see kmeans-rows.h). Rows are split over
// threads (order-free); M-step sums are per thread and added in thread order. Hamerly bounds: see ts/assign-clusters.ts.
// TS: assignClusters(offsets: Int32Array | null, cols: Int32Array | null, values: Float32Array,
//   nRows: number, dim: number, rowNorms: Float64Array, centroids: Float32Array, k: number,
//   subset: Int32Array | null, labels: Int32Array, distances: Float64Array, sums: Float64Array | null,
//   counts: Float64Array | null, lower: Float64Array | null, shift: Float64Array | null,
//   boundsReady: number, separation: number, threads: number)
//   -> NativeJob<{ inertia: number; changed: number; full: number }>
#include <atomic>
#include <cmath>
#include <limits>
#include <memory>

#include "kmeans-rows.h"

namespace {

struct AssignOut {
  double inertia = 0;
  long long changed = 0, full = 0;
};

Napi::Value AssignClusters(const Napi::CallbackInfo& info) {
  return rk::Guard(info, [&]() -> Napi::Value {
    rk::Args args(info);
    rk::KmeansRows rows = rk::RowsArg(args, 0);
    auto rowNorms = args.Float64(5, "rowNorms");
    auto centroids = args.Float32(6, "centroids");
    int k = static_cast<int>(args.Number(7, "k"));
    auto subset = args.Optional<int32_t, napi_int32_array>(8, "subset");
    const bool hasSubset = args.Has(8);  // an empty subset assigns no rows (its data may be null)
    auto labels = args.Int32(9, "labels");
    auto distances = args.Float64(10, "distances");
    auto sums = args.Optional<double, napi_float64_array>(11, "sums");
    auto counts = args.Optional<double, napi_float64_array>(12, "counts");
    auto lower = args.Optional<double, napi_float64_array>(13, "lower");
    auto shift = args.Optional<double, napi_float64_array>(14, "shift");
    bool ready = args.Number(15, "boundsReady") != 0;
    bool separation = args.Number(16, "separation") != 0;
    int threads = static_cast<int>(args.Number(17, "threads"));
    long long n = hasSubset ? static_cast<long long>(subset.length) : rows.nRows;
    int dim = rows.dim;
    RK_CHECK(k >= 1 && centroids.length == static_cast<size_t>(k) * dim, "centroids must hold k*dim values");
    RK_CHECK(rowNorms.length == static_cast<size_t>(rows.nRows), "rowNorms must have nRows entries");
    RK_CHECK(labels.length >= static_cast<size_t>(n) && distances.length >= static_cast<size_t>(n),
             "labels/distances are shorter than the rows assigned");
    RK_CHECK(!sums.data || (sums.length == static_cast<size_t>(k) * dim && counts.length == static_cast<size_t>(k)),
             "sums must hold k*dim values and counts k");
    RK_CHECK(!lower.data || (!hasSubset && lower.length >= static_cast<size_t>(n) && shift.length == static_cast<size_t>(k)),
             "bounds need a full pass, lower per row and shift per centroid");
    auto out = std::make_shared<AssignOut>();
    auto* job = new rk::AsyncJob(
        args, [=](rk::JobState& st) {
          rows.Validate();
          if (hasSubset)
            for (size_t i = 0; i < subset.length; ++i)
              RK_CHECK(subset.data[i] >= 0 && subset.data[i] < rows.nRows, "subset index out of range at " + std::to_string(i));
          const float* C = centroids.data;
          std::vector<float> ctStore(static_cast<size_t>(k) * dim);
          float* CT = ctStore.data();
          std::vector<double> cn(k, 0.0);
          rk::CentroidNorms(C, k, dim, cn.data(), 1);
          rk::TransposeCentroids(C, k, dim, CT, 1);
          std::vector<double> sep;
          if (lower.data && ready && separation) sep = rk::HalfSeparation(CT, cn, k, dim, threads);
          const rk::LargestShifts shifts = shift.data ? rk::FindLargestShifts(shift.data, k) : rk::LargestShifts{};
          int nThreads = rk::ClampThreads(threads, n);
          std::vector<std::vector<double>> partSums(nThreads), partCounts(nThreads);
          std::vector<long long> partChanged(nThreads, 0), partFull(nThreads, 0);
          if (sums.data) {
            std::fill(sums.data, sums.data + sums.length, 0.0);
            std::fill(counts.data, counts.data + counts.length, 0.0);
          }
          std::atomic<long long> done{0};
          rk::ParallelFor(n, nThreads, [&](long long b, long long e, int t) {
            double* mySums = nullptr;
            double* myCounts = nullptr;
            if (sums.data) {
              if (t == 0) {
                mySums = sums.data;
                myCounts = counts.data;
              } else {
                partSums[t].assign(static_cast<size_t>(k) * dim, 0.0);
                partCounts[t].assign(k, 0.0);
                mySums = partSums[t].data();
                myCounts = partCounts[t].data();
              }
            }
            std::vector<double> acc(k);
            // Dense rows: each row's non-zeros gathered once (ascending j, as ForEach visits them)
            // into a one-row CSR, so the bound check, the k dot products and the sums share one scan.
            std::vector<int32_t> rowCols(rows.offsets ? 0 : static_cast<size_t>(dim));
            std::vector<float> rowVals(rows.offsets ? 0 : static_cast<size_t>(dim));
            int32_t rowOff[2] = {0, 0};
            rk::KmeansRows one;
            one.offsets = rowOff;
            one.cols = rowCols.data();
            one.values = rowVals.data();
            one.nRows = 1;
            one.dim = dim;
            long long changed = 0, full = 0;
            for (long long i0 = b; i0 < e; i0 += 256) {
              rk::ThrowIfCancelled(st);
              long long i1 = std::min(e, i0 + 256);
              for (long long i = i0; i < i1; ++i) {
                long long r = hasSubset ? subset.data[i] : i;
                double xn = rowNorms.data[r];
                const rk::KmeansRows* src = &rows;
                long long rr = r;
                if (!rows.offsets) {
                  const float* x = rows.values + r * static_cast<long long>(dim);
                  int32_t m = 0;
                  for (int j = 0; j < dim; ++j)
                    if (x[j] != 0.0f) {
                      rowCols[m] = j;
                      rowVals[m] = x[j];
                      ++m;
                    }
                  rowOff[1] = m;
                  src = &one;
                  rr = 0;
                }
                int prev = labels.data[i];
                int best = -1;
                double bestD = 0;
                if (lower.data && ready && prev >= 0 && prev < k) {
                  double dot = 0.0;
                  const float* ca = C + static_cast<size_t>(prev) * dim;
                  src->ForEach(rr, [&](int j, float v) { dot += static_cast<double>(v) * ca[j]; });
                  double da = std::max(0.0, xn + cn[prev] - 2.0 * dot);
                  double halfSep = sep.empty() ? -std::numeric_limits<double>::infinity() : sep[prev];
                  if (rk::BoundKeepsLabel(da, &lower.data[i], shifts.For(prev), halfSep)) {
                    best = prev;
                    bestD = da;
                  }
                }
                if (best < 0) {
                  ++full;
                  double* a = acc.data();
                  rk::RowDots(src->cols, src->values, src->offsets[rr], src->offsets[rr + 1], CT, k, a);
                  const rk::NearestTwo near = rk::FindNearestTwo(xn, cn.data(), a, k);
                  best = near.best;
                  bestD = near.d1;
                  if (lower.data) lower.data[i] = std::sqrt(near.d2);
                }
                if (best != prev) ++changed;
                labels.data[i] = best;
                distances.data[i] = bestD;
                if (mySums) {
                  double* sb = mySums + static_cast<size_t>(best) * dim;
                  src->ForEach(rr, [&](int j, float v) { sb[j] += v; });
                  myCounts[best] += 1.0;
                }
              }
              long long d = done.fetch_add(i1 - i0) + (i1 - i0);
              if (t == 0) st.progress.store(static_cast<double>(d) / static_cast<double>(n));
            }
            partChanged[t] = changed;
            partFull[t] = full;
          });
          for (int t = 1; t < nThreads && sums.data; ++t) {
            for (size_t p = 0; p < sums.length; ++p) sums.data[p] += partSums[t][p];
            for (int c = 0; c < k; ++c) counts.data[c] += partCounts[t][c];
          }
          for (int t = 0; t < nThreads; ++t) {
            out->changed += partChanged[t];
            out->full += partFull[t];
          }
          out->inertia = rk::BlockedSum(distances.data, n, threads);
          st.progress.store(1.0);
        },
        [out](Napi::Env env) -> Napi::Value {
          Napi::Object o = Napi::Object::New(env);
          o.Set("inertia", Napi::Number::New(env, out->inertia));
          o.Set("changed", Napi::Number::New(env, static_cast<double>(out->changed)));
          o.Set("full", Napi::Number::New(env, static_cast<double>(out->full)));
          return o;
        });
    return job->Start();
  });
}
RK_REGISTER("assignClusters", AssignClusters);

}  // namespace
