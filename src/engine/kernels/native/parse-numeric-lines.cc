// parseNumericLines: the numeric fields of whole lines of delimited text -> typed columns.
// Twin of ts/parse-numeric-lines.ts (same grammar, bad-line codes and rounding). The buffer is
// cut into one chunk per thread at line ends; each thread parses its chunk into the rows after
// the lines of the chunks before it (a line yields at most one row), then the rows are
// compacted in chunk order, so the result does not depend on the thread count.
// TS: parseNumericLines(buf: Uint8Array, delimiter: string, columns: Int32Array, kinds: Int32Array,
//   min: Float64Array, max: Float64Array, out: (Int32Array | Float32Array | Float64Array)[],
//   row: number, skipBad: boolean, threads: number)
//   -> NativeJob<{ rows, lines, skipped, bad: {line, code, field, start, end}[], widen, needCapacity? }>
#include <charconv>
#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "async-job.h"
#include "napi-args.h"
#include "parallel.h"

namespace {

constexpr int kI32 = 0, kF32 = 1, kF64 = 2, kID64 = 3;
// Bad-line code of an id field that is not a plain integer id: the chunk stops even with skipBad.
constexpr int kTextId = 6;
constexpr double kMaxSafe = 9007199254740991.0;
constexpr size_t kMaxBad = 5;
constexpr long long kMinChunkBytes = 1 << 20;
const double kPow10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                           1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

struct Bad {
  long long line;
  int code, field;
  long long start, end;
};

struct Column {
  int kind;
  void* data;
};

struct Spec {
  uint8_t d0;
  bool colon;
  std::vector<int> want;
  int nFields;
  std::vector<int> kinds;
  std::vector<double> min, max;
  std::vector<Column> out;
  bool skipBad;
};

struct Chunk {
  long long from = 0, to = 0, lineBase = 0, lines = 0;
  long long rows = 0, skipped = 0;
  std::vector<Bad> bad;
  bool widen = false, stopped = false;
};

inline bool Digit(uint8_t c) { return c >= '0' && c <= '9'; }

// Same as parseNumber in the TS twin; the rare long or exponent forms go to std::from_chars,
// which rounds correctly as JS Number() does (and ignores the C locale, unlike strtod).
double ParseNumber(const uint8_t* buf, long long a, long long b) {
  while (a < b && buf[a] == ' ') a++;
  while (b > a && buf[b - 1] == ' ') b--;
  if (a == b) return NAN;
  long long i = a;
  bool neg = false;
  if (buf[i] == '-' || buf[i] == '+') {
    neg = buf[i] == '-';
    i++;
  }
  double mant = 0;
  int digits = 0, scale = 0;
  while (i < b && Digit(buf[i])) {
    mant = mant * 10 + (buf[i] - '0');
    i++;
    digits++;
  }
  if (i < b && buf[i] == '.') {
    i++;
    while (i < b && Digit(buf[i])) {
      mant = mant * 10 + (buf[i] - '0');
      i++;
      scale++;
      digits++;
    }
  }
  if (digits == 0) return NAN;
  if (i < b || digits > 15 || scale > 22) {
    bool negExp = false;
    if (i < b) {
      if (buf[i] != 'e' && buf[i] != 'E') return NAN;
      long long j = i + 1;
      if (j < b && (buf[j] == '+' || buf[j] == '-')) negExp = buf[j++] == '-';
      if (j == b) return NAN;
      for (; j < b; j++)
        if (!Digit(buf[j])) return NAN;
    }
    const char* s = reinterpret_cast<const char*>(buf) + a + (buf[a] == '+' ? 1 : 0);
    double v = 0;
    auto r = std::from_chars(s, reinterpret_cast<const char*>(buf) + b, v);
    if (r.ec == std::errc::result_out_of_range) return negExp ? (neg ? -0.0 : 0.0) : NAN;
    if (r.ec != std::errc() || !std::isfinite(v)) return NAN;
    return v;
  }
  double v = scale == 0 ? mant : mant / kPow10[scale];
  return neg ? -v : v;
}

// The id rule (docs/data-and-ids.md, "Ids"), as plainIntegerId in the TS twin: buf[a, b) minus
// spaces is -?(0|[1-9][0-9]*), not "-0", and its value v is within +-(2^53 - 1).
bool PlainIntegerId(const uint8_t* buf, long long a, long long b, double v) {
  while (a < b && buf[a] == ' ') a++;
  while (b > a && buf[b - 1] == ' ') b--;
  bool neg = a < b && buf[a] == '-';
  if (neg) a++;
  long long n = b - a;
  if (n == 0 || n > 16) return false;
  if (buf[a] == '0' && (n > 1 || neg)) return false;
  for (long long i = a; i < b; i++)
    if (!Digit(buf[i])) return false;
  return v <= kMaxSafe && v >= -kMaxSafe;
}

void ParseChunk(const uint8_t* buf, long long rowBase, const Spec& s, Chunk& c, rk::JobState& st) {
  const long long n = c.to;
  const uint8_t d0 = s.d0;
  const bool colon = s.colon;
  std::vector<double> vals(s.nFields);
  long long row = rowBase;
  long long line = c.lineBase;
  long long pos = c.from;
  auto isDelim = [&](long long p) { return buf[p] == d0 && (!colon || (p + 1 < n && buf[p + 1] == ':')); };
  while (pos < n) {
    if (((line - c.lineBase) & 0xffff) == 0) rk::ThrowIfCancelled(st);
    uint8_t c0 = buf[pos];
    if (c0 == '\n' || (c0 == '\r' && (pos + 1 == n || buf[pos + 1] == '\n'))) {
      pos += c0 == '\r' ? 2 : 1;
      line++;
      continue;
    }
    int field = 0, got = 0, code = 0, badField = -1;
    long long badA = 0, badB = 0;
    for (;;) {
      long long a = pos, b;
      if (pos < n && buf[pos] == '"') {
        a = ++pos;
        while (pos < n && buf[pos] != '"' && buf[pos] != '\n') pos++;
        b = pos;
        if (pos < n && buf[pos] == '"') {
          pos++;
        } else if (code == 0) {
          code = 4;
          badA = a;
          badB = b;
        }
      } else {
        while (pos < n) {
          uint8_t ch = buf[pos];
          if (ch == '\n' || ch == '\r' || isDelim(pos)) break;
          pos++;
        }
        b = pos;
      }
      int k = field < static_cast<int>(s.want.size()) ? s.want[field] : -1;
      if (k >= 0) {
        got++;
        if (code == 0) {
          double v = ParseNumber(buf, a, b);
          bool isId = s.kinds[k] == kI32 || s.kinds[k] == kID64;
          if (isId && !PlainIntegerId(buf, a, b, v))
            code = kTextId;
          else if (std::isnan(v))
            code = 1;
          else if (v < s.min[k] || v > s.max[k])
            code = 2;
          else
            vals[k] = v;
          if (code != 0) {
            badField = k;
            badA = a;
            badB = b;
          }
        }
      }
      field++;
      if (pos < n && isDelim(pos)) {
        pos += colon ? 2 : 1;
        continue;
      }
      break;
    }
    long long lineEnd = pos;
    if (pos < n && buf[pos] == '\r') pos++;
    if (pos < n && buf[pos] != '\n') {
      if (code == 0) {
        code = 3;
        badA = lineEnd;
        badB = lineEnd + 1;
      }
      while (pos < n && buf[pos] != '\n') pos++;
    }
    pos++;
    if (code == 0 && got < s.nFields) {
      code = 5;
      badField = field;
    }
    if (code == 0) {
      for (int k = 0; k < s.nFields; k++) {
        double v = vals[k];
        const Column& col = s.out[k];
        if (col.kind == kI32) {
          if (!(v >= -2147483648.0 && v <= 2147483647.0) || static_cast<double>(static_cast<int32_t>(v)) != v) {
            c.widen = c.stopped = true;
            c.rows = row - rowBase;
            return;
          }
          static_cast<int32_t*>(col.data)[row] = static_cast<int32_t>(v);
        } else if (col.kind == kF32) {
          static_cast<float*>(col.data)[row] = static_cast<float>(v);
        } else {
          static_cast<double*>(col.data)[row] = v;
        }
      }
      row++;
    } else {
      if (c.bad.size() < kMaxBad) c.bad.push_back({line, code, badField, badA, badB});
      c.skipped++;
      if (!s.skipBad || code == kTextId) {
        c.stopped = true;
        c.rows = row - rowBase;
        return;
      }
    }
    line++;
  }
  c.rows = row - rowBase;
}

size_t ElementSize(int kind) { return kind == kF64 || kind == kID64 ? 8 : 4; }

struct Result {
  long long rows = 0, lines = 0, skipped = 0, needCapacity = -1;
  std::vector<Bad> bad;
  bool widen = false;
};

void Run(const uint8_t* buf, long long n, const Spec& s, long long row, long long capacity, int threads, Result& r,
         rk::JobState& st) {
  // chunks end just after a '\n' (the last at n), so no line spans two chunks
  int t = n < 2 * kMinChunkBytes ? 1 : rk::ClampThreads(threads, n / kMinChunkBytes);
  std::vector<Chunk> chunks(t);
  long long from = 0;
  for (int i = 0; i < t; i++) {
    long long to = i == t - 1 ? n : std::max(from, n * (i + 1) / t);
    if (i < t - 1) {
      const void* nl = to < n ? std::memchr(buf + to, '\n', n - to) : nullptr;
      to = nl ? static_cast<const uint8_t*>(nl) - buf + 1 : n;
    }
    chunks[i].from = from;
    chunks[i].to = to;
    from = to;
  }
  rk::ParallelFor(t, t, [&](long long b, long long e, int) {
    for (long long i = b; i < e; i++) {
      Chunk& c = chunks[i];
      long long lines = 0;
      for (const uint8_t* p = buf + c.from; p < buf + c.to;) {
        const void* nl = std::memchr(p, '\n', buf + c.to - p);
        if (!nl) {
          lines++;
          break;
        }
        lines++;
        p = static_cast<const uint8_t*>(nl) + 1;
      }
      c.lines = lines;
    }
  });
  long long total = 0;
  for (auto& c : chunks) {
    c.lineBase = total;
    total += c.lines;
  }
  r.lines = total;
  if (row + total > capacity) {
    r.needCapacity = row + total;
    return;
  }
  rk::ParallelFor(t, t, [&](long long b, long long e, int) {
    for (long long i = b; i < e; i++) ParseChunk(buf, row + chunks[i].lineBase, s, chunks[i], st);
  });
  // compact in chunk order, stopping at the first chunk that stopped (error or widen)
  long long outRow = row;
  for (auto& c : chunks) {
    long long at = row + c.lineBase;
    if (at != outRow && c.rows > 0) {
      for (int k = 0; k < s.nFields; k++) {
        size_t es = ElementSize(s.out[k].kind);
        auto* base = static_cast<uint8_t*>(s.out[k].data);
        std::memmove(base + outRow * es, base + at * es, c.rows * es);
      }
    }
    outRow += c.rows;
    r.skipped += c.skipped;
    for (auto& b : c.bad)
      if (r.bad.size() < kMaxBad) r.bad.push_back(b);
    if (c.stopped) {
      r.widen = c.widen;
      break;
    }
  }
  r.rows = outRow - row;
}

Napi::Value ParseNumericLines(const Napi::CallbackInfo& info) {
  return rk::Guard(info, [&]() -> Napi::Value {
    rk::Args args(info);
    auto bufView = args.Typed<uint8_t, napi_uint8_array>(0, "buf");
    const uint8_t* buf = bufView.data;
    long long n = static_cast<long long>(bufView.length);
    std::string delim = args.String(1, "delimiter");
    RK_CHECK(delim.size() == 1 || delim == "::", "delimiter must be one byte or '::'");
    auto columns = args.Int32(2, "columns");
    auto kinds = args.Int32(3, "kinds");
    auto mins = args.Float64(4, "min");
    auto maxs = args.Float64(5, "max");
    std::vector<rk::AnyView> outs = args.TypedList(6, "out");
    long long row = static_cast<long long>(args.Number(7, "row"));
    bool skipBad = args.Bool(8, "skipBad");
    int threads = static_cast<int>(args.Number(9, "threads"));
    size_t nf = columns.length;
    RK_CHECK(nf > 0 && kinds.length == nf && mins.length == nf && maxs.length == nf && outs.size() == nf,
             "columns, kinds, min, max and out differ in length");

    auto spec = std::make_shared<Spec>();
    spec->d0 = static_cast<uint8_t>(delim[0]);
    spec->colon = delim == "::";
    spec->nFields = static_cast<int>(nf);
    spec->skipBad = skipBad;
    int maxCol = 0;
    for (size_t k = 0; k < nf; k++) {
      RK_CHECK(columns.data[k] >= 0, "column positions must be >= 0");
      maxCol = std::max(maxCol, columns.data[k]);
    }
    spec->want.assign(maxCol + 1, -1);
    long long capacity = -1;
    for (size_t k = 0; k < nf; k++) {
      spec->want[columns.data[k]] = static_cast<int>(k);
      spec->kinds.push_back(kinds.data[k]);
      spec->min.push_back(mins.data[k]);
      spec->max.push_back(maxs.data[k]);
      const rk::AnyView& ta = outs[k];
      int kind = kinds.data[k];
      napi_typedarray_type want = kind == kI32 ? napi_int32_array : kind == kF32 ? napi_float32_array : napi_float64_array;
      RK_CHECK(kind >= 0 && kind <= 3 && ta.type == want,
               "out[" + std::to_string(k) + "] does not match its kind");
      spec->out.push_back({kind, ta.data});
      long long len = static_cast<long long>(ta.length);
      capacity = capacity < 0 ? len : std::min(capacity, len);
    }
    RK_CHECK(row >= 0, "row must be >= 0");
    auto result = std::make_shared<Result>();
    auto* job = new rk::AsyncJob(
        args, [=](rk::JobState& st) { Run(buf, n, *spec, row, capacity, threads, *result, st); },
        [result](Napi::Env env) -> Napi::Value {
          Napi::Object o = Napi::Object::New(env);
          o.Set("rows", Napi::Number::New(env, static_cast<double>(result->rows)));
          o.Set("lines", Napi::Number::New(env, static_cast<double>(result->lines)));
          o.Set("skipped", Napi::Number::New(env, static_cast<double>(result->skipped)));
          o.Set("widen", Napi::Boolean::New(env, result->widen));
          if (result->needCapacity >= 0)
            o.Set("needCapacity", Napi::Number::New(env, static_cast<double>(result->needCapacity)));
          Napi::Array bad = Napi::Array::New(env, result->bad.size());
          for (size_t i = 0; i < result->bad.size(); i++) {
            const Bad& b = result->bad[i];
            Napi::Object x = Napi::Object::New(env);
            x.Set("line", Napi::Number::New(env, static_cast<double>(b.line)));
            x.Set("code", Napi::Number::New(env, b.code));
            x.Set("field", Napi::Number::New(env, b.field));
            x.Set("start", Napi::Number::New(env, static_cast<double>(b.start)));
            x.Set("end", Napi::Number::New(env, static_cast<double>(b.end)));
            bad.Set(static_cast<uint32_t>(i), x);
          }
          o.Set("bad", bad);
          return o;
        });
    return job->Start();
  });
}
RK_REGISTER("parseNumericLines", ParseNumericLines);

}  // namespace
