// ByteReader: reads a file as bytes, decompressing gzip or zstd on the fly
// (detected by magic number). Not thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace letopis {

class ByteReader {
 public:
  // Throws std::runtime_error if the file cannot be opened.
  explicit ByteReader(const std::string& path);
  ~ByteReader();
  ByteReader(const ByteReader&) = delete;
  ByteReader& operator=(const ByteReader&) = delete;

  // Reads up to n bytes; returns 0 at the end. Throws std::runtime_error on a
  // read or decompression error.
  size_t read(char* buf, size_t n);

  // Reads one line (without '\n') into line. Returns false at the end. A line
  // longer than max_bytes is skipped to its end and reported with
  // *too_long = true and line holding only its first max_bytes.
  bool read_line(std::string& line, size_t max_bytes, bool* too_long);

  const std::string& path() const { return path_; }

 private:
  struct Impl;
  std::string path_;
  std::unique_ptr<Impl> impl_;
  std::string buf_;
  size_t pos_ = 0;
  bool eof_ = false;
  bool fill();
};

}  // namespace letopis
