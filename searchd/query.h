// Query understanding: the query language -> Xapian::Query, through the same
// analyzer and schema as the indexer.
//
// Syntax: words, "exact phrases", AND / OR / NOT, -word, +word, title:word,
// title:"a phrase", (groups), and date ranges such as 2022..2023 or
// 01.01.2022..20.04.2022. Malformed syntax falls back to a plain word search.
// A QueryBuilder is not thread-safe (it holds an Analyzer): one per thread.
#pragma once

#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include <xapian.h>

#include "searchd/api.h"
#include "stemmers/analyzer.h"

namespace letopis::searchd {

// Ranking knobs, tuned on ../shared/relevance (see docs/ARCHITECTURE.md).
struct RankingOptions {
  double exact_form_weight = 0.3;  // extra weight for the unstemmed form
  double title_weight = 0.5;       // extra weight for a match in the title (0.5 beat 1 and 2 on RIA and KazQAD)
  // Extra weight when adjacent query words stand close together, for short
  // queries only: on the long questions of the development sets proximity
  // of arbitrary word pairs cost MRR (ru -0.003 at 0.1), while a short query
  // such as "водные ресурсы" is usually meant as a unit.
  double proximity_weight = 0.1;
  unsigned proximity_window = 3;     // "close": both words within this many positions
  unsigned proximity_max_words = 4;  // longer queries get no proximity boost
  // Recency boost, off by default (a request turns it on with recency=W):
  // an article gains W x 0.5^(age / half-life) on top of its BM25 score,
  // its age counted in months back from the newest article in the index.
  double recency_weight = 0;
  double recency_half_life_days = 365;
  // When fewer documents than this have every word of a query, those with
  // some of its words follow them (SearchResult::filled); 0: never.
  unsigned fill_below = 10;
};

struct ParsedQuery {
  Xapian::Query query;             // MatchAll when the text had no words
  Xapian::Query relaxed;           // the same words ORed (for a fallback); may be empty
  // Optional boost: each pair of adjacent words near each other (scaled
  // OP_NEAR queries; with_proximity adds them to a query). May be empty.
  std::vector<Xapian::Query> proximity;
  // The terms of each word the proximity boost pairs (its stems), in order:
  // how many documents it may have to read positions for (Searcher::run).
  std::vector<std::vector<std::string>> proximity_words;
  // Each wanted word or phrase as typed, and what a document has if it has
  // it: any of `any` (a word's stems, exact and title forms; a phrase's or a
  // name's aliases), or a term of every one of `all` (each of a phrase's
  // words, in any of its forms; positions are not checked).
  struct Word {
    std::string text;
    std::vector<std::string> any;
    std::vector<std::vector<std::string>> all;
  };
  std::vector<Word> words;
  analysis::Lang lang = analysis::Lang::unknown;
  bool cyrillic_ambiguous = false;
  bool fallback = false;           // syntax was malformed: searched as plain words
  bool has_words = false;
  std::string from, to;            // a date range written in the query (YYYYMMDD)

  // q with the proximity boost: every near pair's weight added.
  Xapian::Query with_proximity(Xapian::Query q) const;
};

class QueryBuilder {
 public:
  explicit QueryBuilder(RankingOptions ranking = {}, analysis::AnalysisOptions analysis = {})
      : analyzer_(analysis, analysis::kServeStemCacheEntries), ranking_(ranking) {}

  // Parses the text. Never throws on user syntax; ApiError only for a query
  // that is too complex (more than kMaxWords words or kMaxDepth nesting).
  ParsedQuery parse(const std::string& text);

  // The filter query for a request's filters, or an empty Query for none.
  // REQUIRES: from <= to when both are given (a reversed range would come
  // back as Xapian's MatchNothing, an empty Query; Searcher::run answers
  // such a request with nothing before it gets here).
  Xapian::Query filters(const SearchRequest& request, const std::string& from, const std::string& to);

  analysis::Analyzer& analyzer() { return analyzer_; }

  // Entity synonyms: a word or a quoted phrase that is an alias (normalized
  // words joined by one space, e.g. "оон", "natalia gherman") also matches
  // the articles tagged with its entity terms (XO/XP), at a fixed weight
  // below a typical word match, so that the typed form ranks first.
  void set_aliases(std::unordered_map<std::string, std::vector<std::string>> alias_terms) {
    aliases_ = std::move(alias_terms);
  }
  static constexpr double kAliasWeight = 1.0;

  // Names across scripts (searchd/names.h): the other-script words a query
  // word may be written as in the index. Each is searched by its stem, its
  // weight scaled by kCrossScriptWeight, so the script typed ranks first.
  using CrossScriptFn = std::function<std::vector<std::string>(const analysis::Token&)>;
  void set_cross_script(CrossScriptFn f) { cross_script_ = std::move(f); }
  static constexpr double kCrossScriptWeight = 0.5;

  static constexpr size_t kMaxWords = 64;
  static constexpr int kMaxDepth = 16;

 private:
  struct Parser;
  analysis::Analyzer analyzer_;
  RankingOptions ranking_;
  std::unordered_map<std::string, std::vector<std::string>> aliases_;
  CrossScriptFn cross_script_;
};

}  // namespace letopis::searchd
