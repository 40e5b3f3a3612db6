// bprEpoch: one BPR epoch by Hogwild SGD (as the implicit library), the twin of ts/bpr-epoch.ts.
// Thread t runs samples [t S / T, (t + 1) S / T) from its own rk::Rng(seed + 0x9e3779b9 t) on the
// shared factors without locks: updates race by design (BPR's sparse updates rarely collide), so
// only one thread is deterministic, and equals the twin (std::exp may differ from V8's Math.exp in
// the last bit; the twin test allows for it).
// TS: bprEpoch(offsets: Int32Array, cols: Int32Array, userFactors: Float32Array,
//   itemFactors: Float32Array, itemBias: Float32Array, k: number, lr: number, reg: number,
//   samples: number, seed: number, threads: number) -> NativeJob<number>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <memory>
#include <vector>

#include "async-job.h"
#include "napi-args.h"
#include "parallel.h"
#include "rng.h"

namespace {

Napi::Value BprEpoch(const Napi::CallbackInfo& info) {
  return rk::Guard(info, [&]() -> Napi::Value {
    rk::Args args(info);
    auto offsets = args.Int32(0, "offsets");
    auto cols = args.Int32(1, "cols");
    auto P = args.Float32(2, "userFactors");
    auto Q = args.Float32(3, "itemFactors");
    auto B = args.Float32(4, "itemBias");
    const int k = static_cast<int>(args.Number(5, "k"));
    const double lr = args.Number(6, "lr");
    const double reg = args.Number(7, "reg");
    const long long samples = static_cast<long long>(args.Number(8, "samples"));
    const double seed = args.Number(9, "seed");
    const int threads = static_cast<int>(args.Number(10, "threads"));
    const long long nRows = static_cast<long long>(offsets.length) - 1;
    const long long nItems = static_cast<long long>(B.length);
    const long long nnz = offsets.data[nRows];
    RK_CHECK(static_cast<long long>(P.length) == nRows * k && static_cast<long long>(Q.length) == nItems * k,
             "factor lengths do not match the interactions");
    for (long long e = 0; e < nnz; ++e) RK_CHECK(cols.data[e] >= 0 && cols.data[e] < nItems, "item out of range");
    auto correct = std::make_shared<double>(0);
    auto* job = new rk::AsyncJob(
        args, [=](rk::JobState& st) {
          if (nnz == 0) {
            *correct = NAN;
            return;
          }
          std::vector<int32_t> rowOf(static_cast<size_t>(nnz));
          for (long long r = 0; r < nRows; ++r)
            std::fill(rowOf.begin() + offsets.data[r], rowOf.begin() + offsets.data[r + 1], static_cast<int32_t>(r));
          const int t = std::max(1, threads);
          std::vector<long long> hits(static_cast<size_t>(t), 0);
          std::atomic<long long> done{0};
          float* p = P.data;
          float* q = Q.data;
          float* b = B.data;
          rk::ParallelFor(t, t, [&](long long t0, long long t1, int) {
            std::vector<double> pu(static_cast<size_t>(k));
            for (long long th = t0; th < t1; ++th) {
              rk::Rng rng(static_cast<uint32_t>(seed) + 0x9e3779b9u * static_cast<uint32_t>(th));
              const long long end = (th + 1) * samples / t;
              for (long long s = th * samples / t; s < end; ++s) {
                if ((s & 65535) == 0) {
                  rk::ThrowIfCancelled(st);
                  st.progress.store(static_cast<double>(done.load()) / samples, std::memory_order_relaxed);
                }
                const long long e = static_cast<long long>(rng.NextDouble() * static_cast<double>(nnz));
                const int32_t u = rowOf[e];
                const int32_t i = cols.data[e];
                const int32_t* lo = cols.data + offsets.data[u];
                const int32_t* hi = cols.data + offsets.data[u + 1];
                if (hi - lo >= nItems) continue;
                int32_t j = static_cast<int32_t>(rng.NextDouble() * static_cast<double>(nItems));
                while (std::binary_search(lo, hi, j)) j = static_cast<int32_t>(rng.NextDouble() * static_cast<double>(nItems));
                float* pr = p + static_cast<long long>(u) * k;
                float* qi = q + static_cast<long long>(i) * k;
                float* qj = q + static_cast<long long>(j) * k;
                double x = static_cast<double>(b[i]) - static_cast<double>(b[j]);
                for (int f = 0; f < k; ++f) {
                  pu[f] = pr[f];
                  x += pu[f] * (static_cast<double>(qi[f]) - static_cast<double>(qj[f]));
                }
                if (x > 0) hits[th]++;
                const double z = 1.0 / (1.0 + std::exp(x));
                for (int f = 0; f < k; ++f) {
                  const double pf = pu[f], a = qi[f], c = qj[f];
                  pr[f] = static_cast<float>(pf + lr * (z * (a - c) - reg * pf));
                  qi[f] = static_cast<float>(a + lr * (z * pf - reg * a));
                  qj[f] = static_cast<float>(c + lr * (-z * pf - reg * c));
                }
                b[i] = static_cast<float>(b[i] + lr * (z - reg * b[i]));
                b[j] = static_cast<float>(b[j] + lr * (-z - reg * b[j]));
              }
              done.fetch_add(end - th * samples / t);
            }
          });
          long long h = 0;
          for (long long v : hits) h += v;
          *correct = static_cast<double>(h) / static_cast<double>(std::max<long long>(1, samples));
        },
        [correct](Napi::Env env) -> Napi::Value { return Napi::Number::New(env, *correct); });
    return job->Start();
  });
}
RK_REGISTER("bprEpoch", BprEpoch);

}  // namespace
