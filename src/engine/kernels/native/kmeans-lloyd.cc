// kmeansLloyd: a whole Lloyd/Hamerly k-means fit in one job, same semantics as ts/kmeans-lloyd.ts
// (assignment as ts/assign-clusters.ts, M-step sums as ts/kmeans-cluster-sums.ts, empty clusters
// as ts/kmeans-relocate-empty.ts, means as ts/kmeans-update-centroids.ts). One job per fit, not
// one per pass: buffers are allocated once, dense rows are reduced once to their non-zeros (same
// ascending-j order, so every sum keeps its bits), and the M-step runs here instead of in JS.
// Centroids live transposed (CT[j*k + c]) for the whole fit: the assignment reads them that way,
// and the M-step writes them that way, column by column from the rows in CSC order (a column's
// entries come in ascending row order, so each sum[c][j] adds its rows in the twin's order: the
// rows of thread range 0 from zero, then each later range's rows summed from zero and added).
// Norms and movements are summed over ascending j for each c, vectorised over c. No per-pass
// transposes, k*dim sum buffers or row-major copies; the row-major result is written once.
// Measured 2026-11-23 (2 busy cores, src/bench/kmeans.bench.ts cases, same init, same bits):
// kmeans() on ml-latest-small 610 x 9,724, k = 50: ~70-120 ms -> ~30-45 ms; ml-100k dense
// 943 x 1,682: ~70-115 ms -> ~30-40 ms (one assignClusters job plus JS M-step per pass before).
// Cache tiling of CT for the row dots was tried (256 KB column tiles, per-row cursors) and gave
// no clear gain on these cases, so it is not here.
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

#include "kmeans-columns.h"
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

class Lloyd {
 public:
  Lloyd(const rk::KmeansRows& rows, const double* rowNorms, const float* init, int k, bool bounds, bool separation,
        bool spherical, int threads, int32_t* labels, double* distances)
      : x_(rows), xt_(x_, rows.nRows, rows.dim), n_(rows.nRows), dim_(rows.dim), k_(k), useBounds_(bounds),
        separation_(separation), spherical_(spherical), threads_(rk::ClampThreads(threads, rows.nRows)),
        rowNorms_(rowNorms), labels_(labels), distances_(distances), CT_(static_cast<size_t>(k) * dim_),
        CTnext_(CT_.size()), cn_(k), lower_(bounds ? n_ : 0), shift_(k, 0.0), moved_(k), counts_(k), countsD_(k),
        acc_(threads_, std::vector<double>(k)), part_(threads_, std::vector<double>(2 * static_cast<size_t>(k))) {
    std::fill(labels_, labels_ + n_, -1);
    rk::TransposeCentroids(init, k, dim_, CT_.data(), threads_);
    Norms(nullptr);
  }

  struct Pass {
    double inertia;
    long long changed, full;
  };

  // One assignment pass over every row (ts/assign-clusters.ts without sums).
  Pass Assign(rk::JobState& st) {
    const int k = k_;
    const float* CT = CT_.data();
    std::vector<double> sep;
    if (useBounds_ && ready_ && separation_) sep = rk::HalfSeparation(CT, cn_, k, dim_, threads_);
    const rk::LargestShifts shifts = useBounds_ ? rk::FindLargestShifts(shift_.data(), k) : rk::LargestShifts{};
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
            for (int32_t p = p0; p < p1; ++p)
              dot += static_cast<double>(x_.vals[p]) * CT[static_cast<size_t>(x_.cols[p]) * k + prev];
            double da = std::max(0.0, xn + cn_[prev] - 2.0 * dot);
            double halfSep = sep.empty() ? -std::numeric_limits<double>::infinity() : sep[prev];
            if (rk::BoundKeepsLabel(da, &lower_[i], shifts.For(prev), halfSep)) {
              best = prev;
              bestD = da;
            }
          }
          if (best < 0) {
            ++full;
            rk::RowDots(x_.cols, x_.vals, p0, p1, CT, k, acc);
            const rk::NearestTwo near = rk::FindNearestTwo(xn, cn_.data(), acc, k);
            best = near.best;
            bestD = near.d1;
            if (useBounds_) lower_[i] = std::sqrt(near.d2);
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
  // Returns the total squared movement; the rows moved are added to `relocated`.
  double Update(rk::JobState& st, long long& relocated) {
    const int k = k_;
    std::fill(counts_.begin(), counts_.end(), 0);
    for (long long i = 0; i < n_; ++i) ++counts_[labels_[i]];
    std::vector<Move> moves = Relocate();
    relocated += static_cast<long long>(moves.size());
    stillEmpty_.clear();
    for (int c = 0; c < k; ++c) {
      countsD_[c] = static_cast<double>(counts_[c]);
      if (counts_[c] == 0) stillEmpty_.push_back(c);
    }
    // The moved rows, dense (zeros where absent: subtracting or adding 0 leaves a sum's bits).
    std::vector<float> moveRows(moves.size() * static_cast<size_t>(dim_), 0.0f);
    for (size_t m = 0; m < moves.size(); ++m)
      for (int32_t p = x_.off[moves[m].row]; p < x_.off[moves[m].row + 1]; ++p)
        moveRows[m * dim_ + x_.cols[p]] = x_.vals[p];
    std::atomic<int> nextTile{0};
    const int nTiles = (dim_ + kColumnTile - 1) / kColumnTile;
    rk::ParallelFor(threads_, threads_, [&](long long, long long, int t) {
      for (int tile = nextTile.fetch_add(1); tile < nTiles; tile = nextTile.fetch_add(1)) {
        rk::ThrowIfCancelled(st);
        int j0 = tile * kColumnTile, j1 = std::min(dim_, j0 + kColumnTile);
        for (int j = j0; j < j1; ++j) UpdateColumn(j, moves, moveRows, part_[t].data());
      }
    });
    // Labels change only now: the sums above are those of the pass's labels, as in the twin.
    for (const Move& mv : moves) labels_[mv.row] = mv.to;
    if (spherical_) Normalise();
    Norms(&moved_);
    CT_.swap(CTnext_);
    double total = 0.0;
    for (int c = 0; c < k; ++c) {
      shift_[c] = std::sqrt(moved_[c]);
      total += moved_[c];
    }
    return total;
  }

  // The centroids, row-major (k x dim).
  void Centroids(float* out) const {
    const int k = k_, dim = dim_;
    rk::ParallelFor(k, threads_, [&](long long c0, long long c1, int) {
      for (int j = 0; j < dim; ++j)
        for (long long c = c0; c < c1; ++c) out[c * dim + j] = CT_[static_cast<size_t>(j) * k + c];
    });
  }

 private:
  static constexpr int kColumnTile = 64;

  // cn[c] = ||c||^2 of the centroids in CT (or CTnext, when `moved` is given: then also
  // moved[c] = ||c_next - c||^2 against CT). Both sums run over ascending j for each c, as
  // centroidNorms and updateCentroids in the twin, with the k sums side by side (vectorised
  // over c) instead of one latency-bound chain per centroid.
  void Norms(std::vector<double>* moved) {
    static const bool avx2 = __builtin_cpu_supports("avx2");
    const float* now = moved ? CTnext_.data() : CT_.data();
    const float* before = moved ? CT_.data() : nullptr;
    double* mv = moved ? moved->data() : nullptr;
    rk::ParallelFor(k_, threads_, [&](long long c0, long long c1, int) {
      if (avx2)
        rk::NormsAvx2(now, before, k_, dim_, static_cast<int>(c0), static_cast<int>(c1), cn_.data(), mv);
      else
        rk::NormsScalar(now, before, k_, dim_, static_cast<int>(c0), static_cast<int>(c1), cn_.data(), mv);
    });
  }

  // normaliseRow on every centroid of CTnext: s = ||c||^2 over ascending j, then c *= 1/sqrt(s)
  // (a zero centroid is left as it is).
  void Normalise() {
    const int k = k_, dim = dim_;
    float* ct = CTnext_.data();
    rk::ParallelFor(k, threads_, [&](long long c0, long long c1, int) {
      std::vector<double> s(static_cast<size_t>(c1 - c0), 0.0);
      for (int j = 0; j < dim; ++j)
        for (long long c = c0; c < c1; ++c) {
          double v = ct[static_cast<size_t>(j) * k + c];
          s[c - c0] += v * v;
        }
      for (long long c = c0; c < c1; ++c) {
        if (s[c - c0] == 0.0) continue;
        double inv = 1.0 / std::sqrt(s[c - c0]);
        for (int j = 0; j < dim; ++j) {
          float& v = ct[static_cast<size_t>(j) * k + c];
          v = static_cast<float>(v * inv);
        }
      }
    });
  }

  // relocateEmptyClusters: the farthest rows (lower row first on ties) each fill one empty
  // cluster. Counts, distances and bounds change here; labels after the M-step sums.
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
      distances_[r] = 0;
      if (useBounds_) lower_[r] = 0;
      moves.push_back(mv);
    }
    return moves;
  }

  // Column j of every cluster's sum (twin order, see the top), the relocation edits, then the
  // means into CTnext (a cluster left empty keeps its centroid). `part` holds 2k zeros.
  void UpdateColumn(int j, const std::vector<Move>& moves, const std::vector<float>& moveRows, double* part) {
    const int k = k_;
    double* sum = part + k;
    const int32_t q0 = xt_.off[j], q1 = xt_.off[j + 1];
    int32_t q = q0;
    for (int t = 0; t < threads_ && q < q1; ++t) {
      const long long end = n_ * (t + 1) / threads_;
      int32_t qe = q;
      while (qe < q1 && xt_.rows[qe] < end) ++qe;
      if (t == 0) {
        for (int32_t e = q; e < qe; ++e) sum[labels_[xt_.rows[e]]] += xt_.vals[e];
      } else {
        for (int32_t e = q; e < qe; ++e) part[labels_[xt_.rows[e]]] += xt_.vals[e];
        for (int32_t e = q; e < qe; ++e) {
          int c = labels_[xt_.rows[e]];
          sum[c] += part[c];
          part[c] = 0.0;
        }
      }
      q = qe;
    }
    for (size_t m = 0; m < moves.size(); ++m) {
      float v = moveRows[m * dim_ + j];
      sum[moves[m].from] -= v;
      sum[moves[m].to] = 0.0;
      sum[moves[m].to] += v;
    }
    const float* old = CT_.data() + static_cast<size_t>(j) * k;
    float* nx = CTnext_.data() + static_cast<size_t>(j) * k;
    rk::MeanColumn(sum, countsD_.data(), nx, k);
    for (int c : stillEmpty_) nx[c] = old[c];
  }

  rk::SparseRows x_;
  rk::SparseColumns xt_;
  long long n_;
  int dim_, k_;
  bool useBounds_, separation_, spherical_;
  int threads_;
  const double* rowNorms_;
  int32_t* labels_;
  double* distances_;
  std::vector<float> CT_, CTnext_;
  std::vector<double> cn_, lower_, shift_, moved_;
  std::vector<long long> counts_;
  std::vector<double> countsD_;
  std::vector<int> stillEmpty_;
  std::vector<std::vector<double>> acc_, part_;
  bool ready_ = false;
};

Napi::Value KmeansLloyd(const Napi::CallbackInfo& info) {
  return rk::Guard(info, [&]() -> Napi::Value {
    rk::Args args(info);
    rk::KmeansRows rows = rk::RowsArg(args, 0);
    auto rowNorms = args.Float64(5, "rowNorms");
    auto init = args.Float32(6, "init");
    int k = static_cast<int>(args.Number(7, "k"));
    double maxIterArg = args.Number(8, "maxIter");
    double tolAbs = args.Number(9, "tolAbs");
    bool bounds = args.Number(10, "bounds") != 0;
    bool separation = args.Number(11, "separation") != 0;
    bool spherical = args.Number(12, "spherical") != 0;
    int threads = static_cast<int>(args.Number(13, "threads"));
    auto outC = args.Float32(14, "outCentroids");
    auto outLabels = args.Int32(15, "outLabels");
    auto outDistances = args.Float64(16, "outDistances");
    auto outHistory = args.Float64(17, "outHistory");
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
        args, [=](rk::JobState& st) {
          rows.Validate();
          Lloyd fit(rows, rowNorms.data, init.data, k, bounds, separation, spherical, threads, outLabels.data,
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
          fit.Centroids(outC.data);
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
    return job->Start();
  });
}
RK_REGISTER("kmeansLloyd", KmeansLloyd);

}  // namespace
