// Screening a single-vector top-N with a float16 copy of the item panels (top-n.cc topNVector).
// One query over a large catalog is memory-bound (59k items x 100 factors = 24 MB of float32
// panels per call); float16 halves the bytes. Each item's float16 score carries a rigorous error
// bound, and only items whose upper bound reaches the n-th best lower bound are rescored from the
// float32 panels with the same code as the full scan, so the result is exactly the float32 scan's.
//
// Bound (u = 2^-24, gamma_k = k u / (1 - k u), |.| the 2-norm, |v|_1 the 1-norm):
//   |half_dot - float_dot| <= (2^-11 + 2.01 gamma_k) |v| |q_i| + 2^-25 |v|_1 (fp16 rounding:
//   2^-11 relative in the normal range, 2^-25 absolute below it; plus both float sums' errors),
// widened by 1.25x and by 8u of the magnitudes of the two final adds (bias, offset).
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "item-panels.h"

namespace rk {

inline bool HasF16c() {
#ifdef RK_X86
  static const bool ok = HasAvx2Fma() && __builtin_cpu_supports("f16c");
  return ok;
#else
  return false;
#endif
}

#ifdef RK_X86
// float32 panels -> float16 panels (same layout), round to nearest; count is a multiple of 16.
__attribute__((target("avx2,fma,f16c"))) inline void PackHalf(const float* panels, long long count, uint16_t* out) {
  for (long long i = 0; i < count; i += 8) {
    __m128i h = _mm256_cvtps_ph(_mm256_loadu_ps(panels + i), _MM_FROUND_TO_NEAREST_INT);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), h);
  }
}

__attribute__((target("avx2,fma,f16c"))) inline void HalfDot4(const float* v, const uint16_t* half, int k,
                                                             long long stride, float* acc) {
  __m256 c[8];
  for (auto& x : c) x = _mm256_setzero_ps();
  for (int f = 0; f < k; ++f) {
    __m256 a = _mm256_broadcast_ss(v + f);
    for (int q = 0; q < 4; ++q) {
      const uint16_t* row = half + q * stride + f * kPanel;
      __m256 lo = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(row)));
      __m256 hi = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(row + 8)));
      c[2 * q] = _mm256_fmadd_ps(a, lo, c[2 * q]);
      c[2 * q + 1] = _mm256_fmadd_ps(a, hi, c[2 * q + 1]);
    }
  }
  for (int q = 0; q < 8; ++q) _mm256_storeu_ps(acc + 8 * q, c[q]);
}

__attribute__((target("avx2,fma,f16c"))) inline void HalfDot1(const float* v, const uint16_t* half, int k, float* acc) {
  __m256 c0 = _mm256_setzero_ps(), c1 = _mm256_setzero_ps();
  for (int f = 0; f < k; ++f) {
    __m256 a = _mm256_broadcast_ss(v + f);
    c0 = _mm256_fmadd_ps(a, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(half + f * kPanel))), c0);
    c1 = _mm256_fmadd_ps(a, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(half + f * kPanel + 8))), c1);
  }
  _mm256_storeu_ps(acc, c0);
  _mm256_storeu_ps(acc + 8, c1);
}

// sink(panelIndex, acc) with float16-panel dot products; callers check HasF16c() first.
template <typename Sink>
void ScanHalfPanels(const float* v, const uint16_t* half, long long nPanels, int k, Sink&& sink) {
  long long stride = static_cast<long long>(k) * kPanel;
  WalkPanels(
      nPanels, [&](long long p, float* acc) { HalfDot4(v, half + p * stride, k, stride, acc); },
      [&](long long p, float* acc) { HalfDot1(v, half + p * stride, k, acc); }, sink);
}
#endif

// Per padded item: the 2-norm of its float32 factors, rounded up.
inline void PanelNorms(const float* panels, long long nPanels, int k, float* norms) {
  for (long long p = 0; p < nPanels; ++p) {
    for (int j = 0; j < kPanel; ++j) {
      double s = 0;
      for (int f = 0; f < k; ++f) {
        double x = panels[(p * k + f) * kPanel + j];
        s += x * x;
      }
      norms[p * kPanel + j] = static_cast<float>(std::sqrt(s) * (1 + 1e-6));
    }
  }
}

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

// The error bound of one item's float16 score, given |v|, |v|_1 and the score's parts.
struct HalfBound {
  double rel, abs;
  HalfBound(const float* v, int k) {
    double n2 = 0, n1 = 0;
    for (int f = 0; f < k; ++f) {
      n2 += static_cast<double>(v[f]) * v[f];
      n1 += std::fabs(static_cast<double>(v[f]));
    }
    const double u = 1.0 / 16777216.0;
    double gamma = k * u / (1 - k * u);
    rel = 1.25 * (1.0 / 2048.0 + 2.01 * gamma) * std::sqrt(n2);
    abs = 1.25 * n1 / 33554432.0;
  }
  // Bound for an item with norm qNorm whose float16 score parts are dot, bias, offset.
  double Of(float qNorm, float dot, float bias, float offset) const {
    const double u = 1.0 / 16777216.0;
    double e = rel * qNorm + abs;
    return e + 8 * u * (std::fabs(dot) + e + std::fabs(bias) + std::fabs(offset)) + 1e-30;
  }
};

}  // namespace rk
