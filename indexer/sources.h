// Article sources: each reads one input and hands over good articles and
// clear errors for bad records, so one broken record never stops a run.
//
// Readers are not thread-safe; use one per thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "indexer/article.h"

namespace letopis {

// Where a record came from: file plus 1-based line (JSON Lines) or 0 (pages).
struct SourceLocation {
  std::string file;
  uint64_t line = 0;
};

struct SourceError {
  SourceLocation where;
  std::string reason;
};

struct SourceLimits {
  // A record (JSON line or page file) larger than this is rejected, not read
  // into memory. Default 16 MiB: news articles are far smaller.
  size_t max_record_bytes = 16u << 20;
};

using ArticleFn = std::function<void(Article&&, const SourceLocation&)>;
using ErrorFn = std::function<void(const SourceError&)>;

// Reads a JSON Lines file, plain, gzip or zstd (detected from its first
// bytes, not its name). Throws std::runtime_error only when the file itself
// cannot be opened or its compression is corrupt; bad records go to on_error.
void read_jsonl(const std::string& path, const SourceLimits& limits, const ArticleFn& on_article,
                const ErrorFn& on_error);

// Validates one JSON Lines record and fills article. Returns an empty string
// on success, else the reason it was rejected.
std::string parse_jsonl_record(std::string_view line, Article& article);

}  // namespace letopis
