// The index schema: term prefixes, value slots and document data, in one
// place. The indexer writes with it and searchd reads with it; no prefix
// string or slot number is spelled anywhere else. docs/SCHEMA.md describes it.
//
// Prefixes follow Omega's conventions (docs/termprefixes.rst): Q id, S title,
// D/M/Y date, L language, K tag, U url, A author, Z stemmed, X our own.
#pragma once

#include <string>
#include <string_view>

#include <xapian.h>

namespace letopis::schema {

// Bumped whenever terms, slots or data change incompatibly. searchd refuses
// an index whose version it does not know.
inline constexpr int kVersion = 2;
inline constexpr std::string_view kVersionKey = "letopis.schema_version";
// The analysis options the index was built with (AnalysisOptions::to_string);
// searchd analyses queries with the same ones.
inline constexpr std::string_view kAnalysisKey = "letopis.analysis";
// Metadata written at commit: ISO-8601 UTC time of the last successful run.
inline constexpr std::string_view kBuiltAtKey = "letopis.built_at";
// The gazetteer and taxonomy (JSON texts) the index was built with: searchd
// expands queries with the same aliases the indexer tagged articles with.
inline constexpr std::string_view kGazetteerKey = "letopis.gazetteer";
inline constexpr std::string_view kTaxonomyKey = "letopis.taxonomy";

namespace prefix {
inline constexpr std::string_view id = "Q";         // Q<id>, one per document
inline constexpr std::string_view title = "S";      // S<exact title word>
inline constexpr std::string_view stem = "Z";       // Z<stem>, title and body, positional
inline constexpr std::string_view title_stem = "ZS";// ZS<stem>, title only, positional
inline constexpr std::string_view date = "D";       // D20220420
inline constexpr std::string_view month = "M";      // M202204
inline constexpr std::string_view year = "Y";       // Y2022
inline constexpr std::string_view lang = "L";       // Lru, Len, Lkk
inline constexpr std::string_view tag = "K";        // K<normalized tag>
inline constexpr std::string_view url = "U";        // U<url> (hashed if long)
inline constexpr std::string_view author = "A";     // A<normalized author>
inline constexpr std::string_view section = "XS";   // XS<section>
inline constexpr std::string_view topic = "XT";     // XT<topic id>
inline constexpr std::string_view person = "XP";    // XP<canonical person>
inline constexpr std::string_view org = "XO";       // XO<canonical organisation>
// Unprefixed terms are exact (normalized, unstemmed) word forms, non-positional.
}  // namespace prefix

// Value slots. Multi-valued facets hold their values joined by kMultiSep.
enum Slot : Xapian::valueno {
  kSlotDate = 0,      // "YYYYMMDD" (sorts and range-filters as a string)
  kSlotYear = 1,      // "YYYY"
  kSlotMonth = 2,     // "YYYY-MM"
  kSlotLang = 3,      // "ru" | "en" | "kk"
  kSlotSection = 4,   // section slug
  kSlotTags = 5,      // tags, kMultiSep-joined
  kSlotTopics = 6,    // topic ids
  kSlotPeople = 7,    // canonical person names
  kSlotOrgs = 8,      // canonical organisation names
  kSlotHash = 9,      // content hash of the source record (incremental runs)
  kSlotBody = 10,     // a hit's record: a copy of the document data and the body (document.h)
};
inline constexpr char kMultiSep = '\x1f';

// Xapian limits terms to 245 bytes; longer values are cut to this and, where
// uniqueness matters (Q, U), replaced by a hash suffix.
inline constexpr size_t kMaxTermBytes = 240;

// Builds a prefixed term, keeping it within Xapian's limit. When the value
// starts with an upper-case ASCII letter a ':' separates it from the prefix,
// as Omega does.
std::string term(std::string_view prefix, std::string_view value);

// The unique-id term for an article id.
inline std::string id_term(std::string_view id) { return term(prefix::id, id); }

// Document data is a JSON object with the fields the results page renders:
// id, lang, title, date, url, section, tags, people, orgs, topics, author, and
// an empty body: the body itself is in kSlotBody. (Indexes built before that
// slot have the body in the JSON; readers take either.) Written by
// DocumentBuilder::build, read by article_from_document (document.cpp); see
// docs/SCHEMA.md.

}  // namespace letopis::schema
