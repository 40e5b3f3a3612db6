// Screening a single-vector top-N with an int8 copy of the item panels (top-n.cc topNVector), a
// quarter of the float32 bytes: one query over a large catalog is memory-bound (100k items x 64
// dims = 25.6 MB of float32 panels per call), and under a neighbour's load the bytes per item
// decide the time. Two passes: int8 scores with a rigorous error bound pick the items that can
// make the top n, which are then rescored from the float32 panels with the same code as the full
// scan, so the result is exactly the float32 scan's (ties and their order included).
//
// Item i is stored as s_i * c_i: c_i int8 in [-127, 127], s_i = max_f |x_if| / 127, with residual
// r_i = |x_i - s_i c_i| (2-norm). Its screened score is A = fl(s_i * fl(v . c_i)). With F the
// float32 scan's sum and u = 2^-24, gamma_k = k u / (1 - k u):
//   |F - v.x_i| <= gamma_k |v| |x_i|;  |v.(s_i c_i) - v.x_i| <= |v| r_i (Cauchy-Schwarz);
//   |fl(v.c_i) - v.c_i| <= gamma_k |v| |c_i|, and s_i |c_i| <= |x_i| + r_i;  |A - s_i fl(v.c_i)| <= u |A|,
// so |A - F| <= |v| w_i + u |A| with w_i = r_i + gamma_k (2 |x_i| + r_i). The weight w_i is stored
// per item (rounded up, gamma widened to 2.01 gamma_k); ScreenBound widens |v| w_i by 1.25x and
// adds 8u of the magnitudes (the u |A| term and the final bias / offset adds).
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "item-panels.h"

namespace rk {

// The float after / before x (std::nextafter toward +inf / -inf without the libm call: the
// screen takes one per item). Infinities map to themselves; x is never NaN here.
inline float NextUp(float x) {
  if (x == 0.0f) return std::numeric_limits<float>::denorm_min();  // as nextafter(+-0, +inf)
  uint32_t u;
  std::memcpy(&u, &x, sizeof u);
  if ((u & 0x7fffffffu) == 0x7f800000u) return (u >> 31) ? -3.4028235e38f : x;
  u = (u >> 31) ? u - 1 : u + 1;
  std::memcpy(&x, &u, sizeof u);
  return x;
}
inline float NextDown(float x) { return -NextUp(-x); }

// The error bound of one item's int8 score for query v, given its weight w_i and the score's parts.
struct ScreenBound {
  double rel;
  ScreenBound(const float* v, int k) {
    double n2 = 0;
    for (int f = 0; f < k; ++f) n2 += static_cast<double>(v[f]) * v[f];
    rel = 1.25 * std::sqrt(n2);
  }
  double Of(float weight, float dot, float bias, float offset) const {
    const double u = 1.0 / 16777216.0;
    double e = rel * weight;
    return e + 8 * u * (std::fabs(dot) + e + std::fabs(bias) + std::fabs(offset)) + 1e-30;
  }
};

// float32 panels -> int8 panels (same layout), per padded item a scale and a weight w_i.
inline void PackInt8(const float* panels, long long nPanels, int k, int8_t* codes, float* scales, float* weights) {
  const double u = 1.0 / 16777216.0;
  const double gamma = 2.01 * k * u / (1 - k * u);
  for (long long p = 0; p < nPanels; ++p) {
    const float* src = panels + p * k * kPanel;
    int8_t* dst = codes + p * k * kPanel;
    for (int j = 0; j < kPanel; ++j) {
      float maxAbs = 0;
      for (int f = 0; f < k; ++f) maxAbs = std::fmax(maxAbs, std::fabs(src[f * kPanel + j]));
      float s = maxAbs / 127.0f;
      double r2 = 0, x2 = 0;
      for (int f = 0; f < k; ++f) {
        double x = src[f * kPanel + j];
        long c = s > 0 ? std::lrint(x / s) : 0;
        c = c > 127 ? 127 : (c < -127 ? -127 : c);
        dst[f * kPanel + j] = static_cast<int8_t>(c);
        double d = x - static_cast<double>(s) * static_cast<double>(c);
        r2 += d * d;
        x2 += x * x;
      }
      double r = std::sqrt(r2), norm = std::sqrt(x2);
      scales[p * kPanel + j] = s;
      weights[p * kPanel + j] = static_cast<float>((r + gamma * (2 * norm + r)) * (1 + 1e-6) + 1e-30);
    }
  }
}

#ifdef RK_X86
__attribute__((target("avx2,fma"))) inline __m256 Int8Lanes(const int8_t* row) {
  return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(row))));
}

// acc (4 x 16) = scale * (v . codes) for panels p..p+3 (8 independent accumulators).
__attribute__((target("avx2,fma"))) inline void Int8Dot4(const float* v, const int8_t* codes, const float* scales,
                                                         int k, long long stride, float* acc) {
  __m256 c[8];
  for (auto& x : c) x = _mm256_setzero_ps();
  for (int f = 0; f < k; ++f) {
    __m256 a = _mm256_broadcast_ss(v + f);
    for (int q = 0; q < 4; ++q) {
      const int8_t* row = codes + q * stride + f * kPanel;
      c[2 * q] = _mm256_fmadd_ps(a, Int8Lanes(row), c[2 * q]);
      c[2 * q + 1] = _mm256_fmadd_ps(a, Int8Lanes(row + 8), c[2 * q + 1]);
    }
  }
  for (int q = 0; q < 8; ++q) _mm256_storeu_ps(acc + 8 * q, _mm256_mul_ps(c[q], _mm256_loadu_ps(scales + 8 * q)));
}

__attribute__((target("avx2,fma"))) inline void Int8Dot1(const float* v, const int8_t* codes, const float* scales,
                                                         int k, float* acc) {
  __m256 c0 = _mm256_setzero_ps(), c1 = _mm256_setzero_ps();
  for (int f = 0; f < k; ++f) {
    __m256 a = _mm256_broadcast_ss(v + f);
    c0 = _mm256_fmadd_ps(a, Int8Lanes(codes + f * kPanel), c0);
    c1 = _mm256_fmadd_ps(a, Int8Lanes(codes + f * kPanel + 8), c1);
  }
  _mm256_storeu_ps(acc, _mm256_mul_ps(c0, _mm256_loadu_ps(scales)));
  _mm256_storeu_ps(acc + 8, _mm256_mul_ps(c1, _mm256_loadu_ps(scales + 8)));
}

// sink(panelIndex, acc) with the int8 score estimates; callers check HasAvx2Fma() first.
template <typename Sink>
void ScanInt8Panels(const float* v, const int8_t* codes, const float* scales, long long nPanels, int k, Sink&& sink) {
  long long stride = static_cast<long long>(k) * kPanel;
  WalkPanels(
      nPanels, [&](long long p, float* acc) { Int8Dot4(v, codes + p * stride, scales + p * kPanel, k, stride, acc); },
      [&](long long p, float* acc) { Int8Dot1(v, codes + p * stride, scales + p * kPanel, k, acc); }, sink);
}
#endif

}  // namespace rk
