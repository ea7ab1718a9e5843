#include "indexer/indexer.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <stdexcept>

#include <xapian.h>

#include "indexer/document.h"
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

// Writes articles into one open database, counting what changed.
class Writer {
 public:
  Writer(Xapian::WritableDatabase& db, bool fresh, IndexStats& stats, analysis::AnalysisOptions analysis)
      : db_(db), fresh_(fresh), stats_(stats), builder_(analysis) {}

  void add(const Article& article, size_t record_bytes) {
    const std::string hash = content_hash(article);
    const std::string idterm = schema::id_term(article.id);
    bool exists = false;
    if (!fresh_) {
      Xapian::PostingIterator p = db_.postlist_begin(idterm);
      if (p != db_.postlist_end(idterm)) {
        exists = true;
        if (db_.get_document(*p).get_value(schema::kSlotHash) == hash) {
          ++stats_.unchanged;
          return;
        }
      }
    }
    Xapian::Document doc = builder_.build(article, hash);
    if (exists) {
      db_.replace_document(idterm, doc);
      ++stats_.updated;
    } else if (fresh_) {
      // A fresh database needs no lookup of the old hash, but an id that
      // repeats within the input must still replace, not duplicate.
      db_.replace_document(idterm, doc);
      ++stats_.added;
    } else {
      db_.add_document(doc);
      ++stats_.added;
    }
    stats_.bytes += record_bytes;
  }

 private:
  Xapian::WritableDatabase& db_;
  bool fresh_;
  IndexStats& stats_;
  DocumentBuilder builder_;
};

}  // namespace

std::string format_summary(const IndexStats& s) {
  char buf[512];
  const double rate = s.seconds > 0 ? static_cast<double>(s.added + s.updated) / s.seconds : 0;
  std::snprintf(buf, sizeof buf,
                "added %llu, updated %llu, unchanged %llu, deleted %llu, rejected %llu; "
                "%llu documents in %s; %.1f s, %.0f docs/s",
                static_cast<unsigned long long>(s.added), static_cast<unsigned long long>(s.updated),
                static_cast<unsigned long long>(s.unchanged), static_cast<unsigned long long>(s.deleted),
                static_cast<unsigned long long>(s.rejected), static_cast<unsigned long long>(s.doccount),
                s.generation.c_str(), s.seconds, rate);
  return buf;
}

IndexStats run_index(const IndexOptions& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  auto log = opt.log ? opt.log : [](const std::string& m) { std::cerr << m << '\n'; };
  if (opt.db_dir.empty()) throw std::invalid_argument("no index directory given (--db)");
  for (const auto& in : opt.inputs) {
    if (!fs::exists(in)) throw std::runtime_error(in + ": no such input file");
  }
  fs::create_directories(opt.db_dir);
  index_dir::Lock lock(opt.db_dir);

  IndexStats stats;
  const fs::path current = fs::path(opt.db_dir) / index_dir::kCurrent;
  const bool have_current = fs::is_symlink(current);
  const bool fresh = opt.rebuild || !have_current;
  stats.generation = fresh ? index_dir::next_generation(opt.db_dir) : fs::read_symlink(current).string();
  const std::string db_path = (fs::path(opt.db_dir) / stats.generation).string();
  if (fresh) {
    // A leftover from a killed run is never current: start it afresh.
    fs::remove_all(db_path);
  }

  {
    Xapian::WritableDatabase db(db_path, fresh ? Xapian::DB_CREATE : Xapian::DB_OPEN);
    if (!fresh) {
      // An incremental run must analyse exactly as the index was built.
      const std::string built = db.get_metadata(std::string(schema::kAnalysisKey));
      if (!built.empty() && analysis::AnalysisOptions::parse(built) != opt.analysis) {
        throw std::runtime_error(opt.db_dir + ": the index was built with analysis '" + built +
                                 "'; use --rebuild to change it");
      }
    }
    Writer writer(db, fresh, stats, opt.analysis);
    bool strict_failed = false;
    for (const auto& input : opt.inputs) {
      log("indexing " + input);
      auto on_article = [&](Article&& a, const SourceLocation&) { writer.add(a, a.title.size() + a.body.size()); };
      auto on_error = [&](const SourceError& e) {
        ++stats.rejected;
        log("rejected " + e.where.file + (e.where.line ? ":" + std::to_string(e.where.line) : "") + ": " + e.reason);
        if (opt.strict) strict_failed = true;
      };
      if (fs::is_directory(input)) {
        read_page_tree(input, opt.limits, on_article, on_error);  // a site mirror: HTML and text pages
      } else {
        read_jsonl(input, opt.limits, on_article, on_error);
      }
      if (strict_failed) break;
    }
    if (strict_failed) {
      // Nothing is committed: the index stays as it was.
      throw std::runtime_error("--strict: a record was rejected; nothing was committed");
    }
    db.set_metadata(std::string(schema::kVersionKey), std::to_string(schema::kVersion));
    db.set_metadata(std::string(schema::kBuiltAtKey), utc_now());
    db.set_metadata(std::string(schema::kAnalysisKey), opt.analysis.to_string());
    db.commit();
    stats.doccount = db.get_doccount();
  }

  if (fresh) {
    // Verify before switching: the new database opens and holds documents.
    Xapian::Database check(db_path);
    if (check.get_doccount() == 0 && (stats.added + stats.updated) > 0) {
      throw std::runtime_error(db_path + ": verification failed: the new index is empty");
    }
    if (check.get_doccount() == 0 && have_current) {
      throw std::runtime_error(db_path + ": refusing to switch to an empty index; the current one stays");
    }
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
