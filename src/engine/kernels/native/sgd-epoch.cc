// sgdEpoch: one epoch of biased matrix-factorisation SGD, Surprise's update order per rating:
//   err = r - (mu + b_u + b_i + q_i . p_u)
//   b_u += lr_bu (err - reg_bu b_u);  b_i += lr_bi (err - reg_bi b_i)
//   for f: p_uf += lr_pu (err q_if - reg_pu p_uf);  q_if += lr_qi (err p_uf - reg_qi q_if)  (old values)
// Same semantics and arithmetic as ts/sgd-epoch.ts: scalars in double stored as float, factor
// updates in float (-ffp-contract=off keeps FMA out, so both twins round identically), the dot
// product in 8 lanes (lane = f % 8) combined pairwise. Blocks run stratum by stratum; the blocks
// of a stratum share no user and no item; t threads run blocks as soon as the blocks before them
// on the same rows and columns are done (no locks, no barrier), and the result equals the
// sequential order's (FPSGD/DSGD-style, deterministic for a seed).
// TS: sgdEpoch(users: Int32Array, items: Int32Array, ratings: Float32Array, blockOffsets: Int32Array,
//   grid: number, userFactors: Float32Array, itemFactors: Float32Array, userBias: Float32Array,
//   itemBias: Float32Array, factors: number, globalMean: number, biased: boolean,
//   rates: Float64Array [lrBu, lrBi, lrPu, lrQi, regBu, regBi, regPu, regQi],
//   shuffleSeed: number (-1: keep order), threads: number) -> NativeJob<{ sse: number; penalty: number }>
#include <algorithm>
#include <array>
#include <atomic>
#include <thread>
#include <vector>

#include "async-job.h"
#include "napi-args.h"
#include "parallel.h"
#include "rng.h"

namespace {

struct Plan {
  const int32_t* users;
  const int32_t* items;
  const float* ratings;
  const int32_t* offsets;
  int grid;
};

struct Params {
  float* P;
  float* Q;
  float* bu;
  float* bi;
  int k;
  double mu;
  bool biased;
  double lrBu, lrBi, regBu, regBi;
  float lrPu, lrQi, regPu, regQi;
};

// Prefetch distance in ratings (1-2 measured best; 4+ fetches too early under contention).
constexpr long long kPrefetch = 2;

// Entries between cancel polls / progress updates: ~1 ms of work.
constexpr long long kChunk = 16384;

// The per-rating update over entries [lo, hi). Inlined into a default and an AVX2 build; both
// give the same floats (no FMA, same operation order), only the vector width differs.
// K > 0: the factor count fixed at compile time (the default 100), so the lane accumulators stay
// in registers and the loops unroll; the same operations in the same order as K = 0 (m.k at run time).
template <int K>
__attribute__((always_inline)) inline double BlockBody(const Plan& pl, const Params& m, long long lo, long long hi,
                                                       double sse) {
  // Everything in locals: the factor stores could otherwise alias the Params fields, which keeps
  // the compiler from vectorising the update loop (measured: scalar code, ~2x slower).
  const int k = K > 0 ? K : m.k;
  const int k8 = k - k % 8;
  const int32_t* const users = pl.users;
  const int32_t* const items = pl.items;
  const float* const ratings = pl.ratings;
  float* const P = m.P;
  float* const Q = m.Q;
  float* const bu = m.bu;
  float* const bi = m.bi;
  const double mu = m.mu, lrBu = m.lrBu, lrBi = m.lrBi, regBu = m.regBu, regBi = m.regBi;
  const float lrPu = m.lrPu, lrQi = m.lrQi, regPu = m.regPu, regQi = m.regQi;
  const bool biased = m.biased;
  for (long long p = lo; p < hi; ++p) {
    const int u = users[p], i = items[p];
    // q_i rows are visited in random order: fetching the row two ratings ahead hides most of the
    // miss (+20% updates/s on ml-100k and ml-1m shapes, measured in CPU time; no effect on results).
    if (p + kPrefetch < hi) {
      const char* next = reinterpret_cast<const char*>(Q + static_cast<long long>(items[p + kPrefetch]) * k);
      for (int b = 0; b < k * 4; b += 64) __builtin_prefetch(next + b, 1);
    }
    float* __restrict pu = P + static_cast<long long>(u) * k;
    float* __restrict qi = Q + static_cast<long long>(i) * k;
    float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    for (int f = 0; f < k8; f += 8)
      for (int l = 0; l < 8; ++l) acc[l] += pu[f + l] * qi[f + l];
    for (int f = k8; f < k; ++f) acc[f - k8] += pu[f] * qi[f];
    const float dot = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
    const double est = biased ? mu + bu[u] + bi[i] + dot : dot;
    const double err = ratings[p] - est;
    sse += err * err;
    if (biased) {
      const double b1 = bu[u], b2 = bi[i];
      bu[u] = static_cast<float>(b1 + lrBu * (err - regBu * b1));
      bi[i] = static_cast<float>(b2 + lrBi * (err - regBi * b2));
    }
    const float e = static_cast<float>(err);
    for (int f = 0; f < k; ++f) {
      const float pf = pu[f], qf = qi[f];
      pu[f] = pf + lrPu * (e * qf - regPu * pf);
      qi[f] = qf + lrQi * (e * pf - regQi * qf);
    }
  }
  return sse;
}

double BlockDefault(const Plan& pl, const Params& m, long long lo, long long hi, double sse) {
  return m.k == 100 ? BlockBody<100>(pl, m, lo, hi, sse) : BlockBody<0>(pl, m, lo, hi, sse);
}

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx2"))) double BlockAvx2(const Plan& pl, const Params& m, long long lo, long long hi, double sse) {
  return m.k == 100 ? BlockBody<100>(pl, m, lo, hi, sse) : BlockBody<0>(pl, m, lo, hi, sse);
}
bool HasAvx2() {
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
}
#endif

// Adds the squared errors of [lo, hi) to sse (a running sum, in the reference's order).
double RunRange(const Plan& pl, const Params& m, long long lo, long long hi, double sse) {
#if defined(__x86_64__) && defined(__GNUC__)
  if (HasAvx2()) return BlockAvx2(pl, m, lo, hi, sse);
#endif
  return BlockDefault(pl, m, lo, hi, sse);
}

// Fisher-Yates from the end over one block's triples, as shuffleBlock in ts/sgd-epoch.ts.
void ShuffleBlock(int32_t* users, int32_t* items, float* ratings, long long lo, long long n, uint32_t seed) {
  rk::Rng rng(seed);
  for (long long i = n - 1; i > 0; --i) {
    long long j = lo + static_cast<long long>(rng.NextBelow(static_cast<uint32_t>(i + 1)));
    long long q = lo + i;
    std::swap(users[q], users[j]);
    std::swap(items[q], items[j]);
    std::swap(ratings[q], ratings[j]);
  }
}

uint32_t BlockSeed(uint32_t seed, int block) { return seed ^ (static_cast<uint32_t>(block + 1) * 0x9e3779b9u); }

Napi::Value SgdEpoch(const Napi::CallbackInfo& info) {
  return rk::Guard(info, [&]() -> Napi::Value {
    rk::Args args(info);
    auto users = args.Int32(0, "users");
    auto items = args.Int32(1, "items");
    auto ratings = args.Float32(2, "ratings");
    auto offsets = args.Int32(3, "blockOffsets");
    const int grid = static_cast<int>(args.Number(4, "grid"));
    auto P = args.Float32(5, "userFactors");
    auto Q = args.Float32(6, "itemFactors");
    auto bu = args.Float32(7, "userBias");
    auto bi = args.Float32(8, "itemBias");
    const int k = static_cast<int>(args.Number(9, "factors"));
    const double mu = args.Number(10, "globalMean");
    const bool biased = args.Bool(11, "biased");
    auto rates = args.Float64(12, "rates");
    const double shuffleSeed = args.Number(13, "shuffleSeed");
    const int threads = static_cast<int>(args.Number(14, "threads"));

    const long long n = static_cast<long long>(users.length);
    RK_CHECK(items.length == users.length && ratings.length == users.length, "users, items, ratings differ in length");
    RK_CHECK(grid >= 1 && offsets.length == static_cast<size_t>(grid) * grid + 1, "blockOffsets must have grid^2 + 1 entries");
    RK_CHECK(offsets.data[0] == 0 && offsets.data[offsets.length - 1] == n, "blockOffsets must span [0, n]");
    RK_CHECK(k >= 0 && rates.length == 8, "factors must be >= 0 and rates must hold 8 numbers");
    const long long nUsers = static_cast<long long>(bu.length), nItems = static_cast<long long>(bi.length);
    RK_CHECK(static_cast<long long>(P.length) == nUsers * k && static_cast<long long>(Q.length) == nItems * k,
             "factor arrays must be nUsers x factors and nItems x factors");
    for (size_t b = 0; b + 1 < offsets.length; ++b) RK_CHECK(offsets.data[b] <= offsets.data[b + 1], "blockOffsets must not decrease");

    Plan pl{users.data, items.data, ratings.data, offsets.data, grid};
    Params m{P.data, Q.data, bu.data, bi.data, k, mu, biased, rates.data[0], rates.data[1], rates.data[4], rates.data[5],
             static_cast<float>(rates.data[2]), static_cast<float>(rates.data[3]), static_cast<float>(rates.data[6]),
             static_cast<float>(rates.data[7])};
    const bool shuffle = shuffleSeed >= 0;
    const uint32_t seed = shuffle ? static_cast<uint32_t>(shuffleSeed) : 0;
    auto result = std::make_shared<std::array<double, 2>>();
    auto* job = new rk::AsyncJob(
        args, [=](rk::JobState& st) {
          // Checked here, off the event loop: an out-of-range index would write outside P or Q.
          // A branch-free pass (vectorised) first; the entry is looked for only when one is bad.
          bool bad = false;
          for (long long p = 0; p < n; ++p) {
            bad |= (static_cast<unsigned long long>(static_cast<long long>(users.data[p])) >= static_cast<unsigned long long>(nUsers)) |
                   (static_cast<unsigned long long>(static_cast<long long>(items.data[p])) >= static_cast<unsigned long long>(nItems));
          }
          for (long long p = 0; bad && p < n; ++p) {
            RK_CHECK(users.data[p] >= 0 && users.data[p] < nUsers && items.data[p] >= 0 && items.data[p] < nItems,
                     "user or item index out of range at entry " + std::to_string(p));
          }
          const int nBlocks = grid * grid;
          std::vector<double> blockSse(nBlocks, 0.0);
          std::atomic<long long> done{0};
          // One block: shuffle, then update in chunks between cancel polls.
          auto runBlock = [&](int b) {
            const long long lo = pl.offsets[b], hi = pl.offsets[b + 1];
            if (shuffle) ShuffleBlock(users.data, items.data, ratings.data, lo, hi - lo, BlockSeed(seed, b));
            double s = 0;
            for (long long c = lo; c < hi; c += kChunk) {
              if (st.cancelled.load(std::memory_order_relaxed)) return;
              const long long e = std::min(hi, c + kChunk);
              s = RunRange(pl, m, c, e, s);
              const long long d = done.fetch_add(e - c, std::memory_order_relaxed) + (e - c);
              st.progress.store(n ? static_cast<double>(d) / n : 1.0, std::memory_order_relaxed);
            }
            blockSse[b] = s;
          };
          const int t = std::min(rk::ClampThreads(threads, grid), grid);
          if (t <= 1) {
            for (int s = 0; s < grid; ++s)
              for (int j = 0; j < grid; ++j) runBlock(j * grid + (j + s) % grid);
          } else {
            // Dataflow instead of a barrier per stratum: block (row r, stratum s) may run once
            // (r, s - 1) and (r + 1, s - 1) are done, the previous users of its row block and of its
            // column block ((r + s) % grid). Every row and column block then sees its updates in
            // the sequential strata order, so the result is the same, but a thread that stalls
            // (a busy machine) holds up only the blocks that depend on it.
            std::vector<std::atomic<uint8_t>> claimed(nBlocks), finished(nBlocks);  // by s * grid + r
            for (int b = 0; b < nBlocks; ++b) {
              claimed[b].store(0);
              finished[b].store(0);
            }
            std::atomic<int> remaining{nBlocks};
            auto ready = [&](int s, int r) {
              return s == 0 || (finished[(s - 1) * grid + r].load(std::memory_order_acquire) &&
                                finished[(s - 1) * grid + (r + 1) % grid].load(std::memory_order_acquire));
            };
            auto worker = [&]() {
              while (remaining.load(std::memory_order_acquire) > 0) {
                bool ran = false;
                for (int id = 0; id < nBlocks && !ran; ++id) {
                  const int s = id / grid, r = id % grid;
                  if (claimed[id].load(std::memory_order_relaxed) || !ready(s, r)) continue;
                  uint8_t expected = 0;
                  if (!claimed[id].compare_exchange_strong(expected, 1)) continue;
                  runBlock(r * grid + (r + s) % grid);
                  finished[id].store(1, std::memory_order_release);
                  remaining.fetch_sub(1, std::memory_order_acq_rel);
                  ran = true;
                }
                if (!ran) std::this_thread::yield();
              }
            };
            std::vector<std::thread> pool;
            for (int w = 1; w < t; ++w) pool.emplace_back(worker);
            worker();
            for (auto& th : pool) th.join();
          }
          rk::ThrowIfCancelled(st);
          double sse = 0;
          for (int s = 0; s < grid; ++s)
            for (int j = 0; j < grid; ++j) sse += blockSse[j * grid + (j + s) % grid];
          // Sums of squares, each in index order as the reference's; two arrays' sums run in one
          // loop as two independent add chains (the pass is add-latency bound: ~2x faster).
          auto sq2 = [](const float* x, size_t nx, const float* y, size_t ny, double& sx, double& sy) {
            double a = 0, b = 0;
            const size_t both = std::min(nx, ny);
            for (size_t j = 0; j < both; ++j) {
              a += static_cast<double>(x[j]) * x[j];
              b += static_cast<double>(y[j]) * y[j];
            }
            for (size_t j = both; j < nx; ++j) a += static_cast<double>(x[j]) * x[j];
            for (size_t j = both; j < ny; ++j) b += static_cast<double>(y[j]) * y[j];
            sx = a;
            sy = b;
          };
          double sBu = 0, sBi = 0, sP = 0, sQ = 0;
          if (biased) sq2(bu.data, bu.length, bi.data, bi.length, sBu, sBi);
          sq2(P.data, P.length, Q.data, Q.length, sP, sQ);
          const double biases = biased ? rates.data[4] * sBu + rates.data[5] * sBi : 0.0;
          (*result)[0] = sse;
          (*result)[1] = rates.data[6] * sP + rates.data[7] * sQ + biases;
          st.progress.store(1.0);
        },
        [result](Napi::Env env) -> Napi::Value {
          Napi::Object o = Napi::Object::New(env);
          o.Set("sse", (*result)[0]);
          o.Set("penalty", (*result)[1]);
          return o;
        });
    return job->Start();
  });
}
RK_REGISTER("sgdEpoch", SgdEpoch);

}  // namespace
