#include "searchd/rewrite.h"

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <climits>

#include "stemmers/utf8.h"

#include "stemmers/keyboard.h"

namespace letopis::searchd {
namespace {

enum class Script { none, latin, cyrillic };

Script script_of(UChar32 c) {
  UErrorCode err = U_ZERO_ERROR;  // ICU returns USCRIPT_INVALID_CODE for a null one
  const UScriptCode s = uscript_getScript(c, &err);
  if (s == USCRIPT_LATIN) return Script::latin;
  if (s == USCRIPT_CYRILLIC) return Script::cyrillic;
  return Script::none;
}

// The script of a word's letters: none when mixed or neither.
Script word_script(std::string_view w) {
  Script found = Script::none;
  const auto* p = reinterpret_cast<const uint8_t*>(w.data());
  const int32_t len = static_cast<int32_t>(std::min<size_t>(w.size(), INT32_MAX));
  for (int32_t i = 0; i < len;) {
    UChar32 c;
    U8_NEXT(p, i, len, c);
    if (c < 0 || !u_isalpha(c)) continue;
    const Script s = script_of(c);
    if (s == Script::none || (found != Script::none && s != found)) return Script::none;
    found = s;
  }
  return found;
}

size_t letters(std::string_view w) {
  size_t n = 0;
  const auto* p = reinterpret_cast<const uint8_t*>(w.data());
  const int32_t len = static_cast<int32_t>(std::min<size_t>(w.size(), INT32_MAX));
  for (int32_t i = 0; i < len;) {
    UChar32 c;
    U8_NEXT(p, i, len, c);
    if (c >= 0 && u_isalpha(c)) ++n;
  }
  return n;
}

}  // namespace

std::vector<std::string> one_edit_away(std::string_view word) {
  std::vector<std::string> out;
  const Script script = word_script(word);
  if (script == Script::none) return out;
  const std::u32string w = analysis::decode_utf8(word);
  if (w.empty() || w.size() > 32) return out;
  std::u32string alphabet;
  if (script == Script::latin) {
    for (char32_t c = U'a'; c <= U'z'; ++c) alphabet += c;
  } else {
    for (char32_t c = U'а'; c <= U'я'; ++c) alphabet += c;
    alphabet += U"әғқңөұүһі";
  }
  auto emit = [&](const std::u32string& s) {
    std::string u;
    for (char32_t c : s) analysis::append_utf8(u, c);
    out.push_back(std::move(u));
  };
  std::u32string s;
  for (size_t i = 0; i < w.size(); ++i) {  // deletions
    s = w;
    s.erase(i, 1);
    if (!s.empty()) emit(s);
  }
  for (size_t i = 0; i + 1 < w.size(); ++i) {  // transpositions
    s = w;
    std::swap(s[i], s[i + 1]);
    emit(s);
  }
  for (size_t i = 0; i < w.size(); ++i) {  // replacements
    for (char32_t c : alphabet) {
      if (c == w[i]) continue;
      s = w;
      s[i] = c;
      emit(s);
    }
  }
  for (size_t i = 0; i <= w.size(); ++i) {  // insertions
    for (char32_t c : alphabet) {
      s = w;
      s.insert(s.begin() + static_cast<std::ptrdiff_t>(i), c);
      emit(s);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  out.erase(std::remove(out.begin(), out.end(), std::string(word)), out.end());
  return out;
}

std::vector<WordSpan> query_words(std::string_view q) {
  std::vector<WordSpan> out;
  const auto* p = reinterpret_cast<const uint8_t*>(q.data());
  const int32_t len = static_cast<int32_t>(std::min<size_t>(q.size(), INT32_MAX));
  int32_t i = 0;
  while (i < len) {
    int32_t start = i;
    UChar32 c;
    U8_NEXT(p, i, len, c);
    if (c < 0 || !u_isalpha(c)) continue;
    // A run of letters, with single inner apostrophes or hyphens.
    int32_t end = i;
    while (i < len) {
      int32_t j = i;
      UChar32 d;
      U8_NEXT(p, j, len, d);
      if (d >= 0 && u_isalpha(d)) {
        i = end = j;
        continue;
      }
      if (d == '\'' || d == '-' || d == 0x2019) {
        int32_t k = j;
        UChar32 e = -1;
        if (k < len) U8_NEXT(p, k, len, e);
        if (e >= 0 && u_isalpha(e)) {
          i = end = k;
          continue;
        }
      }
      break;
    }
    const std::string_view w = q.substr(static_cast<size_t>(start), static_cast<size_t>(end - start));
    if (w == "AND" || w == "OR" || w == "NOT") continue;  // operators
    if (static_cast<size_t>(end) < q.size() && q[static_cast<size_t>(end)] == ':') continue;  // title:
    out.push_back({static_cast<size_t>(start), static_cast<size_t>(end)});
  }
  return out;
}

double known_share(std::string_view q, const Vocabulary& vocab) {
  size_t words = 0, known = 0;
  for (const WordSpan& s : query_words(q)) {
    const std::string_view w = q.substr(s.begin, s.end - s.begin);
    if (letters(w) < 2) continue;
    ++words;
    if (vocab.freq(w) > 0) ++known;
  }
  return words ? static_cast<double>(known) / static_cast<double>(words) : 1.0;
}

std::string layout_candidate(std::string_view q, const Vocabulary& vocab) {
  // Keys like [ ; ' , . type letters on ЙЦУКЕН: a query with syntax in it
  // is not a layout slip (and converting it would break the syntax).
  if (q.find_first_of("\"()") != std::string_view::npos) return "";
  const std::vector<WordSpan> words = query_words(q);
  if (words.empty() || words.size() > 8) return "";
  Script script = Script::none;
  for (const WordSpan& s : words) {
    const Script w = word_script(q.substr(s.begin, s.end - s.begin));
    if (w == Script::none || (script != Script::none && w != script)) return "";
    script = w;
  }
  std::vector<std::string> candidates;
  if (script == Script::latin) {
    candidates.push_back(analysis::qwerty_to_cyrillic(q, analysis::Lang::ru));
    candidates.push_back(analysis::qwerty_to_cyrillic(q, analysis::Lang::kk));
  } else {
    candidates.push_back(analysis::cyrillic_to_qwerty(q));
  }
  const double original = known_share(q, vocab);
  if (original >= 1.0) return "";
  for (const std::string& c : candidates) {
    if (c == q || query_words(c).empty()) continue;
    if (known_share(c, vocab) >= 1.0) return c;
  }
  return "";
}

std::string spelling_candidate(std::string_view q, const Vocabulary& vocab) {
  std::string out;
  size_t at = 0;
  bool changed = false;
  for (const WordSpan& s : query_words(q)) {
    const std::string_view w = q.substr(s.begin, s.end - s.begin);
    out.append(q.substr(at, s.begin - at));
    at = s.end;
    if (letters(w) >= 3 && vocab.freq(w) == 0) {
      const std::string norm = vocab.normalize(w);
      const std::string fix = norm.empty() ? std::string() : vocab.spelling(norm);
      // A suggestion in another script is not a spelling fix.
      if (!fix.empty() && fix != norm && word_script(fix) == word_script(w) && word_script(w) != Script::none) {
        out += fix;
        changed = true;
        continue;
      }
    }
    out.append(w);
  }
  out.append(q.substr(std::min(at, q.size())));
  return changed ? out : std::string();
}

}  // namespace letopis::searchd
