// FacetColumns: the facet values of every document of one index revision,
// held in memory as integer columns, so that counting facets over a match
// set costs an array increment per value instead of a value-table read, a
// string copy and a hash lookup per document and facet.
//
// Immutable once built, and shared by every worker thread through
// FacetColumns::get(). Built from Xapian's value streams (one sequential
// pass per slot): about 0.1 s per 60k documents.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <xapian.h>

namespace letopis::searchd {

class FacetColumns {
 public:
  struct Slot {
    Xapian::valueno slot;
    bool multi;  // values joined by schema::kMultiSep
  };

  // The columns for db's current revision, built on first use and then
  // shared; null when db cannot name its revision (several shards), in which
  // case callers count from the values themselves. Thread-safe. Keeps only
  // the newest revision of each database in the cache.
  static std::shared_ptr<const FacetColumns> get(const Xapian::Database& db, const std::vector<Slot>& slots);

  // Builds columns for the given slots (exposed for tests and benchmarks).
  static std::shared_ptr<const FacetColumns> build(const Xapian::Database& db, const std::vector<Slot>& slots);

  // Column i (in the order of slots): value ids of document did.
  struct Column {
    std::vector<uint32_t> start;    // by docid: ids[start[did] .. start[did+1])
    std::vector<uint32_t> ids;
    std::vector<std::string> dict;  // value id -> value
  };
  const Column& column(size_t i) const { return columns_[i]; }
  size_t columns() const { return columns_.size(); }
  size_t memory_bytes() const;

  // The ids of document did in column i, as [begin, end).
  std::pair<const uint32_t*, const uint32_t*> values(size_t i, Xapian::docid did) const {
    const Column& c = columns_[i];
    if (did + 1 >= c.start.size()) return {nullptr, nullptr};
    return {c.ids.data() + c.start[did], c.ids.data() + c.start[did + 1]};
  }

 private:
  std::vector<Column> columns_;
};

// Counts facet values over the match set with FacetColumns: docids only, so
// Xapian never reads a value. Counts are per column, indexed by value id.
class ColumnCountSpy : public Xapian::MatchSpy {
 public:
  // columns: which of cols' columns to count.
  ColumnCountSpy(std::shared_ptr<const FacetColumns> cols, std::vector<size_t> columns);
  void operator()(const Xapian::Document& doc, double wt) override;
  // (value, count) of column k of this spy, every value counted at least once.
  std::vector<std::pair<std::string, uint64_t>> counts(size_t k) const;

 private:
  std::shared_ptr<const FacetColumns> cols_;
  std::vector<size_t> which_;
  std::vector<std::vector<uint32_t>> counts_;
};

}  // namespace letopis::searchd
