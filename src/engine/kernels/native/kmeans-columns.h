// Column-side helpers of kmeans-lloyd.cc: the rows as CSR of their non-zeros and as CSC, the
// per-column mean, and centroid norms/movements over the transposed centroids. Every loop keeps
// the TS twin's summation order per value (see kmeans-lloyd.cc), so vectorising changes no bits.
#pragma once
#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "kmeans-rows.h"

namespace rk {

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

// nx[c] = float(sum[c] / count[c]), sum[c] = 0, for c in [0, k): independent lanes, so the AVX2
// clone gives the same bits as the default one.
__attribute__((target_clones("avx2", "default"))) inline void MeanColumn(double* __restrict sum,
                                                                  const double* __restrict count,
                                                                  float* __restrict nx, int k) {
  for (int c = 0; c < k; ++c) {
    nx[c] = static_cast<float>(sum[c] / count[c]);
    sum[c] = 0.0;
  }
}

// cn[c] = sum over j of now[j*k + c]^2 and (when `before`) mv[c] = sum of (now - before)^2, for c
// in [c0, c1), ascending j for each c. Register blocks of 8 centroids keep 4 running sums in
// registers; 256-row tiles of j (100 KB at k = 50) keep the rows every block re-reads in L2 (one
// pass per block over the whole of CT would re-read it from L3 k/8 times). Same mul and add per
// lane as the scalar loop, so the same bits.
__attribute__((target("avx2"))) inline void NormsAvx2(const float* now, const float* before, int k, int dim, int c0,
                                               int c1, double* cn, double* mv) {
  std::fill(cn + c0, cn + c1, 0.0);
  if (before) std::fill(mv + c0, mv + c1, 0.0);
  for (int j0 = 0; j0 < dim; j0 += 256) {
    const int j1 = std::min(dim, j0 + 256);
    int c = c0;
    for (; c + 8 <= c1; c += 8) {
      __m256d n0 = _mm256_loadu_pd(cn + c), n1 = _mm256_loadu_pd(cn + c + 4);
      __m256d m0 = _mm256_setzero_pd(), m1 = m0;
      if (before) {
        m0 = _mm256_loadu_pd(mv + c);
        m1 = _mm256_loadu_pd(mv + c + 4);
      }
      for (int j = j0; j < j1; ++j) {
        const float* a = now + static_cast<size_t>(j) * k + c;
        __m256d a0 = _mm256_cvtps_pd(_mm_loadu_ps(a)), a1 = _mm256_cvtps_pd(_mm_loadu_ps(a + 4));
        n0 = _mm256_add_pd(n0, _mm256_mul_pd(a0, a0));
        n1 = _mm256_add_pd(n1, _mm256_mul_pd(a1, a1));
        if (before) {
          const float* b = before + static_cast<size_t>(j) * k + c;
          __m256d d0 = _mm256_sub_pd(a0, _mm256_cvtps_pd(_mm_loadu_ps(b)));
          __m256d d1 = _mm256_sub_pd(a1, _mm256_cvtps_pd(_mm_loadu_ps(b + 4)));
          m0 = _mm256_add_pd(m0, _mm256_mul_pd(d0, d0));
          m1 = _mm256_add_pd(m1, _mm256_mul_pd(d1, d1));
        }
      }
      _mm256_storeu_pd(cn + c, n0);
      _mm256_storeu_pd(cn + c + 4, n1);
      if (before) {
        _mm256_storeu_pd(mv + c, m0);
        _mm256_storeu_pd(mv + c + 4, m1);
      }
    }
    for (; c < c1; ++c) {
      double n = cn[c], m = before ? mv[c] : 0.0;
      for (int j = j0; j < j1; ++j) {
        double v = now[static_cast<size_t>(j) * k + c];
        n += v * v;
        if (before) {
          double d = v - static_cast<double>(before[static_cast<size_t>(j) * k + c]);
          m += d * d;
        }
      }
      cn[c] = n;
      if (before) mv[c] = m;
    }
  }
}

inline void NormsScalar(const float* now, const float* before, int k, int dim, int c0, int c1, double* cn, double* mv) {
  std::fill(cn + c0, cn + c1, 0.0);
  if (before) std::fill(mv + c0, mv + c1, 0.0);
  for (int j = 0; j < dim; ++j) {
    const float* a = now + static_cast<size_t>(j) * k;
    for (int c = c0; c < c1; ++c) {
      double v = a[c];
      cn[c] += v * v;
      if (before) {
        double d = v - static_cast<double>(before[static_cast<size_t>(j) * k + c]);
        mv[c] += d * d;
      }
    }
  }
}

// Column-major copy (CSC) of the rows' non-zeros: column j's entries in ascending row order.
struct SparseColumns {
  std::vector<int32_t> off, rows;
  std::vector<float> vals;

  SparseColumns(const SparseRows& x, long long n, int dim)
      : off(static_cast<size_t>(dim) + 1, 0), rows(static_cast<size_t>(x.off[n])), vals(rows.size()) {
    for (int32_t p = 0; p < x.off[n]; ++p) ++off[x.cols[p] + 1];
    for (int j = 0; j < dim; ++j) off[j + 1] += off[j];
    std::vector<int32_t> fill(off.begin(), off.end() - 1);
    for (long long r = 0; r < n; ++r)
      for (int32_t p = x.off[r]; p < x.off[r + 1]; ++p) {
        int32_t q = fill[x.cols[p]]++;
        rows[q] = static_cast<int32_t>(r);
        vals[q] = x.vals[p];
      }
  }
};

}  // namespace rk
