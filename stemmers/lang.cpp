#include "stemmers/lang.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <string>

#include "stemmers/normalize.h"
#include "stemmers/stopwords.h"

namespace letopis::analysis {

std::string_view lang_code(Lang lang) {
  switch (lang) {
    case Lang::ru: return "ru";
    case Lang::en: return "en";
    case Lang::kk: return "kk";
    case Lang::unknown: break;
  }
  return "";
}

Lang parse_lang(std::string_view code) {
  std::string c(code);
  std::transform(c.begin(), c.end(), c.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  if (c == "ru" || c == "rus" || c == "russian") return Lang::ru;
  if (c == "en" || c == "eng" || c == "english") return Lang::en;
  if (c == "kk" || c == "kaz" || c == "kazakh" || c == "kz") return Lang::kk;
  return Lang::unknown;
}

LangGuess detect_language(std::string_view text) {
  // A profile of the first 64 KiB is plenty to tell three languages apart.
  const int32_t len = static_cast<int32_t>(std::min<size_t>(text.size(), 64 * 1024));
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  long cyr = 0, lat = 0, kk_letters = 0;
  int ru_stop = 0, en_stop = 0, kk_stop = 0, words = 0;
  std::string word;
  auto flush_word = [&] {
    if (word.empty()) return;
    ++words;
    if (is_stopword(Lang::ru, word)) ++ru_stop;
    if (is_stopword(Lang::en, word)) ++en_stop;
    if (is_stopword(Lang::kk, word)) ++kk_stop;
    word.clear();
  };
  for (int32_t i = 0; i < len;) {
    UChar32 c;
    U8_NEXT(s, i, len, c);
    if (c < 0) {
      flush_word();
      continue;
    }
    if (u_isalpha(c)) {
      if (is_cyrillic(c)) {
        ++cyr;
        if (is_kazakh_letter(c)) ++kk_letters;
      } else if (is_latin_letter(c)) {
        ++lat;
      }
      UChar32 lower = u_tolower(c);
      if (lower == 0x0451) lower = 0x0435;  // ё -> е, as in the stop lists
      char buf[4];
      int32_t n = 0;
      UBool err = false;
      U8_APPEND(reinterpret_cast<uint8_t*>(buf), n, 4, lower, err);
      if (!err) word.append(buf, static_cast<size_t>(n));
    } else {
      flush_word();
    }
  }
  flush_word();

  LangGuess g;
  const long letters = cyr + lat;
  if (letters == 0) return g;
  // Confidence grows with evidence: a 1-word query is never "sure".
  const double size_factor = std::min(1.0, static_cast<double>(letters) / 60.0);
  if (lat > cyr) {
    g.lang = Lang::en;
    g.confidence = size_factor * static_cast<double>(lat) / static_cast<double>(letters);
    return g;
  }
  const double script_share = static_cast<double>(cyr) / static_cast<double>(letters);
  // Kazakh text has about 6-10% Kazakh-only letters; Russian has none.
  const double kk_ratio = static_cast<double>(kk_letters) / static_cast<double>(cyr);
  const bool kk_by_letters = kk_ratio >= 0.015 || (kk_letters > 0 && cyr < 40);
  const bool kk_by_stops = kk_stop > ru_stop;
  if (kk_by_letters || (kk_by_stops && kk_letters > 0)) {
    g.lang = Lang::kk;
    g.confidence = size_factor * script_share * (kk_by_stops || kk_ratio > 0.03 ? 1.0 : 0.8);
  } else if (kk_by_stops) {
    g.lang = Lang::kk;
    g.confidence = 0.5 * size_factor * script_share;
  } else {
    g.lang = Lang::ru;
    const bool russian_evidence = ru_stop > 0 && ru_stop > kk_stop;
    g.confidence = size_factor * script_share * (russian_evidence ? 1.0 : 0.7);
    // Without Kazakh letters or decisive stopwords a short Cyrillic text
    // could be either language.
    g.cyrillic_ambiguous = !russian_evidence && cyr < 60;
  }
  (void)en_stop;
  (void)words;
  return g;
}

}  // namespace letopis::analysis
