// svdppEpoch: one epoch of SVD++ SGD with Surprise's SVDpp semantics, user by user in CSR order,
// every parameter in double. The y_j update of a user's ratings is carried in closed form
// (z_u <- c z_u + lr_yj err q_i, and y_j = c^n y_j + D after the user's n ratings; see
// ts/svdpp-epoch.ts and docs/explicit-models.md): O(k) per rating instead of Surprise's
// O(|N(u)| k). Same operations in the same order as the TypeScript twin (-ffp-contract=off, no
// reassociation), so both agree to the last bit. Sequential: each rating reads what the previous wrote.
// TS: svdppEpoch(offsets: Int32Array, cols: Int32Array, values: Float32Array, userFactors: Float64Array,
//   itemFactors: Float64Array, implicitFactors: Float64Array, userBias: Float64Array, itemBias: Float64Array,
//   factors: number, globalMean: number,
//   rates: Float64Array [lrBu, lrBi, lrPu, lrQi, lrYj, regBu, regBi, regPu, regQi, regYj])
//   -> NativeJob<{ sse: number; penalty: number }>
#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "async-job.h"
#include "napi-args.h"

namespace {

double SumSq(const double* x, size_t n) {
  double s = 0;
  for (size_t i = 0; i < n; ++i) s += x[i] * x[i];
  return s;
}

Napi::Value SvdppEpoch(const Napi::CallbackInfo& info) {
  return rk::Guard(info, [&]() -> Napi::Value {
    rk::Args args(info);
    auto offsets = args.Int32(0, "offsets");
    auto cols = args.Int32(1, "cols");
    auto values = args.Float32(2, "values");
    auto P = args.Float64(3, "userFactors");
    auto Q = args.Float64(4, "itemFactors");
    auto Y = args.Float64(5, "implicitFactors");
    auto bu = args.Float64(6, "userBias");
    auto bi = args.Float64(7, "itemBias");
    const int k = static_cast<int>(args.Number(8, "factors"));
    const double mu = args.Number(9, "globalMean");
    auto rates = args.Float64(10, "rates");

    const long long nUsers = static_cast<long long>(bu.length), nItems = static_cast<long long>(bi.length);
    RK_CHECK(k >= 1 && rates.length == 10, "factors must be >= 1 and rates must hold 10 numbers");
    RK_CHECK(static_cast<long long>(offsets.length) == nUsers + 1, "offsets must have nUsers + 1 entries");
    RK_CHECK(static_cast<long long>(P.length) == nUsers * k && static_cast<long long>(Q.length) == nItems * k &&
                 static_cast<long long>(Y.length) == nItems * k,
             "factor arrays must be nUsers x factors and nItems x factors");
    RK_CHECK(values.length == cols.length, "cols and values differ in length");
    RK_CHECK(offsets.data[0] == 0 && offsets.data[nUsers] == static_cast<long long>(cols.length),
             "offsets must span the entries");
    for (long long r = 0; r < nUsers; ++r) RK_CHECK(offsets.data[r] <= offsets.data[r + 1], "offsets must not decrease");
    for (size_t p = 0; p < cols.length; ++p) {
      RK_CHECK(cols.data[p] >= 0 && cols.data[p] < nItems, "item index out of range at entry " + std::to_string(p));
    }
    auto result = std::make_shared<std::array<double, 2>>();
    auto* job = new rk::AsyncJob(
        args, [=](rk::JobState& st) {
          const double* r = rates.data;
          const double lrBu = r[0], lrBi = r[1], lrPu = r[2], lrQi = r[3], lrYj = r[4];
          const double regBu = r[5], regBi = r[6], regPu = r[7], regQi = r[8], regYj = r[9];
          const double c = 1 - lrYj * regYj;
          double* const p_ = P.data;
          double* const q_ = Q.data;
          double* const y_ = Y.data;
          std::vector<double> z(k), d(k);
          double sse = 0;
          for (long long u = 0; u < nUsers; ++u) {
            if ((u & 255) == 0) {
              rk::ThrowIfCancelled(st);
              st.progress.store(static_cast<double>(u) / nUsers, std::memory_order_relaxed);
            }
            const long long lo = offsets.data[u], hi = offsets.data[u + 1];
            if (hi == lo) continue;
            const double s = std::sqrt(static_cast<double>(hi - lo));
            double* const pu = p_ + u * k;
            std::fill(z.begin(), z.end(), 0.0);
            std::fill(d.begin(), d.end(), 0.0);
            for (long long p = lo; p < hi; ++p) {
              const double* yj = y_ + static_cast<long long>(cols.data[p]) * k;
              for (int f = 0; f < k; ++f) z[f] = z[f] + yj[f] / s;
            }
            double cn = 1;
            for (long long p = lo; p < hi; ++p) {
              const int i = cols.data[p];
              double* const qi = q_ + static_cast<long long>(i) * k;
              double dot = 0;
              for (int f = 0; f < k; ++f) dot += qi[f] * (pu[f] + z[f]);
              const double err = static_cast<double>(values.data[p]) - (mu + bu.data[u] + bi.data[i] + dot);
              sse += err * err;
              const double b1 = bu.data[u], b2 = bi.data[i];
              bu.data[u] = b1 + lrBu * (err - regBu * b1);
              bi.data[i] = b2 + lrBi * (err - regBi * b2);
              const double g = lrYj * err;
              for (int f = 0; f < k; ++f) {
                const double pf = pu[f], qf = qi[f], zf = z[f];
                pu[f] = pf + lrPu * (err * qf - regPu * pf);
                qi[f] = qf + lrQi * (err * (pf + zf) - regQi * qf);
                z[f] = c * zf + g * qf;
                d[f] = c * d[f] + g * qf / s;
              }
              cn *= c;
            }
            for (long long p = lo; p < hi; ++p) {
              double* yj = y_ + static_cast<long long>(cols.data[p]) * k;
              for (int f = 0; f < k; ++f) yj[f] = cn * yj[f] + d[f];
            }
          }
          (*result)[0] = sse;
          (*result)[1] = regPu * SumSq(P.data, P.length) + regQi * SumSq(Q.data, Q.length) +
                         regYj * SumSq(Y.data, Y.length) + regBu * SumSq(bu.data, bu.length) +
                         regBi * SumSq(bi.data, bi.length);
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
RK_REGISTER("svdppEpoch", SvdppEpoch);

}  // namespace
