// alsExplicitHalfStep: one half-step of explicit (biased) ALS, as ts/als-explicit-half-step.ts
// (docs/explicit-models.md): for each row with entries (j, d_j), n of them,
// x = (sum_j y_j y_j^T + reg n I)^-1 sum_j d_j y_j by Cholesky, in double, stored float32. The
// same operations in the same order per row as the twin (-ffp-contract=off), so both agree to the
// last bit; rows are independent and split over threads in interleaved order.
// TS: alsExplicitHalfStep(offsets: Int32Array, cols: Int32Array, residuals: Float64Array,
//   fixed: Float32Array, solve: Float32Array, k: number, reg: number, threads: number) -> NativeJob<void>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <string>
#include <vector>

#include "async-job.h"
#include "napi-args.h"
#include "parallel.h"

namespace {

// A x = b for SPD A (lower triangle), x into b; a pivot <= 0 zeroes that coordinate (as the twin).
void CholeskySolve(double* A, double* b, int k) {
  for (int j = 0; j < k; ++j) {
    double s = A[j * k + j];
    for (int m = 0; m < j; ++m) s -= A[j * k + m] * A[j * k + m];
    const double d = s > 0 ? std::sqrt(s) : 0;
    A[j * k + j] = d;
    for (int i = j + 1; i < k; ++i) {
      double t = A[i * k + j];
      for (int m = 0; m < j; ++m) t -= A[i * k + m] * A[j * k + m];
      A[i * k + j] = d > 0 ? t / d : 0;
    }
  }
  for (int i = 0; i < k; ++i) {
    double t = b[i];
    for (int m = 0; m < i; ++m) t -= A[i * k + m] * b[m];
    const double d = A[i * k + i];
    b[i] = d > 0 ? t / d : 0;
  }
  for (int i = k - 1; i >= 0; --i) {
    double t = b[i];
    for (int m = i + 1; m < k; ++m) t -= A[m * k + i] * b[m];
    const double d = A[i * k + i];
    b[i] = d > 0 ? t / d : 0;
  }
}

Napi::Value AlsExplicitHalfStep(const Napi::CallbackInfo& info) {
  return rk::Guard(info, [&]() -> Napi::Value {
    rk::Args args(info);
    auto offsets = args.Int32(0, "offsets");
    auto cols = args.Int32(1, "cols");
    auto residuals = args.Float64(2, "residuals");
    auto fixed = args.Float32(3, "fixed");
    auto solve = args.Float32(4, "solve");
    const int k = static_cast<int>(args.Number(5, "k"));
    const double reg = args.Number(6, "reg");
    const int threads = static_cast<int>(args.Number(7, "threads"));
    RK_CHECK(offsets.length >= 1, "offsets must have nRows + 1 entries");
    const long long nRows = static_cast<long long>(offsets.length) - 1;
    RK_CHECK(k >= 1 && static_cast<long long>(solve.length) == nRows * k && fixed.length % k == 0,
             "solve must be nRows x k and fixed nOther x k");
    RK_CHECK(offsets.data[0] == 0 && offsets.data[nRows] == static_cast<long long>(cols.length) &&
                 residuals.length == cols.length,
             "offsets must span the entries");
    for (long long r = 0; r < nRows; ++r) RK_CHECK(offsets.data[r] <= offsets.data[r + 1], "offsets must not decrease");
    const long long nOther = static_cast<long long>(fixed.length) / k;
    for (size_t p = 0; p < cols.length; ++p) {
      RK_CHECK(cols.data[p] >= 0 && cols.data[p] < nOther, "index out of range at entry " + std::to_string(p));
    }
    auto* job = new rk::AsyncJob(
        args, [=](rk::JobState& st) {
          const int t = rk::ClampThreads(threads, nRows);
          std::atomic<long long> done{0};
          rk::ParallelFor(t, t, [&](long long t0, long long, int) {
            std::vector<double> A(static_cast<size_t>(k) * k), b(k);
            for (long long r = t0; r < nRows; r += t) {
              if ((r / t) % 64 == 0 && st.cancelled.load(std::memory_order_relaxed)) return;
              const int32_t lo = offsets.data[r], hi = offsets.data[r + 1];
              float* x = solve.data + r * k;
              if (hi == lo) {
                std::fill(x, x + k, 0.0f);
                continue;
              }
              std::fill(A.begin(), A.end(), 0.0);
              std::fill(b.begin(), b.end(), 0.0);
              for (int32_t p = lo; p < hi; ++p) {
                const float* y = fixed.data + static_cast<long long>(cols.data[p]) * k;
                const double d = residuals.data[p];
                for (int i = 0; i < k; ++i) {
                  const double yi = y[i];
                  b[i] = b[i] + d * yi;
                  double* Ai = A.data() + static_cast<size_t>(i) * k;
                  for (int j = 0; j <= i; ++j) Ai[j] = Ai[j] + yi * static_cast<double>(y[j]);
                }
              }
              const double ridge = reg * (hi - lo);
              for (int i = 0; i < k; ++i) A[static_cast<size_t>(i) * k + i] += ridge;
              CholeskySolve(A.data(), b.data(), k);
              for (int i = 0; i < k; ++i) x[i] = static_cast<float>(b[i]);
              st.progress.store(static_cast<double>(done.fetch_add(1) + 1) / nRows, std::memory_order_relaxed);
            }
          });
          rk::ThrowIfCancelled(st);
        },
        [](Napi::Env env) -> Napi::Value { return env.Undefined(); });
    return job->Start();
  });
}
RK_REGISTER("alsExplicitHalfStep", AlsExplicitHalfStep);

}  // namespace
