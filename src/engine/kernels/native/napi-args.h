// Argument reading for kernel entry points: typed-array views with checked types and lengths.
// rk::Args also remembers which JS objects back the views it handed out; an AsyncJob built from
// it pins exactly those (docs: CONTRIBUTING.md, "Add a kernel"), so adding, removing or moving an
// argument can never leave a buffer the job reads or writes unpinned.
#pragma once
#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "registry.h"

namespace rk {

template <typename T>
struct View {
  T* data;
  size_t length;
};

// One element of a list of typed arrays whose element types the kernel checks itself.
struct AnyView {
  napi_typedarray_type type;
  void* data;
  size_t length;
};

class Args {
 public:
  explicit Args(const Napi::CallbackInfo& info) : info_(info) {}
  Args(const Args&) = delete;
  Args& operator=(const Args&) = delete;

  Napi::Env Env() const { return info_.Env(); }

  template <typename T, napi_typedarray_type Kind>
  View<T> Typed(size_t i, const char* what) {
    RK_CHECK(info_.Length() > i && info_[i].IsTypedArray(), std::string(what) + " must be a typed array");
    auto ta = info_[i].As<Napi::TypedArray>();
    RK_CHECK(ta.TypedArrayType() == Kind, std::string(what) + " has the wrong element type");
    Back(i);
    return {static_cast<T*>(Data(ta)), ta.ElementLength()};
  }
  // Whether argument i is given (not absent, undefined or null).
  bool Has(size_t i) const { return info_.Length() > i && !info_[i].IsNull() && !info_[i].IsUndefined(); }
  // A typed array, or an empty view {nullptr, 0} when not given. An empty typed array may have a
  // null data pointer too: test Has(i) where "given but empty" means something.
  template <typename T, napi_typedarray_type Kind>
  View<T> Optional(size_t i, const char* what) {
    if (!Has(i)) return {nullptr, 0};
    return Typed<T, Kind>(i, what);
  }
  View<int32_t> Int32(size_t i, const char* what) { return Typed<int32_t, napi_int32_array>(i, what); }
  View<float> Float32(size_t i, const char* what) { return Typed<float, napi_float32_array>(i, what); }
  View<double> Float64(size_t i, const char* what) { return Typed<double, napi_float64_array>(i, what); }

  // An array of typed arrays: each element is backing memory too.
  std::vector<AnyView> TypedList(size_t i, const char* what) {
    RK_CHECK(info_.Length() > i && info_[i].IsArray(), std::string(what) + " must be an array of typed arrays");
    auto arr = info_[i].As<Napi::Array>();
    std::vector<AnyView> out;
    for (uint32_t k = 0; k < arr.Length(); ++k) {
      Napi::Value v = arr.Get(k);
      RK_CHECK(v.IsTypedArray(), std::string(what) + "[" + std::to_string(k) + "] must be a typed array");
      RK_CHECK(!handedOff_, std::string(what) + " read after the job pinned its buffers");
      auto ta = v.As<Napi::TypedArray>();
      elements_.push_back(v);
      out.push_back({ta.TypedArrayType(), Data(ta), ta.ElementLength()});
    }
    return out;
  }

  // A native object made by a kernel (Napi::External tagged with T::kTypeTag): the tag proves it
  // holds a T. The JS object is pinned like a typed array's, so a job never outlives it.
  template <typename T>
  T* External(size_t i, const char* what) {
    RK_CHECK(info_.Length() > i && info_[i].IsExternal(), std::string(what) + " must be a native handle");
    auto ext = info_[i].As<Napi::External<T>>();
    RK_CHECK(ext.CheckTypeTag(&T::kTypeTag), std::string(what) + " is a native handle of another kind");
    Back(i);
    return ext.Data();
  }

  double Number(size_t i, const char* what) {
    RK_CHECK(info_.Length() > i && info_[i].IsNumber(), std::string(what) + " must be a number");
    return info_[i].As<Napi::Number>().DoubleValue();
  }
  // A number, or `fallback` when the argument is absent or undefined.
  double NumberOr(size_t i, const char* what, double fallback) {
    if (info_.Length() <= i || info_[i].IsUndefined()) return fallback;
    return Number(i, what);
  }
  bool Bool(size_t i, const char* what) {
    RK_CHECK(info_.Length() > i && info_[i].IsBoolean(), std::string(what) + " must be a boolean");
    return info_[i].As<Napi::Boolean>().Value();
  }
  std::string String(size_t i, const char* what) {
    RK_CHECK(info_.Length() > i && info_[i].IsString(), std::string(what) + " must be a string");
    return info_[i].As<Napi::String>().Utf8Value();
  }

  // Calls f(Napi::Value) for every JS object behind a view handed out so far.
  // Reading a view after this is a bug (its buffer would go unpinned), so it then fails.
  template <typename F>
  void ForEachBacking(F&& f) const {
    handedOff_ = true;
    for (size_t i = 0; i < 64; ++i)
      if (backed_ >> i & 1) f(info_[i]);
    for (const auto& v : elements_) f(v);
  }

 private:
  static void* Data(const Napi::TypedArray& ta) {
    return static_cast<uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
  }
  void Back(size_t i) {
    RK_CHECK(i < 64, "kernels take at most 64 arguments");
    RK_CHECK(!handedOff_, "argument " + std::to_string(i) + " read after the job pinned its buffers");
    backed_ |= uint64_t{1} << i;
  }

  const Napi::CallbackInfo& info_;
  uint64_t backed_ = 0;  // bit i: info[i] backs a view (a bit set, not a list: sync calls allocate nothing)
  std::vector<Napi::Value> elements_;
  mutable bool handedOff_ = false;
};

// Runs a kernel body, turning rk::Failure and std::exception into a thrown JS Error with code RK_NATIVE.
template <typename F>
Napi::Value Guard(const Napi::CallbackInfo& info, F&& body) {
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    Napi::Error err = Napi::Error::New(info.Env(), e.what());
    err.Set("code", Napi::String::New(info.Env(), "RK_NATIVE"));
    throw err;
  }
}

}  // namespace rk
