// Self-registering native kernels: each kernel file adds itself with RK_REGISTER, so adding a
// kernel never edits a central list (addon.cc only walks the registry).
#pragma once
#include <napi.h>

#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace rk {

using Method = Napi::Value (*)(const Napi::CallbackInfo&);

struct Entry {
  const char* name;
  Method fn;
};

inline std::vector<Entry>& Registry() {
  static std::vector<Entry> entries;
  return entries;
}

struct Register {
  Register(const char* name, Method fn) { Registry().push_back({name, fn}); }
};

// A failed check inside a kernel; becomes NativeError in JS with "(file:line)" at the end.
struct Failure : std::runtime_error {
  Failure(const std::string& msg, const char* file, int line)
      : std::runtime_error(msg + " (" + Basename(file) + ":" + std::to_string(line) + ")") {}
  static std::string Basename(const char* path) {
    std::string p(path);
    auto i = p.find_last_of('/');
    return i == std::string::npos ? p : p.substr(i + 1);
  }
};

}  // namespace rk

#define RK_CHECK(cond, msg)                                    \
  do {                                                         \
    if (!(cond)) throw ::rk::Failure((msg), __FILE__, __LINE__); \
  } while (0)

#define RK_CONCAT_(a, b) a##b
#define RK_CONCAT(a, b) RK_CONCAT_(a, b)
#define RK_REGISTER(name, fn) static ::rk::Register RK_CONCAT(rk_register_, __LINE__)(name, fn)
