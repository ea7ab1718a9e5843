// Snippets: a short passage of a hit's text around the query's words, with
// the words in <mark>. Pure: text in, HTML out; no Xapian database access.
//
// Xapian's MSet::snippet() did this before, and was most of a search's time:
// it analysed every word of the text (our analysis per word: ICU
// normalization, stemmer choice, Snowball) and looked each up in hash maps.
// Here a word is analysed only if it begins like one of the query's stems
// (Snowball and our Kazakh stemmer only take letters off a word's end), so a
// text is read at the speed of decoding UTF-8. The passage is chosen as
// snippet() chose it: the window of at most `length` bytes that holds the
// most (weighted) distinct query words, starting at its first match.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <xapian.h>

namespace letopis::searchd {

// What snippets of one search look for: the stems of its query's words
// (Z terms of the schema), the rarer weighing more.
class SnippetQuery {
 public:
  // The stems come from query's terms; their document counts from mset
  // (may be empty: all weigh the same).
  SnippetQuery(const Xapian::Query& query, const Xapian::MSet& mset);

  bool empty() const { return stems_.empty(); }
  size_t size() const { return weights_.size(); }
  // Whether a word (as it is in the text) may stem to one of the stems: its
  // first two letters, case-folded, begin one of them (or an English
  // irregular form of one: "took" for "take"). A Cyrillic letter and its
  // Latin look-alike compare equal, as the analyzer folds them in a mixed
  // word («вoдные» with a Latin o).
  bool may_match(std::string_view word) const;
  // The same for a word's first two characters, case-folded (b = 0: none).
  bool may_match(uint32_t a, uint32_t b) const;
  // The index of the stem, or -1.
  int find(const std::string& stem) const;
  // The index of the stem of a word of a text as stemmer analyses it, or -1.
  // Remembered for this search's words (a page's hits share most of them);
  // so a SnippetQuery, like a stemmer, is for one thread.
  int stem_of(std::string_view word, const Xapian::Stem& stemmer) const;
  double weight(int stem) const { return weights_[static_cast<size_t>(stem)]; }

 private:
  static uint64_t key(uint32_t a, uint32_t b) { return (static_cast<uint64_t>(a) << 32) | b; }
  void add_head(std::string_view word);

  struct Seen {
    size_t hash;
    std::string word;
    int stem;
  };
  static constexpr size_t kSeenWords = 256;  // beyond these, words are stemmed each time
  mutable Xapian::Stem seen_by_;             // the stemmer seen_ holds words of
  mutable std::vector<Seen> seen_;
  mutable std::string scratch_;

  std::unordered_map<std::string, int> stems_;
  std::vector<double> weights_;
  std::vector<uint64_t> single_;  // stems of one letter
  std::vector<uint64_t> pairs_;   // first two letters, key(a, b)
};

struct Snippet {
  std::string html;     // escaped text; matches in <mark>; "…" where cut
  bool matched = false; // some query word is in it
};

// The snippet of text: at most `length` bytes of it (whole words), from the
// first match of the best window, or from the start when nothing matches.
// stemmer analyses a word as the indexer did (analysis::make_text_stemmer).
// more_text says the text is a lead and goes on: its end gets an ellipsis.
Snippet make_snippet(std::string_view text, size_t length, const SnippetQuery& query, const Xapian::Stem& stemmer,
                     bool more_text = false);

}  // namespace letopis::searchd
