#include "indexer/indexer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <stdexcept>

#include <xapian.h>

#include "indexer/document.h"
#include "indexer/hash.h"
#include "indexer/index_dir.h"
#include "indexer/pages.h"
#include "indexer/schema.h"

namespace fs = std::filesystem;

namespace letopis {
namespace {

std::string utc_now() {
  char buf[32];
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// A word enters the spelling table once the run has seen it this often:
// words seen once are mostly typos and OCR noise, the very thing "did you
// mean" must not suggest.
constexpr uint32_t kMinSpellingCount = 2;

// Writes articles into one open database, counting what changed.
class Writer {
 public:
  // Counts the words of what it indexes into spelling.
  Writer(Xapian::WritableDatabase& db, bool fresh, IndexStats& stats, analysis::AnalysisOptions analysis,
         EntityExtractor entities, SpellingCounts& spelling)
      : db_(db), fresh_(fresh), stats_(stats), fingerprint_(entities.fingerprint()),
        builder_(analysis, std::move(entities)) {
    builder_.count_spelling(&spelling);
  }

  // Counts the words of what it is given, and writes no documents.
  void spelling_only() { spelling_only_ = true; }

  void add(const Article& article, size_t record_bytes) {
    // A changed gazetteer or taxonomy changes what is indexed: part of the hash.
    const std::string hash = content_hash(article) + fingerprint_;
    if (spelling_only_) {
      builder_.build(article, hash);  // counts its words
      ++stats_.added;
      stats_.bytes += record_bytes;
      return;
    }
    if (fresh_) {
      // A fresh database needs no lookup of the old hash, but an id that
      // repeats within the input must still replace, not duplicate. Asking
      // Xapian (replace_document by id term) opens a posting list per
      // article; the writer remembers each id's docid instead.
      Xapian::Document doc = builder_.build(article, hash);
      auto [it, inserted] = docids_.try_emplace(article.id, 0);
      if (inserted) {
        it->second = db_.add_document(doc);
      } else {
        db_.replace_document(it->second, doc);
      }
      ++stats_.added;
    } else {
      const std::string idterm = schema::id_term(article.id);
      Xapian::PostingIterator p = db_.postlist_begin(idterm);
      if (p == db_.postlist_end(idterm)) {
        db_.add_document(builder_.build(article, hash));
        ++stats_.added;
      } else if (db_.get_document(*p).get_value(schema::kSlotHash) == hash) {
        ++stats_.unchanged;
        return;
      } else {
        db_.replace_document(idterm, builder_.build(article, hash));
        ++stats_.updated;
      }
    }
    stats_.bytes += record_bytes;
  }

 private:
  Xapian::WritableDatabase& db_;
  bool fresh_;
  std::unordered_map<std::string, Xapian::docid> docids_;  // fresh builds: id -> docid
  IndexStats& stats_;
  std::string fingerprint_;
  DocumentBuilder builder_;
  bool spelling_only_ = false;
};

// Reads every input in order, counting and logging rejected records.
class SourceReader {
 public:
  SourceReader(const IndexOptions& opt, IndexStats& stats, const std::function<void(const std::string&)>& log)
      : opt_(opt), stats_(stats), log_(log) {}

  // Calls fn for each good article. Throws if --strict and a record was
  // rejected (after reading the input it was in).
  void read_all(const std::function<void(Article&&)>& fn) {
    bool strict_failed = false;
    const auto start = std::chrono::steady_clock::now();
    const bool tty = opt_.progress_seconds > 0 && ::isatty(2);
    const double every = tty ? 0.5 : opt_.progress_seconds;
    double next = every;
    uint64_t count = 0, bytes = 0, elsewhere = 0;
    auto on_article = [&](Article&& a, const SourceLocation&) {
      ++count;
      bytes += a.title.size() + a.body.size();
      if (opt_.shards > 1 && !in_shard(a.id, opt_.shard, opt_.shards)) {
        ++elsewhere;
      } else {
        fn(std::move(a));
      }
      if (every <= 0 || (count & 63) != 0) return;
      const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (t < next) return;
      next = t + every;
      char line[160];
      std::snprintf(line, sizeof line, "read %llu articles (%.1f MB), %.0f articles/s, %llu rejected",
                    static_cast<unsigned long long>(count), static_cast<double>(bytes) / 1e6,
                    static_cast<double>(count) / t, static_cast<unsigned long long>(stats_.rejected));
      if (tty) {
        std::fprintf(stderr, "\r%s\033[K", line);  // redraw one line
        progress_shown_ = true;
      } else {
        log_(line);
      }
    };
    auto on_error = [&](const SourceError& e) {
      ++stats_.rejected;
      log_("rejected " + e.where.file + (e.where.line ? ":" + std::to_string(e.where.line) : "") + ": " + e.reason);
      if (opt_.strict) strict_failed = true;
    };
    for (const auto& input : opt_.inputs) {
      log_("indexing " + input);
      if (fs::is_directory(input)) {
        read_page_tree(input, opt_.limits, on_article, on_error);  // a site mirror: HTML and text pages
      } else {
        read_jsonl(input, opt_.limits, on_article, on_error);
      }
      if (strict_failed) throw std::runtime_error("--strict: a record was rejected; nothing was committed");
    }
    if (progress_shown_) std::fprintf(stderr, "\n");
    if (opt_.shards > 1) {
      log_("shard " + std::to_string(opt_.shard) + "/" + std::to_string(opt_.shards) + ": " +
           std::to_string(elsewhere) + " of " + std::to_string(count) + " articles belong to other shards");
    }
  }

 private:
  const IndexOptions& opt_;
  IndexStats& stats_;
  const std::function<void(const std::string&)>& log_;
  bool progress_shown_ = false;
};

void set_run_metadata(Xapian::WritableDatabase& db, const IndexOptions& opt, const EntityExtractor& entities) {
  db.set_metadata(std::string(schema::kGazetteerKey), entities.gazetteer_json());
  db.set_metadata(std::string(schema::kTaxonomyKey), entities.taxonomy_json());
  db.set_metadata(std::string(schema::kVersionKey), std::to_string(schema::kVersion));
  db.set_metadata(std::string(schema::kBuiltAtKey), utc_now());
  db.set_metadata(std::string(schema::kAnalysisKey), opt.analysis.to_string());
}

// Flushes every file of a database directory, and the directory, to disk.
// A fresh build writes with DB_NO_SYNC (it is not served until switched in)
// and syncs once here, before the switch.
void sync_tree(const fs::path& dir) {
  for (const auto& e : fs::directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    const int fd = ::open(e.path().c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error(e.path().string() + ": cannot open to sync");
    const int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) throw std::runtime_error(e.path().string() + ": fsync failed");
  }
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

// Deletes documents whose id the run did not see, with the safety checks
// described at IndexOptions::prune.
void prune(Xapian::WritableDatabase& db, const std::unordered_set<std::string>& seen, const IndexOptions& opt,
           IndexStats& stats, const std::function<void(const std::string&)>& log) {
  if (stats.rejected > 0) {
    throw std::runtime_error("--prune refused: " + std::to_string(stats.rejected) +
                             " records were rejected and might still be live; fix them or run without --prune");
  }
  std::vector<std::string> gone;
  const std::string id_prefix(schema::prefix::id);
  for (auto t = db.allterms_begin(id_prefix); t != db.allterms_end(id_prefix); ++t) {
    std::string id = (*t).substr(id_prefix.size());
    if (!id.empty() && id[0] == ':') id.erase(0, 1);  // Omega's separator before capitals
    if (!seen.count(id)) gone.push_back(*t);
  }
  const double fraction = db.get_doccount() ? static_cast<double>(gone.size()) / db.get_doccount() : 0;
  if (fraction > opt.max_prune_fraction) {
    throw std::runtime_error("--prune refused: it would delete " + std::to_string(gone.size()) + " of " +
                             std::to_string(db.get_doccount()) +
                             " articles; is the dump truncated? Use --rebuild to replace the index");
  }
  for (const auto& term : gone) db.delete_document(term);
  stats.deleted += gone.size();
  if (!gone.empty()) log("pruned " + std::to_string(gone.size()) + " articles missing from the inputs");
}

// Checks a fresh build before it is switched in: it opens, has the schema
// version, holds the documents the run added, and answers a probe query for
// a few of them (their id together with one of their own stems). Throws,
// and the current index stays served, if anything is wrong.
void verify_fresh(const std::string& db_path, const IndexStats& stats, bool have_current, bool spelling_only) {
  Xapian::Database db(db_path);
  const Xapian::doccount n = db.get_doccount();
  auto fail = [&](const std::string& why) {
    throw std::runtime_error(db_path + ": verification failed: " + why + "; the current index stays served");
  };
  if (db.get_metadata(std::string(schema::kVersionKey)) != std::to_string(schema::kVersion)) {
    fail("no schema version");
  }
  if (spelling_only) {
    if (n != 0) fail("a spelling-only build holds documents");
    return;
  }
  if (n == 0) {
    if (stats.added + stats.updated > 0) fail("the new index is empty");
    if (have_current) fail("refusing to switch to an empty index");
    return;
  }
  // Repeated ids replace each other, so there may be fewer documents than adds.
  if (n > stats.added + stats.updated) fail("it holds more documents than the run added");
  const Xapian::docid last = db.get_lastdocid();
  for (Xapian::docid did : {Xapian::docid(1), last / 2 + 1, last}) {
    Xapian::PostingIterator p = db.postlist_begin("");
    p.skip_to(did);
    if (p == db.postlist_end("")) continue;
    const Xapian::Document doc = db.get_document(*p);
    const Article a = article_from_data(doc.get_data());
    const std::string stem_prefix(schema::prefix::stem);
    Xapian::TermIterator t = doc.termlist_begin();
    t.skip_to(stem_prefix);
    if (t == doc.termlist_end() || (*t).compare(0, stem_prefix.size(), stem_prefix) != 0) continue;  // no words
    Xapian::Enquire enquire(db);
    enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query(*t), Xapian::Query(schema::id_term(a.id))));
    const Xapian::MSet m = enquire.get_mset(0, 2);
    if (m.size() != 1 || *m.begin() != *p) fail("a probe query for article " + a.id + " does not find it");
  }
}

// One shard of a parallel build: a thread that turns batches of articles
// into documents of its own database.
class ShardWorker {
 public:
  ShardWorker(const std::string& path, const IndexOptions& opt, const EntityExtractor& entities)
      : flush_bytes_(std::max<size_t>(opt.flush_bytes, 1)), db_(path, Xapian::DB_CREATE | Xapian::DB_NO_SYNC),
        writer_(db_, true, stats_, opt.analysis, entities, spelling_) {
    thread_ = std::thread([this] { run(); });
  }
  ~ShardWorker() { finish(); }

  // Blocks while the queue is full, so memory stays bounded.
  void push(std::vector<Article>&& batch) {
    std::unique_lock<std::mutex> lock(mu_);
    space_.wait(lock, [&] { return queue_.size() < kMaxBatches || error_; });
    if (error_) return;
    queue_.push_back(std::move(batch));
    ready_.notify_one();
  }

  // Waits for the queue to drain; rethrows the worker's error, if any.
  void finish() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      closed_ = true;
      ready_.notify_one();
    }
    if (thread_.joinable()) thread_.join();
  }
  void rethrow() const {
    if (error_) std::rethrow_exception(error_);
  }
  const IndexStats& stats() const { return stats_; }
  const SpellingCounts& spelling() const { return spelling_; }

 private:
  static constexpr size_t kMaxBatches = 8;
  size_t pending_bytes_ = 0;
  const size_t flush_bytes_;

  void run() {
    try {
      for (;;) {
        std::vector<Article> batch;
        {
          std::unique_lock<std::mutex> lock(mu_);
          ready_.wait(lock, [&] { return !queue_.empty() || closed_; });
          if (queue_.empty()) break;
          batch = std::move(queue_.front());
          queue_.pop_front();
          space_.notify_one();
        }
        for (const Article& a : batch) {
          writer_.add(a, a.title.size() + a.body.size());
          // Xapian flushes every 10,000 documents; long articles make that
          // batch big. Flushing by text volume keeps peak memory flat.
          pending_bytes_ += a.title.size() + a.body.size();
          if (pending_bytes_ >= flush_bytes_) {
            db_.commit();
            pending_bytes_ = 0;
          }
        }
      }
      db_.commit();
    } catch (...) {
      std::lock_guard<std::mutex> lock(mu_);
      error_ = std::current_exception();
      space_.notify_all();
    }
  }

  IndexStats stats_;
  SpellingCounts spelling_;
  Xapian::WritableDatabase db_;
  Writer writer_;
  std::mutex mu_;
  std::condition_variable ready_, space_;
  std::deque<std::vector<Article>> queue_;
  bool closed_ = false;
  std::exception_ptr error_;
  std::thread thread_;
};

// A fresh build: shards built in parallel, merged by Xapian's compactor into
// db_path, synced once. Nothing here is visible until the caller switches.
void build_fresh(const IndexOptions& opt, const std::string& db_path, SourceReader& reader, IndexStats& stats,
                 const EntityExtractor& entities, const std::function<void(const std::string&)>& log) {
  unsigned jobs = opt.jobs ? opt.jobs : std::max(1u, std::thread::hardware_concurrency());
  jobs = std::min(jobs, 16u);
  if (jobs == 1 || opt.spelling_only) {
    Xapian::WritableDatabase db(db_path, Xapian::DB_CREATE | Xapian::DB_NO_SYNC);
    SpellingCounts spelling;
    Writer writer(db, true, stats, opt.analysis, entities, spelling);
    if (opt.spelling_only) writer.spelling_only();
    reader.read_all([&](Article&& a) { writer.add(a, a.title.size() + a.body.size()); });
    spelling.write(db, kMinSpellingCount);
    set_run_metadata(db, opt, entities);
    db.commit();
    stats.doccount = db.get_doccount();
    db.close();
    sync_tree(db_path);
    return;
  }
  const fs::path shard_dir = db_path + ".shards";
  fs::remove_all(shard_dir);
  fs::create_directories(shard_dir);
  SpellingCounts spelling;
  {
    std::vector<std::unique_ptr<ShardWorker>> workers;
    for (unsigned i = 0; i < jobs; ++i) {
      workers.push_back(std::make_unique<ShardWorker>((shard_dir / std::to_string(i)).string(), opt, entities));
    }
    std::vector<std::vector<Article>> batches(jobs);
    constexpr size_t kBatch = 32;
    auto flush = [&](unsigned shard) {
      workers[shard]->push(std::move(batches[shard]));
      batches[shard].clear();
    };
    try {
      reader.read_all([&](Article&& a) {
        // The same id always goes to the same shard, so a repeated id
        // replaces rather than duplicates.
        const unsigned shard = static_cast<unsigned>(fnv1a64(a.id) % jobs);
        batches[shard].push_back(std::move(a));
        if (batches[shard].size() >= kBatch) flush(shard);
      });
      for (unsigned i = 0; i < jobs; ++i) flush(i);
    } catch (...) {
      for (auto& w : workers) w->finish();
      fs::remove_all(shard_dir);
      throw;
    }
    for (auto& w : workers) w->finish();
    for (auto& w : workers) {
      w->rethrow();
      stats.added += w->stats().added;
      stats.updated += w->stats().updated;
      stats.bytes += w->stats().bytes;
      spelling.merge(w->spelling());
    }
  }
  // Spelling: counted per shard, summed here so that the threshold applies
  // to the whole run, then written in parallel, each shard its share of the
  // words; the compactor merges the shards' spelling tables.
  {
    std::vector<std::vector<std::pair<std::string, uint32_t>>> parts(jobs);
    spelling.for_each(kMinSpellingCount, [&](const std::string& word, uint32_t count) {
      parts[fnv1a64(word) % jobs].emplace_back(word, count);
    });
    std::vector<std::thread> writers;
    std::vector<std::exception_ptr> errors(jobs);
    for (unsigned i = 0; i < jobs; ++i) {
      writers.emplace_back([&, i] {
        try {
          Xapian::WritableDatabase db((shard_dir / std::to_string(i)).string(), Xapian::DB_OPEN | Xapian::DB_NO_SYNC);
          for (const auto& [word, count] : parts[i]) db.add_spelling(word, count);
          db.commit();
        } catch (...) {
          errors[i] = std::current_exception();
        }
      });
    }
    for (auto& t : writers) t.join();
    for (auto& e : errors) {
      if (e) std::rethrow_exception(e);
    }
    size_t words = 0;
    for (const auto& p : parts) words += p.size();
    log("spelling: " + std::to_string(words) + " words of " + std::to_string(spelling.size()));
  }
  log("merging " + std::to_string(jobs) + " shards");
  Xapian::Database shards;
  for (unsigned i = 0; i < jobs; ++i) shards.add_database(Xapian::Database((shard_dir / std::to_string(i)).string()));
  shards.compact(db_path);
  shards.close();
  fs::remove_all(shard_dir);
  {
    Xapian::WritableDatabase db(db_path, Xapian::DB_OPEN | Xapian::DB_NO_SYNC);
    set_run_metadata(db, opt, entities);
    db.commit();
    stats.doccount = db.get_doccount();
  }
  sync_tree(db_path);
}

}  // namespace

bool in_shard(const std::string& id, unsigned shard, unsigned shards) {
  // Seeded apart from the parallel build's routing (fnv1a64(id) % jobs),
  // so that a shard's own build still spreads over its jobs.
  static const uint64_t seed = fnv1a64("letopis archive shard");
  return shards <= 1 || fnv1a64(id, seed) % shards == shard - 1;
}

std::string default_config_file(const std::string& name) {
  if (const char* dir = std::getenv("LETOPIS_CONFIG_DIR"); dir && *dir) return (fs::path(dir) / name).string();
  const fs::path installed = fs::path(LETOPIS_INSTALLED_CONFIG_DIR) / name;
  if (fs::exists(installed)) return installed.string();
  return (fs::path(LETOPIS_SOURCE_CONFIG_DIR) / name).string();
}

std::string format_summary(const IndexStats& s) {
  char buf[512];
  const double rate = s.seconds > 0 ? static_cast<double>(s.added + s.updated) / s.seconds : 0;
  std::snprintf(buf, sizeof buf,
                "added %llu, updated %llu, unchanged %llu, deleted %llu, rejected %llu; "
                "%llu documents in %s; %.1f s, %.0f docs/s, %.1f MB/s",
                static_cast<unsigned long long>(s.added), static_cast<unsigned long long>(s.updated),
                static_cast<unsigned long long>(s.unchanged), static_cast<unsigned long long>(s.deleted),
                static_cast<unsigned long long>(s.rejected), static_cast<unsigned long long>(s.doccount),
                s.generation.c_str(), s.seconds, rate,
                s.seconds > 0 ? static_cast<double>(s.bytes) / 1e6 / s.seconds : 0.0);
  return buf;
}

IndexStats run_index(const IndexOptions& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  auto log = opt.log ? opt.log : [](const std::string& m) { std::cerr << m << '\n'; };
  if (opt.db_dir.empty()) throw std::invalid_argument("no index directory given (--db)");
  if (opt.shards > 1 && (opt.shard < 1 || opt.shard > opt.shards)) {
    throw std::invalid_argument("--shard K/N wants 1 <= K <= N");
  }
  for (const auto& in : opt.inputs) {
    if (!fs::exists(in)) throw std::runtime_error(in + ": no such input file");
  }
  fs::create_directories(opt.db_dir);
  index_dir::Lock lock(opt.db_dir);

  IndexStats stats;
  const fs::path current = fs::path(opt.db_dir) / index_dir::kCurrent;
  const bool have_current = fs::is_symlink(current);
  const bool fresh = opt.rebuild || !have_current || opt.spelling_only;
  stats.generation = fresh ? index_dir::next_generation(opt.db_dir) : fs::read_symlink(current).string();
  const std::string db_path = (fs::path(opt.db_dir) / stats.generation).string();
  if (fresh) {
    // A leftover from a killed run is never current: start it afresh.
    fs::remove_all(db_path);
    fs::remove_all(db_path + ".shards");
  }

  SourceReader reader(opt, stats, log);
  EntityExtractor entities;
  if (opt.entities) {
    const std::string gaz = opt.gazetteer.empty() ? default_config_file("gazetteer.json") : opt.gazetteer;
    const std::string tax = opt.taxonomy.empty() ? default_config_file("taxonomy.json") : opt.taxonomy;
    entities = EntityExtractor::from_files(gaz, tax, opt.analysis);
  }
  if (fresh) {
    build_fresh(opt, db_path, reader, stats, entities, log);
  } else {
    Xapian::WritableDatabase db(db_path, Xapian::DB_OPEN);
    // An incremental run must analyse exactly as the index was built.
    const std::string built = db.get_metadata(std::string(schema::kAnalysisKey));
    if (!built.empty() && analysis::AnalysisOptions::parse(built) != opt.analysis) {
      throw std::runtime_error(opt.db_dir + ": the index was built with analysis '" + built +
                               "'; use --rebuild to change it");
    }
    SpellingCounts spelling;
    Writer writer(db, false, stats, opt.analysis, entities, spelling);
    // One transaction: no automatic flush midway, so searchd sees all of
    // this run or none of it, and a kill leaves the last commit intact.
    db.begin_transaction();
    std::unordered_set<std::string> seen;
    reader.read_all([&](Article&& a) {
      if (opt.prune) seen.insert(a.id);
      writer.add(a, a.title.size() + a.body.size());
    });
    if (opt.prune) prune(db, seen, opt, stats, log);
    // Added and changed articles add their words; Xapian 1.4 cannot tell
    // which words a replaced version had, so frequencies only grow until
    // the next --rebuild recounts them.
    spelling.write(db, kMinSpellingCount);
    set_run_metadata(db, opt, entities);
    db.commit_transaction();
    stats.doccount = db.get_doccount();
  }

  if (fresh) {
    verify_fresh(db_path, stats, have_current, opt.spelling_only);
    const std::string previous = have_current ? fs::read_symlink(current).string() : std::string();
    index_dir::switch_current(opt.db_dir, stats.generation);
    // Keep the previous generation for rollback; remove older ones.
    for (const auto& g : index_dir::generations(opt.db_dir)) {
      if (g != stats.generation && g != previous) fs::remove_all(fs::path(opt.db_dir) / g);
    }
  }
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return stats;
}

}  // namespace letopis
