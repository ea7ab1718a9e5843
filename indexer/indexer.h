// The indexing run: inputs -> articles -> documents -> the index directory
// (see index_dir.h), incrementally or as a verified rebuild switched in
// atomically. Used by letopis-index's main, by tests and by benchmarks.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "indexer/sources.h"
#include "stemmers/analyzer.h"

namespace letopis {

struct IndexOptions {
  std::string db_dir;                // index directory (see index_dir.h); required
  std::vector<std::string> inputs;   // JSON Lines files, or directories of pages; required
  bool rebuild = false;              // build a new generation and switch to it
  // Incremental runs over a full dump: delete articles the inputs no longer
  // hold. Refused if any record was rejected, or if it would delete more
  // than max_prune_fraction of the index (a truncated dump; use --rebuild).
  bool prune = false;
  double max_prune_fraction = 0.5;
  bool strict = false;               // any rejected record fails the run
  // Threads for a fresh build (--rebuild or a new index): each builds a
  // shard, and the shards are merged with Xapian's compactor. 0 = one per core.
  unsigned jobs = 0;
  // A fresh build's threads commit after this much article text each.
  // Measured: 24 MB beat 8 and 96 MB; ARCHITECTURE.md, "Where a rebuild's
  // time goes", has why smaller databases merged later do not pay.
  size_t flush_bytes = 24u << 20;
  SourceLimits limits;               // per-record size limit
  // Gazetteer and taxonomy (JSON) for people, organisation and topic facets;
  // empty = the default files (see default_config_file). entities = false
  // extracts none.
  std::string gazetteer, taxonomy;
  bool entities = true;
  // One shard of an archive split across several indexes (searchd reads
  // them through a stub file): only the articles whose id hashes to shard
  // of shards (1-based) are indexed; the others are read and skipped. The
  // hash is stable, so every run over any dump routes an article to the
  // same shard. 0 of 0: the whole archive.
  unsigned shard = 0, shards = 0;
  // Write only the spelling table and the metadata, no articles: the
  // spelling data of a sharded index (searchd's shards.spelling_db), which
  // Xapian's remote protocol does not carry. Always a fresh build.
  bool spelling_only = false;
  // Analysis switches, for experiments; an existing index keeps its own.
  analysis::AnalysisOptions analysis;
  // Log sink for progress and rejected records; default writes to stderr.
  std::function<void(const std::string&)> log;
  // Progress: on a terminal a line redrawn twice a second; otherwise a log
  // line every progress_seconds (0 = none). Tests leave it off.
  double progress_seconds = 0;
};

struct IndexStats {
  uint64_t added = 0;
  uint64_t updated = 0;
  uint64_t unchanged = 0;
  uint64_t deleted = 0;
  uint64_t rejected = 0;
  uint64_t bytes = 0;       // input bytes of accepted records
  double seconds = 0;
  uint64_t doccount = 0;    // documents in the index after the run
  std::string generation;   // the generation written
};

// Exit codes of letopis-index (documented in README.md).
enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,        // IO error, corrupt input stream, verification failed
  kExitUsage = 2,          // bad command line
  kExitRejected = 3,       // finished, but some records were rejected
  kExitLocked = 4,         // another run holds the index lock
};

// True if the article with this id belongs to shard (1-based) of shards.
bool in_shard(const std::string& id, unsigned shard, unsigned shards);

// Runs one indexing pass. Throws index_dir::LockHeld when locked, and
// std::runtime_error (or Xapian::Error) on fatal errors; in both cases the
// index that was current before stays current and intact.
IndexStats run_index(const IndexOptions& options);

// The path of a shipped config file (gazetteer.json, taxonomy.json): in
// $LETOPIS_CONFIG_DIR if set, else the installed data directory, else the
// source tree's config/ (development builds).
std::string default_config_file(const std::string& name);

// One line summarising a run, for logs and the terminal.
std::string format_summary(const IndexStats& stats);

}  // namespace letopis
