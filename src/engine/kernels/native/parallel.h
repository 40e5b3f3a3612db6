// Static block partition of [0, n) over threads; the calling thread takes block 0.
#pragma once
#include <algorithm>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace rk {

inline int ClampThreads(int requested, long long work) {
  unsigned hw = std::thread::hardware_concurrency();
  int t = requested > 0 ? requested : static_cast<int>(hw == 0 ? 1 : hw);
  if (work < t) t = static_cast<int>(std::max<long long>(1, work));
  return t;
}

// fn(begin, end, thread) runs once per thread on a contiguous range; exceptions propagate.
inline void ParallelFor(long long n, int threads,
                        const std::function<void(long long, long long, int)>& fn) {
  threads = ClampThreads(threads, n);
  if (threads <= 1) {
    fn(0, n, 0);
    return;
  }
  std::exception_ptr error;
  std::mutex m;
  auto run = [&](int t) {
    long long b = n * t / threads, e = n * (t + 1) / threads;
    try {
      fn(b, e, t);
    } catch (...) {
      std::lock_guard<std::mutex> g(m);
      if (!error) error = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(run, t);
  run(0);
  for (auto& th : pool) th.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace rk
