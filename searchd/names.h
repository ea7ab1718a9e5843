// Names across scripts: "Gherman" finds «Герман», «Тукумов» finds "Tukumov",
// "Qazaqstan" finds «Қазақстан». A query word is also searched, at a lower
// weight, as the words of the other script that transliterate to it and that
// the index actually holds (its spelling table): Latin -> Cyrillic by
// analysis::to_cyrillic (Russian and Kazakh readings), Cyrillic -> Latin by
// fold keys (analysis::latin_keys), which merge the usual spelling variants
// (Tokayev/Tokaev, Kazakhstan/Qazaqstan).
//
// CrossScript holds the index's Latin words by fold key; built once per index
// revision from the spelling table (about 0.2 s for 50k Latin words) and
// shared by all threads, with what they have worked out for each word.
#pragma once

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <xapian.h>

#include "stemmers/analyzer.h"
#include "stemmers/shared_memo.h"

namespace letopis::searchd {

class CrossScript {
 public:
  // A word is transliterated only if it has at least this many letters:
  // shorter ones are mostly abbreviations and function words ("un", "ип").
  static constexpr size_t kMinLetters = 4;
  // At most this many other-script words per query word.
  static constexpr size_t kMaxAlternatives = 4;

  // For db's current revision, shared; an empty one (no alternatives) for a
  // database without a single revision or spelling data (remote shards).
  static std::shared_ptr<const CrossScript> get(const Xapian::Database& db);
  static std::shared_ptr<const CrossScript> build(const Xapian::Database& db);

  // The other-script words for a query token: for a Latin word, its Russian
  // and Kazakh Cyrillic readings; for a Cyrillic one, the index's Latin
  // words with one of its fold keys. known(word) must say whether the index
  // holds a word (its spelling frequency); only known words come back.
  // names_only: only where the Latin side is not a common English word
  // (common_words), so that "forum" is not searched as «форум» while
  // "Lavrov" is searched as «Лавров».
  // remember: known answers for this CrossScript's own database and
  // revision, so the outcome is kept for every thread (see revision()).
  template <typename Known>
  std::vector<std::string> alternatives(const analysis::Token& token, Known known, bool names_only = false,
                                        bool remember = false) const {
    std::string key;
    if (remember) {
      key = memo_key(names_only ? 'n' : 'a', token);
      if (auto hit = memo_.find(key)) return std::move(*hit);
    }
    std::vector<std::string> out;
    const bool latin = !token.text.empty() && static_cast<unsigned char>(token.text[0]) < 0x80;
    if (!(names_only && latin && common(token.text))) {
      for (std::string& w : candidates(token)) {
        if (out.size() == kMaxAlternatives) break;
        if (names_only && !latin && common(w)) continue;
        if (w != token.text && known(w) && std::find(out.begin(), out.end(), w) == out.end()) out.push_back(std::move(w));
      }
    }
    if (remember) memo_.put(std::move(key), out);
    return out;
  }

  // The revision of the database this was built from; 0 for the shared
  // empty one (no spelling data), whose answers are never remembered.
  Xapian::rev revision() const { return revision_; }

  // Common English words: the lowercase entries of a word list such as
  // Debian's wbritish (/usr/share/dict/british-english), whose capitalised
  // entries are names ("Putin", "Astana") and so do not count. Loaded once
  // per process; without the file every word counts as common, and only a
  // query that finds little is transliterated.
  static void load_common_words(const std::string& path);
  static bool common(std::string_view latin_word);

  size_t keys() const { return by_key_.size(); }

 private:
  std::vector<std::string> candidates(const analysis::Token& token) const;  // remembered in memo_
  std::vector<std::string> transliterate(const analysis::Token& token) const;
  static std::string memo_key(char kind, const analysis::Token& t) {
    return std::string(1, kind) + static_cast<char>('0' + static_cast<int>(t.stem_lang)) + t.text;
  }
  std::unordered_map<std::string, std::vector<std::string>> by_key_;  // fold key -> Latin words
  Xapian::rev revision_ = 0;
  // Transliterations, and what alternatives() was asked to remember.
  static constexpr size_t kMemoEntries = size_t{1} << 15;
  analysis::SharedMemo<std::vector<std::string>> memo_{kMemoEntries};
};

}  // namespace letopis::searchd
