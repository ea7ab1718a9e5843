// Language codes and detection for Russian, English and Kazakh text.
//
// detect_language() is a pure function and thread-safe. It uses the letters
// unique to Kazakh, the share of Cyrillic and Latin letters, and stopword
// profiles of the three languages.
#pragma once

#include <string>
#include <string_view>

namespace letopis::analysis {

enum class Lang { unknown, ru, en, kk };

// "ru", "en", "kk" or "" for unknown.
std::string_view lang_code(Lang lang);
// Parses "ru", "en", "kk" (any case); anything else gives Lang::unknown.
Lang parse_lang(std::string_view code);

struct LangGuess {
  Lang lang = Lang::unknown;
  // 0..1: how sure the guess is. Short texts give low confidence.
  double confidence = 0.0;
  // True when the text is Cyrillic with nothing that tells Russian from
  // Kazakh apart (a short query such as "министр"): search both analyses.
  bool cyrillic_ambiguous = false;
};

// REQUIRES: text is UTF-8 (invalid bytes are ignored).
LangGuess detect_language(std::string_view text);

}  // namespace letopis::analysis
