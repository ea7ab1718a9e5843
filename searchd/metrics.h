// Metrics in the Prometheus text format: requests by route and status, a
// latency histogram, and gauges about the index. Thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace letopis::searchd {

class Metrics {
 public:
  void observe(const std::string& route, int status, double seconds);
  void reloaded() { reloads_.fetch_add(1); }
  void set_index(uint64_t doccount, uint64_t revision, double age_seconds);
  // The HTTP layer's connections (queued or being served, idle keep-alive
  // ones included) and its worker threads, as they open and close.
  void connections(int64_t delta) { connections_.fetch_add(delta); }
  void threads(int64_t delta) { threads_.fetch_add(delta); }
  // The exposition text; "letopis_" prefixes every metric.
  std::string render() const;

  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;
  std::map<std::string, std::array<uint64_t, kBuckets.size() + 1>> buckets_;  // per route, +Inf last
  std::map<std::string, double> sum_;
  std::atomic<uint64_t> reloads_{0};
  std::atomic<int64_t> connections_{0}, threads_{0};
  uint64_t doccount_ = 0, revision_ = 0;
  double age_ = 0;
};

}  // namespace letopis::searchd
