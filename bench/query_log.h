// A seeded query log drawn from an index's own stored titles: 1-3 word
// queries, phrases, filtered and date-sorted ones, in Russian and English.
// Deterministic for a given index and seed.
#pragma once

#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <xapian.h>

#include "indexer/document.h"
#include "searchd/api.h"
#include "stemmers/analyzer.h"
#include "stemmers/stopwords.h"

namespace letopis::bench {

struct QueryClass {
  std::string name;
  std::vector<searchd::Params> queries;
};

// The title words of a random stored document in Russian or English, as
// typed (not stemmed): words of 4+ bytes that are not stopwords, from a
// title with at least 3 of them; lang is set to the document's language.
// Draws from rng until one is found; throws once misses run past max_misses
// (an index with too few usable titles).
inline std::vector<std::string> random_title_words(Xapian::Database& db, std::mt19937& rng, std::string& lang,
                                                   size_t max_misses = 1000000) {
  const Xapian::docid last = db.get_lastdocid();
  if (db.get_doccount() == 0) throw std::runtime_error("the Letopis index is empty");
  analysis::Analyzer analyzer;
  std::vector<analysis::Token> toks;
  for (size_t misses = 0;; ++misses) {
    if (misses > max_misses) throw std::runtime_error("the index has too few usable titles");
    const Xapian::docid id = 1 + static_cast<Xapian::docid>(rng() % last);
    Article a;
    try {
      a = article_from_data(db.get_document(id).get_data());
    } catch (...) {
      continue;
    }
    if (a.lang != "ru" && a.lang != "en") continue;
    toks.clear();
    analyzer.tokenize(a.title, analysis::parse_lang(a.lang), toks);
    std::vector<std::string> words;
    for (const auto& t : toks) {
      if (t.kind != analysis::TokenKind::word || t.text.size() < 4) continue;
      if (analysis::is_stopword_any(t.text)) continue;
      words.push_back(t.text);
    }
    if (words.size() < 3) continue;
    lang = a.lang;
    return words;
  }
}

inline std::vector<QueryClass> make_query_log(Xapian::Database& db, size_t per_class, uint32_t seed = 42) {
  std::mt19937 rng(seed);
  auto title_words = [&](std::string& lang) { return random_title_words(db, rng, lang); };
  auto pick = [&](const std::vector<std::string>& w, size_t n) {
    std::string q;
    const size_t start = rng() % (w.size() - n + 1);
    for (size_t i = 0; i < n; ++i) q += (i ? " " : "") + w[start + i];
    return q;
  };
  std::vector<QueryClass> classes = {{"1 term", {}},  {"2-3 terms", {}}, {"phrase", {}},
                                     {"filtered", {}}, {"date-sorted", {}}, {"all facets", {}}};
  for (size_t i = 0; i < per_class; ++i) {
    std::string lang;
    auto w = title_words(lang);
    classes[0].queries.push_back({{"q", pick(w, 1)}, {"facets", ""}});
    classes[1].queries.push_back({{"q", pick(w, 2 + rng() % 2)}, {"facets", ""}});
    classes[2].queries.push_back({{"q", "\"" + pick(w, 2) + "\""}, {"facets", ""}});
    classes[3].queries.push_back({{"q", pick(w, 1 + rng() % 2)}, {"lang", lang}, {"from", "2000"}, {"facets", ""}});
    classes[4].queries.push_back({{"q", pick(w, 1 + rng() % 2)}, {"sort", "-date"}, {"facets", ""}});
    classes[5].queries.push_back({{"q", pick(w, 1 + rng() % 3)}});
  }
  return classes;
}

}  // namespace letopis::bench
