#include "indexer/byte_reader.h"

#include <zlib.h>
#include <zstd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace letopis {

struct ByteReader::Impl {
  enum class Kind { plain, gzip, zstd } kind = Kind::plain;
  FILE* file = nullptr;           // plain and zstd
  gzFile gz = nullptr;            // gzip
  ZSTD_DStream* zs = nullptr;
  std::string zin;                // compressed input buffer
  ZSTD_inBuffer in{nullptr, 0, 0};
  bool zstd_frame_done = true;

  ~Impl() {
    if (file) std::fclose(file);
    if (gz) gzclose(gz);
    if (zs) ZSTD_freeDStream(zs);
  }
};

ByteReader::ByteReader(const std::string& path) : path_(path), impl_(std::make_unique<Impl>()) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw std::runtime_error(path + ": cannot open: " + std::strerror(errno));
  unsigned char magic[4] = {0, 0, 0, 0};
  const size_t got = std::fread(magic, 1, 4, f);
  std::rewind(f);
  if (got >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
    std::fclose(f);
    impl_->kind = Impl::Kind::gzip;
    impl_->gz = gzopen(path.c_str(), "rb");
    if (!impl_->gz) throw std::runtime_error(path + ": cannot open gzip stream");
    gzbuffer(impl_->gz, 1 << 17);
  } else if (got == 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd) {
    impl_->kind = Impl::Kind::zstd;
    impl_->file = f;
    impl_->zs = ZSTD_createDStream();
    ZSTD_initDStream(impl_->zs);
    impl_->zin.resize(ZSTD_DStreamInSize());
  } else {
    impl_->file = f;
  }
  buf_.reserve(1 << 17);
}

ByteReader::~ByteReader() = default;

size_t ByteReader::read(char* out, size_t n) {
  Impl& im = *impl_;
  switch (im.kind) {
    case Impl::Kind::plain: {
      size_t r = std::fread(out, 1, n, im.file);
      if (r == 0 && std::ferror(im.file)) throw std::runtime_error(path_ + ": read error");
      return r;
    }
    case Impl::Kind::gzip: {
      int r = gzread(im.gz, out, static_cast<unsigned>(n));
      if (r < 0) {
        int err = 0;
        const char* msg = gzerror(im.gz, &err);
        throw std::runtime_error(path_ + ": gzip error: " + (msg ? msg : "unknown"));
      }
      return static_cast<size_t>(r);
    }
    case Impl::Kind::zstd: {
      ZSTD_outBuffer o{out, n, 0};
      while (o.pos == 0) {
        if (im.in.pos == im.in.size) {
          size_t r = std::fread(im.zin.data(), 1, im.zin.size(), im.file);
          if (r == 0) {
            if (std::ferror(im.file)) throw std::runtime_error(path_ + ": read error");
            if (!im.zstd_frame_done) throw std::runtime_error(path_ + ": zstd stream is truncated");
            return 0;
          }
          im.in = ZSTD_inBuffer{im.zin.data(), r, 0};
        }
        size_t ret = ZSTD_decompressStream(im.zs, &o, &im.in);
        if (ZSTD_isError(ret)) {
          throw std::runtime_error(path_ + ": zstd error: " + ZSTD_getErrorName(ret));
        }
        im.zstd_frame_done = ret == 0;
      }
      return o.pos;
    }
  }
  return 0;
}

bool ByteReader::fill() {
  if (eof_) return false;
  if (pos_ > 0) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  const size_t old = buf_.size();
  buf_.resize(old + (1 << 17));
  const size_t r = read(buf_.data() + old, 1 << 17);
  buf_.resize(old + r);
  if (r == 0) eof_ = true;
  return r > 0;
}

bool ByteReader::read_line(std::string& line, size_t max_bytes, bool* too_long) {
  line.clear();
  *too_long = false;
  for (;;) {
    const size_t nl = buf_.find('\n', pos_);
    const size_t avail_end = nl == std::string::npos ? buf_.size() : nl;
    const size_t room = max_bytes - std::min(max_bytes, line.size());
    const size_t take = std::min(room, avail_end - pos_);
    line.append(buf_, pos_, take);
    if (avail_end - pos_ > take) *too_long = true;  // the rest is dropped
    if (nl != std::string::npos) {
      pos_ = nl + 1;
      return true;
    }
    pos_ = buf_.size();
    if (!fill()) return !line.empty() || *too_long;
  }
}

}  // namespace letopis
