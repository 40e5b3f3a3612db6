// fillNormal: out[x] = mean + std * N(0, 1), as ts/fill-normal.ts: chunks of 65,536 values, chunk c
// from rk::Rng(seed ^ (c + 1) * 0x9e3779b9), Box-Muller pairs (r cos t, r sin t) within a chunk.
// Chunks are independent, so threads fill them in parallel with the same result. Factor
// initialisation draws millions of normals (25M-rating sets: ~22M). std::log/cos/sin may differ
// from V8's in the last double bit, which float32 storage almost always rounds away (twin: 1e-7).
// TS: fillNormal(out: Float32Array, mean: number, std: number, seed: number) -> NativeJob<void>
#include <atomic>
#include <cmath>

#include "async-job.h"
#include "napi-args.h"
#include "parallel.h"
#include "rng.h"

namespace {

constexpr long long kChunk = 65536;

Napi::Value FillNormal(const Napi::CallbackInfo& info) {
  return rk::Guard(info, [&]() -> Napi::Value {
    rk::Args args(info);
    auto out = args.Float32(0, "out");
    const double mean = args.Number(1, "mean");
    const double sd = args.Number(2, "std");
    const double seed = args.Number(3, "seed");
    RK_CHECK(seed >= 0 && seed <= 4294967295.0, "seed must be in [0, 2^32)");
    auto* job = new rk::AsyncJob(
        args, [=](rk::JobState& st) {
          const long long n = static_cast<long long>(out.length);
          const long long chunks = (n + kChunk - 1) / kChunk;
          std::atomic<long long> done{0};
          rk::ParallelFor(chunks, 0, [&](long long c0, long long c1, int) {
            for (long long c = c0; c < c1; ++c) {
              if (st.cancelled.load(std::memory_order_relaxed)) return;
              rk::Rng rng(static_cast<uint32_t>(seed) ^ (static_cast<uint32_t>(c + 1) * 0x9e3779b9u));
              const long long end = std::min(n, (c + 1) * kChunk);
              for (long long x = c * kChunk; x < end; x += 2) {
                double u1 = rng.NextDouble();
                const double u2 = rng.NextDouble();
                if (u1 < 1e-300) u1 = 1e-300;
                const double r = std::sqrt(-2.0 * std::log(u1));
                const double t = 6.283185307179586 * u2;
                out.data[x] = static_cast<float>(mean + sd * r * std::cos(t));
                if (x + 1 < end) out.data[x + 1] = static_cast<float>(mean + sd * r * std::sin(t));
              }
              st.progress.store(static_cast<double>(done.fetch_add(1) + 1) / chunks, std::memory_order_relaxed);
            }
          });
          rk::ThrowIfCancelled(st);
        },
        [](Napi::Env env) -> Napi::Value { return env.Undefined(); });
    return job->Start();
  });
}
RK_REGISTER("fillNormal", FillNormal);

}  // namespace
