// fillNormal: out[x] = mean + std * N(0, 1) for x = 0, 1, ..., one rk::Rng(seed).NextNormal() per
// value in order (ts/fill-normal.ts). Factor initialisation draws millions of normals (25M-rating
// sets: ~22M); natively that is a fraction of the JS time. std::log/std::cos may differ from V8's in
// the last double bit, which float32 storage almost always rounds away (twin test: 1e-7).
// TS: fillNormal(out: Float32Array, mean: number, std: number, seed: number) -> NativeJob<void>
#include "async-job.h"
#include "napi-args.h"
#include "rng.h"

namespace {

Napi::Value FillNormal(const Napi::CallbackInfo& info) {
  return rk::Guard(info, [&]() -> Napi::Value {
    auto out = rk::Float32Arg(info, 0, "out");
    const double mean = rk::NumberArg(info, 1, "mean");
    const double std = rk::NumberArg(info, 2, "std");
    const double seed = rk::NumberArg(info, 3, "seed");
    RK_CHECK(seed >= 0 && seed <= 4294967295.0, "seed must be in [0, 2^32)");
    auto* job = new rk::AsyncJob(
        info.Env(),
        [=](rk::JobState& st) {
          rk::Rng rng(static_cast<uint32_t>(seed));
          constexpr size_t kChunk = 1 << 16;
          for (size_t c = 0; c < out.length; c += kChunk) {
            rk::ThrowIfCancelled(st);
            const size_t e = std::min(out.length, c + kChunk);
            for (size_t x = c; x < e; ++x) out.data[x] = static_cast<float>(mean + std * rng.NextNormal());
            st.progress.store(static_cast<double>(e) / out.length, std::memory_order_relaxed);
          }
        },
        [](Napi::Env env) -> Napi::Value { return env.Undefined(); });
    job->Pin(info[0]);
    return job->Start();
  });
}
RK_REGISTER("fillNormal", FillNormal);

}  // namespace
