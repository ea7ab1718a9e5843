// The on-disk layout of an index directory that letopis-index manages:
//
//   DIR/current   symlink to the generation searchd serves (relative)
//   DIR/gen-NNNN  generations: Xapian glass databases; after a --rebuild the
//                 previous one is kept for rollback, older ones are removed
//   DIR/.lock     held (flock) by the one letopis-index run allowed at a time
//
// DIR may also be a plain Xapian database or a stub file (e.g. listing remote
// shards); then it is served as is. Functions here are thread-safe.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace letopis::index_dir {

inline constexpr const char* kCurrent = "current";
inline constexpr const char* kLock = ".lock";
inline constexpr const char* kGenerationPrefix = "gen-";

// The path to open for searching: DIR/current's target when DIR is managed,
// else DIR itself. Throws std::runtime_error if neither exists.
std::string resolve(const std::string& dir);

// A string that changes whenever a different database becomes current
// (the symlink target); searchd polls it to pick up atomic switches.
std::string current_identity(const std::string& dir);

// Generations in DIR, oldest first (names only).
std::vector<std::string> generations(const std::string& dir);

// A new, unused generation name, later than all existing ones.
std::string next_generation(const std::string& dir);

// Points DIR/current at generation atomically (symlink + rename).
void switch_current(const std::string& dir, const std::string& generation);

// An exclusive, non-blocking lock on DIR/.lock, released on destruction or
// when the process dies (so a kill -9 never leaves a stale lock).
class Lock {
 public:
  // Throws LockHeld if another process holds it, std::runtime_error on IO errors.
  explicit Lock(const std::string& dir);
  ~Lock();
  Lock(const Lock&) = delete;
  Lock& operator=(const Lock&) = delete;

 private:
  int fd_ = -1;
};

struct LockHeld : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace letopis::index_dir
