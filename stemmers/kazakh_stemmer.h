// Copyright (c) Letopis authors. All rights reserved.
//
// KazakhStemmer: a conservative, rule-based suffix-stripping stemmer for
// Kazakh written in the Cyrillic alphabet, pluggable into Xapian.
//
// The algorithm strips inflection from the end of the word in fixed layers
// (case / finite verb ending -> possessive -> plural -> derivational ->
// participle and negation), each at most once, checking consonant
// assimilation and vowel harmony against the remaining stem, and never
// cutting below a minimal root.  See stemmers/README.md ("Kazakh stemmer")
// for the rule tables, the design decisions and the sources.
//
// Thread safety: KazakhStemmer has no mutable state and all its tables are
// immutable, so one instance may be used from several threads at once.
// Xapian::Stem objects wrapping it are reference counted without locking,
// so give each thread its own Xapian::Stem copy (as with any Xapian::Stem).

#ifndef LETOPIS_STEMMERS_KAZAKH_STEMMER_H_
#define LETOPIS_STEMMERS_KAZAKH_STEMMER_H_

#include <string>

#include <xapian.h>

namespace letopis::analysis {

// Kazakh suffix-stripping stemmer. Thread-compatible (no mutable shared state).
// REQUIRES: word is normalized: NFKC, lower case, UTF-8 (Cyrillic Kazakh alphabet).
//
// Words that are not valid UTF-8, contain anything but lower-case Cyrillic
// letters, are shorter than three letters or longer than an internal limit
// are returned unchanged.  The result is never empty for a non-empty input, and it is a
// prefix of the input except that a final б/г/ғ is devoiced to п/к/қ
// (кітабы -> кітап) and a few listed roots with a dropped vowel are restored
// (халқы -> халық).
class KazakhStemmer : public Xapian::StemImplementation {
 public:
  KazakhStemmer() = default;

  std::string operator()(const std::string& word) override;
  std::string get_description() const override;  // "kazakh"
};

// Convenience: a Xapian::Stem wrapping a new KazakhStemmer.
Xapian::Stem make_kazakh_stem();

}  // namespace letopis::analysis

#endif  // LETOPIS_STEMMERS_KAZAKH_STEMMER_H_
