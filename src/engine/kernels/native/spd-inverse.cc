// spdInverse: in-place inverse of a dense SPD float64 matrix (EASE's (X'X + lambda I)^-1), the twin
// of ts/spd-inverse.ts: the same three steps and every dot product summed in the same order, so
// the twins agree bit for bit. Speed comes from blocking, not from reordering sums: each step is
// a row-by-row dot product, and 8 rows are dotted against one shared row at once (8 independent
// accumulator chains, one pass over the shared row), blocks spread over threads. Terms a step adds
// before a row's own start are exact zeros, so starting a block's sums early changes no bit.
// TS: spdInverse(a: Float64Array, n: number, threads: number) -> NativeJob<void>
#include <atomic>
#include <cmath>
#include <string>
#include <vector>

#include "async-job.h"
#include "napi-args.h"
#include "parallel.h"

namespace {

constexpr int kRows = 8;

// out[r] = sum_{q0 <= q < q1} rows[r][q] * b[q], each sum in q order.
inline void DotRows(const double* const* rows, int nr, const double* b, long long q0, long long q1, double* out) {
  if (nr == kRows) {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    const double *r0 = rows[0], *r1 = rows[1], *r2 = rows[2], *r3 = rows[3];
    const double *r4 = rows[4], *r5 = rows[5], *r6 = rows[6], *r7 = rows[7];
    for (long long q = q0; q < q1; ++q) {
      const double v = b[q];
      s0 += r0[q] * v;
      s1 += r1[q] * v;
      s2 += r2[q] * v;
      s3 += r3[q] * v;
      s4 += r4[q] * v;
      s5 += r5[q] * v;
      s6 += r6[q] * v;
      s7 += r7[q] * v;
    }
    out[0] = s0, out[1] = s1, out[2] = s2, out[3] = s3, out[4] = s4, out[5] = s5, out[6] = s6, out[7] = s7;
    return;
  }
  for (int r = 0; r < nr; ++r) {
    double s = 0;
    for (long long q = q0; q < q1; ++q) s += rows[r][q] * b[q];
    out[r] = s;
  }
}

// Work items [0, n) handed out in order to whichever thread is free (triangular steps are uneven).
template <typename F>
void Dynamic(long long n, int threads, rk::JobState& st, F&& fn) {
  std::atomic<long long> next{0};
  rk::ParallelFor(threads <= 0 ? 0 : threads, threads, [&](long long, long long, int) {
    for (;;) {
      const long long b = next.fetch_add(1);
      if (b >= n || st.cancelled.load(std::memory_order_relaxed)) return;
      fn(b);
    }
  });
}

void Invert(double* a, long long n, int threads, rk::JobState& st) {
  const int t = rk::ClampThreads(threads, n);
  // 1. Cholesky (Crout), a block of 8 * t rows at a time: the part left of the block in parallel
  // (8 rows per thread), the block's own triangle serially.
  const long long block = static_cast<long long>(kRows) * t;
  for (long long i0 = 0; i0 < n; i0 += block) {
    rk::ThrowIfCancelled(st);
    const long long i1 = std::min(n, i0 + block);
    rk::ParallelFor((i1 - i0 + kRows - 1) / kRows, t, [&](long long s0, long long s1, int) {
      for (long long sb = s0; sb < s1; ++sb) {
        const long long r0 = i0 + sb * kRows;
        const int nr = static_cast<int>(std::min<long long>(kRows, i1 - r0));
        const double* rows[kRows];
        double out[kRows];
        for (int r = 0; r < nr; ++r) rows[r] = a + (r0 + r) * n;
        for (long long j = 0; j < i0; ++j) {
          const double* rj = a + j * n;
          DotRows(rows, nr, rj, 0, j, out);
          for (int r = 0; r < nr; ++r) a[(r0 + r) * n + j] = (a[(r0 + r) * n + j] - out[r]) / rj[j];
        }
      }
    });
    for (long long i = i0; i < i1; ++i) {
      double* ri = a + i * n;
      for (long long j = i0; j <= i; ++j) {
        const double* rj = a + j * n;
        double s = 0;
        for (long long q = 0; q < j; ++q) s += ri[q] * rj[q];
        const double v = ri[j] - s;
        if (j == i) {
          RK_CHECK(v > 0, "spdInverse: the matrix is not positive definite (pivot " + std::to_string(i) + ")");
          ri[i] = std::sqrt(v);
        } else {
          ri[j] = v / rj[j];
        }
      }
    }
    st.progress.store(static_cast<double>(i1) / n / 3, std::memory_order_relaxed);
  }
  // 2. Zt (row j = column j of L^-1), 8 columns per work item.
  std::vector<double> zt(static_cast<size_t>(n * n), 0.0);
  const long long nBlocks = (n + kRows - 1) / kRows;
  std::atomic<long long> done{0};
  Dynamic(nBlocks, t, st, [&](long long b) {
    const long long j0 = b * kRows;
    const int nr = static_cast<int>(std::min<long long>(kRows, n - j0));
    const double* rows[kRows];
    double out[kRows];
    for (int r = 0; r < nr; ++r) rows[r] = zt.data() + (j0 + r) * n;
    for (long long i = j0; i < n; ++i) {
      const double* li = a + i * n;
      DotRows(rows, nr, li, j0, i, out);
      for (int r = 0; r < nr; ++r) {
        const long long j = j0 + r;
        if (i >= j) zt[j * n + i] = ((i == j ? 1.0 : 0.0) - out[r]) / li[i];
      }
    }
    st.progress.store((1.0 + static_cast<double>(done.fetch_add(1) + 1) / nBlocks) / 3, std::memory_order_relaxed);
  });
  rk::ThrowIfCancelled(st);
  // 3. A^-1 = Z'Z, 8 rows per work item against every earlier row.
  done = 0;
  Dynamic(nBlocks, t, st, [&](long long b) {
    const long long i0 = b * kRows;
    const int nr = static_cast<int>(std::min<long long>(kRows, n - i0));
    const double* rows[kRows];
    double out[kRows];
    for (int r = 0; r < nr; ++r) rows[r] = zt.data() + (i0 + r) * n;
    for (long long j = 0; j < i0 + nr; ++j) {
      DotRows(rows, nr, zt.data() + j * n, std::max(i0, j), n, out);
      for (int r = 0; r < nr; ++r) {
        const long long i = i0 + r;
        if (i < j) continue;
        a[i * n + j] = out[r];
        a[j * n + i] = out[r];
      }
    }
    st.progress.store((2.0 + static_cast<double>(done.fetch_add(1) + 1) / nBlocks) / 3, std::memory_order_relaxed);
  });
  rk::ThrowIfCancelled(st);
}

Napi::Value SpdInverse(const Napi::CallbackInfo& info) {
  return rk::Guard(info, [&]() -> Napi::Value {
    rk::Args args(info);
    auto a = args.Float64(0, "a");
    const long long n = static_cast<long long>(args.Number(1, "n"));
    const int threads = static_cast<int>(args.Number(2, "threads"));
    RK_CHECK(n >= 1 && static_cast<long long>(a.length) == n * n, "a must hold n x n values");
    auto* job = new rk::AsyncJob(
        args, [=](rk::JobState& st) { Invert(a.data, n, threads, st); },
        [](Napi::Env env) -> Napi::Value { return env.Undefined(); });
    return job->Start();
  });
}
RK_REGISTER("spdInverse", SpdInverse);

}  // namespace
