// The native HNSW graph behind HnswIndex (docs/embeddings.md, "Approximate search"): hnswlib's
// HierarchicalNSW over inner product, compiled from the headers hnswlib-node ships (binding.gyp
// finds them; without them RK_HNSWLIB is undefined and no hnsw* kernel is registered). Items are
// [v, bias] and queries [q, 1] when the index has biases, so one inner product carries the bias;
// points are stored as float32 or int8 (hnsw-spaces.h).
#pragma once
#ifdef RK_HNSWLIB
#include <napi.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "hnsw-spaces.h"
#include "hnswlib.h"
#include "registry.h"

namespace rk {

struct HnswGraph {
  static constexpr napi_type_tag kTypeTag = {0x7265636b69742d68ULL, 0x6e73772d67726170ULL};

  HnswGraph(size_t dim, bool bias, bool int8) : dim(dim), bias(bias), int8(int8) {
    size_t d = GraphDim();
    if (int8)
      space = std::make_unique<Int8Space>(d);
    else
      space = std::make_unique<Float32Space>(d);
  }

  size_t dim;   // the index's vector length
  bool bias;    // graph points carry one more coordinate: the item bias (queries: 1)
  bool int8;    // points are int8 codes: searches rescore candidates from the float32 rows
  std::unique_ptr<GraphSpace> space;
  // Set by a build or a load when it succeeds; null before (searches then fail a check).
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> index;
  std::atomic<bool> busy{false};  // a build or load is filling this handle
  int64_t reported = 0;           // bytes reported to V8 (AdjustExternalMemory)

  size_t GraphDim() const { return dim + (bias ? 1 : 0); }

  hnswlib::HierarchicalNSW<float>& Ready() const {
    RK_CHECK(index && !busy.load(), "the HNSW graph is not built or loaded yet");
    return *index;
  }

  // Per-thread buffers for Point.
  struct Scratch {
    std::vector<float> floats;
    std::vector<uint8_t> bytes;
    std::vector<std::pair<float, int32_t>> scored;  // an int8 search's rescored candidates
  };

  // A vector as a graph point in the space's format: with a bias coordinate `extra` appended when
  // the graph has one (the item's bias; 1 for queries).
  const void* Point(const float* x, float extra, Scratch& s) const {
    if (bias) {
      s.floats.assign(x, x + dim);
      s.floats.push_back(extra);
      x = s.floats.data();
    }
    return space->Encode(x, s.bytes);
  }

  // Roughly what the graph holds (hnswlib's file size plus its per-element locks and label map).
  int64_t Bytes() const {
    if (!index) return 0;
    size_t n = index->max_elements_;
    return static_cast<int64_t>(index->indexFileSize() + n * (sizeof(std::mutex) + sizeof(int) + 48));
  }
};

// hnswlib's filter, evaluated per visited node: a row may be returned when its mask byte is 1
// (no mask: all), it is among the sorted candidates (none given: all) and not among the sorted
// excluded rows. Lists instead of one merged mask: a request's own exclusions cost O(their
// length), not a pass over every row.
struct RowFilter : hnswlib::BaseFilterFunctor {
  const uint8_t* mask = nullptr;
  const int32_t* exclude = nullptr;
  size_t excludeLen = 0;
  const int32_t* candidates = nullptr;
  size_t candidatesLen = 0;
  bool hasCandidates = false;

  bool Active() const { return mask || excludeLen > 0 || hasCandidates; }
  bool operator()(hnswlib::labeltype row) override {
    auto r = static_cast<int32_t>(row);
    if (mask && mask[row] != 1) return false;
    if (hasCandidates && !std::binary_search(candidates, candidates + candidatesLen, r)) return false;
    return excludeLen == 0 || !std::binary_search(exclude, exclude + excludeLen, r);
  }
};

// Clears `busy` when a build or load ends, however it ends.
struct BusyScope {
  explicit BusyScope(HnswGraph* g) : g(g) {}
  ~BusyScope() { g->busy.store(false); }
  HnswGraph* g;
};

}  // namespace rk
#endif
