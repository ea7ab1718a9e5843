// Analyzer: normalize -> tokenize -> stem, the one text pipeline that both the
// indexer and the query parser use (so a word is analysed identically at
// index and at query time).
//
// Not thread-safe: it owns an ICU break iterator, stemmers and scratch
// buffers. Give each thread its own Analyzer; construction is cheap after the
// first one (the break iterator is cloned from a shared prototype).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <string_view>
#include <vector>

#include <xapian.h>

#include "stemmers/lang.h"

namespace letopis::analysis {

enum class TokenKind : uint8_t {
  word,      // letters (with digits or apostrophes inside)
  number,    // digits, possibly with . , inside (20.04.2022, 2,5)
  compound,  // a hyphenated whole ("алма-ата"); its parts follow as words
};

struct Token {
  std::string text;       // normalized exact form, UTF-8
  uint32_t position = 0;  // word position; a compound shares its first part's
  TokenKind kind = TokenKind::word;
  // The stemmer this token takes in the text's language: Latin words are
  // English, Cyrillic words with Kazakh letters Kazakh, other Cyrillic words
  // follow the text's language (ru unless it is kk). unknown: not stemmed.
  Lang stem_lang = Lang::unknown;
};

// Longest token kept, in UTF-8 bytes; longer "words" are junk (base64, URLs).
inline constexpr size_t kMaxTokenBytes = 64;

// Switches for the analysis steps. The defaults are what Letopis ships; the
// others exist to measure what each step is worth (letopis-index --analysis).
// An index records the options it was built with, and searchd analyses
// queries with the same ones.
struct AnalysisOptions {
  bool stem = true;              // false: exact forms only
  bool fold_yo = true;           // false: ё and е differ
  bool stem_capitalized = true;  // false: like Xapian's STEM_SOME, capitalised words stay unstemmed
  bool repair_russian = true;    // false: Snowball's Russian stems as they are (казахста/казахстан)
  // true: also index every body word's exact form (unprefixed terms), so that
  // exact forms outrank stem-only matches in the body, not only in the title.
  // Off by default: it costs about 30% of indexing time and measured
  // +0.002 MRR@10 on the development sets (docs/SCHEMA.md).
  bool exact_forms = false;

  // "stem=1,fold_yo=1,stem_capitalized=1,repair_russian=1,exact_forms=0"; parse() accepts any subset and
  // throws std::invalid_argument on anything else.
  std::string to_string() const;
  static AnalysisOptions parse(std::string_view text);
  bool operator==(const AnalysisOptions&) const = default;
};

// Stems remembered per language by an Analyzer: the indexer's single
// analyzer per shard sees the whole vocabulary and gains from a large cache;
// searchd keeps a small one per worker thread and language (query words), so
// that its memory stays flat under any traffic.
inline constexpr size_t kIndexStemCacheEntries = size_t{1} << 17;
inline constexpr size_t kServeStemCacheEntries = size_t{1} << 12;
// Stems remembered by text stemmers (snippets): one bounded memo per text
// language and analysis options, shared by all threads (stemmers/shared_memo.h).
inline constexpr size_t kTextStemMemoEntries = size_t{1} << 16;

class Analyzer {
 public:
  explicit Analyzer(AnalysisOptions options = {}, size_t stem_cache_entries = kIndexStemCacheEntries);
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  // Normalizes and tokenizes text, appending tokens to out. Positions start at
  // first_position; returns the position after the last token.
  // text may be any bytes: invalid UTF-8 is replaced, never a crash.
  uint32_t tokenize(std::string_view text, Lang text_lang, std::vector<Token>& out,
                    uint32_t first_position = 1);

  // The stem of a normalized word in a language ("" for Lang::unknown).
  // Russian stems are repaired where Snowball splits one noun's cases
  // (казахстан/казахстане); see stemmers/README.md.
  std::string stem(std::string_view word, Lang lang);

  // The Xapian stemmer for a language, e.g. for MSet::snippet().
  const Xapian::Stem& xapian_stem(Lang lang) const;

  const AnalysisOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Which stemmer a token takes, given the language of its text (see Token).
Lang stem_language(std::string_view normalized_word, Lang text_lang);

// English irregular forms the analyzer stems as their base ("took" ->
// "take"), form -> base. For code that must know which words stem to
// something they do not begin like (searchd's snippet stemmer).
const std::unordered_map<std::string_view, std::string_view>& english_irregular_forms();

// A Xapian::Stem that analyses one word exactly as the indexer does for a
// text in text_lang: normalize, pick the stemmer by the word's script, stem
// (numbers stem to themselves). Give it to MSet::snippet() so that every
// indexed form of a query word is highlighted. Each returned Stem is
// thread-compatible: do not share one between threads. The stems it works
// out are remembered for every stemmer made with the same text language,
// options and memo_entries, on any thread.
Xapian::Stem make_text_stemmer(Lang text_lang, AnalysisOptions options = {},
                               size_t memo_entries = kTextStemMemoEntries);

}  // namespace letopis::analysis
