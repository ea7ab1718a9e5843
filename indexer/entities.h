// EntityExtractor: finds the people, organisations and topics an article is
// about, from a gazetteer of names and a taxonomy of topic terms (JSON files,
// shipped as config/gazetteer.json and config/taxonomy.json). The indexer
// stores the result as facet values and XP/XO/XT terms (see document.cpp).
//
// Immutable after construction and cheap to copy (the tables are shared):
// extract() is const and thread-safe as long as each thread passes its own
// Analyzer. A default-constructed extractor extracts nothing.
//
// Gazetteer: {"people": [E...], "organizations": [E...], "comment": "..."},
//   E = {"id": canonical (English) name, "aliases": [A...]} and A is a string
//   or {"text": string, "match_case": bool, "min_count": 1..100}.
// Taxonomy: {"topics": [{"id": slug, "label": {"en", "ru"?, "kk"?},
//   "terms": {"en"?: [..], "ru"?: [..], "kk"?: [..]}}], "min_score": int
//   (default 2), "max_topics": int (default 0 = no limit), "comment": "..."}.
//
// Names: aliases are tokenized with the indexer's analysis; title and body
// are scanned left to right, and at each word the longest alias that
// matches there wins ("UN Regional Centre for Preventive Diplomacy for
// Central Asia" is UNRCCA, not UN), never across the title/body boundary.
// An alias word of 3+ letters also matches an inflected form: a word whose
// stem is the alias word ("Тукумова" -> "тукумов") or shares its stem
// ("Натальей" ~ "Наталья"; for a one-word alias only stems of 5+ letters,
// so "Лавров" does not take «лавры»). A piece of an alias written in
// capitals is an acronym and matches only exactly. Normalization folds
// case, so a one-word acronym alias counts only if the raw text has it in
// capitals as a whole word (match_case, on by default for those): "ЕС" the
// EU, not the Kazakh word «ес». Trade-off: an all-capitals headline can
// still yield one; for a common word ("WHO") add min_count 2 as well.
//
// Topics: terms match by stem in their own language (multi-word terms as
// stem sequences, the longest at each word). A title hit weighs 3, a body
// hit 1, and each distinct term counts at most 3 times, so one repeated
// word cannot carry a topic; a topic needs min_score, and at most
// max_topics (the highest scoring) are kept.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "indexer/article.h"
#include "stemmers/analyzer.h"

namespace letopis {

struct Entities {
  // Canonical names (gazetteer ids) and topic ids, each sorted and unique.
  std::vector<std::string> people, orgs, topics;
};

class EntityExtractor {
 public:
  EntityExtractor() = default;  // extracts nothing

  // Loads a gazetteer and a taxonomy. Aliases and terms are analysed as the
  // indexer analyses text with `options` (the defaults are what Letopis
  // ships). Throws std::runtime_error naming the file, the place in it and the
  // problem: unreadable file, bad JSON, unknown or missing field, wrong type,
  // empty alias or term, duplicate id, one alias given to two entities.
  static EntityExtractor from_files(const std::string& gazetteer_json, const std::string& taxonomy_json,
                                    analysis::AnalysisOptions options = {});
  static EntityExtractor from_json(const std::string& gazetteer_text, const std::string& taxonomy_text,
                                   analysis::AnalysisOptions options = {});

  // The entities and topics of an article's title and body. An empty
  // article.lang is detected, as DocumentBuilder does.
  // REQUIRES: analyzer is the caller's own (not shared between threads) and
  // was built with the options given at load; throws std::invalid_argument if not.
  Entities extract(const Article& article, analysis::Analyzer& analyzer) const;

  // The same on tokens and stems the caller already has, to save a second
  // analysis (DocumentBuilder analyses anyway): title_tokens and body_tokens
  // are Analyzer::tokenize of title and body in the article's language; the
  // stems are parallel to them: each token's stem, or its text when it has
  // none (entries for compounds are ignored); title and body are the raw
  // texts (for the capitals check); options are the analyzer's.
  Entities extract(std::string_view title, const std::vector<analysis::Token>& title_tokens,
                   const std::vector<std::string>& title_stems, std::string_view body,
                   const std::vector<analysis::Token>& body_tokens, const std::vector<std::string>& body_stems,
                   const analysis::AnalysisOptions& options) const;

  // Every alias of a person or organisation, its words' normalized exact
  // forms joined by one space ("оон", "natalia gherman"), with the canonical
  // name it stands for: what searchd expands a query with.
  struct AliasEntry {
    std::string text;
    std::string entity;
    bool person = false;
  };
  std::vector<AliasEntry> aliases() const;
  // The JSON texts it was loaded from ("" for the default extractor).
  const std::string& gazetteer_json() const;
  const std::string& taxonomy_json() const;

  size_t alias_count() const;  // aliases of people and organisations
  size_t person_count() const;
  size_t org_count() const;
  size_t topic_count() const;

  // A topic's label for the UI in lang ("en", "ru", "kk"), else its English
  // label; "" for an unknown topic id.
  std::string topic_label(std::string_view topic_id, std::string_view lang) const;

  // 16 hex digits that change whenever the gazetteer or the taxonomy does
  // (a hash of both texts): store it in the index metadata and reindex all
  // when it changes, since content hashes do not cover the configuration.
  std::string fingerprint() const;

 private:
  struct Tables;
  std::shared_ptr<const Tables> tables_;
};

}  // namespace letopis
