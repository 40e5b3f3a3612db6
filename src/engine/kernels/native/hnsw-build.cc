// Making the native HNSW graph (hnsw-graph.h): a handle, then a parallel build or a load of a
// graph file in hnswlib's format (the one hnswlib-node's readIndex/writeIndex use), and a save.
//
// TS: hnswCreate(dim: number, bias: boolean, int8: boolean) -> NativeHandle (empty; freed with its JS object)
// TS: hnswBuild(graph: NativeHandle, vectors: Float32Array, bias: Float32Array | null, m: number,
//   efConstruction: number, seed: number, threads: number) -> NativeJob<number> (the point count)
// TS: hnswLoad(graph: NativeHandle, path: string) -> NativeJob<number> (the point count)
// TS: hnswSave(graph: NativeHandle, path: string) -> NativeJob<void>
#ifdef RK_HNSWLIB
#include <atomic>
#include <string>
#include <vector>

#include "async-job.h"
#include "hnsw-graph.h"
#include "napi-args.h"
#include "parallel.h"

namespace {

using rk::HnswGraph;
using Hnsw = hnswlib::HierarchicalNSW<float>;

// Tells V8 how much memory the graph holds (the JS handle itself is tiny), so GC pressure is right.
Napi::Value Installed(Napi::Env env, HnswGraph* g) {
  int64_t bytes = g->Bytes();
  Napi::MemoryManagement::AdjustExternalMemory(env, bytes - g->reported);
  g->reported = bytes;
  return Napi::Number::New(env, static_cast<double>(g->index->cur_element_count.load()));
}

void Claim(HnswGraph* g) {
  RK_CHECK(!g->index, "the HNSW graph is already built or loaded");
  RK_CHECK(!g->busy.exchange(true), "the HNSW graph is being built or loaded");
}

Napi::Value HnswCreate(const Napi::CallbackInfo& info) {
  return rk::Guard(info, [&]() -> Napi::Value {
    rk::Args args(info);
    double dim = args.Number(0, "dim");
    bool bias = args.Bool(1, "bias");
    bool int8 = args.Bool(2, "int8");
    RK_CHECK(dim >= 1 && dim <= 65536 && dim == static_cast<size_t>(dim), "dim must be an integer in [1, 65536]");
    auto free = [](Napi::Env env, HnswGraph* g) {
      if (g->reported) Napi::MemoryManagement::AdjustExternalMemory(env, -g->reported);
      delete g;
    };
    auto ext = Napi::External<HnswGraph>::New(info.Env(), new HnswGraph(static_cast<size_t>(dim), bias, int8), free);
    ext.TypeTag(&HnswGraph::kTypeTag);
    return ext;
  });
}
RK_REGISTER("hnswCreate", HnswCreate);

Napi::Value HnswBuild(const Napi::CallbackInfo& info) {
  return rk::Guard(info, [&]() -> Napi::Value {
    rk::Args args(info);
    HnswGraph* g = args.External<HnswGraph>(0, "graph");
    auto vectors = args.Float32(1, "vectors");
    auto bias = args.Optional<float, napi_float32_array>(2, "bias");
    double m = args.Number(3, "m");
    double efConstruction = args.Number(4, "efConstruction");
    double seed = args.Number(5, "seed");
    int threads = static_cast<int>(args.Number(6, "threads"));
    size_t dim = g->dim;
    RK_CHECK(vectors.length > 0 && vectors.length % dim == 0, "vectors must hold whole rows of dim floats");
    size_t n = vectors.length / dim;
    RK_CHECK(g->bias == args.Has(2), "bias is given exactly when the graph has a bias dimension");
    RK_CHECK(!g->bias || bias.length == n, "bias must hold one value per row");
    RK_CHECK(m >= 2 && m <= 256 && efConstruction >= 1 && seed >= 0, "m, efConstruction or seed out of range");
    Claim(g);
    const float* rows = vectors.data;
    const float* b = bias.data;
    auto* job = new rk::AsyncJob(
        args,
        [g, rows, b, n, dim, m, efConstruction, seed, threads](rk::JobState& st) {
          rk::BusyScope scope(g);
          auto index = std::make_unique<Hnsw>(g->space.get(), n, static_cast<size_t>(m), static_cast<size_t>(efConstruction),
                                              static_cast<size_t>(seed));
          auto add = [&](size_t r, HnswGraph::Scratch& scratch) {
            index->addPoint(g->Point(rows + r * dim, b ? b[r] : 0.0f, scratch), r);
          };
          // The first point alone (it becomes the entry point), then the rest from a shared
          // counter on every thread: hnswlib's addPoint locks what it links (its Python binding does the same).
          HnswGraph::Scratch first;
          add(0, first);
          std::atomic<size_t> next{1};
          std::atomic<bool> stop{false};
          int t = rk::ClampThreads(threads, static_cast<long long>(n - 1));
          rk::ParallelFor(t, t, [&](long long, long long, int) {
            HnswGraph::Scratch scratch;
            try {
              for (size_t r; !stop.load(std::memory_order_relaxed) && (r = next.fetch_add(1)) < n;) {
                rk::ThrowIfCancelled(st);
                add(r, scratch);
                if ((r & 1023) == 0) st.progress.store(static_cast<double>(r) / static_cast<double>(n));
              }
            } catch (...) {
              stop.store(true);
              throw;
            }
          });
          st.progress.store(1.0);
          g->index = std::move(index);
        },
        [g](Napi::Env env) { return Installed(env, g); });
    return job->Start();
  });
}
RK_REGISTER("hnswBuild", HnswBuild);

Napi::Value HnswLoad(const Napi::CallbackInfo& info) {
  return rk::Guard(info, [&]() -> Napi::Value {
    rk::Args args(info);
    HnswGraph* g = args.External<HnswGraph>(0, "graph");
    std::string path = args.String(1, "path");
    Claim(g);
    auto* job = new rk::AsyncJob(
        args,
        [g, path](rk::JobState&) {
          rk::BusyScope scope(g);
          // The constructor hnswlib-node's readIndex uses, so its files load unchanged.
          auto index = std::make_unique<Hnsw>(g->space.get(), path, false, 0, false);
          size_t bytes = index->label_offset_ - index->offsetData_;
          RK_CHECK(bytes == g->space->get_data_size(),
                   path + ": graph points have " + std::to_string(bytes) + " bytes, this index needs " +
                       std::to_string(g->space->get_data_size()) + " (" + std::to_string(g->GraphDim()) + " x " +
                       g->space->Name() + ")");
          g->index = std::move(index);
        },
        [g](Napi::Env env) { return Installed(env, g); });
    return job->Start();
  });
}
RK_REGISTER("hnswLoad", HnswLoad);

Napi::Value HnswSave(const Napi::CallbackInfo& info) {
  return rk::Guard(info, [&]() -> Napi::Value {
    rk::Args args(info);
    HnswGraph* g = args.External<HnswGraph>(0, "graph");
    std::string path = args.String(1, "path");
    g->Ready();
    auto* job = new rk::AsyncJob(
        args, [g, path](rk::JobState&) { g->Ready().saveIndex(path); },
        [](Napi::Env env) -> Napi::Value { return env.Undefined(); });
    return job->Start();
  });
}
RK_REGISTER("hnswSave", HnswSave);

}  // namespace
#endif
