// Analysis throughput (normalize + tokenize + stem) in MB/s per language, on
// the real corpus. Run: build/bench/letopis_bench_analysis
#include <benchmark/benchmark.h>

#include <cstring>
#include <iostream>
#include <map>

#include "bench/corpus.h"
#include "stemmers/analyzer.h"
#include "stemmers/normalize.h"

using namespace letopis;

namespace {

bool g_smoke = false;

const std::vector<Article>& texts(const std::string& lang) {
  static std::map<std::string, std::vector<Article>> cache;
  auto it = cache.find(lang);
  if (it != cache.end()) return it->second;
  std::vector<Article> arts;
  if (!g_smoke) arts = bench::load(bench::corpus_files(lang), 8u << 20);
  if (arts.empty()) {
    for (auto& a : bench::load({bench::sample_jsonl()}, 1u << 30)) {
      if (a.lang == lang) arts.push_back(std::move(a));
    }
  }
  return cache[lang] = std::move(arts);
}

void BM_Analyze(benchmark::State& state, const std::string& lang) {
  const auto& arts = texts(lang);
  analysis::Analyzer analyzer;
  const analysis::Lang l = analysis::parse_lang(lang);
  std::vector<analysis::Token> toks;
  size_t bytes = 0, tokens = 0;
  for (auto _ : state) {
    for (const auto& a : arts) {
      toks.clear();
      analyzer.tokenize(a.body, l, toks);
      for (const auto& t : toks) {
        std::string s = analyzer.stem(t.text, t.stem_lang);
        benchmark::DoNotOptimize(s);
      }
      bytes += a.body.size();
      tokens += toks.size();
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["tokens/s"] = benchmark::Counter(static_cast<double>(tokens), benchmark::Counter::kIsRate);
  state.SetLabel(std::to_string(arts.size()) + " articles");
}

void BM_Normalize(benchmark::State& state, const std::string& lang) {
  const auto& arts = texts(lang);
  size_t bytes = 0;
  for (auto _ : state) {
    for (const auto& a : arts) {
      std::string n = analysis::normalize(a.body);
      benchmark::DoNotOptimize(n);
      bytes += a.body.size();
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

}  // namespace

BENCHMARK_CAPTURE(BM_Analyze, ru, std::string("ru"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Analyze, en, std::string("en"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Analyze, kk, std::string("kk"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Normalize, ru, std::string("ru"))->Unit(benchmark::kMillisecond);

int main(int argc, char** argv) {
  // --smoke: the bundled sample only, so ctest runs in a second.
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--smoke") == 0) g_smoke = true;
    else argv[out++] = argv[i];
  }
  argc = out;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
