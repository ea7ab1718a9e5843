#include "searchd/service.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <memory>
#include <unordered_map>

#include <xapian.h>

#include "indexer/index_dir.h"
#include "indexer/schema.h"
#include "searchd/assets.h"
#include "searchd/log.h"
#include "searchd/render.h"
#include "searchd/shards.h"

namespace letopis::searchd {
namespace {

std::atomic<uint64_t> next_service_id{1};

struct ThreadSearcher {
  uint64_t epoch = 0;
  std::unique_ptr<Searcher> searcher;
  std::string path;  // what it was opened from
  std::string stub;  // for a stub file, its stub_stamp then; else ""
};

// A stub file's inode and modification time ("" if it cannot be read).
// xapian-replicate rewrites a replica's stub (by rename) exactly when it
// switches to a new full copy (docs/OPERATIONS.md, Replication).
std::string stub_stamp(const std::string& path) {
  std::string file = path;
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return {};
  if (S_ISDIR(st.st_mode)) {
    file += "/XAPIANDB";
    if (::stat(file.c_str(), &st) != 0) return {};
  }
  if (!S_ISREG(st.st_mode)) return {};
  return std::to_string(st.st_ino) + ':' + std::to_string(st.st_mtim.tv_sec) + '.' +
         std::to_string(st.st_mtim.tv_nsec);
}

// Each worker thread's Searchers, one per Service (tests run several).
thread_local std::unordered_map<uint64_t, ThreadSearcher> thread_searchers;

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
    // A database, or the shards a stub lists: kept open between polls (so
    // this thread also retries dead shards in the background).
    ShardSet& shards = watched_shards(path, cfg_.search.shards);
    Xapian::Database& db = shards.database();
    check_schema(db, path);
    const uint64_t revision = shards.revision();
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
      auto labels = std::make_shared<const FacetLabels>(FacetLabels::from_metadata(
          db.get_metadata(std::string(schema::kTaxonomyKey)), db.get_metadata(std::string(schema::kGazetteerKey))));
      {
        std::lock_guard<std::mutex> lock(mu_);
        labels_ = std::move(labels);
      }
      epoch_.fetch_add(1);
      ready_.store(true);
      metrics_.reloaded();
      log_line("serving " + path + " (" + std::to_string(db.get_doccount()) + " documents, revision " +
               std::to_string(revision) + ")");
    }
    // Facet columns and the like are built here, not by the first visitor.
    Searcher::warm(db);
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
    const std::string stamp = index_dir::is_stub(path) ? stub_stamp(path) : std::string();
    try {
      slot.searcher = std::make_unique<Searcher>(path, cfg_.search);
      slot.epoch = epoch;
      slot.path = path;
      slot.stub = stamp;
      return *slot.searcher;
    } catch (const std::exception&) {
      if (!slot.searcher) throw;
    } catch (const Xapian::Error&) {
      if (!slot.searcher) throw;
    }
    // The index the watcher switched to is already gone or not yet whole
    // here (a replica's stub switched again since): this thread keeps the
    // searcher it has, and tries again at its next request.
  }
  // Xapian's reopen() does not follow a stub file to a new target, and
  // xapian-replicate deletes a replica's previous copy as soon as its stub
  // names the new one, then may write the next full copy into the same
  // directory. So a stub rewritten since this thread opened it is opened
  // afresh now, not at the watcher's next poll (a stat or two per request).
  // If the new stub cannot be opened, the old searcher stays, as in watch().
  if (!slot.stub.empty()) {
    const std::string stamp = stub_stamp(slot.path);
    if (stamp != slot.stub) {
      try {
        slot.searcher = std::make_unique<Searcher>(slot.path, cfg_.search);
        slot.stub = stamp;  // only once opened: a failed open is tried again next time
        return *slot.searcher;
      } catch (const std::exception&) {
      } catch (const Xapian::Error&) {
      }
    }
  }
  try {
    slot.searcher->reopen();  // picks up incremental commits
  } catch (const Xapian::DatabaseError&) {
    // The copy open here was deleted, or is being rewritten, between the
    // check above and now (DatabaseOpeningError, DatabaseCorruptError): keep
    // searching the revision already open (its files stay readable while
    // open); the next request opens the stub's new target.
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
    } else if (req.path == "/") {
      route = "page";
      res = page(req);
    } else if (req.path.rfind("/related/", 0) == 0) {
      route = "related_page";
      res = related_page(req, req.path.substr(9));
    } else if (req.path.rfind("/assets/", 0) == 0) {
      route = "asset";
      res = asset(req, req.path.substr(8));
    } else if (req.path == "/opensearch.xml") {
      route = "opensearch";
      res = opensearch(req);
    } else if (req.path == "/favicon.ico") {
      route = "asset";
      res.status = 301;
      res.content_type = "text/plain; charset=utf-8";
      res.headers.emplace_back("Location", "/assets/favicon.svg?v=" + std::string(assets_version()));
    } else if (req.path == "/robots.txt") {
      route = "asset";
      res.content_type = "text/plain; charset=utf-8";
      // Search result pages are endless; the articles live on the site itself.
      res.body = "User-agent: *\nDisallow: /api/\nDisallow: /related/\nDisallow: /?\n";
    } else if (req.path == "/healthz") {
      route = "healthz";
      res = healthz();
    } else if (req.path == "/metrics") {
      route = "metrics";
      res = metrics_text();
    } else if (req.path.rfind("/api/", 0) == 0) {
      res = error(404, "not_found", "no such endpoint");
    } else {
      // A visitor who followed a broken link gets a page, not JSON.
      const UiLang ui = choose_ui_lang("", req.accept_language.substr(0, 512));
      res = html(404, render_message_page(ui, false, Msg::not_found_title, Msg::not_found_text, page_context()));
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
  if (res.status >= 500 && (route == "page" || route == "related_page")) {
    // Visitors get the page's own words, not the API's JSON.
    const UiLang ui = choose_ui_lang("", req.accept_language.substr(0, 512));
    res = html(res.status, render_message_page(ui, false, Msg::error_title, Msg::err_unavailable, page_context()));
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
  bool seen_q = false, seen_n = false, opensearch = false;
  std::string ui_param;
  for (const auto& [name, value] : req.params) {
    if (name == "format") {
      if (value != "json" && value != "opensearch") throw ApiError("bad_format", "'format' must be json or opensearch");
      opensearch = value == "opensearch";
      continue;
    }
    if (name == "ui") {  // the language of the OpenSearch descriptions
      ui_param = value.substr(0, 8);
      continue;
    }
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
  if (opensearch) {
    r.content_type = "application/x-suggestions+json; charset=utf-8";
    r.body = render_opensearch_suggestions(q, searcher().suggest(q, n), choose_ui_lang(ui_param, req.accept_language));
  } else {
    r.body = render_suggest_json(q, searcher().suggest(q, n));
  }
  // Suggestions change only with the index: let browsers keep them briefly.
  r.headers.emplace_back("Cache-Control", "public, max-age=60");
  return r;
}

PageContext Service::page_context() {
  PageContext ctx;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ctx.labels_holder = labels_;
  }
  ctx.labels = ctx.labels_holder.get();
  ctx.asset_version = std::string(assets_version());
  ctx.limits = cfg_.limits;
  return ctx;
}

HttpResponse Service::html(int status, std::string body) const {
  HttpResponse r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::move(body);
  // Everything the page needs comes from here; nothing inline may run.
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                         "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("Referrer-Policy", "strict-origin-when-cross-origin");
  r.headers.emplace_back("Vary", "Accept-Language");
  r.headers.emplace_back("Cache-Control", "no-cache");
  return r;
}

HttpResponse Service::page(const HttpRequest& req) {
  const PageRequest pr = parse_page_request(req.params, cfg_.limits, req.accept_language);
  const PageContext ctx = page_context();
  if (!pr.error.empty()) return html(400, render_search_page(pr, nullptr, ctx));
  if (!ready_.load()) return html(503, render_search_page(pr, nullptr, ctx, true));
  Searcher& s = searcher();
  SearchResult result = s.search(pr.search);
  // A chosen facet counts as if it were not chosen, so its other values stay
  // on offer (one more search per facet in use, facets only).
  for (const std::string& facet : pr.search.facets) {
    SearchRequest other = pr.search;
    if (!without_own_filter(other, facet)) continue;
    // Count over the query the results are for (a correction included).
    if (!result.corrected.empty()) other.q = result.corrected;
    other.as_typed = true;
    other.snippets = false;
    SearchResult counts = s.search(other);
    result.facets[facet] = std::move(counts.facets[facet]);
  }
  return html(200, render_search_page(pr, &result, ctx));
}

HttpResponse Service::related_page(const HttpRequest& req, const std::string& id) {
  std::string ui_param;
  for (const auto& [name, value] : req.params) {
    if (name == "ui") ui_param = value.substr(0, 8);
  }
  const UiLang ui = choose_ui_lang(ui_param, req.accept_language.substr(0, 512));
  UiLang named;
  const bool ui_given = parse_ui_code(ui_param, named);
  const PageContext ctx = page_context();
  if (id.empty() || id.size() > 512 || !valid_text(id)) {
    return html(404, render_message_page(ui, ui_given, Msg::not_found_title, Msg::article_not_found, ctx));
  }
  if (!ready_.load()) return html(503, render_message_page(ui, ui_given, Msg::error_title, Msg::err_unavailable, ctx));
  Searcher& s = searcher();
  const auto article = s.document(id);
  const auto hits = article ? s.related(id, 10) : std::nullopt;
  if (!article || !hits) {
    return html(404, render_message_page(ui, ui_given, Msg::not_found_title, Msg::article_not_found, ctx));
  }
  return html(200, render_related_page(ui, ui_given, *article, *hits, ctx));
}

HttpResponse Service::asset(const HttpRequest& req, const std::string& name) {
  const Asset* a = find_asset(name);
  if (!a) return error(404, "not_found", "no such asset");
  HttpResponse r;
  r.content_type = std::string(a->content_type);
  const std::string etag = "\"" + std::string(assets_version()) + "\"";
  bool current = false;
  for (const auto& [k, v] : req.params) {
    if (k == "v" && v == assets_version()) current = true;
  }
  // A URL with the current version never changes: cache it for a year.
  r.headers.emplace_back("Cache-Control", current ? "public, max-age=31536000, immutable" : "public, max-age=300");
  r.headers.emplace_back("ETag", etag);
  if (req.if_none_match == etag) {
    r.status = 304;
    return r;
  }
  r.body = std::string(a->body);
  return r;
}

HttpResponse Service::opensearch(const HttpRequest& req) {
  std::string ui_param;
  for (const auto& [name, value] : req.params) {
    if (name == "ui") ui_param = value.substr(0, 8);
  }
  std::string base = cfg_.public_url;
  if (base.empty()) {
    // Only a plain host[:port] is echoed back; anything else falls back.
    const std::string& host = req.host;
    const bool plain = !host.empty() && host.size() <= 255 &&
                       std::all_of(host.begin(), host.end(), [](unsigned char c) {
                         return std::isalnum(c) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
                       });
    base = "http://" + (plain ? host : std::string("127.0.0.1"));
  }
  while (!base.empty() && base.back() == '/') base.pop_back();
  HttpResponse r;
  r.content_type = "application/opensearchdescription+xml; charset=utf-8";
  r.body = render_opensearch_xml(choose_ui_lang(ui_param, req.accept_language.substr(0, 512)), base);
  // Built from the Host header unless public_url is set: caches must key on it.
  r.headers.emplace_back("Cache-Control", "public, max-age=86400");
  if (cfg_.public_url.empty()) r.headers.emplace_back("Vary", "Host, Accept-Language");
  else r.headers.emplace_back("Vary", "Accept-Language");
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
