// Fuzz target: the query language (searchd/query.h), as searchd parses a
// request's q, with no database: QueryBuilder::parse() and the filter query
// for the date range a query may carry.
//
// parse() promises never to throw on user syntax: ApiError
// "query_too_complex" is the one exception it may raise. Any other exception
// escapes this function and terminates the process, which the fuzzer reports.
#include <string>

#include "fuzz/fuzz_common.h"
#include "searchd/query.h"

using namespace letopis;
using namespace letopis::searchd;

namespace {

// The API refuses a q over ApiLimits::max_query_bytes (1 KiB) before parsing.
// Four times that still reaches every limit of the parser itself (kMaxWords,
// kMaxDepth) and other callers (letopis-eval), without spending the
// fuzzer's time on megabyte queries that never reach it.
constexpr size_t kMaxQueryBytes = 4096;

bool ymd_or_empty(const std::string& s) {
  if (s.empty()) return true;
  if (s.size() != 8) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

void check(QueryBuilder& qb, const std::string& text) {
  ParsedQuery pq;
  try {
    pq = qb.parse(text);
  } catch (const ApiError& e) {
    FUZZ_CHECK(e.code == "query_too_complex");
    return;
  }
  FUZZ_CHECK(!pq.query.empty());  // MatchAll when there are no words
  FUZZ_CHECK(ymd_or_empty(pq.from));
  FUZZ_CHECK(ymd_or_empty(pq.to));
  // Building the description walks the whole query tree.
  FUZZ_CHECK(!pq.query.get_description().empty());
  if (!pq.relaxed.empty()) (void)pq.relaxed.get_description();
  for (const auto& pair : pq.proximity) (void)pair.get_description();

  // The filter for the range written in the query, as Searcher::run builds
  // it: a range is a filter, and an empty Query means "no filter".
  // A reversed range ("2022-04-20..2022-04-19", or ..2022 in q with
  // from=2023) gives an empty Query (Xapian's VALUE_RANGE with begin > end
  // is MatchNothing, which is empty()): Searcher::run answers such a request
  // with nothing before it asks for filters (found by this target; the
  // regression test is in tests/unit/test_search.cpp, the input in
  // fuzz/regressions/query/reversed-date-range).
  const Xapian::Query filter = qb.filters(SearchRequest{}, pq.from, pq.to);
  const bool reversed = !pq.from.empty() && !pq.to.empty() && pq.from > pq.to;
  FUZZ_CHECK(filter.empty() == (pq.from.empty() && pq.to.empty()) || reversed);
  if (!filter.empty()) (void)filter.get_description();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > kMaxQueryBytes) return 0;
  // What searchd ships, and every analysis and ranking switch the other way
  // (each changes the parser's path: case kept per token, exact forms in the
  // body, no extra weights, proximity for long queries).
  static QueryBuilder shipped;
  static QueryBuilder variant = [] {
    RankingOptions r;
    r.exact_form_weight = 0;
    r.title_weight = 0;
    r.proximity_weight = 0.5;
    r.proximity_window = 1;
    r.proximity_max_words = QueryBuilder::kMaxWords;
    analysis::AnalysisOptions a;
    a.fold_yo = false;
    a.stem_capitalized = false;
    a.repair_russian = false;
    a.exact_forms = true;
    return QueryBuilder(r, a);
  }();
  const std::string text(fuzz::as_text(data, size));
  check(shipped, text);
  check(variant, text);
  return 0;
}
