// Top-N by score for factor models; same semantics as ts/top-n.ts:
//   score(u, i) = offset_u + bias_i + p_u . q_i, items with bias -inf (ineligible, padding) never
//   returned, output ordered by score desc then item index asc, padded with item -1 / score NaN.
// Scores are float32 sums (FMA) where the twin sums in double: they agree to ~1e-6 relative.
//
// TS: packItemPanels(factors: Float32Array, bias: Float32Array, eligible: Uint8Array, k: number,
//   outPanels: Float32Array, outBias: Float32Array) -> void
// TS: topNVector(panels: Float32Array, pbias: Float32Array, k: number, nItems: number,
//   factors: Float32Array, vector: Float32Array, offset: number, n: number, exclude: Int32Array,
//   candidates: Int32Array | null, outItems: Int32Array, outScores: Float32Array, threads?: number (default 1;
//   0 = all cores), codes?: Int8Array | null, scales?: Float32Array | null, weights?: Float32Array | null)
//   -> number (one thread with codes: the int8 screen of int8-screen.h)
// TS: packInt8Panels(panels: Float32Array, k: number, outCodes: Int8Array, outScales: Float32Array,
//   outWeights: Float32Array) -> boolean (false: no AVX2 here; topNVector then does not screen int8)
// TS: topNAll(panels: Float32Array, pbias: Float32Array, k: number, nItems: number,
//   userFactors: Float32Array, userOffset: Float32Array, users: Int32Array, n: number,
//   seenOffsets: Int32Array | null, seenCols: Int32Array | null, threads: number,
//   outItems: Int32Array, outScores: Float32Array) -> NativeJob<void>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <vector>

#include "async-job.h"
#include "int8-screen.h"
#include "item-panels.h"
#include "napi-args.h"
#include "parallel.h"

namespace {

using rk::kNegInf;
using rk::kPanel;

constexpr int kTileUsers = 6;    // users per micro-tile: 6 x 16 = 12 ymm accumulators (TileAvx2 is unrolled for 6)
constexpr int kBlockUsers = 96;
constexpr long long kSplitFloats = 1LL << 21;  // topNVector uses all cores above 8 MB of panels  // users per cache block: their vectors stay in L1/L2 across all panels

struct Hit {
  float score;
  int32_t item;
};

// a ranks before b: higher score, then lower item index.
inline bool Before(const Hit& a, const Hit& b) { return a.score > b.score || (a.score == b.score && a.item < b.item); }

// The best `cap` hits seen so far; the root is the worst kept (a bounded min-heap).
struct TopHeap {
  Hit* h = nullptr;
  int cap = 0;
  int size = 0;

  float Threshold() const { return size < cap ? kNegInf : h[0].score; }

  void Offer(float s, int32_t item) {
    Hit x{s, item};
    if (size < cap) {
      int i = size++;
      h[i] = x;
      while (i > 0) {
        int parent = (i - 1) / 2;
        if (!Before(h[parent], h[i])) break;
        std::swap(h[parent], h[i]);
        i = parent;
      }
      return;
    }
    if (cap == 0 || !Before(x, h[0])) return;
    h[0] = x;
    int i = 0;
    for (;;) {
      int l = 2 * i + 1, r = l + 1, worst = i;
      if (l < size && Before(h[worst], h[l])) worst = l;
      if (r < size && Before(h[worst], h[r])) worst = r;
      if (worst == i) break;
      std::swap(h[i], h[worst]);
      i = worst;
    }
  }

  void Drain(int32_t* items, float* scores) {
    std::sort(h, h + size, Before);
    for (int i = 0; i < cap; ++i) {
      items[i] = i < size ? h[i].item : -1;
      scores[i] = i < size ? h[i].score : NAN;
    }
    size = 0;
  }
};

inline bool Contains(const int32_t* sorted, long long len, int32_t x) {
  return len > 0 && std::binary_search(sorted, sorted + len, x);
}

// One user row of a cache block: its heap, its vector, its offset and the items it must skip.
struct Row {
  TopHeap heap;
  const float* vec;
  float offset;
  const int32_t* skip;
  long long skipLen;
};

// Adds a panel's 16 scores (acc + bias, then + offset) to heap: prefilter against the threshold,
// then check exclusions only for the (rare) items that would enter. The one selection step of the
// full scans (topNAll's scalar tiles, topNVector's panel split).
inline void OfferPanel(TopHeap& heap, const float* acc, const float* pbias, float offset, int32_t item0,
                       const int32_t* skip, long long skipLen) {
  for (int j = 0; j < kPanel; ++j) {
    float s = (acc[j] + pbias[j]) + offset;
    if (s > heap.Threshold() && !Contains(skip, skipLen, item0 + j)) heap.Offer(s, item0 + j);
  }
}

void TileScalar(Row* rows, int nRows, const float* panel, int k, const float* pbias, int32_t item0) {
  alignas(32) float acc[kPanel];
  for (int r = 0; r < nRows; ++r) {
    Row& row = rows[r];
    rk::PanelDotScalar(row.vec, panel, k, acc);
    OfferPanel(row.heap, acc, pbias, row.offset, item0, row.skip, row.skipLen);
  }
}

#ifdef RK_X86
// The micro-kernel: kTileUsers x 16 items, k-loop inner, accumulators in registers. Vectors of
// missing rows (nRows < kTileUsers) point at `zeros` and their results are dropped.
__attribute__((target("avx2,fma"))) void TileAvx2(Row* rows, int nRows, const float* panel, int k,
                                                  const float* pbias, int32_t item0, const float* zeros) {
  const float* u[kTileUsers];
  for (int r = 0; r < kTileUsers; ++r) u[r] = r < nRows ? rows[r].vec : zeros;
  // Named accumulators (not an array indexed later) so the compiler keeps all 12 in registers.
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  __m256 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  const float *u0 = u[0], *u1 = u[1], *u2 = u[2], *u3 = u[3], *u4 = u[4], *u5 = u[5];
  for (int f = 0; f < k; ++f) {
    __m256 b0 = _mm256_loadu_ps(panel + f * kPanel);
    __m256 b1 = _mm256_loadu_ps(panel + f * kPanel + 8);
    __m256 a = _mm256_broadcast_ss(u0 + f);
    c00 = _mm256_fmadd_ps(a, b0, c00);
    c01 = _mm256_fmadd_ps(a, b1, c01);
    a = _mm256_broadcast_ss(u1 + f);
    c10 = _mm256_fmadd_ps(a, b0, c10);
    c11 = _mm256_fmadd_ps(a, b1, c11);
    a = _mm256_broadcast_ss(u2 + f);
    c20 = _mm256_fmadd_ps(a, b0, c20);
    c21 = _mm256_fmadd_ps(a, b1, c21);
    a = _mm256_broadcast_ss(u3 + f);
    c30 = _mm256_fmadd_ps(a, b0, c30);
    c31 = _mm256_fmadd_ps(a, b1, c31);
    a = _mm256_broadcast_ss(u4 + f);
    c40 = _mm256_fmadd_ps(a, b0, c40);
    c41 = _mm256_fmadd_ps(a, b1, c41);
    a = _mm256_broadcast_ss(u5 + f);
    c50 = _mm256_fmadd_ps(a, b0, c50);
    c51 = _mm256_fmadd_ps(a, b1, c51);
  }
  const __m256 c[kTileUsers][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  __m256 pb0 = _mm256_loadu_ps(pbias), pb1 = _mm256_loadu_ps(pbias + 8);
  alignas(32) float s[kPanel];
  for (int r = 0; r < nRows; ++r) {
    __m256 o = _mm256_set1_ps(rows[r].offset);
    __m256 s0 = _mm256_add_ps(_mm256_add_ps(c[r][0], pb0), o);
    __m256 s1 = _mm256_add_ps(_mm256_add_ps(c[r][1], pb1), o);
    __m256 t = _mm256_set1_ps(rows[r].heap.Threshold());
    unsigned mask = static_cast<unsigned>(_mm256_movemask_ps(_mm256_cmp_ps(s0, t, _CMP_GT_OQ))) |
                    (static_cast<unsigned>(_mm256_movemask_ps(_mm256_cmp_ps(s1, t, _CMP_GT_OQ))) << 8);
    if (!mask) continue;
    _mm256_store_ps(s, s0);
    _mm256_store_ps(s + 8, s1);
    while (mask) {
      int j = __builtin_ctz(mask);
      mask &= mask - 1;
      Row& row = rows[r];
      if (s[j] > row.heap.Threshold() && !Contains(row.skip, row.skipLen, item0 + j)) row.heap.Offer(s[j], item0 + j);
    }
  }
}
#endif

// Arguments 0-3 of topNVector and topNAll: packItemPanels' panels and biases, k and the item count,
// parsed the same way by both. Each calls Check() where it checks its other lengths.
struct Catalog {
  rk::View<float> panels;
  rk::View<float> pbias;
  int k;
  long long nItems;
  long long nP;  // panel count, the last panel padded

  explicit Catalog(rk::Args& args)
      : panels(args.Float32(0, "panels")),
        pbias(args.Float32(1, "pbias")),
        k(static_cast<int>(args.Number(2, "k"))),
        nItems(static_cast<long long>(args.Number(3, "nItems"))),
        nP(rk::PanelCount(nItems)) {}

  void Check() const {
    RK_CHECK(panels.length == static_cast<size_t>(nP * k * kPanel) && pbias.length == static_cast<size_t>(nP * kPanel),
             "panels do not match nItems and k");
  }
};

struct AllArgs {
  const float* panels;
  const float* pbias;
  int k;
  long long nItems;
  const float* userFactors;
  const float* userOffset;
  const int32_t* users;
  long long nUsers;
  int n;
  const int32_t* seenOffsets;  // null: nothing excluded
  const int32_t* seenCols;
  int32_t* outItems;
  float* outScores;
};

void TopNRange(const AllArgs& a, long long begin, long long end, rk::JobState& st, std::atomic<long long>& done) {
  long long nP = rk::PanelCount(a.nItems);
  long long stride = static_cast<long long>(a.k) * kPanel;
  std::vector<Hit> store(static_cast<size_t>(kBlockUsers) * a.n);
  std::vector<Row> rows(kBlockUsers);
  std::vector<float> zeros(static_cast<size_t>(std::max(a.k, 1)), 0.0f);
  bool avx = rk::HasAvx2Fma();
  for (long long b = begin; b < end; b += kBlockUsers) {
    rk::ThrowIfCancelled(st);
    int nb = static_cast<int>(std::min<long long>(kBlockUsers, end - b));
    for (int r = 0; r < nb; ++r) {
      int32_t u = a.users[b + r];
      Row& row = rows[r];
      row.heap = TopHeap{store.data() + static_cast<size_t>(r) * a.n, a.n, 0};
      row.vec = a.userFactors + static_cast<long long>(u) * a.k;
      row.offset = a.userOffset[u];
      row.skip = a.seenOffsets ? a.seenCols + a.seenOffsets[u] : nullptr;
      row.skipLen = a.seenOffsets ? a.seenOffsets[u + 1] - a.seenOffsets[u] : 0;
    }
    for (long long p = 0; p < nP; ++p) {
      const float* panel = a.panels + p * stride;
      const float* pb = a.pbias + p * kPanel;
      int32_t item0 = static_cast<int32_t>(p * kPanel);
      for (int r0 = 0; r0 < nb; r0 += kTileUsers) {
        int m = std::min(kTileUsers, nb - r0);
#ifdef RK_X86
        if (avx) {
          TileAvx2(rows.data() + r0, m, panel, a.k, pb, item0, zeros.data());
          continue;
        }
#endif
        (void)avx;
        TileScalar(rows.data() + r0, m, panel, a.k, pb, item0);
      }
    }
    for (int r = 0; r < nb; ++r) rows[r].heap.Drain(a.outItems + (b + r) * a.n, a.outScores + (b + r) * a.n);
    long long d = done.fetch_add(nb) + nb;
    st.progress.store(static_cast<double>(d) / static_cast<double>(a.nUsers));
  }
}

Napi::Value PackItemPanels(const Napi::CallbackInfo& info) {
  return rk::Guard(info, [&]() -> Napi::Value {
    rk::Args args(info);
    auto factors = args.Float32(0, "factors");
    auto bias = args.Float32(1, "bias");
    auto eligible = args.Typed<uint8_t, napi_uint8_array>(2, "eligible");
    int k = static_cast<int>(args.Number(3, "k"));
    auto panels = args.Float32(4, "outPanels");
    auto pbias = args.Float32(5, "outBias");
    long long nItems = static_cast<long long>(bias.length);
    long long nP = rk::PanelCount(nItems);
    RK_CHECK(k >= 0 && factors.length == static_cast<size_t>(nItems * k), "factors must hold nItems x k floats");
    RK_CHECK(eligible.length == bias.length, "eligible must have one entry per item");
    RK_CHECK(panels.length == static_cast<size_t>(nP * k * kPanel), "outPanels has the wrong length");
    RK_CHECK(pbias.length == static_cast<size_t>(nP * kPanel), "outBias has the wrong length");
    rk::PackPanels(factors.data, nItems, k, panels.data);
    for (long long i = 0; i < nP * kPanel; ++i)
      pbias.data[i] = i < nItems && eligible.data[i] ? bias.data[i] : kNegInf;
    return info.Env().Undefined();
  });
}
RK_REGISTER("packItemPanels", PackItemPanels);

// Two passes (int8-screen.h): int8 scores with error bounds pick the items that can make the top
// n; those are rescored from the float32 panels exactly as the full scan would score them.
// scan(sink) walks the int8 panels; weights[i] is the item's factor of the bound. The first pass
// keeps its survivors in a short list (item order) rather than a dense per-item array, so the
// second pass touches only the panels that hold one.
template <typename Scan>
void Screen(Scan&& scan, const rk::ScreenBound& bound, const float* v, const float* panels, const float* weights,
            const float* pbias, int k, float offset, rk::View<int32_t> exclude, TopHeap& heap) {
  std::vector<Hit> kept;  // (upper bound, item) of every item that passed the screen, item order
  kept.reserve(256);
  std::vector<Hit> lowStore(static_cast<size_t>(heap.cap));
  TopHeap low{lowStore.data(), heap.cap, 0};  // the n best lower bounds
  float lowT = low.Threshold();
  float below = rk::NextDown(lowT);  // hi < lowT  <=>  float(a + e) < NextDown(lowT), hi = NextUp(float(a + e))
  scan([&](long long p, const float* acc) {
    // Panel pretest: Of is non-decreasing in the weight, |dot| and |bias| and every rounding is
    // monotone, so the panel's largest score plus the bound for its largest parts bounds each
    // item's upper bound; below the threshold, no item of the panel can pass.
    float maxA = kNegInf, maxN = 0, maxD = 0, maxB = 0;
    for (int j = 0; j < kPanel; ++j) {
      long long i = p * kPanel + j;
      float b = pbias[i];
      if (b == kNegInf) continue;
      float a = (acc[j] + b) + offset;
      maxA = a > maxA ? a : maxA;
      maxN = weights[i] > maxN ? weights[i] : maxN;
      maxD = std::fabs(acc[j]) > maxD ? std::fabs(acc[j]) : maxD;
      maxB = std::fabs(b) > maxB ? std::fabs(b) : maxB;
    }
    if (maxA == kNegInf || static_cast<float>(maxA + bound.Of(maxN, maxD, maxB, offset)) < below) return;
    for (int j = 0; j < kPanel; ++j) {
      long long i = p * kPanel + j;
      float b = pbias[i];
      if (b == kNegInf) continue;
      float a = (acc[j] + b) + offset;
      double e = bound.Of(weights[i], acc[j], b, offset);
      float top = static_cast<float>(a + e);
      if (top < below) continue;
      if (Contains(exclude.data, static_cast<long long>(exclude.length), static_cast<int32_t>(i))) continue;
      kept.push_back(Hit{rk::NextUp(top), static_cast<int32_t>(i)});  // rounded up: still a bound
      // Round the lower bound down so it stays a bound after the cast to float.
      low.Offer(rk::NextDown(static_cast<float>(a - e)), static_cast<int32_t>(i));
      if (low.Threshold() != lowT) {
        lowT = low.Threshold();
        below = rk::NextDown(lowT);
      }
    }
  });
  float floor = low.Threshold();
  long long stride = static_cast<long long>(k) * kPanel;
  alignas(32) float acc[kPanel];
  long long scored = -1;  // the panel whose float32 sums are in acc
  for (const Hit& h : kept) {
    if (h.score < floor) continue;
    long long p = h.item / kPanel;
    if (p != scored) {
      rk::PanelDot(v, panels + p * stride, k, acc);
      scored = p;
    }
    heap.Offer((acc[h.item % kPanel] + pbias[h.item]) + offset, h.item);
  }
}

Napi::Value PackInt8Panels(const Napi::CallbackInfo& info) {
  return rk::Guard(info, [&]() -> Napi::Value {
    rk::Args args(info);
    auto panels = args.Float32(0, "panels");
    int k = static_cast<int>(args.Number(1, "k"));
    auto codes = args.Typed<int8_t, napi_int8_array>(2, "outCodes");
    auto scales = args.Float32(3, "outScales");
    auto weights = args.Float32(4, "outWeights");
    RK_CHECK(k > 0 && panels.length % (static_cast<size_t>(k) * kPanel) == 0, "panels must hold whole 16-item panels");
    RK_CHECK(codes.length == panels.length, "outCodes must match panels");
    long long nP = static_cast<long long>(panels.length) / (static_cast<long long>(k) * kPanel);
    RK_CHECK(scales.length == static_cast<size_t>(nP * kPanel) && weights.length == scales.length,
             "outScales/outWeights must hold one entry per padded item");
    if (!rk::HasAvx2Fma()) return Napi::Boolean::New(info.Env(), false);
    for (size_t i = 0; i < panels.length; ++i)
      if (!std::isfinite(panels.data[i])) return Napi::Boolean::New(info.Env(), false);
    rk::PackInt8(panels.data, nP, k, codes.data, scales.data, weights.data);
    return Napi::Boolean::New(info.Env(), true);
  });
}
RK_REGISTER("packInt8Panels", PackInt8Panels);

Napi::Value TopNVector(const Napi::CallbackInfo& info) {
  return rk::Guard(info, [&]() -> Napi::Value {
    rk::Args args(info);
    Catalog catalog(args);
    auto factors = args.Float32(4, "factors");
    auto vector = args.Float32(5, "vector");
    float offset = static_cast<float>(args.Number(6, "offset"));
    int n = static_cast<int>(args.Number(7, "n"));
    auto exclude = args.Int32(8, "exclude");
    auto candidates = args.Optional<int32_t, napi_int32_array>(9, "candidates");
    bool hasCandidates = args.Has(9);  // an empty list means no candidates, not all items
    auto outItems = args.Int32(10, "outItems");
    auto outScores = args.Float32(11, "outScores");
    // One thread unless asked: splitting pays only on an idle machine (measured: worse under load).
    int threads = static_cast<int>(args.NumberOr(12, "threads", 1));
    auto codes = args.Optional<int8_t, napi_int8_array>(13, "codes");
    auto scales = args.Optional<float, napi_float32_array>(14, "scales");
    auto weights = args.Optional<float, napi_float32_array>(15, "weights");
    bool hasInt8 = args.Has(13);
    RK_CHECK(hasInt8 == args.Has(14) && hasInt8 == args.Has(15), "codes, scales and weights come together");
    RK_CHECK(!hasInt8 || (codes.length == catalog.panels.length && scales.length == catalog.pbias.length &&
                          weights.length == catalog.pbias.length),
             "int8 panels do not match");
    RK_CHECK(n >= 0 && outItems.length == static_cast<size_t>(n) && outScores.length == static_cast<size_t>(n),
             "outItems/outScores must hold n entries");
    RK_CHECK(vector.length == static_cast<size_t>(catalog.k), "vector must hold k floats");
    catalog.Check();
    RK_CHECK(factors.length == static_cast<size_t>(catalog.nItems * catalog.k), "factors must hold nItems x k floats");
    std::vector<Hit> store(static_cast<size_t>(n));
    TopHeap heap{store.data(), n, 0};
    if (hasCandidates) {
      // Arbitrary order: the full (score, index) comparison in Offer decides ties.
      for (size_t c = 0; c < candidates.length; ++c) {
        int32_t i = candidates.data[c];
        RK_CHECK(i >= 0 && i < catalog.nItems, "candidate " + std::to_string(i) + " is out of range");
        if (catalog.pbias.data[i] == kNegInf || Contains(exclude.data, static_cast<long long>(exclude.length), i))
          continue;
        alignas(32) float acc[kPanel];
        long long p = i / kPanel;
        int j = static_cast<int>(i % kPanel);
        // Same panel sums as the full scan, so a candidate scores exactly as it would there.
        rk::PanelDot(vector.data, catalog.panels.data + p * catalog.k * kPanel, catalog.k, acc);
        heap.Offer((acc[j] + catalog.pbias.data[i]) + offset, i);
      }
#ifdef RK_X86
    } else if (hasInt8 && threads == 1 && n > 0 && rk::HasAvx2Fma()) {
      const float* v = vector.data;
      int k = catalog.k;
      Screen([&](auto&& sink) { rk::ScanInt8Panels(v, codes.data, scales.data, catalog.nP, k, sink); },
             rk::ScreenBound(v, k), v, catalog.panels.data, weights.data, catalog.pbias.data, k, offset, exclude,
             heap);
#endif
    } else {
      // Large catalogs are memory-bound (59k items x 100 factors = 24 MB per call): split the
      // panels over the cores, one heap each, then merge (the (score, index) order is total, so
      // the result does not depend on the split).
      long long nP = catalog.nP;
      int k = catalog.k;
      long long stride = static_cast<long long>(k) * kPanel;
      int parts = nP * stride >= kSplitFloats ? rk::ClampThreads(threads, nP / 64) : 1;
      std::vector<Hit> partStore(static_cast<size_t>(parts) * n);
      std::vector<TopHeap> partHeaps(parts);
      for (int t = 0; t < parts; ++t) partHeaps[t] = TopHeap{partStore.data() + static_cast<size_t>(t) * n, n, 0};
      rk::ParallelFor(nP, parts, [&](long long b, long long e, int t) {
        TopHeap& h = partHeaps[t];
        rk::ScanPanels(vector.data, catalog.panels.data + b * stride, e - b, k, [&](long long q, const float* acc) {
          long long p = b + q;
          OfferPanel(h, acc, catalog.pbias.data + p * kPanel, offset, static_cast<int32_t>(p * kPanel),
                     exclude.data, static_cast<long long>(exclude.length));
        });
      });
      for (auto& h : partHeaps)
        for (int q = 0; q < h.size; ++q) heap.Offer(h.h[q].score, h.h[q].item);
    }
    int filled = heap.size;
    heap.Drain(outItems.data, outScores.data);
    return Napi::Number::New(info.Env(), filled);
  });
}
RK_REGISTER("topNVector", TopNVector);

Napi::Value TopNAll(const Napi::CallbackInfo& info) {
  return rk::Guard(info, [&]() -> Napi::Value {
    rk::Args args(info);
    Catalog catalog(args);
    auto userFactors = args.Float32(4, "userFactors");
    auto userOffset = args.Float32(5, "userOffset");
    auto users = args.Int32(6, "users");
    int n = static_cast<int>(args.Number(7, "n"));
    auto seenOffsets = args.Optional<int32_t, napi_int32_array>(8, "seenOffsets");
    auto seenCols = args.Optional<int32_t, napi_int32_array>(9, "seenCols");
    bool hasSeen = args.Has(8);
    RK_CHECK(hasSeen == args.Has(9), "seenOffsets and seenCols come together");
    int threads = static_cast<int>(args.Number(10, "threads"));
    auto outItems = args.Int32(11, "outItems");
    auto outScores = args.Float32(12, "outScores");
    long long nUsersTotal = static_cast<long long>(userOffset.length);
    catalog.Check();
    RK_CHECK(userFactors.length == static_cast<size_t>(nUsersTotal * catalog.k),
             "userFactors must hold nUsers x k floats");
    RK_CHECK(n >= 0, "n must be >= 0");
    RK_CHECK(outItems.length == users.length * static_cast<size_t>(n) && outScores.length == outItems.length,
             "outItems/outScores must hold users x n entries");
    for (size_t r = 0; r < users.length; ++r)
      RK_CHECK(users.data[r] >= 0 && users.data[r] < nUsersTotal, "user index " + std::to_string(users.data[r]) +
                                                                      " at position " + std::to_string(r) +
                                                                      " is out of range");
    if (hasSeen) {
      RK_CHECK(seenOffsets.length == static_cast<size_t>(nUsersTotal) + 1, "seenOffsets must have nUsers + 1 entries");
      RK_CHECK(seenCols.length >= static_cast<size_t>(seenOffsets.data[nUsersTotal]), "seenCols is shorter than nnz");
    }
    AllArgs a{catalog.panels.data, catalog.pbias.data, catalog.k, catalog.nItems, userFactors.data, userOffset.data,
              users.data, static_cast<long long>(users.length), n, seenOffsets.data, seenCols.data, outItems.data,
              outScores.data};
    auto* job = new rk::AsyncJob(
        args, [a, threads](rk::JobState& st) {
          std::atomic<long long> done{0};
          // Split in whole cache blocks so every thread runs full micro-tiles.
          long long blocks = (a.nUsers + kBlockUsers - 1) / kBlockUsers;
          rk::ParallelFor(blocks, threads, [&](long long b, long long e, int) {
            TopNRange(a, b * kBlockUsers, std::min(e * kBlockUsers, a.nUsers), st, done);
          });
          st.progress.store(1.0);
        },
        [](Napi::Env env) -> Napi::Value { return env.Undefined(); });
    return job->Start();
  });
}
RK_REGISTER("topNAll", TopNAll);

}  // namespace
