// Fuzz target: text analysis (stemmers/), the pipeline the indexer and the
// query parser share: normalize(), detect_language(), Analyzer::tokenize() in
// each text language and stemming of every token, with the shipped options
// and with the optional steps switched the other way; then the name
// transliteration and keyboard-layout helpers on the same text.
//
// Besides crashes and undefined behaviour it checks the documented contracts:
// any bytes in, valid UTF-8 out; normalizing is idempotent; tokens are
// normalized, non-empty and at most kMaxTokenBytes; and "one analysis"
// (docs/ARCHITECTURE.md): the snippet stemmer stems a word exactly as the
// indexer does. Nothing here is documented to throw.
#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "fuzz/fuzz_common.h"
#include "stemmers/analyzer.h"
#include "stemmers/kazakh_stemmer.h"
#include "stemmers/keyboard.h"
#include "stemmers/lang.h"
#include "stemmers/normalize.h"
#include "stemmers/translit.h"

using namespace letopis;
using namespace letopis::analysis;

namespace {

constexpr std::array<Lang, 4> kLangs = {Lang::unknown, Lang::ru, Lang::en, Lang::kk};

// The ICU transliterators are slow; a handful of words reaches their code.
constexpr size_t kMaxTranslitWords = 4;

size_t lang_index(Lang l) { return static_cast<size_t>(l); }

// The stem the indexer gives a token (indexer/document.cpp).
std::string index_stem(Analyzer& a, const Token& t) {
  if (t.stem_lang == Lang::unknown) return t.text;
  std::string s = a.stem(t.text, t.stem_lang);
  return s.empty() ? t.text : s;
}

void check_tokens(Analyzer& a, std::string_view text, Lang lang, bool shipped, std::vector<Token>& tokens) {
  static std::array<Xapian::Stem, 4> snippet_stemmers = {make_text_stemmer(Lang::unknown), make_text_stemmer(Lang::ru),
                                                         make_text_stemmer(Lang::en), make_text_stemmer(Lang::kk)};
  tokens.clear();
  constexpr uint32_t kFirst = 7;
  const uint32_t end = a.tokenize(text, lang, tokens, kFirst);
  FUZZ_CHECK(end >= kFirst);
  FUZZ_CHECK(end - kFirst <= tokens.size());
  for (const Token& t : tokens) {
    FUZZ_CHECK(!t.text.empty());
    FUZZ_CHECK(t.text.size() <= kMaxTokenBytes);
    FUZZ_CHECK(fuzz::valid_utf8(t.text));
    FUZZ_CHECK(t.position >= kFirst && t.position < end);
    for (Lang l : kLangs) (void)a.stem(t.text, l);
    if (!shipped) continue;
    FUZZ_CHECK(normalize(t.text) == t.text);
    if (t.kind == TokenKind::word) FUZZ_CHECK(stem_language(t.text, lang) == t.stem_lang);
    if (t.kind != TokenKind::compound) {
      FUZZ_CHECK(snippet_stemmers[lang_index(lang)](t.text) == index_stem(a, t));
    }
  }
}

void check_names(const std::vector<Token>& tokens) {
  static Xapian::Stem kazakh = make_kazakh_stem();
  size_t done = 0;
  for (const Token& t : tokens) {
    if (t.kind != TokenKind::word) continue;
    if (++done > kMaxTranslitWords) break;
    FUZZ_CHECK(!kazakh(t.text).empty());  // never empty for a non-empty word
    for (Lang l : {Lang::ru, Lang::kk}) {
      FUZZ_CHECK(fuzz::valid_utf8(to_latin(t.text, l)));
      const std::vector<std::string> keys = latin_keys(t.text, l);
      FUZZ_CHECK(std::is_sorted(keys.begin(), keys.end()));
      FUZZ_CHECK(std::adjacent_find(keys.begin(), keys.end()) == keys.end());
      FUZZ_CHECK(fuzz::valid_utf8(to_cyrillic(t.text, l)));
    }
    const std::string fold = latin_fold(t.text);
    FUZZ_CHECK(latin_fold(fold) == fold);  // idempotent (translit.h)
    FUZZ_CHECK(fuzz::valid_utf8(kazakh_latin_2021(t.text)));
    FUZZ_CHECK(fuzz::valid_utf8(kazakh_latin_2021_ascii(t.text)));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Analyzer shipped;
  static Analyzer variant = [] {
    AnalysisOptions o;
    o.fold_yo = false;
    o.stem_capitalized = false;
    o.repair_russian = false;
    return Analyzer(o);
  }();
  const std::string_view text = fuzz::as_text(data, size);

  const std::string n = normalize(text);
  FUZZ_CHECK(fuzz::valid_utf8(n));
  FUZZ_CHECK(normalize(n) == n);

  const LangGuess g = detect_language(text);
  FUZZ_CHECK(g.confidence >= 0.0 && g.confidence <= 1.0);

  std::vector<Token> tokens;
  for (Lang lang : kLangs) {
    check_tokens(variant, text, lang, false, tokens);
    check_tokens(shipped, text, lang, true, tokens);
  }
  check_tokens(shipped, text, g.lang, true, tokens);  // as the indexer does for a text without lang
  check_names(tokens);

  for (Lang layout : {Lang::ru, Lang::kk}) FUZZ_CHECK(fuzz::valid_utf8(qwerty_to_cyrillic(text, layout)));
  (void)cyrillic_to_qwerty(text);
  (void)looks_like_wrong_layout(text);
  return 0;
}
