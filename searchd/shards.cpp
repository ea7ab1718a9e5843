#include "searchd/shards.h"

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "indexer/schema.h"
#include "searchd/search.h"
#include "searchd/log.h"

namespace letopis::searchd {
namespace {

using Clock = std::chrono::steady_clock;

// Each shard's health, shared by every thread: whether it is down, when it
// may be tried again, and how many times it has been found dead (a thread
// whose connection predates the last failure drops it).
class Health {
 public:
  static Health& instance() {
    static Health h;
    return h;
  }

  // True if the shard should be tried now: it is up, or its retry is due,
  // in which case this caller takes the retry and the others keep waiting.
  bool should_try(const std::string& key, double retry_seconds) {
    std::lock_guard<std::mutex> lock(mu_);
    State& s = states_[key];
    if (!s.down) return true;
    const auto now = Clock::now();
    if (now < s.retry_at) return false;
    s.retry_at = now + seconds(retry_seconds);
    return true;
  }
  // dead: the shard is a server found dead, so every thread drops its
  // connection to it (false for a local database that failed to open: the
  // copies other threads have open are still good).
  void failed(const std::string& key, const std::string& why, double retry_seconds, bool dead = true) {
    std::lock_guard<std::mutex> lock(mu_);
    State& s = states_[key];
    if (dead) ++s.failures;
    s.retry_at = Clock::now() + seconds(retry_seconds);
    if (!s.down || s.why != why) log_line("shard " + key + " is not answering (" + why + "); searching without it");
    s.down = true;
    s.why = why;
  }
  void answered(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    State& s = states_[key];
    if (s.down) log_line("shard " + key + " answers again");
    s.down = false;
    s.why.clear();
  }
  bool up(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    return !states_[key].down;
  }
  uint64_t failures(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    return states_[key].failures;
  }

 private:
  struct State {
    bool down = false;
    Clock::time_point retry_at{};
    uint64_t failures = 0;
    std::string why;
  };
  static Clock::duration seconds(double s) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
  }
  std::mutex mu_;
  std::map<std::string, State> states_;
};

useconds_t millis(double seconds) { return static_cast<useconds_t>(seconds * 1000); }

std::string describe(const Xapian::Error& e) { return e.get_type() + std::string(": ") + e.get_msg(); }

// True if this side gave up waiting for the shard: a hung server, which a
// reconnection would only wait on again. (xapian-tcpsrv closing a
// connection left idle past its --idle-timeout reaches the client as a
// timeout too, but one marked REMOTE:, and a new connection works.)
bool timed_out_here(const Xapian::NetworkError& e) {
  return std::string(e.get_type()) == "NetworkTimeoutError" && e.get_msg().rfind("REMOTE:", 0) != 0;
}

}  // namespace

ShardSet::ShardSet(const std::string& path, ShardOptions options, bool prober)
    : options_(std::move(options)), prober_(prober) {
  sharded_ = index_dir::is_stub(path);
  if (!sharded_) {
    // A plain index: opened as it always was; failures are the caller's.
    Shard s;
    s.entry.path = path;
    s.key = path;
    s.db = Xapian::Database(path);
    s.open = true;
    shards_.push_back(std::move(s));
    db_ = shards_.front().db;
    return;
  }
  for (index_dir::StubEntry& e : index_dir::read_stub(path)) {
    Shard s;
    s.entry = std::move(e);
    switch (s.entry.kind) {
      case index_dir::StubEntry::Kind::remote_tcp:
        s.key = s.entry.host + ":" + std::to_string(s.entry.port);
        break;
      case index_dir::StubEntry::Kind::local: {
        // Pinned to where the path leads now (a SHARD_DIR/current symlink
        // switched by a rebuild changes index_dir::current_identity, and
        // searchd then opens the new generation).
        std::error_code ec;
        const std::filesystem::path real = std::filesystem::weakly_canonical(s.entry.path, ec);
        if (!ec) s.entry.path = real.string();
        s.key = s.entry.path;
        break;
      }
      case index_dir::StubEntry::Kind::remote_prog:
        s.key = s.entry.line;
        break;
    }
    shards_.push_back(std::move(s));
  }
  if (shards_.empty()) throw std::runtime_error(path + ": the stub file lists no databases");
  for (Shard& s : shards_) {
    if (due(s)) try_open(s);
  }
  rebuild();
}

bool ShardSet::due(const Shard& s) const {
  // A local database is tried whenever it is not open: a failed open is a
  // few system calls and waits on nothing, and the next may well succeed
  // (xapian-replicate deletes a replica's old copy as it switches the stub,
  // so a reader that read the stub a moment before fails once).
  if (s.entry.kind == index_dir::StubEntry::Kind::local) return true;
  Health& health = Health::instance();
  return prober_ ? health.should_try(s.key, options_.retry_seconds) : health.up(s.key);
}

bool ShardSet::try_open(Shard& s) {
  Health& health = Health::instance();
  const bool remote = s.entry.kind != index_dir::StubEntry::Kind::local;
  const uint64_t failures = health.failures(s.key);
  try {
    Xapian::Database db;
    switch (s.entry.kind) {
      case index_dir::StubEntry::Kind::remote_tcp:
        db = Xapian::Remote::open(s.entry.host, s.entry.port, millis(options_.timeout_seconds),
                                  millis(options_.connect_timeout_seconds));
        break;
      case index_dir::StubEntry::Kind::remote_prog:
        db = Xapian::Remote::open(s.entry.path, s.entry.args, millis(options_.timeout_seconds));
        break;
      case index_dir::StubEntry::Kind::local:
        db = Xapian::Database(s.entry.path);
        break;
    }
    // Every shard must have been built as the others were: the query is
    // analysed once, for all of them.
    check_schema(db, s.key);
    const std::string analysis = db.get_metadata(std::string(schema::kAnalysisKey));
    if (!analysis_) analysis_ = analysis;
    if (analysis != *analysis_) {
      throw std::runtime_error("built with analysis options '" + analysis + "', the first shard with '" +
                               *analysis_ + "'");
    }
    s.db = std::move(db);
    s.open = true;
    s.failures = failures;
    health.answered(s.key);
    return true;
  } catch (const Xapian::Error& e) {
    health.failed(s.key, describe(e), options_.retry_seconds, remote);
  } catch (const std::runtime_error& e) {
    health.failed(s.key, e.what(), options_.retry_seconds, remote);
  }
  return false;
}

void ShardSet::close(Shard& s) {
  s.db = Xapian::Database();
  s.open = false;
}

void ShardSet::rebuild() {
  db_ = Xapian::Database();
  for (const Shard& s : shards_) {
    if (s.open) db_.add_database(s.db);
  }
}

bool ShardSet::refresh() {
  if (!sharded_) {
    db_.reopen();
    return false;
  }
  Health& health = Health::instance();
  bool changed = false;
  for (Shard& s : shards_) {
    if (s.open && health.failures(s.key) != s.failures) {
      close(s);  // another thread found it dead since this connection was made
      changed = true;
    }
    if (s.open) {
      try {
        s.db.reopen();
        continue;
      } catch (const Xapian::NetworkError& e) {
        close(s);
        changed = true;
        if (timed_out_here(e)) {
          health.failed(s.key, describe(e), options_.retry_seconds);
        } else {
          try_open(s);  // most often a connection the server closed as idle: connect afresh, once
        }
        continue;
      }
    }
    if (due(s) && try_open(s)) changed = true;
  }
  if (changed) rebuild();
  return changed;
}

void ShardSet::recover(const Xapian::NetworkError& error) {
  Health& health = Health::instance();
  const bool timeout = timed_out_here(error);
  for (Shard& s : shards_) {
    if (!s.open || s.entry.kind == index_dir::StubEntry::Kind::local) continue;
    close(s);
    // Xapian names the remote in the error's context: remote:tcp(HOST:PORT).
    if (timeout && error.get_context().find("(" + s.key + ")") != std::string::npos) {
      health.failed(s.key, describe(error), options_.retry_seconds);
      continue;
    }
    try_open(s);
  }
  rebuild();
}

size_t ShardSet::open_count() const {
  size_t open = 0;
  for (const Shard& s : shards_) open += s.open;
  return open;
}

void ShardSet::require() const {
  const size_t open = open_count();
  if (open == 0) throw Xapian::DatabaseOpeningError("no shard of the index is answering");
  if (open < shards_.size() && options_.on_failure == ShardOptions::OnFailure::fail) {
    throw Xapian::DatabaseOpeningError(std::to_string(shards_.size() - open) + " of " +
                                       std::to_string(shards_.size()) +
                                       " shards are not answering (shards.on_failure is \"fail\")");
  }
}

bool ShardSet::partial() const {
  for (const Shard& s : shards_) {
    if (!s.open) return true;
  }
  return false;
}

bool ShardSet::has_remote() const {
  for (const Shard& s : shards_) {
    if (s.open && s.entry.kind != index_dir::StubEntry::Kind::local) return true;
  }
  return false;
}

uint64_t ShardSet::revision() const {
  uint64_t sum = 0;
  for (const Shard& s : shards_) {
    if (s.open && s.entry.kind == index_dir::StubEntry::Kind::local) sum += s.db.get_revision();
  }
  return sum;
}

ShardSet& watched_shards(const std::string& path, const ShardOptions& options) {
  struct Watched {
    std::string identity;  // the path, and for a stub its text and where its local paths lead
    std::unique_ptr<ShardSet> set;
  };
  thread_local Watched watched;
  const std::string identity = index_dir::current_identity(path);
  try {
    if (!watched.set || watched.identity != identity) {
      watched.set.reset();
      watched.set = std::make_unique<ShardSet>(path, options, true);
      watched.identity = identity;
    } else {
      watched.set->refresh();
    }
  } catch (...) {
    watched.set.reset();  // open afresh next time
    throw;
  }
  if (watched.set->open_count() == 0) throw Xapian::DatabaseOpeningError("no shard of the index is answering");
  return *watched.set;
}

}  // namespace letopis::searchd
