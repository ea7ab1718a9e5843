#include "indexer/index_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
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

std::string current_identity(const std::string& dir) {
  std::error_code ec;
  const fs::path current = fs::path(dir) / kCurrent;
  if (fs::is_symlink(current, ec)) return fs::read_symlink(current, ec).string();
  return dir;
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
