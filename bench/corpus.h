// Loading benchmark inputs: the real corpus in ../shared/corpus when it is
// there, else the bundled sample archive (smoke runs, fresh clones).
#pragma once

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include "indexer/article.h"
#include "indexer/indexer.h"
#include "indexer/sources.h"

namespace letopis::bench {

namespace fs = std::filesystem;

inline fs::path shared_corpus() { return fs::path(LETOPIS_SHARED_DIR) / "corpus"; }
inline fs::path sample_jsonl() { return fs::path(LETOPIS_SOURCE_DIR) / "data/sample/articles.jsonl"; }

// An index of the bundled sample in a new temporary directory named after
// the benchmark (smoke runs); the caller removes the directory.
inline fs::path index_sample(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("letopis-" + name + "-" + std::to_string(getpid()));
  IndexOptions opt;
  opt.db_dir = dir.string();
  opt.inputs = {sample_jsonl().string()};
  opt.log = [](const std::string&) {};
  run_index(opt);
  return dir;
}

// Reads articles from files, stopping after max_bytes of title+body.
inline std::vector<Article> load(const std::vector<fs::path>& files, size_t max_bytes) {
  std::vector<Article> out;
  size_t bytes = 0;
  for (const auto& f : files) {
    if (!fs::exists(f) || bytes >= max_bytes) continue;
    read_jsonl(
        f.string(), {},
        [&](Article&& a, const SourceLocation&) {
          if (bytes >= max_bytes) return;
          bytes += a.title.size() + a.body.size();
          out.push_back(std::move(a));
        },
        [](const SourceError&) {});
  }
  return out;
}

// The corpus files of one language ("ru", "en", "kk").
inline std::vector<fs::path> corpus_files(const std::string& lang) {
  std::vector<fs::path> out;
  if (!fs::exists(shared_corpus())) return out;
  for (const auto& e : fs::directory_iterator(shared_corpus())) {
    const std::string name = e.path().filename().string();
    if (name.find("." + lang + ".jsonl") != std::string::npos) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  if (lang == "kk") out.push_back(fs::path(LETOPIS_SHARED_DIR) / "relevance/kazqad/corpus.kk.jsonl.zst");
  return out;
}

}  // namespace letopis::bench
