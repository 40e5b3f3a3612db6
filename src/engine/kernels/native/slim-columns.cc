// slimColumns: SLIM ElasticNet's weight columns from the Gram matrix, the twin of
// ts/slim-columns.ts and ts/slim-column.ts (docs/ranking.md, "SLIM"). Every column runs the same
// working-set coordinate descent with the same sums in the same order (no fused multiply-add in
// this build), the same candidate order and the same drops, so the weights match bit for bit.
// Columns are independent: threads take them from a shared counter, each with its own buffers.
// TS: slimColumns(gram: Float64Array, n: number, l1: number, l2: number, maxSweeps: number,
//   tol: number, topK: number, weights: Float32Array, threads: number) -> NativeJob<number>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include "async-job.h"
#include "napi-args.h"
#include "parallel.h"

namespace {

constexpr long long kRoom = 128;  // working-set entries per full-gradient pass at least

// The two hot loops, y += d * x elementwise. AVX2 doubles the double lanes where the CPU has it
// (GCC on x86-64 Linux picks the clone at load time); no FMA is enabled and no sum is reordered,
// so both clones round exactly as the TypeScript twin does.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define RK_SLIM_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define RK_SLIM_CLONES
#endif

RK_SLIM_CLONES void AddScaled(double* __restrict y, double d, const double* __restrict x, long long size) {
  for (long long i = 0; i < size; ++i) y[i] = y[i] + d * x[i];
}

struct Params {
  double l1, l2, tol;
  long long maxSweeps;
};

class ColumnSolver {
 public:
  ColumnSolver(const double* g, long long n, Params p) : g_(g), n_(n), p_(p), inSet_(n, 0), grad_(n), move_(n) {
    Grow(64);
  }

  long long sweeps = 0;

  // Solves column j; out gets (item, weight) for the positive weights.
  void Solve(long long j, std::vector<std::pair<int32_t, double>>& out) {
    size_ = 0;
    sweeps = 0;
    while (sweeps < p_.maxSweeps && EnterViolators(j) > 0) {
      const long long size = size_;
      double* w = w_.data();
      double* q = q_.data();
      const double* b = b_.data();
      const double* diag = diag_.data();
      const double* sub = sub_.data();
      while (sweeps < p_.maxSweeps) {
        ++sweeps;
        double maxMove = 0, maxW = 0;
        for (long long x = 0; x < size; ++x) {
          const double* row = sub + x * cap_;
          const double wx = w[x];
          const double num = b[x] - (q[x] - row[x] * wx) - p_.l1;
          const double nw = num > 0 ? num / diag[x] : 0;
          const double d = nw - wx;
          if (d != 0) {
            AddScaled(q, d, row, size);
            w[x] = nw;
            if (std::fabs(d) > maxMove) maxMove = std::fabs(d);
          }
          if (nw > maxW) maxW = nw;
        }
        if (maxMove <= p_.tol * maxW) break;
      }
      DropZeros();
    }
    out.clear();
    for (long long x = 0; x < size_; ++x) {
      inSet_[items_[x]] = 0;
      if (w_[x] > 0) out.push_back({items_[x], w_[x]});
    }
  }

 private:
  long long EnterViolators(long long j) {
    const long long n = n_;
    std::fill(grad_.begin(), grad_.end(), 0.0);
    double maxW = 0;
    for (long long x = 0; x < size_; ++x) {
      const double wx = w_[x];
      maxW = std::max(maxW, wx);
      const double* row = g_ + static_cast<long long>(items_[x]) * n;
      AddScaled(grad_.data(), wx, row, n);
    }
    cand_.clear();
    const double* bj = g_ + j * n;
    for (long long k = 0; k < n; ++k) {
      if (k == j || inSet_[k]) continue;
      const double v = bj[k] - grad_[k] - p_.l1;
      const double h = g_[k * n + k] + p_.l2;
      if (v > 0 && h > 0 && v > p_.tol * maxW * h) {
        cand_.push_back(static_cast<int32_t>(k));
        move_[k] = v / h;
      }
    }
    const long long room = std::max(kRoom, size_);
    const long long nc = static_cast<long long>(cand_.size());
    if (nc > room) {
      std::sort(cand_.begin(), cand_.end(), [&](int32_t x, int32_t y) {
        return move_[x] > move_[y] || (move_[x] == move_[y] && x < y);
      });
    }
    const long long take = std::min(room, nc);
    if (size_ + take > cap_) Grow(std::max(2 * cap_, size_ + take));
    for (long long c = 0; c < take; ++c) {
      const int32_t k = cand_[c];
      const long long x = size_++;
      inSet_[k] = 1;
      items_[x] = k;
      w_[x] = 0;
      q_[x] = grad_[k];
      b_[x] = bj[k];
      diag_[x] = g_[static_cast<long long>(k) * n + k] + p_.l2;
      for (long long y = 0; y <= x; ++y) {
        const double gy = g_[static_cast<long long>(k) * n + items_[y]];
        sub_[x * cap_ + y] = gy;
        sub_[y * cap_ + x] = gy;
      }
    }
    return take;
  }

  void DropZeros() {
    long long zeros = 0;
    for (long long x = 0; x < size_; ++x)
      if (!(w_[x] > 0)) ++zeros;
    if (2 * zeros <= size_) return;
    long long keep = 0;
    for (long long x = 0; x < size_; ++x) {
      if (!(w_[x] > 0)) {
        inSet_[items_[x]] = 0;
        continue;
      }
      items_[keep] = items_[x];
      w_[keep] = w_[x];
      q_[keep] = q_[x];
      b_[keep] = b_[x];
      diag_[keep] = diag_[x];
      ++keep;
    }
    if (keep == size_) return;
    size_ = keep;
    for (long long x = 0; x < keep; ++x) {
      const double* row = g_ + static_cast<long long>(items_[x]) * n_;
      for (long long y = 0; y < keep; ++y) sub_[x * cap_ + y] = row[items_[y]];
    }
  }

  void Grow(long long cap) {
    std::vector<double> sub(static_cast<size_t>(cap * cap), 0.0);
    for (long long x = 0; x < size_; ++x)
      for (long long y = 0; y < size_; ++y) sub[x * cap + y] = sub_[x * cap_ + y];
    sub_.swap(sub);
    items_.resize(cap);
    w_.resize(cap);
    q_.resize(cap);
    b_.resize(cap);
    diag_.resize(cap);
    cap_ = cap;
  }

  const double* g_;
  long long n_;
  Params p_;
  std::vector<uint8_t> inSet_;
  std::vector<double> grad_, move_;
  std::vector<int32_t> cand_, items_;
  std::vector<double> w_, q_, b_, diag_, sub_;
  long long cap_ = 0, size_ = 0;
};

inline bool Before(const std::pair<int32_t, double>& a, const std::pair<int32_t, double>& b) {
  return a.second > b.second || (a.second == b.second && a.first < b.first);
}

Napi::Value SlimColumns(const Napi::CallbackInfo& info) {
  return rk::Guard(info, [&]() -> Napi::Value {
    rk::Args args(info);
    auto gram = args.Float64(0, "gram");
    const long long n = static_cast<long long>(args.Number(1, "n"));
    Params p{args.Number(2, "l1"), args.Number(3, "l2"), 0, 0};
    p.maxSweeps = static_cast<long long>(args.Number(4, "maxSweeps"));
    p.tol = args.Number(5, "tol");
    const long long topK = static_cast<long long>(args.Number(6, "topK"));
    auto weights = args.Float32(7, "weights");
    const int threads = static_cast<int>(args.Number(8, "threads"));
    RK_CHECK(n >= 1 && static_cast<long long>(gram.length) == n * n && static_cast<long long>(weights.length) == n * n,
             "gram and weights must hold n x n values");
    RK_CHECK(topK >= 1, "topK must be positive");
    auto sweeps = std::make_shared<long long>(0);
    auto* job = new rk::AsyncJob(
        args,
        [=](rk::JobState& st) {
          std::atomic<long long> next{0}, done{0}, total{0};
          const int t = rk::ClampThreads(threads, n);
          rk::ParallelFor(t, t, [&](long long, long long, int) {
            ColumnSolver solver(gram.data, n, p);
            std::vector<std::pair<int32_t, double>> col;
            long long mine = 0;
            for (;;) {
              const long long j = next.fetch_add(1);
              if (j >= n || st.cancelled.load(std::memory_order_relaxed)) break;
              solver.Solve(j, col);
              mine += solver.sweeps;
              const long long keep = std::min<long long>(topK, static_cast<long long>(col.size()));
              std::partial_sort(col.begin(), col.begin() + keep, col.end(), Before);
              for (long long c = 0; c < keep; ++c) weights.data[col[c].first * n + j] = static_cast<float>(col[c].second);
              st.progress.store(static_cast<double>(done.fetch_add(1) + 1) / n, std::memory_order_relaxed);
            }
            total.fetch_add(mine);
          });
          rk::ThrowIfCancelled(st);
          *sweeps = total.load();
        },
        [sweeps](Napi::Env env) -> Napi::Value { return Napi::Number::New(env, static_cast<double>(*sweeps)); });
    return job->Start();
  });
}
RK_REGISTER("slimColumns", SlimColumns);

}  // namespace
