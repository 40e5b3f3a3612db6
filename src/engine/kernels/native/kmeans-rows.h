// Row access, argument parsing and centroid helpers shared by the k-means kernels (assign-clusters.cc,
// kmeans-plus-plus.cc, kmeans-lloyd.cc); the TypeScript side is ts/kmeans-rows.ts. Keep the two in step.
#pragma once
#include <immintrin.h>
#include <napi.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "async-job.h"
#include "napi-args.h"
#include "parallel.h"

namespace rk {

// CSR rows (offsets set) or dense row-major rows. Dense zeros are skipped: x*c with x = 0 adds +0,
// so every sum is unchanged, and zero-filled rating vectors cost what their ratings cost.
struct KmeansRows {
  const int32_t* offsets = nullptr;
  const int32_t* cols = nullptr;
  const float* values = nullptr;
  size_t nValues = 0;
  size_t nCols = 0;  // length of cols (CSR)
  long long nRows = 0;
  int dim = 0;

  template <typename F>
  void ForEach(long long r, F&& f) const {
    if (offsets) {
      for (int32_t p = offsets[r], e = offsets[r + 1]; p < e; ++p) f(cols[p], values[p]);
    } else {
      const float* x = values + r * static_cast<long long>(dim);
      for (int j = 0; j < dim; ++j)
        if (x[j] != 0.0f) f(j, x[j]);
    }
  }

  // O(nnz) structure check, run on the worker thread before any indexing.
  void Validate() const {
    RK_CHECK(nRows >= 1 && dim >= 1, "rows: need at least one row and one column");
    if (!offsets) {
      RK_CHECK(nValues == static_cast<size_t>(nRows) * static_cast<size_t>(dim), "dense rows: values != nRows*dim");
      return;
    }
    RK_CHECK(offsets[0] == 0, "CSR offsets[0] must be 0");
    for (long long r = 0; r < nRows; ++r)
      RK_CHECK(offsets[r + 1] >= offsets[r], "CSR offsets decrease at row " + std::to_string(r));
    size_t nnz = static_cast<size_t>(offsets[nRows]);
    RK_CHECK(nnz <= nValues && nnz <= nCols, "CSR offsets[nRows] exceeds cols/values");
    for (size_t p = 0; p < nnz; ++p)
      RK_CHECK(cols[p] >= 0 && cols[p] < dim, "CSR column index out of range at entry " + std::to_string(p));
  }
};

// (offsets | null, cols | null, values, nRows, dim) starting at argument i.
inline KmeansRows RowsArg(Args& args, size_t i) {
  KmeansRows rows;
  auto offsets = args.Optional<int32_t, napi_int32_array>(i, "offsets");
  auto cols = args.Optional<int32_t, napi_int32_array>(i + 1, "cols");
  auto values = args.Float32(i + 2, "values");
  rows.nRows = static_cast<long long>(args.Number(i + 3, "nRows"));
  rows.dim = static_cast<int>(args.Number(i + 4, "dim"));
  rows.values = values.data;
  rows.nValues = values.length;
  if (args.Has(i)) {
    RK_CHECK(args.Has(i + 1), "CSR rows need cols");  // cols.data may be null when there are none
    RK_CHECK(offsets.length == static_cast<size_t>(rows.nRows) + 1, "offsets must have nRows + 1 entries");
    rows.offsets = offsets.data;
    rows.cols = cols.data;
    rows.nCols = cols.length;
  }
  return rows;
}

// acc[0..k) += x_j * M[j*k .. j*k+k) over row r's non-zeros, ascending j: each acc[c] keeps the
// twins' summation order while the inner loop runs contiguously (vectorised over c). The AVX2
// copy does the same IEEE operations 4 doubles at a time (no FMA: -ffp-contract=off and no
// "fma" target), so results are bit-identical to the default copy and the TS twin.
template <typename T>
inline void AccumulateRowImpl(const KmeansRows& rows, long long r, const T* __restrict M, int k,
                              double* __restrict acc) {
  rows.ForEach(r, [&](int j, float v) {
    double dv = v;
    const T* __restrict m = M + static_cast<size_t>(j) * k;
    for (int c = 0; c < k; ++c) acc[c] += dv * m[c];
  });
}

template <typename T>
__attribute__((target("avx2"))) void AccumulateRowAvx2(const KmeansRows& rows, long long r, const T* M, int k,
                                                         double* acc) {
  AccumulateRowImpl(rows, r, M, k, acc);
}

template <typename T>
void AccumulateRowDefault(const KmeansRows& rows, long long r, const T* M, int k, double* acc) {
  AccumulateRowImpl(rows, r, M, k, acc);
}

template <typename T>
inline void AccumulateRow(const KmeansRows& rows, long long r, const T* M, int k, double* acc) {
  static const bool avx2 = __builtin_cpu_supports("avx2");
  if (avx2)
    AccumulateRowAvx2(rows, r, M, k, acc);
  else
    AccumulateRowDefault(rows, r, M, k, acc);
}

// ||c||^2 of each centroid row, in double, ascending j (centroidNorms in ts/kmeans-rows.ts).
inline void CentroidNorms(const float* C, int k, int dim, double* cn, int threads) {
  ParallelFor(k, threads, [&](long long c0, long long c1, int) {
    for (long long c = c0; c < c1; ++c) {
      double s = 0.0;
      const float* cc = C + static_cast<size_t>(c) * dim;
      for (int j = 0; j < dim; ++j) {
        double v = cc[j];
        s += v * v;
      }
      cn[c] = s;
    }
  });
}

// CT[j*k + c] = C[c*dim + j], in 64-column tiles so the strided writes stay in cache.
inline void TransposeCentroids(const float* C, int k, int dim, float* CT, int threads) {
  long long nTiles = (dim + 63) / 64;
  ParallelFor(nTiles, threads, [&](long long t0, long long t1, int) {
    for (long long t = t0; t < t1; ++t) {
      int j0 = static_cast<int>(t * 64), j1 = std::min(dim, j0 + 64);
      for (int c = 0; c < k; ++c) {
        const float* cc = C + static_cast<size_t>(c) * dim;
        for (int j = j0; j < j1; ++j) CT[static_cast<size_t>(j) * k + c] = cc[j];
      }
    }
  });
}

// s(a) = half the distance from centroid a to its nearest other centroid; pairs a < b, each dot in
// ascending j (as halfSeparation in the twin), vectorised over b through CT.
inline std::vector<double> HalfSeparation(const float* CT, const std::vector<double>& cn, int k, int dim,
                                          int threads) {
  std::vector<double> h(static_cast<size_t>(k) * k, 0.0);
  rk::ParallelFor(k, threads, [&](long long a0, long long a1, int) {
    for (long long a = a0; a < a1; ++a) {
      double* g = h.data() + a * k;
      for (int j = 0; j < dim; ++j) {
        const float* ct = CT + static_cast<size_t>(j) * k;
        double ca = ct[a];
        for (int b = static_cast<int>(a) + 1; b < k; ++b) g[b] += ca * ct[b];
      }
      for (int b = static_cast<int>(a) + 1; b < k; ++b) g[b] = 0.5 * std::sqrt(std::max(0.0, cn[a] + cn[b] - 2.0 * g[b]));
    }
  });
  std::vector<double> s(k, std::numeric_limits<double>::infinity());
  for (int a = 0; a < k; ++a)
    for (int b = a + 1; b < k; ++b) {
      double v = h[static_cast<size_t>(a) * k + b];
      if (v < s[a]) s[a] = v;
      if (v < s[b]) s[b] = v;
    }
  return s;
}

// acc[c] = sum over entries p0..p1 of one CSR row (ascending j) of v_j * M[j*k + c], for every c:
// each acc[c] is summed in the same order as AccumulateRow (from 0, entry by entry), but the
// running sums of 16 centroids stay in registers over the whole row instead of being loaded and
// stored once per non-zero (AccumulateRow's bottleneck). Re-reading the row per block is cheap
// (L1). The AVX2 copy is written with intrinsics (GCC's own vectorisation of the 16-wide block
// mixed scalar and 128-bit ops); it does the same IEEE mul then add per lane (no FMA), so both
// copies give the TS twin's bits.
inline void RowDotsScalar(const int32_t* cols, const float* vals, int32_t p0, int32_t p1, const float* M, int k,
                          double* acc) {
  for (int c = 0; c < k; ++c) acc[c] = 0.0;
  for (int32_t p = p0; p < p1; ++p) {
    double v = vals[p];
    const float* m = M + static_cast<size_t>(cols[p]) * k;
    for (int c = 0; c < k; ++c) acc[c] += v * static_cast<double>(m[c]);
  }
}

__attribute__((target("avx2"))) inline void RowDotsAvx2(const int32_t* cols, const float* vals, int32_t p0,
                                                         int32_t p1, const float* M, int k, double* acc) {
  int c = 0;
  for (; c + 16 <= k; c += 16) {
    __m256d a0 = _mm256_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
    for (int32_t p = p0; p < p1; ++p) {
      __m256d v = _mm256_set1_pd(static_cast<double>(vals[p]));
      const float* m = M + static_cast<size_t>(cols[p]) * k + c;
      a0 = _mm256_add_pd(a0, _mm256_mul_pd(v, _mm256_cvtps_pd(_mm_loadu_ps(m))));
      a1 = _mm256_add_pd(a1, _mm256_mul_pd(v, _mm256_cvtps_pd(_mm_loadu_ps(m + 4))));
      a2 = _mm256_add_pd(a2, _mm256_mul_pd(v, _mm256_cvtps_pd(_mm_loadu_ps(m + 8))));
      a3 = _mm256_add_pd(a3, _mm256_mul_pd(v, _mm256_cvtps_pd(_mm_loadu_ps(m + 12))));
    }
    _mm256_storeu_pd(acc + c, a0);
    _mm256_storeu_pd(acc + c + 4, a1);
    _mm256_storeu_pd(acc + c + 8, a2);
    _mm256_storeu_pd(acc + c + 12, a3);
  }
  for (; c + 4 <= k; c += 4) {
    __m256d a0 = _mm256_setzero_pd();
    for (int32_t p = p0; p < p1; ++p) {
      __m256d v = _mm256_set1_pd(static_cast<double>(vals[p]));
      a0 = _mm256_add_pd(a0, _mm256_mul_pd(v, _mm256_cvtps_pd(_mm_loadu_ps(M + static_cast<size_t>(cols[p]) * k + c))));
    }
    _mm256_storeu_pd(acc + c, a0);
  }
  if (c < k) {
    // The last 1-3 centroids as one masked 4-lane block (a scalar loop per centroid would be a
    // latency-bound chain per row); masked lanes load 0 and are not stored.
    const int rest = k - c;
    const __m128i mask = _mm_setr_epi32(-1, rest > 1 ? -1 : 0, rest > 2 ? -1 : 0, 0);
    __m256d a0 = _mm256_setzero_pd();
    for (int32_t p = p0; p < p1; ++p) {
      __m256d v = _mm256_set1_pd(static_cast<double>(vals[p]));
      a0 = _mm256_add_pd(a0, _mm256_mul_pd(v, _mm256_cvtps_pd(_mm_maskload_ps(M + static_cast<size_t>(cols[p]) * k + c, mask))));
    }
    alignas(32) double lanes[4];
    _mm256_store_pd(lanes, a0);
    for (int w = 0; w < rest; ++w) acc[c + w] = lanes[w];
  }
}

inline void RowDots(const int32_t* cols, const float* vals, int32_t p0, int32_t p1, const float* M, int k,
                    double* acc) {
  static const bool avx2 = __builtin_cpu_supports("avx2");
  if (avx2)
    RowDotsAvx2(cols, vals, p0, p1, M, k, acc);
  else
    RowDotsScalar(cols, vals, p0, p1, M, k, acc);
}

// Hamerly's per-pass shift terms: the largest centroid move s1 (at r1, first on ties) and the
// largest among the other centroids s2; a row assigned to r1 loosens its bound by s2, others by s1.
struct LargestShifts {
  double s1 = 0, s2 = 0;
  int r1 = 0;
  double For(int label) const { return label == r1 ? s2 : s1; }
};

inline LargestShifts FindLargestShifts(const double* shift, int k) {
  LargestShifts o;
  for (int c = 1; c < k; ++c)
    if (shift[c] > shift[o.r1]) o.r1 = c;
  o.s1 = shift[o.r1];
  for (int c = 0; c < k; ++c)
    if (c != o.r1 && shift[c] > o.s2) o.s2 = shift[c];
  return o;
}

// The Hamerly test for a row whose exact squared distance to its current centroid is da: it keeps
// its label when sqrt(da) <= max(s(a), lower - shift). On success the loosened bound is stored.
inline bool BoundKeepsLabel(double da, double* lower, double shiftAway, double halfSep) {
  double l = *lower - shiftAway;
  if (std::sqrt(da) > std::max(halfSep, l)) return false;
  *lower = l;
  return true;
}

// Nearest and second-nearest centroid from the k dot products acc (ties to the lower index):
// d(x, c) = max(0, ||x||^2 + ||c||^2 - 2 x.c).
struct NearestTwo {
  int best = 0;
  double d1, d2;
};

inline NearestTwo FindNearestTwo(double xn, const double* cn, const double* acc, int k) {
  NearestTwo o;
  o.d1 = o.d2 = std::numeric_limits<double>::infinity();
  for (int c = 0; c < k; ++c) {
    double d = std::max(0.0, xn + cn[c] - 2.0 * acc[c]);
    if (d < o.d1) {
      o.d2 = o.d1;
      o.d1 = d;
      o.best = c;
    } else if (d < o.d2) {
      o.d2 = d;
    }
  }
  return o;
}

constexpr long long kSumBlock = 4096;

// Sum of x[0..n) in 4096-entry blocks, each summed in order, then the block sums in order: the
// same bits at any thread count, and the same as blockedSum in ts/kmeans-rows.ts.
inline double BlockedSum(const double* x, long long n, int threads) {
  long long nBlocks = (n + kSumBlock - 1) / kSumBlock;
  std::vector<double> part(static_cast<size_t>(nBlocks), 0.0);
  ParallelFor(nBlocks, threads, [&](long long b0, long long b1, int) {
    for (long long b = b0; b < b1; ++b) {
      double s = 0.0;
      for (long long i = b * kSumBlock, e = std::min(n, (b + 1) * kSumBlock); i < e; ++i) s += x[i];
      part[b] = s;
    }
  });
  double total = 0.0;
  for (double s : part) total += s;
  return total;
}

}  // namespace rk
