// xoshiro128** seeded by splitmix32: 32-bit operations only, so the TypeScript twin (rng.ts)
// produces the identical stream with Math.imul. Keep the two files in step.
#pragma once
#include <cmath>
#include <cstdint>

namespace rk {

class Rng {
 public:
  explicit Rng(uint32_t seed) {
    uint32_t x = seed;
    for (auto& s : s_) s = SplitMix32(x);
  }
  uint32_t NextU32() {
    uint32_t result = Rotl(s_[1] * 5u, 7) * 9u;
    uint32_t t = s_[1] << 9;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 11);
    return result;
  }
  // Uniform double in [0, 1) with 53 random bits.
  double NextDouble() {
    uint32_t a = NextU32() >> 5, b = NextU32() >> 6;
    return (a * 67108864.0 + b) / 9007199254740992.0;
  }
  // Uniform integer in [0, n): floor(NextDouble() * n), as rng.ts.
  uint32_t NextBelow(uint32_t n) { return static_cast<uint32_t>(NextDouble() * n); }
  // Standard normal by Box-Muller (one draw per call; the pair's second value is discarded
  // so both twins consume the stream identically).
  double NextNormal() {
    double u1 = NextDouble(), u2 = NextDouble();
    if (u1 < 1e-300) u1 = 1e-300;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  // Fisher-Yates from the end, as Rng.shuffle in rng.ts.
  template <typename T>
  void Shuffle(T* a, long long n) {
    for (long long i = n - 1; i > 0; --i) {
      long long j = static_cast<long long>(NextDouble() * static_cast<double>(i + 1));
      T t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

 private:
  static uint32_t Rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }
  static uint32_t SplitMix32(uint32_t& x) {
    uint32_t z = (x += 0x9e3779b9u);
    z = (z ^ (z >> 16)) * 0x85ebca6bu;
    z = (z ^ (z >> 13)) * 0xc2b2ae35u;
    return z ^ (z >> 16);
  }
  uint32_t s_[4];
};

}  // namespace rk
