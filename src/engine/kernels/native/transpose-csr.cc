// transposeCsr: CSR (rows x cols) -> CSR of the transpose (the CSC of the input), entries of
// each output row in ascending input-row order; same as ts/transpose-csr.ts.
// TS: transposeCsr(offsets: Int32Array, cols: Int32Array, values: Float32Array, nCols: number,
//   outOffsets: Int32Array, outCols: Int32Array, outValues: Float32Array) -> NativeJob<void>
#include <vector>

#include "async-job.h"
#include "napi-args.h"

namespace {

Napi::Value TransposeCsr(const Napi::CallbackInfo& info) {
  return rk::Guard(info, [&]() -> Napi::Value {
    rk::Args args(info);
    auto offsets = args.Int32(0, "offsets");
    auto cols = args.Int32(1, "cols");
    auto values = args.Float32(2, "values");
    int nCols = static_cast<int>(args.Number(3, "nCols"));
    auto outOffsets = args.Int32(4, "outOffsets");
    auto outCols = args.Int32(5, "outCols");
    auto outValues = args.Float32(6, "outValues");
    RK_CHECK(offsets.length >= 1, "offsets must not be empty");
    long long nRows = static_cast<long long>(offsets.length) - 1;
    long long nnz = offsets.data[nRows];
    RK_CHECK(outOffsets.length == static_cast<size_t>(nCols) + 1, "outOffsets must have nCols + 1 entries");
    RK_CHECK(static_cast<long long>(outCols.length) >= nnz && static_cast<long long>(outValues.length) >= nnz,
             "output arrays are shorter than nnz");
    auto* job = new rk::AsyncJob(
        args, [=](rk::JobState& st) {
          int32_t* o = outOffsets.data;
          for (int c = 0; c <= nCols; ++c) o[c] = 0;
          for (long long p = 0; p < nnz; ++p) {
            RK_CHECK(cols.data[p] >= 0 && cols.data[p] < nCols, "column index out of range at entry " + std::to_string(p));
            o[cols.data[p] + 1]++;
          }
          for (int c = 0; c < nCols; ++c) o[c + 1] += o[c];
          std::vector<int32_t> cursor(o, o + nCols);
          for (long long r = 0; r < nRows; ++r) {
            for (int32_t p = offsets.data[r]; p < offsets.data[r + 1]; ++p) {
              int32_t q = cursor[cols.data[p]]++;
              outCols.data[q] = static_cast<int32_t>(r);
              outValues.data[q] = values.data[p];
            }
          }
          st.progress.store(1.0);
        },
        [](Napi::Env env) -> Napi::Value { return env.Undefined(); });
    return job->Start();
  });
}
RK_REGISTER("transposeCsr", TransposeCsr);

}  // namespace
