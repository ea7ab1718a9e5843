// The on-disk layout of an index directory that letopis-index manages:
//
//   DIR/current   symlink to the generation searchd serves (relative)
//   DIR/gen-NNNN  generations: Xapian glass databases; after a --rebuild the
//                 previous one is kept for rollback, older ones are removed
//   DIR/.lock     held (flock) by the one letopis-index run allowed at a time
//
// DIR may also be a plain Xapian database or a Xapian stub file listing
// shards (local databases and xapian-tcpsrv servers); so may DIR/current's
// target. Functions here are thread-safe.
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
// (the symlink target); searchd polls it to pick up atomic switches. For a
// stub file it also covers the file's text, its inode and modification time
// (xapian-replicate rewrites a replica's stub by rename, sometimes with the
// same text), and where each local shard's path leads, so editing the stub
// or switching a local shard's `current` changes it too.
std::string current_identity(const std::string& dir);

// One database listed in a stub file. The format is Xapian's own (so quest
// and xapian-delve open the same file): one `TYPE ARGS` line per database,
// `#` comments and blank lines ignored, relative paths taken from the
// stub's directory.
//   auto PATH | glass PATH     a local database
//   remote HOST:PORT           a xapian-tcpsrv ([v6 address]:PORT too)
//   remote :PROGRAM ARGS       a program speaking the remote protocol on stdio
struct StubEntry {
  enum class Kind { local, remote_tcp, remote_prog };
  Kind kind = Kind::local;
  std::string path;  // local: the path as resolved; remote_prog: the program
  std::string host;  // remote_tcp
  unsigned port = 0; // remote_tcp
  std::string args;  // remote_prog
  std::string line;  // the line as written, to name the shard in messages
};

// True if path is a stub: a regular file that is not a single-file Xapian
// database, or a directory holding a XAPIANDB stub file.
bool is_stub(const std::string& path);

// The databases a stub lists, in order. Throws std::runtime_error naming
// the file and line for a line Xapian would not open either (or an
// `inmemory` one, which cannot hold an index).
std::vector<StubEntry> read_stub(const std::string& path);

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
