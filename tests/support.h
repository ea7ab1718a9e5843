// Test support: temporary directories, repository paths, and building a
// real index from the bundled sample archive.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "indexer/indexer.h"

namespace letopis::test {

namespace fs = std::filesystem;

// A fresh directory under $TMPDIR, removed on scope exit.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("letopis-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  std::string str() const { return path_.string(); }

 private:
  fs::path path_;
};

inline fs::path source_dir() { return LETOPIS_SOURCE_DIR; }
inline fs::path sample_jsonl() { return source_dir() / "data/sample/articles.jsonl"; }
inline fs::path shared_dir() { return LETOPIS_SHARED_DIR; }

inline std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_file(const fs::path& p, const std::string& content) {
  std::ofstream out(p, std::ios::binary);
  out << content;
}

// Options for a quiet indexing run of inputs into dir (tests set the rest).
inline IndexOptions index_options(const std::string& dir, std::vector<std::string> inputs) {
  IndexOptions opt;
  opt.db_dir = dir;
  opt.inputs = std::move(inputs);
  opt.log = [](const std::string&) {};
  return opt;
}

// The value of an unlabelled metric in Prometheus exposition text (searchd's
// /metrics), or -1 when the text has none.
inline long metric_value(const std::string& exposition, const std::string& name) {
  const std::string line = "\n" + name + " ";
  const size_t at = exposition.find(line);
  return at == std::string::npos ? -1 : std::stol(exposition.substr(at + line.size()));
}

}  // namespace letopis::test
