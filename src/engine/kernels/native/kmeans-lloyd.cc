// kmeansLloyd: a whole Lloyd/Hamerly k-means fit in one job, same semantics as ts/kmeans-lloyd.ts
// (assignment as ts/assign-clusters.ts, M-step sums as ts/kmeans-cluster-sums.ts, empty clusters
// as ts/kmeans-relocate-empty.ts, means as ts/kmeans-update-centroids.ts). One job per fit, not
// one per pass: buffers are allocated once, dense rows are reduced once to their non-zeros (same
// ascending-j order, so every sum keeps its bits), and the M-step runs here, parallel over
// clusters, instead of in JS.
// M-step sums without per-thread k*dim buffers: rows are bucketed by label (ascending row), and
// each cluster's sum is built from its rows in the twin's order: the rows of thread range 0 summed
// from zero, then each later range's rows summed from zero and added (only the columns they touch;
// adding 0 elsewhere changes no bits).
// TS: kmeansLloyd(offsets: Int32Array | null, cols: Int32Array | null, values: Float32Array,
//   nRows: number, dim: number, rowNorms: Float64Array, init: Float32Array, k: number,
//   maxIter: number, tolAbs: number, bounds: number, separation: number, spherical: number,
//   threads: number, outCentroids: Float32Array, outLabels: Int32Array, outDistances: Float64Array,
//   outHistory: Float64Array)
//   -> NativeJob<{ iterations: number; converged: boolean; relocated: number; full: number;
//   passes: number }>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>

#include "kmeans-rows.h"

namespace {

struct LloydOut {
  long long iterations = 0, relocated = 0, full = 0, passes = 0;
  bool converged = false;
};

struct Move {
  long long row;
  int from, to;
};

// The rows as CSR of their non-zeros (dense rows converted once, in ascending j).
struct SparseRows {
  std::vector<int32_t> offStore, colStore;
  std::vector<float> valStore;
  const int32_t* off = nullptr;
  const int32_t* cols = nullptr;
  const float* vals = nullptr;

  explicit SparseRows(const rk::KmeansRows& rows) {
    if (rows.offsets) {
      off = rows.offsets;
      cols = rows.cols;
      vals = rows.values;
      return;
    }
    offStore.assign(static_cast<size_t>(rows.nRows) + 1, 0);
    for (long long r = 0; r < rows.nRows; ++r) {
      rows.ForEach(r, [&](int j, float v) {
        colStore.push_back(j);
        valStore.push_back(v);
      });
      offStore[r + 1] = static_cast<int32_t>(colStore.size());
    }
    off = offStore.data();
    cols = colStore.data();
    vals = valStore.data();
  }
};

class Lloyd {
 public:
  Lloyd(const rk::KmeansRows& rows, const double* rowNorms, int k, bool bounds, bool separation, bool spherical,
        int threads, float* C, int32_t* labels, double* distances)
      : x_(rows), n_(rows.nRows), dim_(rows.dim), k_(k), useBounds_(bounds), separation_(separation),
        spherical_(spherical), threads_(rk::ClampThreads(threads, rows.nRows)), rowNorms_(rowNorms), C_(C),
        labels_(labels), distances_(distances), next_(static_cast<size_t>(k) * dim_), CT_(static_cast<size_t>(k) * dim_), CTnext_(static_cast<size_t>(k) * dim_),
        cn_(k), lower_(bounds ? n_ : 0), shift_(k, 0.0), moved_(k), counts_(k), bucketStart_(k + 1),
        bucketRows_(n_), acc_(threads_, std::vector<double>(k)), sum_(threads_, std::vector<double>(dim_, 0.0)),
        part_(threads_, std::vector<double>(dim_, 0.0)) {
    csrView_.offsets = x_.off;
    csrView_.cols = x_.cols;
    csrView_.values = x_.vals;
    csrView_.nRows = n_;
    csrView_.dim = dim_;
    std::fill(labels_, labels_ + n_, -1);
  }

  struct Pass {
    double inertia;
    long long changed, full;
  };

  // One assignment pass over every row (ts/assign-clusters.ts without sums).
  Pass Assign(rk::JobState& st) {
    const int k = k_, dim = dim_;
    if (!haveCT_) {
      rk::TransposeCentroids(C_, k, dim, CT_.data(), threads_);
      Norms(nullptr);
      haveCT_ = true;
    }
    std::vector<double> sep;
    if (useBounds_ && ready_ && separation_) sep = rk::HalfSeparation(C_, CT_.data(), cn_, k, dim, threads_);
    double s1 = 0, s2 = 0;
    int r1 = 0;
    if (useBounds_) {
      for (int c = 1; c < k; ++c)
        if (shift_[c] > shift_[r1]) r1 = c;
      s1 = shift_[r1];
      for (int c = 0; c < k; ++c)
        if (c != r1 && shift_[c] > s2) s2 = shift_[c];
    }
    std::vector<long long> partChanged(threads_, 0), partFull(threads_, 0);
    const bool ready = ready_;
    rk::ParallelFor(n_, threads_, [&](long long b, long long e, int t) {
      double* acc = acc_[t].data();
      long long changed = 0, full = 0;
      for (long long i0 = b; i0 < e; i0 += 256) {
        rk::ThrowIfCancelled(st);
        long long i1 = std::min(e, i0 + 256);
        for (long long i = i0; i < i1; ++i) {
          double xn = rowNorms_[i];
          int prev = labels_[i];
          int best = -1;
          double bestD = 0;
          const int32_t p0 = x_.off[i], p1 = x_.off[i + 1];
          if (useBounds_ && ready && prev >= 0 && prev < k) {
            double dot = 0.0;
            const float* ca = C_ + static_cast<size_t>(prev) * dim;
            for (int32_t p = p0; p < p1; ++p) dot += static_cast<double>(x_.vals[p]) * ca[x_.cols[p]];
            double da = std::max(0.0, xn + cn_[prev] - 2.0 * dot);
            double l = lower_[i] - (prev == r1 ? s2 : s1);
            double m = sep.empty() ? l : std::max(sep[prev], l);
            if (std::sqrt(da) <= m) {
              best = prev;
              bestD = da;
              lower_[i] = l;
            }
          }
          if (best < 0) {
            ++full;
            rk::RowDots(x_.cols, x_.vals, p0, p1, CT_.data(), k, acc);
            double d1 = std::numeric_limits<double>::infinity(), d2 = d1;
            best = 0;
            for (int c = 0; c < k; ++c) {
              double d = std::max(0.0, xn + cn_[c] - 2.0 * acc[c]);
              if (d < d1) {
                d2 = d1;
                d1 = d;
                best = c;
              } else if (d < d2) {
                d2 = d;
              }
            }
            bestD = d1;
            if (useBounds_) lower_[i] = std::sqrt(d2);
          }
          if (best != prev) ++changed;
          labels_[i] = best;
          distances_[i] = bestD;
        }
      }
      partChanged[t] = changed;
      partFull[t] = full;
    });
    ready_ = true;
    Pass out{rk::BlockedSum(distances_, n_, threads_), 0, 0};
    for (int t = 0; t < threads_; ++t) {
      out.changed += partChanged[t];
      out.full += partFull[t];
    }
    return out;
  }

  // M-step after a pass: sums per cluster, empty clusters repaired, centroids moved to the means.
  // Returns the total squared movement; the rows moved are counted in `relocated`.
  double Update(rk::JobState& st, long long& relocated) {
    const int k = k_;
    // Bucket rows by label (counting sort keeps ascending row order within a cluster).
    std::fill(bucketStart_.begin(), bucketStart_.end(), 0);
    for (long long i = 0; i < n_; ++i) ++bucketStart_[labels_[i] + 1];
    for (int c = 0; c < k; ++c) bucketStart_[c + 1] += bucketStart_[c];
    {
      std::vector<int32_t> fill(bucketStart_.begin(), bucketStart_.end() - 1);
      for (long long i = 0; i < n_; ++i) bucketRows_[fill[labels_[i]]++] = static_cast<int32_t>(i);
    }
    for (int c = 0; c < k; ++c) counts_[c] = bucketStart_[c + 1] - bucketStart_[c];
    std::vector<Move> moves = Relocate();
    relocated += static_cast<long long>(moves.size());
    std::atomic<int> nextCluster{0};
    rk::ParallelFor(threads_, threads_, [&](long long, long long, int t) {
      for (int c = nextCluster.fetch_add(1); c < k; c = nextCluster.fetch_add(1)) {
        rk::ThrowIfCancelled(st);
        UpdateCluster(c, moves, sum_[t].data(), part_[t].data());
      }
    });
    rk::TransposeCentroids(next_.data(), k, dim_, CTnext_.data(), threads_);
    Norms(&moved_);
    CT_.swap(CTnext_);
    double total = 0.0;
    for (int c = 0; c < k; ++c) {
      shift_[c] = std::sqrt(moved_[c]);
      total += moved_[c];
    }
    std::copy(next_.begin(), next_.end(), C_);
    return total;
  }

 private:
  // cn[c] = ||c||^2 of the centroids in CT (or CTnext, when `moved` is given: then also
  // moved[c] = ||c_next - c||^2 against CT). Both sums run over ascending j for each c, as
  // centroidNorms and updateCentroids in the twin, but read the transposed layout so the loop
  // runs over c: k independent sums side by side instead of one latency-bound chain per centroid.
  void Norms(std::vector<double>* moved) {
    const int k = k_, dim = dim_;
    const float* now = moved ? CTnext_.data() : CT_.data();
    const float* before = CT_.data();
    double* mv = moved ? moved->data() : nullptr;
    rk::ParallelFor(k, threads_, [&](long long c0, long long c1, int) {
      double* cn = cn_.data();
      std::fill(cn + c0, cn + c1, 0.0);
      if (mv) std::fill(mv + c0, mv + c1, 0.0);
      for (int j = 0; j < dim; ++j) {
        const float* a = now + static_cast<size_t>(j) * k;
        const float* b = before + static_cast<size_t>(j) * k;
        for (long long c = c0; c < c1; ++c) {
          double v = a[c];
          cn[c] += v * v;
        }
        if (mv)
          for (long long c = c0; c < c1; ++c) {
            double d = static_cast<double>(a[c]) - static_cast<double>(b[c]);
            mv[c] += d * d;
          }
      }
    });
  }

  // relocateEmptyClusters: the farthest rows (lower row first on ties) each fill one empty cluster.
  std::vector<Move> Relocate() {
    std::vector<int> empty;
    for (int c = 0; c < k_; ++c)
      if (counts_[c] == 0) empty.push_back(c);
    std::vector<Move> moves;
    if (empty.empty()) return moves;
    std::vector<int32_t> order(n_);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
      return distances_[a] != distances_[b] ? distances_[a] > distances_[b] : a < b;
    });
    for (size_t e = 0; e < empty.size() && static_cast<long long>(e) < n_; ++e) {
      long long r = order[e];
      Move mv{r, labels_[r], empty[e]};
      counts_[mv.from] -= 1;
      counts_[mv.to] = 1;
      labels_[r] = mv.to;
      distances_[r] = 0;
      if (useBounds_) lower_[r] = 0;
      moves.push_back(mv);
    }
    return moves;
  }

  // Cluster c's sums (twin order, see the top), its relocation edits, then its mean (updateCentroids;
  // the movement is summed in Norms). `sum` and `part` are dim doubles, all zero on entry and on return.
  void UpdateCluster(int c, const std::vector<Move>& moves, double* sum, double* part) {
    const int dim = dim_;
    const int32_t* rowsOf = bucketRows_.data() + bucketStart_[c];
    const long long m = bucketStart_[c + 1] - bucketStart_[c];
    bool first = true;
    for (long long q = 0; q < m;) {
      // Rows of the same thread range [n*t/T, n*(t+1)/T) (ascending rows, so ranges are runs).
      long long t = static_cast<long long>(rowsOf[q]) * threads_ / n_;
      while (n_ * (t + 1) / threads_ <= rowsOf[q]) ++t;
      long long end = n_ * (t + 1) / threads_;
      long long q1 = q;
      while (q1 < m && rowsOf[q1] < end) ++q1;
      double* target = first ? sum : part;
      for (long long s = q; s < q1; ++s)
        for (int32_t p = x_.off[rowsOf[s]], pe = x_.off[rowsOf[s] + 1]; p < pe; ++p) target[x_.cols[p]] += x_.vals[p];
      if (!first) {
        for (long long s = q; s < q1; ++s)
          for (int32_t p = x_.off[rowsOf[s]], pe = x_.off[rowsOf[s] + 1]; p < pe; ++p) {
            int j = x_.cols[p];
            sum[j] += part[j];
            part[j] = 0.0;
          }
      }
      first = false;
      q = q1;
    }
    for (const Move& mv : moves) {
      if (mv.from == c)
        for (int32_t p = x_.off[mv.row], pe = x_.off[mv.row + 1]; p < pe; ++p) sum[x_.cols[p]] -= x_.vals[p];
      if (mv.to == c) {
        std::fill(sum, sum + dim, 0.0);
        for (int32_t p = x_.off[mv.row], pe = x_.off[mv.row + 1]; p < pe; ++p) sum[x_.cols[p]] += x_.vals[p];
      }
    }
    const double count = static_cast<double>(counts_[c]);
    const float* old = C_ + static_cast<size_t>(c) * dim;
    float* nx = next_.data() + static_cast<size_t>(c) * dim;
    if (count > 0) {
      for (int j = 0; j < dim; ++j) nx[j] = static_cast<float>(sum[j] / count);
    } else {
      std::copy(old, old + dim, nx);
    }
    if (spherical_) {
      double s = 0.0;
      for (int j = 0; j < dim; ++j) s += static_cast<double>(nx[j]) * nx[j];
      if (s != 0.0) {
        double inv = 1.0 / std::sqrt(s);
        for (int j = 0; j < dim; ++j) nx[j] = static_cast<float>(nx[j] * inv);
      }
    }
    std::fill(sum, sum + dim, 0.0);
  }

  SparseRows x_;
  rk::KmeansRows csrView_;
  long long n_;
  int dim_, k_;
  bool useBounds_, separation_, spherical_;
  int threads_;
  const double* rowNorms_;
  float* C_;
  int32_t* labels_;
  double* distances_;
  std::vector<float> next_, CT_, CTnext_;
  std::vector<double> cn_, lower_, shift_, moved_;
  std::vector<long long> counts_, bucketStart_;
  std::vector<int32_t> bucketRows_;
  std::vector<std::vector<double>> acc_, sum_, part_;
  bool ready_ = false, haveCT_ = false;
};

Napi::Value KmeansLloyd(const Napi::CallbackInfo& info) {
  return rk::Guard(info, [&]() -> Napi::Value {
    rk::KmeansRows rows = rk::RowsArg(info, 0);
    auto rowNorms = rk::Float64Arg(info, 5, "rowNorms");
    auto init = rk::Float32Arg(info, 6, "init");
    int k = static_cast<int>(rk::NumberArg(info, 7, "k"));
    double maxIterArg = rk::NumberArg(info, 8, "maxIter");
    double tolAbs = rk::NumberArg(info, 9, "tolAbs");
    bool bounds = rk::NumberArg(info, 10, "bounds") != 0;
    bool separation = rk::NumberArg(info, 11, "separation") != 0;
    bool spherical = rk::NumberArg(info, 12, "spherical") != 0;
    int threads = static_cast<int>(rk::NumberArg(info, 13, "threads"));
    auto outC = rk::Float32Arg(info, 14, "outCentroids");
    auto outLabels = rk::Int32Arg(info, 15, "outLabels");
    auto outDistances = rk::Float64Arg(info, 16, "outDistances");
    auto outHistory = rk::Float64Arg(info, 17, "outHistory");
    long long n = rows.nRows;
    int dim = rows.dim;
    RK_CHECK(k >= 1 && init.length == static_cast<size_t>(k) * dim,
             "init has " + std::to_string(init.length) + " values, expected k*dim = " + std::to_string(k) + "*" +
                 std::to_string(dim));
    RK_CHECK(maxIterArg >= 1 && maxIterArg == std::floor(maxIterArg) && maxIterArg < 1e9,
             "maxIter must be an integer >= 1, got " + std::to_string(maxIterArg));
    RK_CHECK(tolAbs >= 0, "tolAbs must be >= 0, got " + std::to_string(tolAbs));
    RK_CHECK(rowNorms.length == static_cast<size_t>(n), "rowNorms must have nRows entries");
    long long maxIter = static_cast<long long>(maxIterArg);
    RK_CHECK(outC.length == init.length && outLabels.length == static_cast<size_t>(n) &&
                 outDistances.length == static_cast<size_t>(n) && outHistory.length >= static_cast<size_t>(maxIter) + 1,
             "output buffers have the wrong lengths");
    auto out = std::make_shared<LloydOut>();
    auto* job = new rk::AsyncJob(
        info.Env(),
        [=](rk::JobState& st) {
          rows.Validate();
          std::copy(init.data, init.data + init.length, outC.data);
          Lloyd fit(rows, rowNorms.data, k, bounds, separation, spherical, threads, outC.data, outLabels.data,
                    outDistances.data);
          bool strict = false;
          while (out->iterations < maxIter) {
            auto r = fit.Assign(st);
            outHistory.data[out->passes++] = r.inertia;
            out->full += r.full;
            ++out->iterations;
            st.progress.store(static_cast<double>(out->iterations) / static_cast<double>(maxIter));
            if (r.changed == 0) {
              strict = out->converged = true;
              break;
            }
            if (fit.Update(st, out->relocated) <= tolAbs) {
              out->converged = true;
              break;
            }
          }
          if (!strict) {
            auto r = fit.Assign(st);
            outHistory.data[out->passes++] = r.inertia;
            out->full += r.full;
          }
          st.progress.store(1.0);
        },
        [out](Napi::Env env) -> Napi::Value {
          Napi::Object o = Napi::Object::New(env);
          o.Set("iterations", Napi::Number::New(env, static_cast<double>(out->iterations)));
          o.Set("converged", Napi::Boolean::New(env, out->converged));
          o.Set("relocated", Napi::Number::New(env, static_cast<double>(out->relocated)));
          o.Set("full", Napi::Number::New(env, static_cast<double>(out->full)));
          o.Set("passes", Napi::Number::New(env, static_cast<double>(out->passes)));
          return o;
        });
    for (size_t i = 0; i < 18; ++i) job->Pin(info[i]);
    return job->Start();
  });
}
RK_REGISTER("kmeansLloyd", KmeansLloyd);

}  // namespace
