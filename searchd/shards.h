// ShardSet: the databases one Searcher searches as one. Either a plain
// index (one local database, as before), or the shards a Xapian stub file
// lists (index_dir::read_stub): local databases and xapian-tcpsrv servers,
// opened one by one with timeouts so that a shard that does not answer can
// be left out and tried again later.
//
// Not thread-safe: each Searcher owns one (its Xapian::Database objects
// are not shareable). What is shared, process-wide and under a mutex, is
// each remote shard's health: once any thread finds a server dead, the
// others stop waiting on it. Only a prober (searchd's index watcher, see
// watched_shards) tries a dead server again, every retry_seconds, so no
// request waits on a shard that is known to be down; once it answers, each
// Searcher reconnects before its next request. A local database that fails
// to open is only left out of that ShardSet and tried at its next refresh:
// trying costs nothing, and the copies other threads hold stay good (a
// replica's old copy, which xapian-replicate deletes under a reader that
// read the stub a moment before the switch). docs/OPERATIONS.md,
// "Sharding", describes the configuration.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <xapian.h>

#include "indexer/index_dir.h"

namespace letopis::searchd {

struct ShardOptions {
  // partial: answer from the shards that answer, flagged "partial": true;
  // fail: answer 503 while any listed shard is down.
  enum class OnFailure { partial, fail };
  OnFailure on_failure = OnFailure::partial;
  double timeout_seconds = 5.0;          // each exchange with a remote shard (Xapian::Remote::open)
  double connect_timeout_seconds = 2.0;  // connecting to a remote shard
  double retry_seconds = 5.0;            // a failed shard is left alone this long, then tried again
  // A local database (or letopis index directory) whose spelling table
  // serves "did you mean", typo correction and completions: Xapian's remote
  // protocol carries no spelling data. Empty: the index's own (the local
  // shards' tables, summed by Xapian).
  std::string spelling_db;
};

class ShardSet {
 public:
  // Opens path: a plain database (throws Xapian::Error if it cannot be
  // opened, as Xapian::Database would), or a stub, whose shards are opened
  // one by one; a shard that fails is left out (and logged). Throws
  // std::runtime_error for a malformed stub. Every shard must carry our
  // schema version and the same analysis options as the first one. A
  // prober also tries shards known to be down, when their retry is due.
  ShardSet(const std::string& path, ShardOptions options, bool prober = false);

  // Call before each request: reopens every shard (new commits), drops
  // those another thread found dead and reconnects those that answer again
  // (a prober: those due for a retry).
  // Returns true if the open shards changed: database() is then a new
  // object and anything built on the old one must be rebuilt.
  bool refresh();

  // After a Xapian::NetworkError mid-request: a failed exchange leaves the
  // other remote connections out of step too, so every remote shard is
  // connected afresh; those that do not answer are marked down. The shard
  // the error names is marked down at once if the error was a timeout
  // (a hung server would only time out again).
  void recover(const Xapian::NetworkError& error);

  // Throws Xapian::DatabaseOpeningError (searchd answers 503) if no shard
  // is open, or if one is down and on_failure is fail.
  void require() const;

  Xapian::Database& database() { return db_; }
  bool sharded() const { return sharded_; }
  // How many databases the stub lists (1 for a plain index, or a replica's
  // one-line stub).
  size_t count() const { return shards_.size(); }
  bool partial() const;      // a listed shard is not being searched
  bool has_remote() const;   // an open shard is remote: match spies must be Xapian's own
  size_t size() const { return shards_.size(); }
  size_t open_count() const;
  // Sum of the local shards' revisions (remote shards report none).
  uint64_t revision() const;

 private:
  struct Shard {
    index_dir::StubEntry entry;
    std::string key;         // names the shard in logs and in the health table
    Xapian::Database db;     // meaningful while open
    bool open = false;
    uint64_t failures = 0;   // the health table's failure count when it was opened
  };
  bool due(const Shard& shard) const;  // worth connecting to now
  bool try_open(Shard& shard);
  void close(Shard& shard);
  void rebuild();

  ShardOptions options_;
  bool prober_ = false;
  bool sharded_ = false;
  std::optional<std::string> analysis_;  // the first shard opened: the others must match
  std::vector<Shard> shards_;
  Xapian::Database db_;
};

// searchd's index watcher: the ShardSet for path, kept open between calls on
// this thread and refreshed, so that polling does not reconnect to every
// shard, and the watcher is the prober that retries dead shards in the
// background. Opened afresh when index_dir::current_identity(path) changes
// (an edited stub) or after an error. Throws what ShardSet's constructor
// and refresh() throw, and Xapian::DatabaseOpeningError if no shard is open.
ShardSet& watched_shards(const std::string& path, const ShardOptions& options);

}  // namespace letopis::searchd
