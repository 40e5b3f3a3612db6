// pearsonBaselineSims: Surprise's shrunk pearson_baseline similarity of every item pair, as
// ts/pearson-baseline-sims.ts (docs/explicit-models.md): row i accumulates, in double, over i's
// users in order and each user's items in order, the sums d_ui d_uj, d_ui^2, d_uj^2 and the count
// per item j; sim = prod / sqrt(sqi sqj) * (n - 1) / (n - 1 + shrinkage), 0 below max(2, minSupport)
// common users or without spread, 1 on the diagonal. Rows are independent: thread t takes rows
// t, t + T, ... (popular items cost more, interleaving evens the load); same result for any T.
// TS: pearsonBaselineSims(itemOffsets: Int32Array, itemUsers: Int32Array, itemResiduals: Float64Array,
//   userOffsets: Int32Array, userItems: Int32Array, userResiduals: Float64Array, nItems: number,
//   shrinkage: number, minSupport: number, out: Float32Array, threads: number) -> NativeJob<void>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <string>
#include <vector>

#include "async-job.h"
#include "napi-args.h"
#include "parallel.h"

namespace {

void CheckRows(const char* name, const int32_t* offsets, size_t nOffsets, const int32_t* cols, size_t nCols,
               size_t nResiduals, long long limit) {
  RK_CHECK(nOffsets >= 1 && offsets[0] == 0 && offsets[nOffsets - 1] == static_cast<long long>(nCols) && nResiduals == nCols,
           std::string(name) + " offsets must span its entries");
  for (size_t x = 0; x + 1 < nOffsets; ++x) RK_CHECK(offsets[x] <= offsets[x + 1], std::string(name) + " offsets must not decrease");
  for (size_t p = 0; p < nCols; ++p) {
    RK_CHECK(cols[p] >= 0 && cols[p] < limit, std::string(name) + " index out of range at entry " + std::to_string(p));
  }
}

Napi::Value PearsonBaselineSims(const Napi::CallbackInfo& info) {
  return rk::Guard(info, [&]() -> Napi::Value {
    rk::Args args(info);
    auto iOff = args.Int32(0, "itemOffsets");
    auto iUsers = args.Int32(1, "itemUsers");
    auto iRes = args.Float64(2, "itemResiduals");
    auto uOff = args.Int32(3, "userOffsets");
    auto uItems = args.Int32(4, "userItems");
    auto uRes = args.Float64(5, "userResiduals");
    const long long nI = static_cast<long long>(args.Number(6, "nItems"));
    const double shrinkage = args.Number(7, "shrinkage");
    const double minSupportArg = args.Number(8, "minSupport");
    auto out = args.Float32(9, "out");
    const int threads = static_cast<int>(args.Number(10, "threads"));
    RK_CHECK(nI >= 0 && static_cast<long long>(iOff.length) == nI + 1, "itemOffsets must have nItems + 1 entries");
    RK_CHECK(static_cast<long long>(out.length) == nI * nI, "out must hold nItems x nItems floats");
    const long long nU = static_cast<long long>(uOff.length) - 1;
    CheckRows("byUser", uOff.data, uOff.length, uItems.data, uItems.length, uRes.length, nI);
    CheckRows("byItem", iOff.data, iOff.length, iUsers.data, iUsers.length, iRes.length, nU);
    const double minSupport = std::max(2.0, minSupportArg);
    auto* job = new rk::AsyncJob(
        args, [=](rk::JobState& st) {
          const int t = rk::ClampThreads(threads, nI);
          std::atomic<long long> done{0};
          rk::ParallelFor(t, t, [&](long long t0, long long, int) {
            std::vector<double> prods(nI), sqi(nI), sqj(nI);
            std::vector<int32_t> freq(nI);
            for (long long i = t0; i < nI; i += t) {
              if (st.cancelled.load(std::memory_order_relaxed)) return;
              std::fill(prods.begin(), prods.end(), 0.0);
              std::fill(sqi.begin(), sqi.end(), 0.0);
              std::fill(sqj.begin(), sqj.end(), 0.0);
              std::fill(freq.begin(), freq.end(), 0);
              for (int32_t p = iOff.data[i]; p < iOff.data[i + 1]; ++p) {
                const int32_t u = iUsers.data[p];
                const double di = iRes.data[p];
                for (int32_t q = uOff.data[u]; q < uOff.data[u + 1]; ++q) {
                  const int32_t j = uItems.data[q];
                  const double dj = uRes.data[q];
                  freq[j] += 1;
                  prods[j] = prods[j] + di * dj;
                  sqi[j] = sqi[j] + di * di;
                  sqj[j] = sqj[j] + dj * dj;
                }
              }
              float* row = out.data + i * nI;
              for (long long j = 0; j < nI; ++j) {
                const int32_t n = freq[j];
                double s = 0;
                if (j == i) {
                  s = 1;
                } else if (n >= minSupport) {
                  const double den = std::sqrt(sqi[j] * sqj[j]);
                  if (den > 0) {
                    s = prods[j] / den;
                    s *= (n - 1) / (n - 1 + shrinkage);
                  }
                }
                row[j] = static_cast<float>(s);
              }
              st.progress.store(static_cast<double>(done.fetch_add(1) + 1) / nI, std::memory_order_relaxed);
            }
          });
          rk::ThrowIfCancelled(st);
        },
        [](Napi::Env env) -> Napi::Value { return env.Undefined(); });
    return job->Start();
  });
}
RK_REGISTER("pearsonBaselineSims", PearsonBaselineSims);

}  // namespace
