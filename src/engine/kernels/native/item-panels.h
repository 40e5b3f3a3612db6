// Item factors packed for scoring (top-n.cc, score-items.cc): panels of kPanel = 16 items, each
// panel stored k-major (for f: 16 floats), so one user's score against a panel is k broadcast
// FMAs into two 8-wide accumulators with no horizontal sums, and a tile of users shares each
// loaded panel row (a GEMM micro-kernel). Padding items have zero factors and -inf bias.
//
// SIMD: AVX2+FMA functions carry __attribute__((target("avx2,fma"))) and are chosen at run time by
// HasAvx2Fma() (binding.gyp keeps the portable baseline; no -march=native), with a scalar fallback
// that computes the same float sums (mul+add instead of fused FMA: differs in the last bits only).
#pragma once
#include <cstdint>
#include <cstring>
#include <limits>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define RK_X86 1
#endif

namespace rk {

constexpr int kPanel = 16;
constexpr float kNegInf = -std::numeric_limits<float>::infinity();

inline long long PanelCount(long long nItems) { return (nItems + kPanel - 1) / kPanel; }

inline bool HasAvx2Fma() {
#ifdef RK_X86
  static const bool ok = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return ok;
#else
  return false;
#endif
}

// factors: nItems x k row-major -> panels: nPanels x k x 16.
inline void PackPanels(const float* factors, long long nItems, int k, float* panels) {
  long long nP = PanelCount(nItems);
  for (long long p = 0; p < nP; ++p) {
    float* dst = panels + p * k * kPanel;
    for (int j = 0; j < kPanel; ++j) {
      long long i = p * kPanel + j;
      const float* src = factors + i * k;
      for (int f = 0; f < k; ++f) dst[f * kPanel + j] = i < nItems ? src[f] : 0.0f;
    }
  }
}

// acc[0..16) = v . panel items (float sums, f ascending).
inline void PanelDotScalar(const float* v, const float* panel, int k, float* acc) {
  for (int j = 0; j < kPanel; ++j) acc[j] = 0.0f;
  for (int f = 0; f < k; ++f) {
    float a = v[f];
    const float* row = panel + f * kPanel;
    for (int j = 0; j < kPanel; ++j) acc[j] += a * row[j];
  }
}

#ifdef RK_X86
// Four panels at once (8 independent accumulators hide the FMA latency); acc: 4 x 16.
__attribute__((target("avx2,fma"))) inline void PanelDot4Avx2(const float* v, const float* panel, int k,
                                                              long long stride, float* acc) {
  __m256 c[8];
  for (auto& x : c) x = _mm256_setzero_ps();
  for (int f = 0; f < k; ++f) {
    __m256 a = _mm256_broadcast_ss(v + f);
    for (int q = 0; q < 4; ++q) {
      const float* row = panel + q * stride + f * kPanel;
      c[2 * q] = _mm256_fmadd_ps(a, _mm256_loadu_ps(row), c[2 * q]);
      c[2 * q + 1] = _mm256_fmadd_ps(a, _mm256_loadu_ps(row + 8), c[2 * q + 1]);
    }
  }
  for (int q = 0; q < 8; ++q) _mm256_storeu_ps(acc + 8 * q, c[q]);
}

__attribute__((target("avx2,fma"))) inline void PanelDotAvx2(const float* v, const float* panel, int k, float* acc) {
  __m256 c0 = _mm256_setzero_ps(), c1 = _mm256_setzero_ps();
  for (int f = 0; f < k; ++f) {
    __m256 a = _mm256_broadcast_ss(v + f);
    c0 = _mm256_fmadd_ps(a, _mm256_loadu_ps(panel + f * kPanel), c0);
    c1 = _mm256_fmadd_ps(a, _mm256_loadu_ps(panel + f * kPanel + 8), c1);
  }
  _mm256_storeu_ps(acc, c0);
  _mm256_storeu_ps(acc + 8, c1);
}
#endif

// The panel walk ScanPanels and ScanHalfPanels share (they differ only in their dot kernels):
// dot4(p, acc) fills acc (4 x 16) for panels p..p+3, dot1(p, acc) fills acc (16) for panel p;
// sink(panelIndex, acc) gets every panel's 16 sums, in panel order.
template <typename Dot4, typename Dot1, typename Sink>
void WalkPanels(long long nPanels, Dot4&& dot4, Dot1&& dot1, Sink&& sink) {
  alignas(32) float acc[4 * kPanel];
  long long p = 0;
  for (; p + 4 <= nPanels; p += 4) {
    dot4(p, acc);
    for (int q = 0; q < 4; ++q) sink(p + q, acc + q * kPanel);
  }
  for (; p < nPanels; ++p) {
    dot1(p, acc);
    sink(p, acc);
  }
}

// Calls sink(panelIndex, acc) for every panel with acc = v . (the panel's 16 items).
template <typename Sink>
void ScanPanels(const float* v, const float* panels, long long nPanels, int k, Sink&& sink) {
  long long stride = static_cast<long long>(k) * kPanel;
#ifdef RK_X86
  if (HasAvx2Fma()) {
    WalkPanels(
        nPanels, [&](long long p, float* acc) { PanelDot4Avx2(v, panels + p * stride, k, stride, acc); },
        [&](long long p, float* acc) { PanelDotAvx2(v, panels + p * stride, k, acc); }, sink);
    return;
  }
#endif
  alignas(32) float acc[kPanel];
  for (long long p = 0; p < nPanels; ++p) {
    PanelDotScalar(v, panels + p * stride, k, acc);
    sink(p, acc);
  }
}

// acc[0..16) = v . one panel's items, summed exactly as a full ScanPanels sums that panel (it is
// ScanPanels over that panel alone): items scored one at a time get the full scan's bits.
inline void PanelDot(const float* v, const float* panel, int k, float* acc) {
  ScanPanels(v, panel, 1, k, [&](long long, const float* sums) {
    for (int q = 0; q < kPanel; ++q) acc[q] = sums[q];
  });
}

}  // namespace rk
