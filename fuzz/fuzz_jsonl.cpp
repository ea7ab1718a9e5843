// Fuzz target: the JSON Lines source (indexer/sources.h), from the file
// through ByteReader (plain, gzip or zstd, told apart by magic bytes) and the
// line splitter to parse_jsonl_record().
//
// read_jsonl() reads only files, so each input is written to one temporary
// file per process (letopis-fuzz-jsonl-PID.jsonl in $TMPDIR or /dev/shm,
// removed at exit)
// and read twice: with the default record limit and with a small one, which
// reaches the "record is larger than the limit" path. The whole input also
// goes to parse_jsonl_record() as one record.
//
// Bad records are reported through the error callback, never thrown;
// std::runtime_error is documented only for a file that cannot be opened or
// a corrupt compressed stream, and is the one exception caught here.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "fuzz/fuzz_common.h"
#include "indexer/sources.h"

using namespace letopis;

namespace {

// The temporary file, created on first use and removed when the process exits.
class TempFile {
 public:
  TempFile() : path_((dir() / ("letopis-fuzz-jsonl-" + std::to_string(::getpid()) + ".jsonl")).string()) {}
  ~TempFile() { std::remove(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  // $TMPDIR if set, else /dev/shm (memory: a write and two reads per input
  // run about twice as fast as on a disk-backed /tmp), else the system's.
  static std::filesystem::path dir() {
    if (const char* t = std::getenv("TMPDIR"); t && *t) return t;
    if (::access("/dev/shm", W_OK | X_OK) == 0) return "/dev/shm";
    return std::filesystem::temp_directory_path();
  }

  const std::string& write(std::string_view bytes) {
    std::FILE* f = std::fopen(path_.c_str(), "wb");
    if (!f) fuzz::fail(__FILE__, __LINE__, "cannot create the temporary file");
    const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
    if (std::fclose(f) != 0 || !ok) fuzz::fail(__FILE__, __LINE__, "cannot write the temporary file");
    return path_;
  }

 private:
  std::string path_;
};

bool no_controls(const std::string& s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') return false;
  }
  return true;
}

// What parse_jsonl_record() promises about a record it accepted.
void check_article(const Article& a) {
  FUZZ_CHECK(!a.id.empty());
  FUZZ_CHECK(!a.title.empty() || !a.body.empty());
  FUZZ_CHECK(fuzz::lang_or_empty(a.lang));
  FUZZ_CHECK(fuzz::iso_date_or_empty(a.date));
  for (const std::string* f : {&a.id, &a.title, &a.url, &a.section, &a.body, &a.author}) {
    FUZZ_CHECK(no_controls(*f));
  }
  for (const auto& t : a.tags) FUZZ_CHECK(!t.empty() && no_controls(t));
}

void read_file(const std::string& path, size_t max_record_bytes) {
  SourceLimits limits;
  limits.max_record_bytes = max_record_bytes;
  uint64_t last_line = 0;
  auto next_line = [&](const SourceLocation& where) {
    FUZZ_CHECK(where.file == path);
    FUZZ_CHECK(where.line > last_line);  // 1-based, in file order, each line once
    last_line = where.line;
  };
  try {
    read_jsonl(
        path, limits,
        [&](Article&& a, const SourceLocation& where) {
          next_line(where);
          check_article(a);
        },
        [&](const SourceError& e) {
          next_line(e.where);
          FUZZ_CHECK(!e.reason.empty());
        });
  } catch (const std::runtime_error&) {
    // A corrupt or truncated gzip or zstd stream.
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static TempFile file;
  const std::string_view bytes = fuzz::as_text(data, size);

  Article a;
  if (parse_jsonl_record(bytes, a).empty()) check_article(a);

  const std::string& path = file.write(bytes);
  read_file(path, SourceLimits{}.max_record_bytes);
  read_file(path, 64);
  return 0;
}
