// Service: the request handlers of searchd as plain functions from a typed
// HttpRequest to an HttpResponse, with no socket or httplib type in sight.
// Tests call them directly; server.cpp adapts them to cpp-httplib.
//
// Thread-safe: every handler may run on any worker thread at once. Each
// thread gets its own Searcher (and so its own Xapian::Database), reopened
// when the index changes.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "searchd/api.h"
#include "searchd/metrics.h"
#include "searchd/page.h"
#include "searchd/search.h"

namespace letopis::searchd {

struct HttpRequest {
  std::string method = "GET";
  std::string path;
  Params params;
  // The headers the handlers read; empty when absent.
  std::string accept_language;  // picks the visitor page's language
  std::string host;             // the OpenSearch description's origin when public_url is unset
  std::string if_none_match;    // conditional requests for assets
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

struct ServiceConfig {
  std::string db_dir;                // index directory (index_dir.h); required
  ApiLimits limits;
  SearchOptions search;
  // How often the index directory is checked for a switched-in index.
  std::chrono::milliseconds poll_interval{500};
  // The site's public origin and path prefix ("https://news.example.kz"),
  // written into /opensearch.xml. Empty: http:// and the request's Host.
  std::string public_url;
};

class Service {
 public:
  // Starts watching cfg.db_dir. The index need not exist yet: until it does,
  // /healthz and searches answer 503.
  explicit Service(ServiceConfig cfg);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // Routes a request and turns every exception into a JSON error response:
  // the one place where errors meet HTTP.
  HttpResponse handle(const HttpRequest& request);

  HttpResponse search(const HttpRequest& request);
  HttpResponse document(const HttpRequest& request, const std::string& id);
  HttpResponse related(const HttpRequest& request, const std::string& id);
  HttpResponse suggest(const HttpRequest& request);
  HttpResponse healthz();
  // The visitor side (searchd/page.h): the search page, related articles,
  // the static assets and the OpenSearch description.
  HttpResponse page(const HttpRequest& request);
  HttpResponse related_page(const HttpRequest& request, const std::string& id);
  HttpResponse asset(const HttpRequest& request, const std::string& name);
  HttpResponse opensearch(const HttpRequest& request);
  HttpResponse metrics_text();
  // A JSON error response, as every handler returns them.
  static HttpResponse error(int status, const std::string& code, const std::string& message);

  Metrics& metrics() { return metrics_; }
  bool ready() const { return ready_.load(); }
  // Forces a check of the index directory now (tests; the watcher does it too).
  void check_index();

 private:
  Searcher& searcher();  // this thread's Searcher for the current index
  PageContext page_context();
  HttpResponse html(int status, std::string body) const;
  void watch();
  void report_problem(const std::string& message);

  ServiceConfig cfg_;
  const uint64_t id_;                 // tells per-thread Searchers of services apart
  std::atomic<bool> ready_{false};
  std::atomic<uint64_t> epoch_{0};    // bumped when a different index becomes current
  std::mutex mu_;                     // guards path_, identity_
  std::string path_;                  // resolved database path of the current index
  std::string identity_;
  std::shared_ptr<const FacetLabels> labels_;  // the current index's display names
  std::string last_problem_;          // the last index problem logged (watcher thread only)
  Metrics metrics_;
  std::atomic<bool> stop_{false};
  std::thread watcher_;
};

}  // namespace letopis::searchd
