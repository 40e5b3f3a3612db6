// knnBaselineTopN: KNNBaseline's top-N for many users, as ts/knn-baseline-top-n.ts
// (docs/explicit-models.md): each eligible item i (not rated, with excludeSeen) scored
// b_ui + sum sim (r_uj - b_uj) / sum sim over the k rated items most similar to i with sim > 0
// (ties at the k-th similarity: the earliest ratings), b_ui alone below minK of them; sums in
// double in the row's order, the k-th largest by the same quickselect. The best n per user by
// score desc, then item asc. Users are independent: thread t takes users t, t + T, ...
// TS: knnBaselineTopN(offsets: Int32Array, cols: Int32Array, values: Float32Array, sims: Float32Array,
//   userBias: Float32Array, itemBias: Float32Array, globalMean: number, k: number, minK: number,
//   eligible: Uint8Array, users: Int32Array, n: number, excludeSeen: boolean, outItems: Int32Array,
//   outScores: Float32Array, threads: number) -> NativeJob<void>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "async-job.h"
#include "napi-args.h"
#include "parallel.h"

namespace {

double KthLargest(double* a, long long n, long long k) {
  long long lo = 0, hi = n - 1;
  const long long target = k - 1;
  while (lo < hi) {
    const double pivot = a[(lo + hi) >> 1];
    long long i = lo, j = hi;
    while (i <= j) {
      while (a[i] > pivot) i++;
      while (a[j] < pivot) j--;
      if (i <= j) {
        const double t = a[i];
        a[i++] = a[j];
        a[j--] = t;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return a[target];
  }
  return a[target];
}

Napi::Value KnnBaselineTopN(const Napi::CallbackInfo& info) {
  return rk::Guard(info, [&]() -> Napi::Value {
    rk::Args args(info);
    auto offsets = args.Int32(0, "offsets");
    auto cols = args.Int32(1, "cols");
    auto values = args.Float32(2, "values");
    auto sims = args.Float32(3, "sims");
    auto userBias = args.Float32(4, "userBias");
    auto itemBias = args.Float32(5, "itemBias");
    const double mu = args.Number(6, "globalMean");
    const long long k = static_cast<long long>(args.Number(7, "k"));
    const long long minK = static_cast<long long>(args.Number(8, "minK"));
    auto eligible = args.Typed<uint8_t, napi_uint8_array>(9, "eligible");
    auto users = args.Int32(10, "users");
    const long long n = static_cast<long long>(args.Number(11, "n"));
    const bool excludeSeen = args.Bool(12, "excludeSeen");
    auto outItems = args.Int32(13, "outItems");
    auto outScores = args.Float32(14, "outScores");
    const int threads = static_cast<int>(args.Number(15, "threads"));

    const long long nI = static_cast<long long>(itemBias.length), nU = static_cast<long long>(userBias.length);
    RK_CHECK(static_cast<long long>(sims.length) == nI * nI && static_cast<long long>(eligible.length) == nI &&
                 static_cast<long long>(offsets.length) == nU + 1,
             "sims, eligible and seen must match the biases");
    RK_CHECK(n >= 1 && k >= 1, "n and k must be positive integers");
    RK_CHECK(values.length == cols.length && offsets.data[0] == 0 && offsets.data[nU] == static_cast<long long>(cols.length),
             "seen offsets must span its entries");
    for (long long r = 0; r < nU; ++r) RK_CHECK(offsets.data[r] <= offsets.data[r + 1], "seen offsets must not decrease");
    for (size_t p = 0; p < cols.length; ++p) RK_CHECK(cols.data[p] >= 0 && cols.data[p] < nI, "seen item index out of range at entry " + std::to_string(p));
    const long long nUsers = static_cast<long long>(users.length);
    for (long long r = 0; r < nUsers; ++r) {
      RK_CHECK(users.data[r] >= 0 && users.data[r] < nU, "user index " + std::to_string(users.data[r]) + " out of range");
    }
    RK_CHECK(static_cast<long long>(outItems.length) == nUsers * n && static_cast<long long>(outScores.length) == nUsers * n,
             "outputs must hold users x n entries");
    auto* job = new rk::AsyncJob(
        args, [=](rk::JobState& st) {
          const int t = rk::ClampThreads(threads, nUsers);
          std::atomic<long long> done{0};
          rk::ParallelFor(t, t, [&](long long t0, long long, int) {
            std::vector<double> s(1), sorted(1);
            std::vector<int32_t> pos(1);
            std::vector<uint8_t> skip(nI, 0);
            std::vector<std::pair<double, int32_t>> cand;
            cand.reserve(nI);
            for (long long r = t0; r < nUsers; r += t) {
              if (st.cancelled.load(std::memory_order_relaxed)) return;
              const int32_t u = users.data[r];
              const int32_t lo = offsets.data[u], hi = offsets.data[u + 1];
              const long long len = hi - lo;
              if (static_cast<long long>(s.size()) < len) {
                s.resize(len);
                sorted.resize(len);
                pos.resize(len);
              }
              if (excludeSeen) for (int32_t p = lo; p < hi; ++p) skip[cols.data[p]] = 1;
              const double base = mu + static_cast<double>(userBias.data[u]);
              cand.clear();
              for (long long i = 0; i < nI; ++i) {
                if (skip[i] || !eligible.data[i]) continue;
                const double est = base + static_cast<double>(itemBias.data[i]);
                const float* simRow = sims.data + i * nI;
                long long m = 0;
                for (long long p = 0; p < len; ++p) {
                  const double v = simRow[cols.data[lo + p]];
                  if (v > 0) {
                    s[m] = v;
                    pos[m++] = static_cast<int32_t>(p);
                  }
                }
                double score = est;
                if (!(m < minK || m == 0)) {
                  double cut = -std::numeric_limits<double>::infinity();
                  long long tiesLeft = 0;
                  if (m > k) {
                    std::copy(s.begin(), s.begin() + m, sorted.begin());
                    cut = KthLargest(sorted.data(), m, k);
                    long long above = 0;
                    for (long long x = 0; x < m; ++x) above += s[x] > cut;
                    tiesLeft = k - above;
                  }
                  double sumSim = 0, sum = 0;
                  for (long long x = 0; x < m; ++x) {
                    const double v = s[x];
                    if (v < cut || (v == cut && tiesLeft-- <= 0)) continue;
                    const int32_t p = lo + pos[x];
                    sumSim += v;
                    sum += v * (static_cast<double>(values.data[p]) - (base + static_cast<double>(itemBias.data[cols.data[p]])));
                  }
                  score = est + sum / sumSim;
                }
                cand.emplace_back(score, static_cast<int32_t>(i));
              }
              if (excludeSeen) for (int32_t p = lo; p < hi; ++p) skip[cols.data[p]] = 0;
              const long long take = std::min<long long>(n, static_cast<long long>(cand.size()));
              std::partial_sort(cand.begin(), cand.begin() + take, cand.end(), [](const auto& a, const auto& b) {
                return a.first > b.first || (a.first == b.first && a.second < b.second);
              });
              for (long long x = 0; x < n; ++x) {
                outItems.data[r * n + x] = x < take ? cand[x].second : -1;
                outScores.data[r * n + x] = x < take ? static_cast<float>(cand[x].first) : std::numeric_limits<float>::quiet_NaN();
              }
              st.progress.store(static_cast<double>(done.fetch_add(1) + 1) / nUsers, std::memory_order_relaxed);
            }
          });
          rk::ThrowIfCancelled(st);
        },
        [](Napi::Env env) -> Napi::Value { return env.Undefined(); });
    return job->Start();
  });
}
RK_REGISTER("knnBaselineTopN", KnnBaselineTopN);

}  // namespace
