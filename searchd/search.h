// Searcher: runs a SearchRequest against one index and returns a typed
// SearchResult (hits, exact facet counts, snippets). No HTTP or JSON here.
//
// Not thread-safe: it owns a Xapian::Database and a QueryBuilder. The server
// gives each worker thread its own Searcher (see index.h).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <xapian.h>

#include "indexer/article.h"
#include "indexer/entities.h"
#include "searchd/api.h"
#include "searchd/query.h"
#include "searchd/rewrite.h"
#include "searchd/shards.h"

namespace letopis::searchd {

struct Hit {
  std::string id, title, url, date, lang, section;
  std::vector<std::string> tags;
  double score = 0;
  bool some_words = false;  // a filled page's result without every word (SearchResult::filled)
  std::vector<std::string> missing;  // then the query's words (as typed) it lacks
  std::string snippet;  // HTML: escaped text with <mark>…</mark> around matches
};

struct FacetValue {
  std::string value;
  uint64_t count = 0;
};

struct SearchResult {
  uint64_t total = 0;
  bool total_exact = true;
  std::vector<Hit> hits;
  std::map<std::string, std::vector<FacetValue>> facets;  // name -> values by count
  std::string lang;            // the query's detected language
  bool relaxed = false;        // no document had all words: any-word results
  // Fewer than ranking.fill_below documents had all words: they come first,
  // then those with some of them (Hit::some_words), all counted in total.
  bool filled = false;
  uint64_t all_words_total = 0;  // documents with every word (0 if relaxed)
  bool fallback = false;       // the syntax was malformed: searched as plain words
  bool timed_out = false;      // the time limit cut the match short
  bool partial = false;        // a shard is not answering: results from the others only
  std::string from, to;        // the date range applied (YYYYMMDD)
  double took_ms = 0;
  // Query correction (searchd/rewrite.h). When the query as typed found
  // nothing, or not every word, and a corrected query finds more, the
  // results are the corrected query's: corrected holds it, original what
  // was typed. Otherwise suggestion may offer a spelling fix ("did you mean").
  std::string corrected, original, suggestion;
  bool layout_corrected = false;  // corrected is the query on the other keyboard layout
  // Names across scripts: when the query as typed found little, its words
  // were also searched as these other-script forms (searchd/names.h).
  std::vector<std::string> transliterated;
};

// GET /api/suggest: completions of what a visitor is typing.
struct Suggestions {
  struct Term {
    std::string text;  // the query with its last word completed
    uint64_t count = 0;
  };
  struct Entity {
    std::string name;  // canonical, as the facets show it
    bool person = false;
  };
  std::vector<Term> terms;      // frequent words, most frequent first
  std::vector<Entity> entities; // people and organisations by any of their names
  std::vector<Hit> titles;      // articles whose title has a word so begun (no snippet)
};

struct SearchOptions {
  double time_limit_seconds = 2.0;  // per query, Enquire::set_time_limit
  size_t snippet_chars = 240;       // length of a snippet
  size_t max_facet_values = 50;     // values returned per facet
  bool correct_queries = true;      // wrong keyboard layout and typos (see SearchResult)
  bool cross_script = true;         // names across scripts (searchd/names.h)
  // Common English words (lowercase lines); names are the other words.
  std::string common_words_file = "/usr/share/dict/british-english";
  bool entity_synonyms = true;      // gazetteer aliases (QueryBuilder::set_aliases); off only to measure
  // Without facets, the proximity boost goes in two passes when the query's
  // words may all be in more than this many documents (Searcher::run).
  // Measured on the corpus: 2-3 word queries' p99 2.2 -> 1.5 ms at 2,000,
  // p50 the same, every top 10 the same; since the second pass reads only
  // the candidates the boost can lift onto the page, 500 took the HTTP p99
  // of 1-3 word queries from 1.43-1.47 to 1.17-1.34 ms (0 and 200: no better).
  Xapian::doccount two_pass_matches = 500;
  RankingOptions ranking;
  ShardOptions shards;              // an index split into shards (searchd/shards.h)
};

// Letopis's BM25 (search.cpp says why k3 = 0): the weighting of every
// search, and of a benchmark that compares Xapian alone with one.
Xapian::BM25Weight bm25_weight();

class Searcher {
 public:
  // Opens the index at a resolved database path (see index_dir::resolve):
  // a database, or a stub file listing shards (searchd/shards.h). Throws
  // Xapian::Error if it cannot be opened (Xapian::DatabaseOpeningError if
  // no shard answers, or one does not and shards.on_failure is "fail"),
  // std::runtime_error if its schema version is not ours.
  //
  // With shards, each call below is searched on the shards that answer; a
  // shard that fails mid-request is left out and the request retried once.
  explicit Searcher(const std::string& db_path, SearchOptions options = {});

  SearchResult search(const SearchRequest& request);

  // The stored article with this id, or nothing.
  std::optional<Article> document(const std::string& id);

  // Articles like the one with this id (nothing if there is none), best
  // first, without it: Xapian's relevance feedback (the ESet of its most
  // telling stems) plus the people, organisations and topics it shares.
  // Entities are canonical across languages, so they also bring in reports
  // of the same event in another language. Hits carry no snippet.
  std::optional<std::vector<Hit>> related(const std::string& id, size_t count);

  // Completions of text's last word (ё = е, any case), up to count of each
  // kind: frequent words from the spelling table, entities by any alias,
  // and titles with a word that begins so (the earlier words must also be
  // in the title; a lone word needs 3 letters for titles). Empty for a last
  // word under 2 letters. Bounded work: it reads at most kSuggestScan
  // spelling words.
  Suggestions suggest(const std::string& text, size_t count);
  static constexpr size_t kSuggestScan = 4000;

  // A query that finds fewer than this as typed (or not every word) is also
  // tried with its names in the other script (searchd/names.h).
  static constexpr uint64_t kFewResults = 5;

  // Builds what searches of this revision share (facet columns, the Latin
  // words by fold key), so that the first search after a reindex does not
  // pay for it. searchd's index watcher calls it; safe from any thread.
  static void warm(const Xapian::Database& db);

  // Picks up a new revision of the same database (cheap; call per request).
  // With shards: also leaves out those found dead and takes back those
  // that answer again (see ShardSet::refresh).
  void reopen();

  Xapian::Database& database() { return db_; }
  const std::string& path() const { return path_; }

 private:
  SearchResult run(const SearchRequest& request);
  // The page [first, first + count) of the candidates (docids), ranked by
  // the full query (proximity boost included); see search.cpp.
  static constexpr Xapian::doccount kProximityPool = 100;
  Xapian::MSet rerank_by_proximity(std::vector<Xapian::docid> candidates, const Xapian::Query& full,
                                   Xapian::doccount first, Xapian::doccount count);
  SearchResult answer(const SearchRequest& request);
  // Runs f; if a shard fails mid-way, runs it once more on the others.
  template <typename F>
  auto with_failover(F&& f) -> decltype(f());
  // The spelling table to use: shards.spelling_db's, or the index's own.
  Xapian::Database& spelling() { return spelling_ ? *spelling_ : db_; }
  void open_spelling();
  unsigned word_freq(std::string_view word);
  // A word whose exact form makes up a good share of what its stem finds.
  bool name_like(const std::string& word);
  static constexpr double kNameFormShare = 0.2;
  enum class CrossMode { off, names, all };
  CrossMode cross_mode_ = CrossMode::off;       // which words the query builder transliterates
  std::vector<std::string> cross_script_used_;  // the other-script forms that try searched
  void load_aliases();
  // The index's gazetteer aliases, analysed once per process and shared.
  struct Aliases {
    std::vector<EntityExtractor::AliasEntry> list;                         // for suggest()
    std::unordered_map<std::string, std::vector<std::string>> terms;  // text -> entity terms
  };
  std::shared_ptr<const Aliases> aliases_;
  std::string path_;
  ShardSet shards_;
  Xapian::Database& db_;  // shards_.database(): all the open shards as one
  std::unique_ptr<Xapian::Database> spelling_;  // shards.spelling_db, if set and readable
  std::string spelling_path_;                   // what spelling_ was opened from
  SearchOptions options_;
  QueryBuilder builder_;
  Xapian::Stem text_stemmers_[4];  // per analysis::Lang, for snippets
};

// The analysis options an index was built with (defaults if it says none).
analysis::AnalysisOptions analysis_options(const Xapian::Database& db);

// Throws std::runtime_error unless db carries a schema version we read.
void check_schema(const Xapian::Database& db, const std::string& path);

}  // namespace letopis::searchd
