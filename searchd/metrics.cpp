#include "searchd/metrics.h"

#include <sstream>

namespace letopis::searchd {

void Metrics::observe(const std::string& route, int status, double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{route, status}];
  auto& b = buckets_[route];
  size_t i = 0;
  while (i < kBuckets.size() && seconds > kBuckets[i]) ++i;
  ++b[i];
  sum_[route] += seconds;
}

void Metrics::set_index(uint64_t doccount, uint64_t revision, double age_seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  doccount_ = doccount;
  revision_ = revision;
  age_ = age_seconds;
}

std::string Metrics::render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::ostringstream o;
  o << "# HELP letopis_requests_total HTTP requests by route and status.\n"
       "# TYPE letopis_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    o << "letopis_requests_total{route=\"" << key.first << "\",status=\"" << key.second << "\"} " << n << '\n';
  }
  o << "# HELP letopis_request_duration_seconds Request latency by route.\n"
       "# TYPE letopis_request_duration_seconds histogram\n";
  for (const auto& [route, b] : buckets_) {
    uint64_t cum = 0;
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      cum += b[i];
      o << "letopis_request_duration_seconds_bucket{route=\"" << route << "\",le=\"" << kBuckets[i] << "\"} "
        << cum << '\n';
    }
    cum += b[kBuckets.size()];
    o << "letopis_request_duration_seconds_bucket{route=\"" << route << "\",le=\"+Inf\"} " << cum << '\n';
    o << "letopis_request_duration_seconds_sum{route=\"" << route << "\"} " << sum_.at(route) << '\n';
    o << "letopis_request_duration_seconds_count{route=\"" << route << "\"} " << cum << '\n';
  }
  o << "# HELP letopis_index_documents Documents in the served index.\n"
       "# TYPE letopis_index_documents gauge\n"
       "letopis_index_documents " << doccount_ << "\n"
       "# HELP letopis_index_revision Revision of the served index.\n"
       "# TYPE letopis_index_revision gauge\n"
       "letopis_index_revision " << revision_ << "\n"
       "# HELP letopis_index_age_seconds Seconds since the served index was last built.\n"
       "# TYPE letopis_index_age_seconds gauge\n"
       "letopis_index_age_seconds " << age_ << "\n"
       "# HELP letopis_index_reloads_total Times a new index or revision was picked up.\n"
       "# TYPE letopis_index_reloads_total counter\n"
       "letopis_index_reloads_total " << reloads_.load() << "\n"
       "# HELP letopis_http_connections Open HTTP connections, queued or held by a thread (idle keep-alive too).\n"
       "# TYPE letopis_http_connections gauge\n"
       "letopis_http_connections " << connections_.load() << "\n"
       "# HELP letopis_http_threads HTTP worker threads, busy or waiting.\n"
       "# TYPE letopis_http_threads gauge\n"
       "letopis_http_threads " << threads_.load() << '\n';
  return o.str();
}

}  // namespace letopis::searchd
