// Argument helpers for kernel entry points: typed-array views with checked types and lengths.
#pragma once
#include <napi.h>

#include <string>

#include "registry.h"

namespace rk {

template <typename T>
struct View {
  T* data;
  size_t length;
};

template <typename T, napi_typedarray_type Kind>
View<T> TypedArg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  RK_CHECK(info.Length() > i && info[i].IsTypedArray(), std::string(what) + " must be a typed array");
  auto ta = info[i].As<Napi::TypedArray>();
  RK_CHECK(ta.TypedArrayType() == Kind, std::string(what) + " has the wrong element type");
  auto* base = static_cast<uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
  return {reinterpret_cast<T*>(base), ta.ElementLength()};
}

inline View<int32_t> Int32Arg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  return TypedArg<int32_t, napi_int32_array>(info, i, what);
}
inline View<float> Float32Arg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  return TypedArg<float, napi_float32_array>(info, i, what);
}
inline View<double> Float64Arg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  return TypedArg<double, napi_float64_array>(info, i, what);
}

inline double NumberArg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  RK_CHECK(info.Length() > i && info[i].IsNumber(), std::string(what) + " must be a number");
  return info[i].As<Napi::Number>().DoubleValue();
}

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
