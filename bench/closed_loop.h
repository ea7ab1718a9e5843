// The closed-loop driver the load and peers benchmarks share: N client
// threads, each with its own connection or database, send requests one
// after another, round a log from evenly spread starting points (so they do
// not send the same query at the same moment, which would flatter any
// cache), warm up uncounted, then are measured for a fixed time or a fixed
// number of requests.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <exception>
#include <functional>
#include <latch>
#include <string>
#include <thread>
#include <vector>

namespace letopis::bench {

// What one request came to.
struct Outcome {
  bool ok = false;
  size_t bytes = 0;
  std::string error;  // why it failed, for the first failure of a run
};

// Sends the request at an index of the log. Each thread makes its own.
using Sender = std::function<Outcome(size_t)>;

struct ClosedLoopOptions {
  int concurrency = 1;
  size_t log_size = 1;  // requests in the log (indexes 0..log_size-1)
  double warmup_s = 0;
  double duration_s = 10;
  size_t requests = 0;  // > 0: measure this many instead of duration_s
};

struct ClosedLoopResult {
  std::vector<double> ms;  // latencies of successful counted requests, sorted
  size_t requests = 0, errors = 0, bytes = 0;
  double seconds = 0;  // from the end of warm-up to the last counted response
  std::string first_error;
};

// Runs the loop. make_sender is called once per thread, before the clock
// starts; if it throws, that thread sends nothing and says why.
inline ClosedLoopResult run_closed_loop(const ClosedLoopOptions& o, const std::function<Sender()>& make_sender) {
  using Clock = std::chrono::steady_clock;
  struct PerThread {
    std::vector<double> ms;
    size_t requests = 0, errors = 0, bytes = 0;
    Clock::time_point last_end{};
    std::string first_error;
  };
  const auto n = static_cast<size_t>(std::max(o.concurrency, 1));
  const size_t log_size = std::max<size_t>(o.log_size, 1);
  std::vector<PerThread> results(n);
  std::atomic<size_t> tickets{0};  // with requests: counted requests handed out
  std::latch ready(static_cast<std::ptrdiff_t>(n)), go(1);
  Clock::time_point measure_from, measure_until;  // written before go, read after

  std::vector<std::thread> threads;
  for (size_t t = 0; t < n; ++t) {
    threads.emplace_back([&, t] {
      PerThread& r = results[t];
      Sender send;
      try {
        send = make_sender();
      } catch (const std::exception& e) {
        r.first_error = std::string("setup: ") + e.what();
      }
      ready.count_down();
      go.wait();
      if (!send) return;
      for (size_t next = t * log_size / n;; ++next) {
        const auto t0 = Clock::now();
        const bool counted = t0 >= measure_from;
        if (counted && (o.requests ? tickets.fetch_add(1) >= o.requests : t0 >= measure_until)) break;
        const Outcome out = send(next % log_size);
        const auto t1 = Clock::now();
        if (!out.ok && r.first_error.empty()) r.first_error = out.error;
        if (!counted) continue;
        ++r.requests;
        r.last_end = t1;
        r.bytes += out.bytes;
        // A failure's latency is left out: a refused connection would flatter the percentiles.
        if (out.ok) r.ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        else ++r.errors;
      }
    });
  }
  ready.wait();
  measure_from = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.warmup_s));
  measure_until = measure_from + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.duration_s));
  go.count_down();
  for (auto& th : threads) th.join();

  ClosedLoopResult s;
  Clock::time_point last_end = measure_from;
  for (auto& r : results) {
    s.ms.insert(s.ms.end(), r.ms.begin(), r.ms.end());
    s.requests += r.requests;
    s.errors += r.errors;
    s.bytes += r.bytes;
    last_end = std::max(last_end, r.last_end);
    if (s.first_error.empty()) s.first_error = r.first_error;
  }
  // Throughput over the time the counted requests took, including the tail
  // of those still in flight when the duration ran out.
  s.seconds = std::chrono::duration<double>(last_end - measure_from).count();
  std::sort(s.ms.begin(), s.ms.end());
  return s;
}

}  // namespace letopis::bench
