// Module entry: exports every kernel that registered itself (see registry.h).
#include "registry.h"

#include <thread>

namespace {

Napi::Value HardwareThreads(const Napi::CallbackInfo& info) {
  unsigned n = std::thread::hardware_concurrency();
  return Napi::Number::New(info.Env(), n == 0 ? 1 : n);
}
RK_REGISTER("hardwareThreads", HardwareThreads);

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  for (const auto& e : rk::Registry()) exports.Set(e.name, Napi::Function::New(env, e.fn, e.name));
  return exports;
}

}  // namespace

NODE_API_MODULE(reckit, Init)
