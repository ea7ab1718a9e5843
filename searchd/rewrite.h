// Query rewriting for a weak answer: a query typed with the wrong keyboard
// layout («ghbdtn» for «привет», «Ефырлуте» for "Tashkent"), or with a typo
// («сотрудничиство»). Pure: the index is reached only through a Vocabulary,
// so the rules are unit-tested without one and run identically on any
// backend.
//
// The precision guard is the caller's: a query is rewritten only when its
// own answer is weak (nothing found, or not every word found), and a
// rewrite is taken only when it finds more (see Searcher::search).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace letopis::searchd {

// What the rewriter may ask of the index.
struct Vocabulary {
  // How many documents hold the word in any of its forms (0: unknown).
  std::function<unsigned(std::string_view word)> freq;
  // Xapian's spelling suggestion for a normalized word, or "".
  std::function<std::string(std::string_view word)> spelling;
  // The word as the index spells it (normalized: lower case, ё -> е).
  std::function<std::string(std::string_view word)> normalize;
};

// A word of a query: a run of letters (with inner ' or -), not an operator
// (AND, OR, NOT), not a field name (title:) — what a rewrite may replace.
struct WordSpan {
  size_t begin = 0, end = 0;  // bytes of the query
};
std::vector<WordSpan> query_words(std::string_view query);

// The share (0..1) of a query's words of 2 or more letters that the index
// knows; 1 for a query with no such words.
double known_share(std::string_view query, const Vocabulary& vocab);

// The query as typed on the other layout, if that is what it most likely
// was: the candidate (Russian and Kazakh ЙЦУКЕН for Latin text, QWERTY for
// Cyrillic text) that the index knows every word of, while it knows fewer
// of the original's. "" if there is none or the query holds syntax the
// conversion would break (quotes, brackets, operators).
std::string layout_candidate(std::string_view query, const Vocabulary& vocab);

// Every word one edit away from word (a letter deleted, inserted, replaced,
// or two neighbours swapped), in word's script (Latin a-z; Cyrillic а-я
// and Kazakh ә ғ қ ң ө ұ ү һ і), sorted and without repeats; empty for a
// word of mixed or other script, or longer than 32 letters. Norvig's
// candidates: about 80 per letter for Cyrillic, so a spelling table can be
// probed for all of them in a millisecond or two.
std::vector<std::string> one_edit_away(std::string_view word);

// The query with each word unknown to the index (3 or more letters)
// replaced by Xapian's spelling suggestion in the same script, or "" when
// no word changed.
std::string spelling_candidate(std::string_view query, const Vocabulary& vocab);

}  // namespace letopis::searchd
