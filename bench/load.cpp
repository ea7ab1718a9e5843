// letopis_bench_load: HTTP load on a running letopis-searchd, with the
// seeded query log of bench/query_log.h, over loopback keep-alive
// connections. Prints throughput and latency percentiles per concurrency
// level; --in-process runs the same requests through Searcher and the JSON
// renderer first, so the cost of the HTTP layer can be read off as a ratio.
//
//   letopis_bench_load --url http://127.0.0.1:PORT --db DIR [options]
//
// A benchmark reports numbers: nothing here is asserted. It exits non-zero
// only on usage errors or when the server (or the index) cannot be reached.
#include <sched.h>

#include <httplib.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <xapian.h>

#include "bench/query_log.h"
#include "indexer/index_dir.h"
#include "bench/cli.h"
#include "bench/closed_loop.h"
#include "searchd/api.h"
#include "searchd/render.h"
#include "searchd/search.h"

using namespace letopis;
using bench::parse_number;
using bench::percentile;
using bench::UsageError;

namespace {

constexpr const char* kUsage = R"(Usage: letopis_bench_load --url http://HOST:PORT --db DIR [options]

Loads a running letopis-searchd with /api/search requests built from a seeded
query log of the index in DIR (the index the server serves), one keep-alive
connection per client thread, and prints requests/s and latency percentiles.

Options:
  --url URL            the server, http://HOST:PORT (may be omitted with --in-process)
  --db DIR             index directory (as given to letopis-searchd); required
  --concurrency LIST   client threads per level, comma-separated (default 1,8,32)
  --duration S         seconds measured per level (default 10)
  --requests N         measure N requests per level instead of a duration
  --warmup S           seconds per level run first and not counted (default 2)
  --facets none|all    none: every request has facets= ; all: the API default,
                       every facet (default all)
  --queries N          queries per class in the query log (default 500; 6 classes)
  --in-process         first run the requests in this process at concurrency 1
                       (Searcher + JSON rendering, no HTTP) and print HTTP/in-process
  --print-targets      print the log's request targets (/api/search?...), one per
                       line, and exit: for another client, e.g. wrk with
                       bench/wrk_log.lua
  -h, --help           show this help

Exit codes: 0 numbers printed (errors are counted, not fatal); 1 the server
or the index cannot be reached; 2 usage error.
)";

struct Options {
  std::string url;                         // scheme://host:port; empty = no HTTP levels
  std::string db;                          // index directory; required
  std::vector<int> concurrency{1, 8, 32};  // client threads, one level each
  double duration_s = 10;                  // measured seconds per level (if requests == 0)
  size_t requests = 0;                     // measured requests per level; 0 = use duration_s
  double warmup_s = 2;                     // uncounted seconds before each level
  bool all_facets = true;                  // false: facets= (none) on every request
  size_t per_class = 500;                  // queries per class of the log
  bool in_process = false;                 // also run Searcher directly, concurrency 1
  bool print_targets = false;              // print the log's targets and exit
};

// One request of the log, in both forms the two modes need.
struct Query {
  searchd::Params params;  // for the in-process run
  std::string target;      // "/api/search?..." for HTTP
};

// Sends one request of the log. Each client thread owns one, built on that
// thread, so nothing in it is shared. Outcome's bytes: the response body's size.
using Requester = std::function<bench::Outcome(const Query&)>;
using RequesterFactory = std::function<Requester()>;

struct LevelStats {
  std::string mode;
  int concurrency = 0;
  size_t requests = 0, errors = 0, bytes = 0;
  double seconds = 0;  // from the end of warm-up to the last counted response
  double p50 = 0, p95 = 0, p99 = 0, max = 0;  // ms, successful requests only
  std::string first_error;
};

// ---------------------------------------------------------------- options

std::vector<int> parse_levels(const std::string& s) {
  std::vector<int> out;
  size_t pos = 0;
  while (pos <= s.size()) {
    const size_t comma = std::min(s.find(',', pos), s.size());
    const double v = parse_number("--concurrency", s.substr(pos, comma - pos), 1);
    if (v != static_cast<int>(v) || v > 4096) throw UsageError("--concurrency wants whole numbers from 1 to 4096");
    out.push_back(static_cast<int>(v));
    pos = comma + 1;
  }
  return out;
}

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw UsageError(a + " needs a value");
      return argv[++i];
    };
    if (a == "--url") o.url = value();
    else if (a == "--db") o.db = value();
    else if (a == "--concurrency") o.concurrency = parse_levels(value());
    else if (a == "--duration") o.duration_s = parse_number(a, value(), 0.001);
    else if (a == "--requests") o.requests = static_cast<size_t>(parse_number(a, value(), 1));
    else if (a == "--warmup") o.warmup_s = parse_number(a, value(), 0);
    else if (a == "--queries") o.per_class = static_cast<size_t>(parse_number(a, value(), 1));
    else if (a == "--in-process") o.in_process = true;
    else if (a == "--print-targets") o.print_targets = true;
    else if (a == "--facets") {
      const std::string v = value();
      if (v != "none" && v != "all") throw UsageError("--facets wants none or all");
      o.all_facets = v == "all";
    } else throw UsageError("unknown argument " + a);
  }
  if (o.db.empty()) throw UsageError("--db DIR is required");
  if (o.url.empty() && !o.in_process && !o.print_targets) throw UsageError("--url is required (or --in-process alone)");
  if (!o.url.empty()) {
    while (o.url.size() > 1 && o.url.back() == '/') o.url.pop_back();
    // httplib::Client takes scheme://host:port and would read a path as part of the port.
    const size_t scheme = o.url.find("://");
    if (o.url.rfind("http://", 0) != 0 && o.url.rfind("https://", 0) != 0) throw UsageError("--url wants http://HOST:PORT");
    if (o.url.find('/', scheme + 3) != std::string::npos) throw UsageError("--url takes no path: http://HOST:PORT");
  }
  return o;
}

// ---------------------------------------------------------------- the query log

// The log's classes interleaved (one query of each class in turn), so that any
// window of the list - a short run, one thread's stretch - mixes every class.
std::vector<Query> build_queries(const std::string& db_dir, const Options& o, uint64_t& doc_count) {
  Xapian::Database db(index_dir::resolve(db_dir));
  doc_count = db.get_doccount();
  if (doc_count == 0) throw std::runtime_error("the index in " + db_dir + " is empty");
  const auto classes = bench::make_query_log(db, o.per_class);
  std::vector<Query> out;
  for (size_t i = 0; i < o.per_class; ++i) {
    for (const auto& cls : classes) {
      Query q;
      for (const auto& [k, v] : cls.queries[i]) {
        if (k != "facets") q.params.emplace_back(k, v);
      }
      // An empty facets= asks for no facets; leaving it out asks for all.
      if (!o.all_facets) q.params.emplace_back("facets", "");
      q.target = "/api/search";
      char sep = '?';
      for (const auto& [k, v] : q.params) {
        q.target += sep + searchd::url_encode(k) + "=" + searchd::url_encode(v);
        sep = '&';
      }
      out.push_back(std::move(q));
    }
  }
  return out;
}

// ---------------------------------------------------------------- requesters

void configure(httplib::Client& cli) {
  cli.set_keep_alive(true);
  // Without it each request waits for a delayed ACK (40 ms): see DEBIAN-NOTES.md.
  cli.set_tcp_nodelay(true);
  // Targets are percent-encoded already; send them byte for byte.
  cli.set_url_encode(false);
  cli.set_connection_timeout(5, 0);
  // Generous, so that queueing in the server (more connections than worker
  // threads) shows up as latency rather than as errors.
  cli.set_read_timeout(30, 0);
}

RequesterFactory http_requester(const std::string& url) {
  return [url]() -> Requester {
    auto cli = std::make_shared<httplib::Client>(url);
    configure(*cli);
    return [cli](const Query& q) {
      bench::Outcome out;
      auto res = cli->Get(q.target.c_str());
      if (!res) {
        out.error = "transport: " + httplib::to_string(res.error());
      } else {
        out.bytes = res->body.size();
        out.ok = res->status == 200;
        if (!out.ok) out.error = "HTTP " + std::to_string(res->status) + ": " + res->body.substr(0, 200);
      }
      return out;
    };
  };
}

// The work searchd does per request minus HTTP: validate the parameters,
// reopen (as Service does before every search), search, render JSON.
RequesterFactory in_process_requester(const std::string& db_path) {
  return [db_path]() -> Requester {
    auto searcher = std::make_shared<searchd::Searcher>(db_path);
    return [searcher](const Query& q) {
      bench::Outcome out;
      try {
        const auto req = searchd::parse_search_request(q.params);
        searcher->reopen();
        const std::string body = searchd::render_search_json(req, searcher->search(req));
        out.bytes = body.size();
        out.ok = true;
      } catch (const std::exception& e) {
        out.error = e.what();
      }
      return out;
    };
  };
}

// ---------------------------------------------------------------- one level

// Runs `concurrency` threads, each with its own requester, over the log
// (bench/closed_loop.h).
LevelStats run_level(const std::string& mode, int concurrency, const RequesterFactory& factory,
                     const std::vector<Query>& queries, const Options& o) {
  bench::ClosedLoopOptions loop;
  loop.concurrency = concurrency;
  loop.log_size = queries.size();
  loop.warmup_s = o.warmup_s;
  loop.duration_s = o.duration_s;
  loop.requests = o.requests;
  const bench::ClosedLoopResult r = bench::run_closed_loop(loop, [&]() -> bench::Sender {
    return [send = factory(), &queries](size_t i) { return send(queries[i]); };
  });
  LevelStats s;
  s.mode = mode;
  s.concurrency = concurrency;
  s.requests = r.requests;
  s.errors = r.errors;
  s.bytes = r.bytes;
  s.seconds = r.seconds;
  s.first_error = r.first_error;
  s.p50 = percentile(r.ms, 0.50);
  s.p95 = percentile(r.ms, 0.95);
  s.p99 = percentile(r.ms, 0.99);
  s.max = r.ms.empty() ? 0 : r.ms.back();
  return s;
}

// ---------------------------------------------------------------- output

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("model name", 0) == 0) {
      const size_t colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(" \t", colon + 1));
    }
  }
  return "unknown";
}

// What nproc prints: the CPUs this process may run on.
int cpus_available() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return CPU_COUNT(&set);
  return static_cast<int>(std::thread::hardware_concurrency());
}

void print_header() {
  std::printf("%-10s %5s %9s %7s %10s %8s %8s %8s %8s %8s\n", "mode", "conc", "requests", "errors", "req/s",
              "p50 ms", "p95 ms", "p99 ms", "max ms", "KB/resp");
}

void print_row(const LevelStats& s) {
  const double rps = s.seconds > 0 ? static_cast<double>(s.requests) / s.seconds : 0;
  const double kb = s.requests ? static_cast<double>(s.bytes) / static_cast<double>(s.requests) / 1024 : 0;
  std::printf("%-10s %5d %9zu %7zu %10.1f %8.3f %8.3f %8.3f %8.3f %8.1f\n", s.mode.c_str(), s.concurrency,
              s.requests, s.errors, rps, s.p50, s.p95, s.p99, s.max, kb);
  std::fflush(stdout);
  if (!s.first_error.empty()) std::fprintf(stderr, "  first error (%s, %d): %s\n", s.mode.c_str(), s.concurrency, s.first_error.c_str());
}

// ---------------------------------------------------------------- main

// Fails fast, before any level, if nothing answers at url or the index is not up.
void check_reachable(const std::string& url) {
  httplib::Client cli(url);
  configure(cli);
  auto res = cli.Get("/healthz");
  if (!res) throw std::runtime_error("cannot reach " + url + ": " + httplib::to_string(res.error()));
  if (res->status != 200) throw std::runtime_error(url + "/healthz answered " + std::to_string(res->status) + " (index not ready?)");
}

int run(const Options& o) {
  uint64_t docs = 0;
  if (o.print_targets) {
    for (const Query& q : build_queries(o.db, o, docs)) std::printf("%s\n", q.target.c_str());
    return 0;
  }
  if (!o.url.empty()) check_reachable(o.url);
  const auto queries = build_queries(o.db, o, docs);

  std::printf("machine: %d CPUs (nproc), %s\n", cpus_available(), cpu_model().c_str());
  std::printf("index: %s (%llu documents); %zu queries (6 classes x %zu, interleaved); facets: %s\n", o.db.c_str(),
              static_cast<unsigned long long>(docs), queries.size(), o.per_class, o.all_facets ? "all" : "none");
  if (!o.url.empty()) std::printf("server: %s, one keep-alive TCP_NODELAY connection per thread\n", o.url.c_str());
  if (o.requests) std::printf("per level: %.1f s warm-up, then %zu requests\n", o.warmup_s, o.requests);
  else std::printf("per level: %.1f s warm-up, then %.1f s measured\n", o.warmup_s, o.duration_s);
  std::printf("latencies: successful requests only, client side (send to last byte)\n\n");
  print_header();

  std::optional<LevelStats> local, http1;
  if (o.in_process) {
    local = run_level("in-process", 1, in_process_requester(index_dir::resolve(o.db)), queries, o);
    print_row(*local);
  }
  if (!o.url.empty()) {
    for (int c : o.concurrency) {
      const LevelStats s = run_level("http", c, http_requester(o.url), queries, o);
      print_row(s);
      if (c == 1) http1 = s;
    }
  }
  if (local && http1 && local->p50 > 0 && local->p99 > 0) {
    std::printf("\nHTTP / in-process at concurrency 1: p50 x%.2f (%+.3f ms), p99 x%.2f (%+.3f ms)\n",
                http1->p50 / local->p50, http1->p50 - local->p50, http1->p99 / local->p99, http1->p99 - local->p99);
  } else if (local && !o.url.empty()) {
    std::printf("\n(no ratio: add 1 to --concurrency to compare HTTP with in-process)\n");
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  try {
    for (int i = 1; i < argc; ++i) {
      if (std::string(argv[i]) == "-h" || std::string(argv[i]) == "--help") {
        std::cout << kUsage;
        return 0;
      }
    }
    o = parse_options(argc, argv);
  } catch (const UsageError& e) {
    std::cerr << "letopis_bench_load: " << e.what() << "\n\n" << kUsage;
    return 2;
  }
  try {
    return run(o);
  } catch (const Xapian::Error& e) {
    std::cerr << "letopis_bench_load: " << e.get_description() << '\n';
  } catch (const std::exception& e) {
    std::cerr << "letopis_bench_load: " << e.what() << '\n';
  }
  return 1;
}
