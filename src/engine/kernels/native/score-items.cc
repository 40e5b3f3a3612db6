// scoreItems: every item's score for one query vector, out[i] = (v . q_i + bias_i) + offset, over
// the packed panels of item-panels.h (float sums); same as ts/score-items.ts. Short work: sync.
// TS: scoreItems(panels: Float32Array, k: number, bias: Float32Array, vector: Float32Array,
//   offset: number, out: Float32Array) -> void
#include "item-panels.h"
#include "napi-args.h"

namespace {

Napi::Value ScoreItems(const Napi::CallbackInfo& info) {
  return rk::Guard(info, [&]() -> Napi::Value {
    rk::Args args(info);
    auto panels = args.Float32(0, "panels");
    int k = static_cast<int>(args.Number(1, "k"));
    auto bias = args.Float32(2, "bias");
    auto vector = args.Float32(3, "vector");
    float offset = static_cast<float>(args.Number(4, "offset"));
    auto out = args.Float32(5, "out");
    long long nItems = static_cast<long long>(bias.length);
    long long nP = rk::PanelCount(nItems);
    RK_CHECK(panels.length == static_cast<size_t>(nP * k * rk::kPanel), "panels do not match nItems and k");
    RK_CHECK(vector.length == static_cast<size_t>(k), "vector must hold k floats");
    RK_CHECK(out.length == bias.length, "out must hold one score per item");
    rk::ScanPanels(vector.data, panels.data, nP, k, [&](long long p, const float* acc) {
      for (int j = 0; j < rk::kPanel; ++j) {
        long long i = p * rk::kPanel + j;
        if (i < nItems) out.data[i] = (acc[j] + bias.data[i]) + offset;
      }
    });
    return info.Env().Undefined();
  });
}
RK_REGISTER("scoreItems", ScoreItems);

}  // namespace
