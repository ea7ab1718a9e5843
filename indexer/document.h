// Turns an Article into a Xapian::Document under the schema (schema.h), and
// back from a document's data. Not thread-safe: it holds an Analyzer.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

#include <xapian.h>

#include "indexer/article.h"
#include "indexer/entities.h"
#include "stemmers/analyzer.h"

namespace letopis {

// Word frequencies for Xapian's spelling table (searchd's "did you mean"),
// counted while documents are built and written once, at the end of a run:
// an add_spelling() per occurrence would cost Xapian a map update per word.
// Words are exact normalized forms of 3 to 32 letters (no digits or other
// signs but an inner - or '), in any
// of the three languages (Xapian 1.4 keeps one spelling table per database).
class SpellingCounts {
 public:
  static constexpr size_t kMinChars = 3, kMaxChars = 32;
  // Hash and equality that take a string_view, so lookups do not allocate.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  void add(std::string_view word);
  // The counter of a word, created at 0; null if the word is not one the
  // spelling table takes (see add). Stays valid as words are added.
  uint32_t* counter(std::string_view word);
  // Adds every word seen at least min_count times to db's spelling table,
  // with its count as the frequency; returns how many words it added.
  size_t write(Xapian::WritableDatabase& db, uint32_t min_count) const;
  void merge(const SpellingCounts& other);
  // Calls fn(word, count) for every word seen at least min_count times.
  template <typename Fn>
  void for_each(uint32_t min_count, Fn&& fn) const {
    for (const auto& [word, count] : counts_) {
      if (count >= min_count) fn(word, count);
    }
  }
  size_t size() const { return counts_.size(); }

 private:
  std::unordered_map<std::string, uint32_t, Hash, std::equal_to<>> counts_;
};

class DocumentBuilder {
 public:
  // The extractor adds people, organisations and topics from its gazetteer
  // and taxonomy to those the source supplied; the default adds none.
  explicit DocumentBuilder(analysis::AnalysisOptions options = {}, EntityExtractor entities = {})
      : analyzer_(options), entities_(std::move(entities)) {}

  // REQUIRES: article.id is non-empty. An empty article.lang is detected.
  // content_hash is stored for incremental runs (see content_hash()).
  Xapian::Document build(const Article& article, const std::string& content_hash);

  analysis::Analyzer& analyzer() { return analyzer_; }
  // Counts the words of every document built from now on; null stops it.
  void count_spelling(SpellingCounts* counts) {
    spelling_ = counts;
    words_.clear();
  }

 private:
  analysis::Analyzer analyzer_;
  EntityExtractor entities_;
  SpellingCounts* spelling_ = nullptr;
  // What build() works out for a word the first time it meets it: its stem,
  // and its spelling counter (null if not counted). One lookup per token
  // instead of one for the stem, one for the stopword list and one for the
  // counts. Bounded: cleared when full (the counts live in spelling_).
  struct WordInfo {
    std::string stem;
    analysis::Lang stem_lang;
    uint32_t* spelling;
  };
  static constexpr size_t kMaxWords = 1u << 19;
  std::unordered_map<std::string, WordInfo, SpellingCounts::Hash, std::equal_to<>> words_;
  // Reused between documents.
  std::vector<analysis::Token> title_tokens_, body_tokens_;
  std::vector<std::string> title_stems_, body_stems_;
};

// A stable 64-bit FNV-1a hash, in hex, of everything the index stores about
// an article. Equal hashes mean an incremental run can skip the article.
std::string content_hash(const Article& article);

// The document data (JSON) for an article, and the article back from it.
// These two see the JSON alone; a document's body is in kSlotBody.
std::string article_to_data(const Article& article);
// Throws std::runtime_error if data is not a Letopis document.
Article article_from_data(const std::string& data);
// The same through nlohmann's general JSON parser: the reference that tests
// hold article_from_data's fast path to.
Article article_from_data_reference(const std::string& data);

// The article a document stores: its data plus the body from kSlotBody
// (or, in an index from before that slot, from the data). with_body = false
// leaves the body empty and skips reading it. Throws std::runtime_error if
// the document is not a Letopis article or its body does not decompress.
Article article_from_document(const Xapian::Document& doc, bool with_body = true);

// A body as kSlotBody holds it (docs/SCHEMA.md): the byte 0x01, the
// lead's size and its LZ4 block's size (16 bits little-endian each), that
// block (the first kBodyLeadBytes or less, cut at a space: body_lead_cut),
// then the rest as a zstd frame. An index from before the LZ4 lead holds
// zstd frames only, the first of them the lead; both read. unpack_body
// returns false for anything that is neither, or more than kMaxBodyBytes;
// unpack_body_lead decompresses the lead alone and says whether that is the
// whole body.
inline constexpr size_t kMaxBodyBytes = 64 << 20;
inline constexpr size_t kBodyLeadBytes = 8192;
size_t body_lead_cut(std::string_view body);
std::string pack_body(std::string_view body);
bool unpack_body(std::string_view packed, std::string& body);
bool unpack_body_lead(std::string_view packed, std::string& lead, bool& whole);

// What kSlotBody holds since searchd reads hits from it alone: the byte
// 0x02, the length of the document data (32 bits little-endian), a copy of
// the document data, then the body as pack_body packs it (nothing when the
// article has no body). Document data is compressed with zlib by Xapian,
// and inflating it was half of what a hit cost, so a hit (title, url, date
// and the rest of the data, and its body for the snippet) takes one value
// read and no inflation. split_hit_record gives the data copy (empty for a
// value written before it: read the document data then) and the packed
// body; false if damaged.
std::string pack_hit_record(std::string_view data, std::string_view body);
bool split_hit_record(std::string_view value, std::string_view& data, std::string_view& packed_body);

// "2022-04-20" -> true only for a real calendar date in years 1000..2999.
bool valid_iso_date(std::string_view date);

}  // namespace letopis
