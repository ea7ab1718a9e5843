#include "searchd/service.h"

#include <chrono>
#include <ctime>
#include <iostream>
#include <memory>
#include <unordered_map>

#include <xapian.h>

#include "indexer/index_dir.h"
#include "indexer/schema.h"
#include "searchd/render.h"

namespace letopis::searchd {
namespace {

std::atomic<uint64_t> next_service_id{1};

struct ThreadSearcher {
  uint64_t epoch = 0;
  std::unique_ptr<Searcher> searcher;
};
// Each worker thread's Searchers, one per Service (tests run several).
thread_local std::unordered_map<uint64_t, ThreadSearcher> thread_searchers;

void log_line(const std::string& msg) {
  char ts[32];
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::cerr << ts << " letopis-searchd: " << msg << '\n';
}

double seconds_since_iso(const std::string& iso) {
  std::tm tm{};
  if (iso.size() < 19 || !strptime(iso.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return 0;
  return std::difftime(std::time(nullptr), timegm(&tm));
}

}  // namespace

Service::Service(ServiceConfig cfg) : cfg_(std::move(cfg)), id_(next_service_id.fetch_add(1)) {
  check_index();
  watcher_ = std::thread([this] { watch(); });
}

Service::~Service() {
  stop_.store(true);
  if (watcher_.joinable()) watcher_.join();
  thread_searchers.erase(id_);
}

void Service::watch() {
  while (!stop_.load()) {
    // Sleep in small steps so that shutdown is prompt.
    const auto until = std::chrono::steady_clock::now() + cfg_.poll_interval;
    while (!stop_.load() && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (!stop_.load()) check_index();
  }
}

void Service::check_index() {
  try {
    const std::string identity = index_dir::current_identity(cfg_.db_dir);
    std::string path;
    {
      std::lock_guard<std::mutex> lock(mu_);
      path = path_;
      if (identity != identity_ || !ready_.load()) path.clear();
    }
    if (path.empty()) path = index_dir::resolve(cfg_.db_dir);
    Xapian::Database db(path);
    check_schema(db, path);
    const uint64_t revision = db.get_revision();
    const double age = seconds_since_iso(db.get_metadata(std::string(schema::kBuiltAtKey)));
    bool switched = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (identity != identity_ || path != path_ || !ready_.load()) {
        path_ = path;
        identity_ = identity;
        switched = true;
      }
    }
    if (switched) {
      epoch_.fetch_add(1);
      ready_.store(true);
      metrics_.reloaded();
      log_line("serving " + path + " (" + std::to_string(db.get_doccount()) + " documents, revision " +
               std::to_string(revision) + ")");
    }
    metrics_.set_index(db.get_doccount(), revision, age);
    last_problem_.clear();
  } catch (const std::exception& e) {
    // Keep serving what is open; report each new problem once.
    report_problem(std::string(ready_.load() ? "cannot open the new index (still serving the previous one): "
                                             : "index not available yet: ") + e.what());
  } catch (const Xapian::Error& e) {
    report_problem("cannot open index: " + e.get_description() +
                   (ready_.load() ? "; still serving the previous one" : ""));
  }
}

void Service::report_problem(const std::string& message) {
  if (message == last_problem_) return;
  last_problem_ = message;
  log_line(message);
}

Searcher& Service::searcher() {
  ThreadSearcher& slot = thread_searchers[id_];
  const uint64_t epoch = epoch_.load();
  if (!slot.searcher || slot.epoch != epoch) {
    std::string path;
    {
      std::lock_guard<std::mutex> lock(mu_);
      path = path_;
    }
    slot.searcher = std::make_unique<Searcher>(path, cfg_.search);
    slot.epoch = epoch;
  } else {
    slot.searcher->reopen();  // picks up incremental commits
  }
  return *slot.searcher;
}

HttpResponse Service::error(int status, const std::string& code, const std::string& message) {
  HttpResponse r;
  r.status = status;
  r.body = render_error_json(code, message);
  return r;
}

HttpResponse Service::handle(const HttpRequest& req) {
  const auto t0 = std::chrono::steady_clock::now();
  std::string route = "other";
  HttpResponse res;
  try {
    if (req.method != "GET" && req.method != "HEAD") {
      res = error(405, "method_not_allowed", "only GET is supported");
    } else if (req.path == "/api/search") {
      route = "search";
      res = search(req);
    } else if (req.path.rfind("/api/doc/", 0) == 0) {
      route = "doc";
      res = document(req, req.path.substr(9));
    } else if (req.path == "/api/suggest") {
      route = "suggest";
      res = suggest(req);
    } else if (req.path.rfind("/api/related/", 0) == 0) {
      route = "related";
      res = related(req, req.path.substr(13));
    } else if (req.path == "/healthz") {
      route = "healthz";
      res = healthz();
    } else if (req.path == "/metrics") {
      route = "metrics";
      res = metrics_text();
    } else {
      res = error(404, "not_found", "no such endpoint");
    }
  } catch (const ApiError& e) {
    res = error(400, e.code, e.what());
  } catch (const Xapian::DatabaseError& e) {
    log_line("database error on " + req.path + ": " + e.get_description());
    res = error(503, "index_unavailable", "the index cannot be read right now; try again shortly");
  } catch (const Xapian::Error& e) {
    log_line("search error on " + req.path + ": " + e.get_description());
    res = error(500, "internal", "internal error");
  } catch (const std::exception& e) {
    log_line("error on " + req.path + ": " + e.what());
    res = error(500, "internal", "internal error");
  }
  metrics_.observe(route, res.status, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  return res;
}

HttpResponse Service::search(const HttpRequest& req) {
  const SearchRequest sr = parse_search_request(req.params, cfg_.limits);
  if (!ready_.load()) return error(503, "index_unavailable", "the index is not open yet");
  const SearchResult result = searcher().search(sr);
  HttpResponse r;
  if (sr.format == "atom") {
    r.content_type = "application/atom+xml; charset=utf-8";
    std::string self = req.path;
    for (size_t i = 0; i < req.params.size(); ++i) {
      self += (i == 0 ? "?" : "&") + url_encode(req.params[i].first) + "=" + url_encode(req.params[i].second);
    }
    r.body = render_search_atom(sr, result, self);
  } else if (sr.format == "csv") {
    r.content_type = "text/csv; charset=utf-8";
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"letopis-search.csv\"");
    r.body = render_search_csv(result);
  } else {
    r.body = render_search_json(sr, result);
  }
  return r;
}

HttpResponse Service::document(const HttpRequest& req, const std::string& id) {
  if (!req.params.empty()) throw ApiError("unknown_parameter", "/api/doc takes no parameters");
  if (id.empty() || id.size() > 512 || !valid_text(id)) {
    throw ApiError("bad_id", "the document id must be 1 to 512 bytes of valid UTF-8");
  }
  if (!ready_.load()) return error(503, "index_unavailable", "the index is not open yet");
  auto article = searcher().document(id);
  if (!article) return error(404, "not_found", "no document with that id");
  HttpResponse r;
  r.body = render_article_json(*article);
  return r;
}

HttpResponse Service::related(const HttpRequest& req, const std::string& id) {
  if (id.empty() || id.size() > 512 || !valid_text(id)) {
    throw ApiError("bad_id", "the document id must be 1 to 512 bytes of valid UTF-8");
  }
  uint32_t n = 5;
  bool seen = false;
  for (const auto& [name, value] : req.params) {
    if (name != "n") throw ApiError("unknown_parameter", "unknown parameter '" + name.substr(0, 64) + "'");
    if (seen) throw ApiError("repeated_parameter", "'n' may be given once");
    seen = true;
    n = parse_bounded("n", value, 1, 20, "bad_n");
  }
  if (!ready_.load()) return error(503, "index_unavailable", "the index is not open yet");
  const auto hits = searcher().related(id, n);
  if (!hits) return error(404, "not_found", "no document with that id");
  HttpResponse r;
  r.body = render_related_json(id, *hits);
  return r;
}

HttpResponse Service::suggest(const HttpRequest& req) {
  std::string q;
  uint32_t n = 5;
  bool seen_q = false, seen_n = false;
  for (const auto& [name, value] : req.params) {
    if (name == "q") {
      if (seen_q) throw ApiError("repeated_parameter", "'q' may be given once");
      seen_q = true;
      if (value.size() > 256 || !valid_text(value)) {
        throw ApiError("bad_q", "'q' must be at most 256 bytes of valid UTF-8 without control characters");
      }
      q = value;
    } else if (name == "n") {
      if (seen_n) throw ApiError("repeated_parameter", "'n' may be given once");
      seen_n = true;
      n = parse_bounded("n", value, 1, 10, "bad_n");
    } else {
      throw ApiError("unknown_parameter", "unknown parameter '" + name.substr(0, 64) + "'");
    }
  }
  if (!ready_.load()) return error(503, "index_unavailable", "the index is not open yet");
  HttpResponse r;
  r.body = render_suggest_json(q, searcher().suggest(q, n));
  // Suggestions change only with the index: let browsers keep them briefly.
  r.headers.emplace_back("Cache-Control", "public, max-age=60");
  return r;
}

HttpResponse Service::healthz() {
  HttpResponse r;
  if (ready_.load()) {
    r.body = R"({"status":"ok"})";
  } else {
    r.status = 503;
    r.body = R"({"status":"starting","message":"the index is not open yet"})";
  }
  return r;
}

HttpResponse Service::metrics_text() {
  HttpResponse r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = metrics_.render();
  return r;
}

}  // namespace letopis::searchd
