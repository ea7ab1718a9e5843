// Indexing throughput: a full --rebuild of the corpus as cron runs it, then
// an incremental rerun over the same input, then DocumentBuilder alone
// (analysis, entities and document building without Xapian's writes).
//
//   build/bench/letopis_bench_index [--jobs N] [--keep DIR] [INPUT...]
//   build/bench/letopis_bench_index --smoke
// INPUTs default to ../shared/corpus/*.jsonl.zst; --smoke indexes the bundled
// sample. Prints docs/s, MB/s (title + body bytes), wall and CPU seconds and
// the process's peak RSS right after the rebuild. Nothing is asserted.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "bench/corpus.h"
#include "indexer/document.h"
#include "indexer/indexer.h"

using namespace letopis;
namespace fs = std::filesystem;

namespace {

std::vector<Article> g_articles;  // for the DocumentBuilder microbenchmark

double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return s(ru.ru_utime) + s(ru.ru_stime);
}

double peak_rss_mb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

IndexStats timed_run(const IndexOptions& opt, const char* what) {
  const double cpu0 = cpu_seconds();
  const auto t0 = std::chrono::steady_clock::now();
  const IndexStats s = run_index(opt);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = cpu_seconds() - cpu0;
  const double docs = static_cast<double>(s.added + s.updated + s.unchanged);
  std::printf("%-12s %8llu docs  %7.1f MB  %7.1f s wall  %7.1f s CPU  %7.0f docs/s  %6.2f MB/s  "
              "changed %llu  peak RSS %.0f MB\n",
              what, static_cast<unsigned long long>(docs), static_cast<double>(s.bytes) / 1e6, wall, cpu,
              docs / wall, static_cast<double>(s.bytes) / 1e6 / wall,
              static_cast<unsigned long long>(s.added + s.updated + s.deleted), peak_rss_mb());
  std::fflush(stdout);
  return s;
}

void BM_BuildDocument(benchmark::State& state) {
  DocumentBuilder builder({}, EntityExtractor::from_files(default_config_file("gazetteer.json"),
                                                          default_config_file("taxonomy.json")));
  size_t i = 0, bytes = 0, docs = 0;
  for (auto _ : state) {
    const Article& a = g_articles[i++ % g_articles.size()];
    benchmark::DoNotOptimize(builder.build(a, "0"));
    bytes += a.title.size() + a.body.size();
    ++docs;
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["docs/s"] = benchmark::Counter(static_cast<double>(docs), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_BuildDocument)->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  bool smoke = false;
  unsigned jobs = 0;
  std::string keep;
  std::vector<std::string> inputs;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--smoke")) {
      smoke = true;
    } else if (!std::strcmp(argv[i], "--jobs") && i + 1 < argc) {
      jobs = static_cast<unsigned>(std::stoul(argv[++i]));
    } else if (!std::strcmp(argv[i], "--keep") && i + 1 < argc) {
      keep = argv[++i];
    } else if (argv[i][0] == '-') {
      std::cerr << "usage: letopis_bench_index [--smoke] [--jobs N] [--keep DIR] [INPUT...]\n";
      return 2;
    } else {
      inputs.push_back(argv[i]);
    }
  }
  if (smoke) {
    inputs = {bench::sample_jsonl().string()};
  } else if (inputs.empty()) {
    if (fs::is_directory(bench::shared_corpus())) {
      for (const auto& e : fs::directory_iterator(bench::shared_corpus())) {
        if (e.path().string().ends_with(".jsonl.zst")) inputs.push_back(e.path().string());
      }
      std::sort(inputs.begin(), inputs.end());
    }
    if (inputs.empty()) {
      std::cerr << "skipping: " << bench::shared_corpus().string()
                << " not found; give INPUT files or --smoke\n";
      return 0;
    }
  }

  const fs::path dir = keep.empty() ? fs::temp_directory_path() / ("letopis-bench-index-" + std::to_string(getpid()))
                                    : fs::path(keep);
  IndexOptions opt;
  opt.db_dir = dir.string();
  opt.inputs = inputs;
  opt.jobs = jobs;
  opt.progress_seconds = 0;
  opt.log = [](const std::string&) {};
  std::printf("indexing %zu inputs with %u jobs into %s\n", inputs.size(), jobs, dir.c_str());
  opt.rebuild = true;
  timed_run(opt, "rebuild");
  opt.rebuild = false;
  timed_run(opt, "incremental");
  if (keep.empty()) fs::remove_all(dir);

  // The microbenchmark reads a slice of the same inputs.
  std::vector<fs::path> files(inputs.begin(), inputs.end());
  g_articles = bench::load(files, smoke ? 1u << 20 : 16u << 20);
  if (!g_articles.empty()) benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
