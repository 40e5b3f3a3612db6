// alsHalfStep: one implicit-ALS half-step (Hu, Koren, Volinsky 2008), the twin of
// ts/als-half-step.ts with the same double sums in the same order. G = Y'Y is summed item by item
// on one thread (k^2 per item: small next to the solves); rows are then solved in parallel, each
// independent of the others, so any thread count gives the same bits. Per-row losses go to an
// array summed in row order afterwards. The conjugate-gradient solve runs in float32 (cgPrecision 32,
// as the implicit library does: twice the SIMD lanes and half the memory traffic of double) or in
// double (64); the exact Cholesky solve and the loss are always double. Rows are handed out in
// chunks from a shared counter, so a thread that drew heavy rows does not hold up the other.
// TS: alsHalfStep(offsets: Int32Array, cols: Int32Array, conf: Float32Array, nCols: number,
//   solve: Float32Array, fixed: Float32Array, k: number, reg: number, cgSteps: number,
//   threads: number, regExponent: number, loss: boolean, cgPrecision: number) -> NativeJob<number>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <vector>

#include "async-job.h"
#include "napi-args.h"
#include "parallel.h"

namespace {

struct Als {
  const int32_t* offsets;
  const int32_t* cols;
  const float* conf;
  float* solve;
  const float* fixed;
  int k;
  double reg;
  double regExponent;
  int cgSteps;
  bool loss;
  bool cgFloat;
};

// The CG arithmetic T is double or float (cgPrecision); every operation rounds to T, in the order
// the twins use (ts/als-half-step.ts, ts/als-cg-float.ts with Math.fround); -ffp-contract=off keeps
// multiply and add apart. GCC inlines these into both clones of the float solve below.
#if defined(__GNUC__)
#define RK_INLINE inline __attribute__((always_inline))
#else
#define RK_INLINE inline
#endif

// Four partial sums (lane = f % 4) combined as (s0 + s1) + (s2 + s3): four independent chains.
template <typename T>
RK_INLINE T DotY(const float* y, const T* v, int k) {
  T s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  int f = 0;
  for (; f + 4 <= k; f += 4) {
    s0 += static_cast<T>(y[f]) * v[f];
    s1 += static_cast<T>(y[f + 1]) * v[f + 1];
    s2 += static_cast<T>(y[f + 2]) * v[f + 2];
    s3 += static_cast<T>(y[f + 3]) * v[f + 3];
  }
  if (f < k) s0 += static_cast<T>(y[f]) * v[f], ++f;
  if (f < k) s1 += static_cast<T>(y[f]) * v[f], ++f;
  if (f < k) s2 += static_cast<T>(y[f]) * v[f];
  return (s0 + s1) + (s2 + s3);
}

// out = (G + reg I) v. G is symmetric, so row p is also column p: walking q outside and p inside
// keeps each out[p] summed in q order (as the twin) while the inner loop vectorises.
template <typename T>
RK_INLINE void GTimes(const T* g, T reg, const T* v, T* out, int k) {
  for (int p = 0; p < k; ++p) out[p] = 0;
  for (int q = 0; q < k; ++q) {
    const T* gq = g + static_cast<size_t>(q) * k;
    const T vq = v[q];
    for (int p = 0; p < k; ++p) out[p] += gq[p] * vq;
  }
  for (int p = 0; p < k; ++p) out[p] += reg * v[p];
}

// Floats of a thread's packing buffer: a row whose neighbours' factor rows fit (1 MB) reads them
// from one contiguous copy in its 4+ passes instead of at random from the whole factor matrix,
// which on large data (25M ratings) is what the solve waits on. Same values, same order.
constexpr size_t kPackFloats = size_t{1} << 18;

// cgSteps conjugate-gradient steps on row u in T, warm-started from the stored row; stores the result.
template <typename T>
RK_INLINE void SolveRowCg(const Als& a, const T* g, long long u, double reg64, T* buf, float* pack) {
  const int k = a.k;
  T* x = buf;
  T* r = x + k;
  T* p = r + k;
  T* ap = p + k;
  const int32_t b0 = a.offsets[u], b1 = a.offsets[u + 1];
  const T reg = static_cast<T>(reg64);
  float* xs = a.solve + u * k;
  const bool packed = static_cast<size_t>(b1 - b0) * k <= kPackFloats;
  if (packed) {
    for (int32_t e = b0; e < b1; ++e) {
      const float* y = a.fixed + static_cast<size_t>(a.cols[e]) * k;
      std::copy(y, y + k, pack + static_cast<size_t>(e - b0) * k);
    }
  }
  auto row = [&](int32_t e) {
    return packed ? pack + static_cast<size_t>(e - b0) * k : a.fixed + static_cast<size_t>(a.cols[e]) * k;
  };
  for (int f = 0; f < k; ++f) x[f] = xs[f];
  GTimes<T>(g, reg, x, r, k);
  for (int f = 0; f < k; ++f) r[f] = -r[f];
  for (int32_t e = b0; e < b1; ++e) {
    const T c = a.conf[e];
    const float* y = row(e);
    const T t = c - (c - 1) * DotY<T>(y, x, k);
    for (int f = 0; f < k; ++f) r[f] += t * static_cast<T>(y[f]);
  }
  for (int f = 0; f < k; ++f) p[f] = r[f];
  T rsOld = 0;
  for (int f = 0; f < k; ++f) rsOld += r[f] * r[f];
  for (int it = 0; it < a.cgSteps && rsOld >= 1e-20; ++it) {
    GTimes<T>(g, reg, p, ap, k);
    for (int32_t e = b0; e < b1; ++e) {
      const T c = a.conf[e];
      const float* y = row(e);
      const T t = (c - 1) * DotY<T>(y, p, k);
      for (int f = 0; f < k; ++f) ap[f] += t * static_cast<T>(y[f]);
    }
    T pAp = 0;
    for (int f = 0; f < k; ++f) pAp += p[f] * ap[f];
    if (!(pAp > 0)) break;
    const T alpha = rsOld / pAp;
    T rsNew = 0;
    for (int f = 0; f < k; ++f) {
      x[f] += alpha * p[f];
      r[f] -= alpha * ap[f];
      rsNew += r[f] * r[f];
    }
    const T beta = rsNew / rsOld;
    for (int f = 0; f < k; ++f) p[f] = r[f] + beta * p[f];
    rsOld = rsNew;
  }
  for (int f = 0; f < k; ++f) xs[f] = static_cast<float>(x[f]);
}

// AVX2 doubles the float lanes where the CPU has it (GCC on x86-64 Linux picks the clone at load
// time); no FMA is enabled, so both clones round exactly as the TypeScript twin does.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define RK_FLOAT_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define RK_FLOAT_CLONES
#endif

RK_FLOAT_CLONES void SolveRowCgFloat(const Als& a, const float* g, long long u, double reg, float* buf,
                                     float* pack) {
  SolveRowCg<float>(a, g, u, reg, buf, pack);
}

void CholeskySolve(double* m, double* b, int k) {
  for (int j = 0; j < k; ++j) {
    double s = m[j * k + j];
    for (int q = 0; q < j; ++q) s -= m[j * k + q] * m[j * k + q];
    RK_CHECK(s > 0, "implicit ALS: the normal equations are not positive definite (raise reg)");
    double l = std::sqrt(s);
    m[j * k + j] = l;
    for (int i = j + 1; i < k; ++i) {
      double t = m[i * k + j];
      for (int q = 0; q < j; ++q) t -= m[i * k + q] * m[j * k + q];
      m[i * k + j] = t / l;
    }
  }
  for (int i = 0; i < k; ++i) {
    double t = b[i];
    for (int q = 0; q < i; ++q) t -= m[i * k + q] * b[q];
    b[i] = t / m[i * k + i];
  }
  for (int i = k - 1; i >= 0; --i) {
    double t = b[i];
    for (int q = i + 1; q < k; ++q) t -= m[q * k + i] * b[q];
    b[i] = t / m[i * k + i];
  }
}

double SolveRow(const Als& a, const std::vector<double>& g, const std::vector<float>& gf, long long u,
                std::vector<double>& buf, std::vector<float>& fbuf, std::vector<float>& pack) {
  const int k = a.k;
  double* x = buf.data();
  double* r = x + k;
  double* p = r + k;
  double* ap = p + k;
  double* m = ap + k;
  const int32_t b0 = a.offsets[u], b1 = a.offsets[u + 1];
  const double reg = a.regExponent != 0 ? a.reg * std::pow(1.0 + (b1 - b0), a.regExponent) : a.reg;
  float* xs = a.solve + u * k;
  if (b0 == b1) {
    for (int f = 0; f < k; ++f) xs[f] = 0.f;
    return 0;
  }
  if (a.cgSteps == 0) {
    for (int q = 0; q < k * k; ++q) m[q] = g[q];
    for (int q = 0; q < k; ++q) m[q * k + q] += reg;
    for (int f = 0; f < k; ++f) r[f] = 0;
    for (int32_t e = b0; e < b1; ++e) {
      const double c = a.conf[e];
      const float* y = a.fixed + static_cast<size_t>(a.cols[e]) * k;
      for (int f = 0; f < k; ++f) {
        const double yf = y[f];
        r[f] += c * yf;
        const double w = (c - 1) * yf;
        double* mf = m + f * k;
        for (int q = 0; q < k; ++q) mf[q] += w * static_cast<double>(y[q]);
      }
    }
    CholeskySolve(m, r, k);
    for (int f = 0; f < k; ++f) {
      xs[f] = static_cast<float>(r[f]);
      x[f] = xs[f];
    }
  } else if (a.cgFloat) {
    SolveRowCgFloat(a, gf.data(), u, reg, fbuf.data(), pack.data());
    for (int f = 0; f < k; ++f) x[f] = xs[f];
  } else {
    SolveRowCg<double>(a, g.data(), u, reg, x, pack.data());
    for (int f = 0; f < k; ++f) x[f] = xs[f];
  }

  if (!a.loss) return NAN;
  GTimes<double>(g.data(), 0, x, ap, k);
  double loss = 0;
  for (int f = 0; f < k; ++f) loss += x[f] * (ap[f] + reg * x[f]);
  for (int32_t e = b0; e < b1; ++e) {
    const double c = a.conf[e];
    const double s = DotY<double>(a.fixed + static_cast<size_t>(a.cols[e]) * k, x, k);
    loss += c * (1 - s) * (1 - s) - s * s;
  }
  return loss;
}

Napi::Value AlsHalfStep(const Napi::CallbackInfo& info) {
  return rk::Guard(info, [&]() -> Napi::Value {
    rk::Args args(info);
    auto offsets = args.Int32(0, "offsets");
    auto cols = args.Int32(1, "cols");
    auto conf = args.Float32(2, "conf");
    const long long nCols = static_cast<long long>(args.Number(3, "nCols"));
    auto solve = args.Float32(4, "solve");
    auto fixed = args.Float32(5, "fixed");
    const int k = static_cast<int>(args.Number(6, "k"));
    const double reg = args.Number(7, "reg");
    const int cgSteps = static_cast<int>(args.Number(8, "cgSteps"));
    const int threads = static_cast<int>(args.Number(9, "threads"));
    const double regExponent = args.Number(10, "regExponent");
    const bool wantLoss = args.Bool(11, "loss");
    const int cgPrecision = static_cast<int>(args.Number(12, "cgPrecision"));
    RK_CHECK(cgPrecision == 32 || cgPrecision == 64, "cgPrecision must be 32 or 64");
    RK_CHECK(offsets.length >= 1 && k >= 1, "offsets must not be empty and k >= 1");
    const long long nRows = static_cast<long long>(offsets.length) - 1;
    const long long nnz = offsets.data[nRows];
    RK_CHECK(static_cast<long long>(cols.length) >= nnz && static_cast<long long>(conf.length) >= nnz,
             "cols/conf are shorter than nnz");
    RK_CHECK(static_cast<long long>(solve.length) == nRows * k, "solve must be nRows x k");
    RK_CHECK(static_cast<long long>(fixed.length) == nCols * k, "fixed must be nCols x k");
    for (long long e = 0; e < nnz; ++e) RK_CHECK(cols.data[e] >= 0 && cols.data[e] < nCols, "column index out of range");
    Als a{offsets.data, cols.data, conf.data, solve.data, fixed.data, k, reg, regExponent, cgSteps, wantLoss,
          cgPrecision == 32 && cgSteps > 0};
    auto loss = std::make_shared<double>(0);
    auto* job = new rk::AsyncJob(
        args, [=](rk::JobState& st) {
          std::vector<double> g(static_cast<size_t>(k) * k, 0.0);
          for (long long i = 0; i < nCols; ++i) {
            const float* y = a.fixed + i * k;
            for (int p = 0; p < k; ++p) {
              const double yp = y[p];
              double* gp = g.data() + static_cast<size_t>(p) * k;
              for (int q = 0; q < k; ++q) gp[q] += yp * static_cast<double>(y[q]);
            }
          }
          std::vector<float> gf(a.cgFloat ? g.size() : 0);
          for (size_t q = 0; q < gf.size(); ++q) gf[q] = static_cast<float>(g[q]);
          std::vector<double> rowLoss(static_cast<size_t>(nRows), 0.0);
          // Chunks of rows from a shared counter: rows differ in length, static blocks would not balance.
          constexpr long long kChunk = 64;
          std::atomic<long long> next{0};
          const int workers = rk::ClampThreads(threads, (nRows + kChunk - 1) / kChunk);
          rk::ParallelFor(workers, workers, [&](long long, long long, int) {
            std::vector<double> buf(static_cast<size_t>(4 * k + k * k));
            std::vector<float> fbuf(static_cast<size_t>(4 * k));
            std::vector<float> pack(a.cgSteps > 0 ? kPackFloats : 0);
            for (long long begin; (begin = next.fetch_add(kChunk)) < nRows;) {
              rk::ThrowIfCancelled(st);
              st.progress.store(static_cast<double>(begin) / nRows, std::memory_order_relaxed);
              const long long end = std::min(nRows, begin + kChunk);
              for (long long u = begin; u < end; ++u) rowLoss[u] = SolveRow(a, g, gf, u, buf, fbuf, pack);
            }
          });
          double s = 0;
          for (double v : rowLoss) s += v;
          *loss = s;
        },
        [loss](Napi::Env env) -> Napi::Value { return Napi::Number::New(env, *loss); });
    return job->Start();
  });
}
RK_REGISTER("alsHalfStep", AlsHalfStep);

}  // namespace
