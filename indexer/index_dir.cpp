#include "indexer/index_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace letopis::index_dir {

std::string resolve(const std::string& dir) {
  const fs::path current = fs::path(dir) / kCurrent;
  std::error_code ec;
  if (fs::is_symlink(current, ec)) {
    fs::path target = fs::read_symlink(current, ec);
    if (ec) throw std::runtime_error(current.string() + ": cannot read symlink: " + ec.message());
    if (target.is_relative()) target = fs::path(dir) / target;
    return target.string();
  }
  if (fs::exists(dir, ec)) return dir;
  throw std::runtime_error(dir + ": no index here (run letopis-index --db " + dir + " first)");
}

namespace {

// Stub files are a few lines; anything bigger is not one.
constexpr std::uintmax_t kMaxStubBytes = 1 << 20;

std::string stub_file(const std::string& path) {
  std::error_code ec;
  return fs::is_directory(path, ec) ? (fs::path(path) / "XAPIANDB").string() : path;
}

}  // namespace

std::string current_identity(const std::string& dir) {
  std::error_code ec;
  const fs::path current = fs::path(dir) / kCurrent;
  std::string identity = dir;
  std::string target = dir;
  if (fs::is_symlink(current, ec)) {
    identity = fs::read_symlink(current, ec).string();
    target = (fs::path(dir) / identity).string();
  }
  if (!is_stub(target)) return identity;
  // The shards it lists: its text, and where local paths lead (a shard
  // given as SHARD_DIR/current is switched by letopis-index --rebuild).
  std::ifstream in(stub_file(target), std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  identity += '\n' + text.str();
  // And when it was written: xapian-replicate alternates a replica between
  // two directories, so two full copies between polls give the same text
  // (`auto replica_0`) for a different database (docs/OPERATIONS.md,
  // Replication). It rewrites the stub only when it switches.
  struct stat st {};
  if (::stat(stub_file(target).c_str(), &st) == 0) {
    identity += "\n@" + std::to_string(st.st_ino) + ':' + std::to_string(st.st_mtim.tv_sec) + '.' +
                std::to_string(st.st_mtim.tv_nsec);
  }
  try {
    for (const StubEntry& e : read_stub(target)) {
      if (e.kind == StubEntry::Kind::local) identity += '\n' + fs::weakly_canonical(e.path, ec).string();
    }
  } catch (const std::exception&) {
    // A bad stub: its text is in the identity; opening it reports the error.
  }
  return identity;
}

bool is_stub(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return fs::is_regular_file(fs::path(path) / "XAPIANDB", ec);
  if (!fs::is_regular_file(path, ec)) return false;
  // A single-file database is binary; a stub is a few lines of text.
  std::ifstream in(path, std::ios::binary);
  char head[512];
  in.read(head, sizeof head);
  return std::find(head, head + in.gcount(), '\0') == head + in.gcount();
}

std::vector<StubEntry> read_stub(const std::string& path) {
  const std::string file = stub_file(path);
  std::error_code ec;
  if (fs::file_size(file, ec) > kMaxStubBytes) throw std::runtime_error(file + ": too big for a stub database file");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(file + ": cannot read the stub database file");
  const fs::path base = fs::path(file).parent_path();
  std::vector<StubEntry> out;
  std::string line;
  for (unsigned line_no = 1; std::getline(in, line); ++line_no) {
    if (line.empty() || line[0] == '#') continue;
    auto bad = [&](const std::string& why) {
      return std::runtime_error(file + ":" + std::to_string(line_no) + ": " + why);
    };
    StubEntry e;
    e.line = line;
    const size_t space = line.find(' ');
    const std::string type = line.substr(0, space);
    const std::string rest = space == std::string::npos ? std::string() : line.substr(space + 1);
    if (type == "auto" || type == "glass") {
      if (rest.empty()) throw bad("no path");
      e.path = fs::path(rest).is_absolute() ? rest : (base / rest).string();
    } else if (type == "remote" && !rest.empty() && rest[0] == ':') {
      e.kind = StubEntry::Kind::remote_prog;
      const size_t sp = rest.find(' ');
      e.path = rest.substr(1, sp == std::string::npos ? std::string::npos : sp - 1);
      if (sp != std::string::npos) e.args = rest.substr(sp + 1);
      if (e.path.empty()) throw bad("no program");
    } else if (type == "remote") {
      e.kind = StubEntry::Kind::remote_tcp;
      const size_t colon = rest.rfind(':');
      if (colon == std::string::npos || colon == 0) throw bad("remote wants HOST:PORT");
      e.host = rest.substr(0, colon);
      if (e.host.size() > 2 && e.host.front() == '[' && e.host.back() == ']') {
        e.host = e.host.substr(1, e.host.size() - 2);  // [v6 address]
      }
      char* end = nullptr;
      const unsigned long port = std::strtoul(rest.c_str() + colon + 1, &end, 10);
      if (end == rest.c_str() + colon + 1 || *end != '\0' || port == 0 || port > 65535) throw bad("bad port");
      e.port = static_cast<unsigned>(port);
    } else {
      throw bad("not a line Letopis opens (auto PATH, glass PATH, remote HOST:PORT or remote :PROGRAM ARGS)");
    }
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<std::string> generations(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(kGenerationPrefix, 0) == 0 && e.is_directory()) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string next_generation(const std::string& dir) {
  unsigned long last = 0;
  for (const auto& g : generations(dir)) {
    last = std::max(last, std::strtoul(g.c_str() + std::strlen(kGenerationPrefix), nullptr, 10));
  }
  char name[32];
  std::snprintf(name, sizeof name, "%s%06lu", kGenerationPrefix, last + 1);
  return name;
}

void switch_current(const std::string& dir, const std::string& generation) {
  const fs::path tmp = fs::path(dir) / (std::string(kCurrent) + ".tmp");
  std::error_code ec;
  fs::remove(tmp, ec);
  fs::create_symlink(generation, tmp);
  // rename(2) replaces the old symlink atomically: a reader sees the old or
  // the new target, never neither.
  if (::rename(tmp.c_str(), (fs::path(dir) / kCurrent).c_str()) != 0) {
    throw std::runtime_error(dir + ": cannot switch current index: " + std::strerror(errno));
  }
  // Make the switch itself durable.
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

Lock::Lock(const std::string& dir) {
  const std::string path = (fs::path(dir) / kLock).string();
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw std::runtime_error(path + ": cannot open lock file: " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd_);
    fd_ = -1;
    if (err == EWOULDBLOCK) {
      throw LockHeld(dir + ": another letopis-index run holds the lock; not starting a second one");
    }
    throw std::runtime_error(path + ": cannot lock: " + std::strerror(err));
  }
}

Lock::~Lock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace letopis::index_dir
