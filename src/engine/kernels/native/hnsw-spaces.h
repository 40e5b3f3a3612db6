// The point formats and distances of reckit's HNSW graphs (hnsw-graph.h; docs/embeddings.md,
// "Approximate search"). hnswlib takes any SpaceInterface: a point's byte size and a distance
// function over two stored points (a query is encoded like a stored point).
//
// - Float32: the point is the graph vector itself, the distance 1 - dot (hnswlib's own inner
//   product space, so graph files stay hnswlib's). hnswlib compiles its distance for the build's
//   baseline ISA (SSE here); with AVX2+FMA at run time the dot product uses them instead.
// - Int8: codes c in [-127, 127] padded to 32 bytes, then one float scale s = max|x| / 127, so a
//   point takes dim + 4 bytes instead of 4 dim; distance 1 - s_a s_b (c_a . c_b), the dot summed
//   exactly in int32. The walk compares approximate scores; HnswIndex rescores the ef candidates
//   it returns from the float32 rows.
#pragma once
#ifdef RK_HNSWLIB
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "hnswlib.h"
#include "item-panels.h"  // RK_X86, HasAvx2Fma

namespace rk {

// A graph's point format: hnswlib's SpaceInterface plus how to write a float vector as a point.
struct GraphSpace : hnswlib::SpaceInterface<float> {
  // `x` (graph dim floats) as a stored point: x itself, or encoded into `bytes`.
  virtual const void* Encode(const float* x, std::vector<uint8_t>& bytes) const = 0;
  virtual const char* Name() const = 0;
};

#ifdef RK_X86
__attribute__((target("avx2,fma"))) inline float DotAvx2(const float* x, const float* y, size_t n) {
  __m256 c0 = _mm256_setzero_ps(), c1 = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    c0 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i), c0);
    c1 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i + 8), _mm256_loadu_ps(y + i + 8), c1);
  }
  c0 = _mm256_add_ps(c0, c1);
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(c0), _mm256_extractf128_ps(c0, 1));
  s = _mm_hadd_ps(s, s);
  s = _mm_hadd_ps(s, s);
  float dot = _mm_cvtss_f32(s);
  for (; i < n; ++i) dot += x[i] * y[i];
  return dot;
}

__attribute__((target("avx2,fma"))) inline float InnerDistanceAvx2(const void* a, const void* b, const void* param) {
  return 1.0f - DotAvx2(static_cast<const float*>(a), static_cast<const float*>(b), *static_cast<const size_t*>(param));
}

// |a| (unsigned) times sign(a) b (signed) in pairs: each pair sum is at most 2 * 127 * 127 < 2^15,
// so maddubs never saturates as long as no code is -128.
__attribute__((target("avx2"))) inline float Int8DistanceAvx2(const void* a, const void* b, const void* param) {
  size_t n = *static_cast<const size_t*>(param);
  auto x = static_cast<const int8_t*>(a), y = static_cast<const int8_t*>(b);
  const __m256i ones = _mm256_set1_epi16(1);
  __m256i acc = _mm256_setzero_si256();
  for (size_t i = 0; i < n; i += 32) {
    __m256i u = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + i));
    __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y + i));
    __m256i pairs = _mm256_maddubs_epi16(_mm256_sign_epi8(u, u), _mm256_sign_epi8(v, u));
    acc = _mm256_add_epi32(acc, _mm256_madd_epi16(pairs, ones));
  }
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
  float sa, sb;
  std::memcpy(&sa, x + n, sizeof sa);
  std::memcpy(&sb, y + n, sizeof sb);
  return 1.0f - sa * sb * static_cast<float>(_mm_cvtsi128_si32(s));
}
#endif

// x . y in float32 (AVX2+FMA when the CPU has them).
inline float Dot(const float* x, const float* y, size_t n) {
#ifdef RK_X86
  if (HasAvx2Fma()) return DotAvx2(x, y, n);
#endif
  float dot = 0;
  for (size_t i = 0; i < n; ++i) dot += x[i] * y[i];
  return dot;
}

inline float Int8DistanceScalar(const void* a, const void* b, const void* param) {
  size_t n = *static_cast<const size_t*>(param);
  auto x = static_cast<const int8_t*>(a), y = static_cast<const int8_t*>(b);
  int32_t dot = 0;
  for (size_t i = 0; i < n; ++i) dot += static_cast<int32_t>(x[i]) * y[i];
  float sa, sb;
  std::memcpy(&sa, x + n, sizeof sa);
  std::memcpy(&sb, y + n, sizeof sb);
  return 1.0f - sa * sb * static_cast<float>(dot);
}

struct Float32Space : GraphSpace {
  explicit Float32Space(size_t dim) : ip(dim), dim(dim) {
    fn = ip.get_dist_func();
#ifdef RK_X86
    if (HasAvx2Fma()) fn = InnerDistanceAvx2;
#endif
  }
  size_t get_data_size() override { return ip.get_data_size(); }
  hnswlib::DISTFUNC<float> get_dist_func() override { return fn; }
  void* get_dist_func_param() override { return &dim; }
  const void* Encode(const float* x, std::vector<uint8_t>&) const override { return x; }
  const char* Name() const override { return "float32"; }

  hnswlib::InnerProductSpace ip;  // hnswlib's distance, used without AVX2+FMA
  size_t dim;
  hnswlib::DISTFUNC<float> fn;
};

struct Int8Space : GraphSpace {
  explicit Int8Space(size_t dim) : dim(dim), padded((dim + 31) / 32 * 32) {
    fn = Int8DistanceScalar;
#ifdef RK_X86
    if (HasAvx2Fma()) fn = Int8DistanceAvx2;
#endif
  }
  size_t get_data_size() override { return padded + sizeof(float); }
  hnswlib::DISTFUNC<float> get_dist_func() override { return fn; }
  void* get_dist_func_param() override { return &padded; }
  const char* Name() const override { return "int8"; }

  const void* Encode(const float* x, std::vector<uint8_t>& bytes) const override {
    bytes.assign(padded + sizeof(float), 0);
    float maxAbs = 0;
    for (size_t i = 0; i < dim; ++i) maxAbs = std::max(maxAbs, std::fabs(x[i]));
    float s = maxAbs / 127.0f;
    for (size_t i = 0; s > 0 && i < dim; ++i) {
      long c = std::lrint(x[i] / s);
      bytes[i] = static_cast<uint8_t>(static_cast<int8_t>(std::clamp(c, -127L, 127L)));
    }
    std::memcpy(bytes.data() + padded, &s, sizeof s);
    return bytes.data();
  }

  size_t dim;
  size_t padded;  // the distance's param: code bytes, a multiple of 32
  hnswlib::DISTFUNC<float> fn;
};

}  // namespace rk
#endif
