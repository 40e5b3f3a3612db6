// Searching the native HNSW graph (hnsw-graph.h): one query on the calling thread, or a batch
// spread over the addon's threads off the event loop. The filter (a row mask, sorted excluded
// rows, sorted candidate rows; each optional) is hnswlib's filter functor, so filtered rows are
// skipped inside the graph walk. Rows come out nearest first (largest inner product), padded
// with -1; HnswIndex rescores them exactly. An int8 graph ranks by approximate scores, so it is
// given the float32 rows (and biases): all ef candidates the walk kept are rescored from them and
// the best k returned (no extra walking; hnsw-spaces.h).
//
// TS: hnswSetEf(graph: NativeHandle, ef: number) -> void
// TS: hnswSearch(graph: NativeHandle, query: Float32Array, mask: Uint8Array | null, exclude: Int32Array | null,
//   candidates: Int32Array | null, k: number, outRows: Int32Array, rows: Float32Array | null,
//   bias: Float32Array | null) -> number (rows found)
// TS: hnswSearchBatch(graph: NativeHandle, queries: Float32Array, mask: Uint8Array | null,
//   exclude: Int32Array | null, candidates: Int32Array | null, k: number, threads: number,
//   outRows: Int32Array, rows: Float32Array | null, bias: Float32Array | null) -> NativeJob<void>
#ifdef RK_HNSWLIB
#include <algorithm>
#include <atomic>
#include <memory>
#include <utility>
#include <vector>

#include "async-job.h"
#include "hnsw-graph.h"
#include "napi-args.h"
#include "parallel.h"

namespace {

using rk::HnswGraph;

// The float32 rows (and biases, or null) an int8 graph's candidates are rescored from.
struct ExactRows {
  const float* rows = nullptr;
  const float* bias = nullptr;
};

// Searches one query and writes its rows nearest first into out[0..k), -1 after the last found.
int SearchOne(const HnswGraph& g, const float* q, const rk::RowFilter& filter, int k, int32_t* out,
              HnswGraph::Scratch& scratch, const ExactRows& exact) {
  rk::RowFilter keep = filter;  // hnswlib calls it through a non-const pointer
  size_t want = exact.rows ? std::max(static_cast<size_t>(k), g.index->ef_) : static_cast<size_t>(k);
  auto found = g.index->searchKnn(g.Point(q, 1.0f, scratch), want, keep.Active() ? &keep : nullptr);
  if (exact.rows) {
    std::vector<std::pair<float, int32_t>>& scored = scratch.scored;
    scored.clear();
    for (; !found.empty(); found.pop()) {
      auto r = static_cast<int32_t>(found.top().second);
      const float* v = exact.rows + static_cast<size_t>(r) * g.dim;
      float score = rk::Dot(q, v, g.dim) + (exact.bias ? exact.bias[r] : 0.0f);
      scored.emplace_back(-score, r);  // ascending = best first, ties by row
    }
    size_t n = std::min(scored.size(), static_cast<size_t>(k));
    std::partial_sort(scored.begin(), scored.begin() + n, scored.end());
    for (size_t i = 0; i < static_cast<size_t>(k); ++i) out[i] = i < n ? scored[i].second : -1;
    return static_cast<int>(n);
  }
  int n = static_cast<int>(found.size());
  for (int i = n; i < k; ++i) out[i] = -1;
  for (int i = n - 1; i >= 0; --i) {  // the queue pops the farthest first
    out[i] = static_cast<int32_t>(found.top().second);
    found.pop();
  }
  return n;
}

// The rows and bias arguments (given or not): required for an int8 graph, ignored otherwise.
template <typename View>
ExactRows ExactRowsOf(const HnswGraph& g, const View& rows, bool hasRows, const View& bias, bool hasBias) {
  ExactRows e;
  if (!g.int8) return e;
  size_t n = g.index->cur_element_count.load();
  RK_CHECK(hasRows && rows.length == n * g.dim, "an int8 graph needs the float32 rows to rescore from");
  RK_CHECK(g.bias == hasBias && (!g.bias || bias.length == n), "bias must hold one value per row");
  e.rows = rows.data;
  e.bias = g.bias ? bias.data : nullptr;
  return e;
}

// Arguments 2..4 (mask, exclude, candidates; each optional) as the walk's filter.
struct FilterArgs {
  rk::RowFilter filter;
  size_t maskLength = 0;

  explicit FilterArgs(rk::Args& args) {
    auto mask = args.Optional<uint8_t, napi_uint8_array>(2, "mask");
    auto exclude = args.Optional<int32_t, napi_int32_array>(3, "exclude");
    auto candidates = args.Optional<int32_t, napi_int32_array>(4, "candidates");
    filter.mask = args.Has(2) ? mask.data : nullptr;
    maskLength = mask.length;
    filter.exclude = exclude.data;
    filter.excludeLen = exclude.length;
    filter.candidates = candidates.data;
    filter.candidatesLen = candidates.length;
    filter.hasCandidates = args.Has(4);  // an empty list allows no row
  }

  const rk::RowFilter& For(const HnswGraph& g) const {
    RK_CHECK(!filter.mask || maskLength == g.index->cur_element_count.load(), "mask must hold one byte per graph point");
    return filter;
  }
};

Napi::Value HnswSetEf(const Napi::CallbackInfo& info) {
  return rk::Guard(info, [&]() -> Napi::Value {
    rk::Args args(info);
    HnswGraph* g = args.External<HnswGraph>(0, "graph");
    double ef = args.Number(1, "ef");
    RK_CHECK(ef >= 1 && ef <= 1e7, "ef must be in [1, 1e7]");
    // A batch running now may see either value (hnswlib reads ef_ per query).
    g->Ready().setEf(static_cast<size_t>(ef));
    return info.Env().Undefined();
  });
}
RK_REGISTER("hnswSetEf", HnswSetEf);

Napi::Value HnswSearch(const Napi::CallbackInfo& info) {
  return rk::Guard(info, [&]() -> Napi::Value {
    rk::Args args(info);
    HnswGraph* g = args.External<HnswGraph>(0, "graph");
    auto query = args.Float32(1, "query");
    g->Ready();
    FilterArgs filterArgs(args);
    rk::RowFilter filter = filterArgs.For(*g);
    int k = static_cast<int>(args.Number(5, "k"));
    auto out = args.Int32(6, "outRows");
    RK_CHECK(query.length == g->dim, "query must hold dim floats");
    RK_CHECK(k >= 1 && out.length == static_cast<size_t>(k), "outRows must hold k entries");
    auto rows = args.Optional<float, napi_float32_array>(7, "rows");
    auto bias = args.Optional<float, napi_float32_array>(8, "bias");
    ExactRows exact = ExactRowsOf(*g, rows, args.Has(7), bias, args.Has(8));
    thread_local HnswGraph::Scratch scratch;
    int n = SearchOne(*g, query.data, filter, k, out.data, scratch, exact);
    return Napi::Number::New(info.Env(), n);
  });
}
RK_REGISTER("hnswSearch", HnswSearch);

Napi::Value HnswSearchBatch(const Napi::CallbackInfo& info) {
  return rk::Guard(info, [&]() -> Napi::Value {
    rk::Args args(info);
    HnswGraph* g = args.External<HnswGraph>(0, "graph");
    auto queries = args.Float32(1, "queries");
    g->Ready();
    FilterArgs filterArgs(args);
    rk::RowFilter filter = filterArgs.For(*g);
    int k = static_cast<int>(args.Number(5, "k"));
    int threads = static_cast<int>(args.Number(6, "threads"));
    auto out = args.Int32(7, "outRows");
    RK_CHECK(queries.length % g->dim == 0, "queries must hold whole rows of dim floats");
    long long m = static_cast<long long>(queries.length / g->dim);
    RK_CHECK(k >= 1 && out.length == static_cast<size_t>(m) * k, "outRows must hold queries x k entries");
    auto exactRows = args.Optional<float, napi_float32_array>(8, "rows");
    auto bias = args.Optional<float, napi_float32_array>(9, "bias");
    ExactRows exact = ExactRowsOf(*g, exactRows, args.Has(8), bias, args.Has(9));
    const float* qs = queries.data;
    int32_t* rows = out.data;
    auto* job = new rk::AsyncJob(
        args,
        [g, qs, filter, k, m, threads, rows, exact](rk::JobState& st) {
          // Queries from a shared counter: graph walks vary in length, and the machine may be shared.
          std::atomic<long long> next{0};
          std::atomic<bool> stop{false};
          int t = rk::ClampThreads(threads, m);
          rk::ParallelFor(t, t, [&](long long, long long, int) {
            HnswGraph::Scratch scratch;
            try {
              for (long long q; !stop.load(std::memory_order_relaxed) && (q = next.fetch_add(1)) < m;) {
                rk::ThrowIfCancelled(st);
                SearchOne(*g, qs + q * g->dim, filter, k, rows + q * k, scratch, exact);
                if ((q & 255) == 0) st.progress.store(static_cast<double>(q) / static_cast<double>(m));
              }
            } catch (...) {
              stop.store(true);
              throw;
            }
          });
          st.progress.store(1.0);
        },
        [](Napi::Env env) -> Napi::Value { return env.Undefined(); });
    return job->Start();
  });
}
RK_REGISTER("hnswSearchBatch", HnswSearchBatch);

}  // namespace
#endif
