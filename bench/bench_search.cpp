// In-process search latency per query class (p50/p95/p99), with and without
// facets, on an index of the real corpus.
//
//   build/bench/letopis_bench_search --db DIR [--queries N] [--no-cross-script] [--no-fill]
// DIR defaults to an index of the bundled sample (smoke runs). Build one of
// the corpus with: letopis-index --db DIR --rebuild ../shared/corpus/*.zst
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <iostream>
#include <memory>

#include "bench/cli.h"
#include "bench/corpus.h"
#include "bench/query_log.h"
#include "indexer/index_dir.h"
#include "indexer/indexer.h"
#include "searchd/query.h"
#include "searchd/render.h"
#include "searchd/search.h"

using namespace letopis;

namespace {

std::string g_db;
size_t g_per_class = 2000;
std::unique_ptr<searchd::Searcher> g_searcher;
searchd::SearchOptions g_options;
std::vector<bench::QueryClass> g_log;

// The counters every per-class search benchmark prints: latency
// percentiles of the queries run (ms, sorted here), queries and hits.
void report_latencies(benchmark::State& state, std::vector<double>& ms, size_t queries, size_t hits,
                      const std::string& label) {
  std::sort(ms.begin(), ms.end());
  state.counters["p50_ms"] = bench::percentile(ms, 0.50);
  state.counters["p95_ms"] = bench::percentile(ms, 0.95);
  state.counters["p99_ms"] = bench::percentile(ms, 0.99);
  state.counters["queries"] = static_cast<double>(queries);
  state.counters["hits/q"] = ms.empty() ? 0 : static_cast<double>(hits) / static_cast<double>(ms.size());
  state.SetLabel(label);
}

// snippets = false: the same searches, hits without snippets (what a CSV
// export runs); the difference to the run with snippets is what snippets cost.
void BM_Search(benchmark::State& state, size_t cls, bool snippets) {
  const auto& qc = g_log[cls];
  std::vector<searchd::SearchRequest> reqs;
  for (const auto& p : qc.queries) {
    reqs.push_back(searchd::parse_search_request(p));
    reqs.back().snippets = snippets;
  }
  std::vector<double> ms;
  size_t hits = 0;
  for (auto _ : state) {
    for (const auto& r : reqs) {
      const auto t0 = std::chrono::steady_clock::now();
      auto res = g_searcher->search(r);
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      hits += res.hits.size();
      benchmark::DoNotOptimize(res);
    }
  }
  report_latencies(state, ms, reqs.size(), hits, qc.name);
}

// Xapian alone on Letopis's own query (its words' stems, title and exact-form
// terms and proximity boost, as QueryBuilder makes them, without entity
// synonyms or names across scripts), on the same index: parse, then
// get_mset of the top 10 with BM25, nothing read back. The lower bound for
// our stack on the same query; what BM_Search takes beyond it is the hits
// (their data, bodies and snippets) and the glue.
void BM_XapianSameQuery(benchmark::State& state, size_t cls) {
  const auto& qc = g_log[cls];
  searchd::QueryBuilder builder(g_options.ranking);
  Xapian::Enquire enquire(g_searcher->database());
  enquire.set_weighting_scheme(searchd::bm25_weight());  // the same weighting as Searcher
  std::vector<std::string> texts;
  for (const auto& p : qc.queries) texts.push_back(searchd::parse_search_request(p).q);
  std::vector<double> ms;
  size_t hits = 0;
  for (auto _ : state) {
    for (const auto& t : texts) {
      const auto t0 = std::chrono::steady_clock::now();
      searchd::ParsedQuery pq = builder.parse(t);
      enquire.set_query(pq.with_proximity(pq.query));
      Xapian::MSet m = enquire.get_mset(0, 10);
      if (m.empty() && !pq.relaxed.empty()) {
        enquire.set_query(pq.relaxed);
        m = enquire.get_mset(0, 10);
      }
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      hits += m.size();
      benchmark::DoNotOptimize(m);
    }
  }
  report_latencies(state, ms, texts.size(), hits, qc.name);
}

// Query parsing alone: text to Xapian::Query, every query of the log.
void BM_Parse(benchmark::State& state) {
  searchd::QueryBuilder builder;
  std::vector<std::string> texts;
  for (const auto& qc : g_log) {
    for (const auto& p : qc.queries) texts.push_back(searchd::parse_search_request(p).q);
  }
  size_t n = 0;
  for (auto _ : state) {
    for (const auto& t : texts) {
      auto pq = builder.parse(t);
      benchmark::DoNotOptimize(pq);
      ++n;
    }
  }
  state.counters["queries/s"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsRate);
  // Seconds per query (printed with an SI prefix: 12.3u is 12.3 us).
  state.counters["s/query"] =
      benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_RenderJson(benchmark::State& state) {
  auto req = searchd::parse_search_request(g_log[5].queries[0]);
  auto res = g_searcher->search(req);
  size_t bytes = 0;
  for (auto _ : state) {
    std::string s = searchd::render_search_json(req, res);
    bytes += s.size();
    benchmark::DoNotOptimize(s);
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

}  // namespace

int main(int argc, char** argv) {
  bool smoke = false;
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--db") == 0 && i + 1 < argc) g_db = argv[++i];
    else if (std::strcmp(argv[i], "--queries") == 0 && i + 1 < argc) g_per_class = std::strtoul(argv[++i], nullptr, 10);
    else if (std::strcmp(argv[i], "--smoke") == 0) smoke = true;
    // What names across scripts cost (searchd/names.h): the same run without them.
    else if (std::strcmp(argv[i], "--no-cross-script") == 0) g_options.cross_script = false;
    // What filling pages costs (SearchResult::filled): the same run without it.
    else if (std::strcmp(argv[i], "--no-fill") == 0) g_options.ranking.fill_below = 0;
    else argv[out++] = argv[i];
  }
  argc = out;
  std::unique_ptr<bench::fs::path> tmp;
  if (g_db.empty()) {
    // No index given: index the bundled sample into a temporary directory.
    tmp = std::make_unique<bench::fs::path>(bench::fs::temp_directory_path() / ("letopis-bench-sample-" + std::to_string(::getpid())));
    bench::fs::remove_all(*tmp);
    IndexOptions opt;
    opt.db_dir = tmp->string();
    opt.inputs = {bench::sample_jsonl().string()};
    opt.log = [](const std::string&) {};
    run_index(opt);
    g_db = tmp->string();
    if (smoke) g_per_class = 20;
  }
  g_searcher = std::make_unique<searchd::Searcher>(index_dir::resolve(g_db), g_options);
  // As searchd does before serving (Service::check_index): per-revision
  // caches are built here, not inside the first timed query.
  searchd::Searcher::warm(g_searcher->database());
  g_log = bench::make_query_log(g_searcher->database(), g_per_class);
  std::cerr << "index: " << g_db << " (" << g_searcher->database().get_doccount() << " documents), "
            << g_per_class << " queries per class\n";
  for (size_t c = 0; c < g_log.size(); ++c) {
    benchmark::RegisterBenchmark(("BM_Search/" + g_log[c].name).c_str(), BM_Search, c, true)
        ->Iterations(1)
        ->Unit(benchmark::kMillisecond);
  }
  for (size_t c = 0; c < g_log.size(); ++c) {
    benchmark::RegisterBenchmark(("BM_SearchNoSnippets/" + g_log[c].name).c_str(), BM_Search, c, false)
        ->Iterations(1)
        ->Unit(benchmark::kMillisecond);
  }
  // The relevance-ranked classes without filters or facets, where the query
  // is all there is to it.
  for (size_t c = 0; c < g_log.size(); ++c) {
    if (g_log[c].name != "1 term" && g_log[c].name != "2-3 terms" && g_log[c].name != "phrase") continue;
    benchmark::RegisterBenchmark(("BM_XapianSameQuery/" + g_log[c].name).c_str(), BM_XapianSameQuery, c)
        ->Iterations(1)
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::RegisterBenchmark("BM_Parse", BM_Parse)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_RenderJson", BM_RenderJson);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  g_searcher.reset();
  if (tmp) bench::fs::remove_all(*tmp);
  return 0;
}
