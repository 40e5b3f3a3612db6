// itemItemTopN: top-N lists from item-item weights (EASE's B, item-kNN similarities), the twin of
// ts/item-item-top-n.ts. A user's scores are the float sum of the weight rows of the items they
// saw, added in CSR order (the same additions as the twin: bit-identical scores), then the n best
// eligible unseen items by score desc, item asc. Users are spread over threads; each thread keeps
// one score row and one candidate buffer.
// TS: itemItemTopN(offsets: Int32Array, cols: Int32Array, weights: Float32Array,
//   users: Int32Array, n: number, eligible: Uint8Array, excludeSeen: boolean, threads: number,
//   outItems: Int32Array, outScores: Float32Array, userFactors: Float32Array,
//   itemFactors: Float32Array, factorK: number, factorWeight: number) -> NativeJob<void>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <vector>

#include "async-job.h"
#include "napi-args.h"
#include "parallel.h"

namespace {

struct Hit {
  float score;
  int32_t item;
};

inline bool Before(const Hit& a, const Hit& b) { return a.score > b.score || (a.score == b.score && a.item < b.item); }

Napi::Value ItemItemTopN(const Napi::CallbackInfo& info) {
  return rk::Guard(info, [&]() -> Napi::Value {
    rk::Args args(info);
    auto offsets = args.Int32(0, "offsets");
    auto cols = args.Int32(1, "cols");
    auto weights = args.Float32(2, "weights");
    auto users = args.Int32(3, "users");
    const int n = static_cast<int>(args.Number(4, "n"));
    auto eligible = args.Typed<uint8_t, napi_uint8_array>(5, "eligible");
    const bool excludeSeen = args.Bool(6, "excludeSeen");
    const int threads = static_cast<int>(args.Number(7, "threads"));
    auto outItems = args.Int32(8, "outItems");
    auto outScores = args.Float32(9, "outScores");
    // Optional factor term weight * p_u . q_i (k = 0: none), as ts addFactorTerm.
    auto userF = args.Float32(10, "userFactors");
    auto itemF = args.Float32(11, "itemFactors");
    const int fk = static_cast<int>(args.Number(12, "factorK"));
    const double fw = args.Number(13, "factorWeight");
    const long long nItems = static_cast<long long>(eligible.length);
    const long long nRows = static_cast<long long>(offsets.length) - 1;
    RK_CHECK(static_cast<long long>(weights.length) == nItems * nItems, "weights must be nItems x nItems");
    RK_CHECK(outItems.length == users.length * static_cast<size_t>(n) && outScores.length == outItems.length,
             "outputs must hold users x n");
    RK_CHECK(fk == 0 || (static_cast<long long>(userF.length) == nRows * fk &&
                         static_cast<long long>(itemF.length) == nItems * fk),
             "factor arrays must be nUsers x k and nItems x k");
    for (size_t r = 0; r < users.length; ++r) RK_CHECK(users.data[r] >= 0 && users.data[r] < nRows, "user out of range");
    for (long long e = 0; e < offsets.data[nRows]; ++e) RK_CHECK(cols.data[e] >= 0 && cols.data[e] < nItems, "item out of range");
    auto* job = new rk::AsyncJob(
        args, [=](rk::JobState& st) {
          const long long nUsers = static_cast<long long>(users.length);
          std::atomic<long long> done{0};
          rk::ParallelFor(nUsers, threads, [&](long long b, long long e, int) {
            std::vector<float> acc(static_cast<size_t>(nItems));
            std::vector<uint8_t> skip(static_cast<size_t>(nItems), 0);
            std::vector<Hit> hits;
            hits.reserve(static_cast<size_t>(nItems));
            for (long long r = b; r < e; ++r) {
              if ((r & 63) == 0) rk::ThrowIfCancelled(st);
              const int32_t u = users.data[r];
              std::fill(acc.begin(), acc.end(), 0.f);
              for (int32_t p = offsets.data[u]; p < offsets.data[u + 1]; ++p) {
                const float* row = weights.data + static_cast<long long>(cols.data[p]) * nItems;
                float* a = acc.data();
                for (long long i = 0; i < nItems; ++i) a[i] += row[i];
                if (excludeSeen) skip[cols.data[p]] = 1;
              }
              if (fk > 0) {
                const float* pu = userF.data + static_cast<long long>(u) * fk;
                for (long long i = 0; i < nItems; ++i) {
                  const float* qi = itemF.data + i * fk;
                  double dot = 0;
                  for (int x = 0; x < fk; ++x) dot += static_cast<double>(pu[x]) * static_cast<double>(qi[x]);
                  acc[i] = static_cast<float>(static_cast<double>(acc[i]) + fw * dot);
                }
              }
              hits.clear();
              for (long long i = 0; i < nItems; ++i) {
                if (skip[i] || !eligible.data[i]) continue;
                hits.push_back({acc[i], static_cast<int32_t>(i)});
              }
              const size_t keep = std::min(hits.size(), static_cast<size_t>(n));
              std::partial_sort(hits.begin(), hits.begin() + keep, hits.end(), Before);
              for (int j = 0; j < n; ++j) {
                outItems.data[r * n + j] = j < static_cast<int>(keep) ? hits[j].item : -1;
                outScores.data[r * n + j] = j < static_cast<int>(keep) ? hits[j].score : NAN;
              }
              for (int32_t p = offsets.data[u]; p < offsets.data[u + 1]; ++p) skip[cols.data[p]] = 0;
              st.progress.store(static_cast<double>(done.fetch_add(1) + 1) / nUsers, std::memory_order_relaxed);
            }
          });
        },
        [](Napi::Env env) -> Napi::Value { return env.Undefined(); });
    return job->Start();
  });
}
RK_REGISTER("itemItemTopN", ItemItemTopN);

}  // namespace
