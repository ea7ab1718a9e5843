#include "stemmers/normalize.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>

#include <stdexcept>

namespace letopis::analysis {
namespace {

const icu::Normalizer2& nfkc() {
  static const icu::Normalizer2* n = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* p = icu::Normalizer2::getNFKCInstance(status);
    if (U_FAILURE(status) || p == nullptr) {
      throw std::runtime_error(std::string("ICU nfkc unavailable: ") + u_errorName(status));
    }
    return p;
  }();
  return *n;
}

const icu::Normalizer2& nfkc_cf() {
  static const icu::Normalizer2* n = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* p = icu::Normalizer2::getNFKCCasefoldInstance(status);
    if (U_FAILURE(status) || p == nullptr) {
      throw std::runtime_error(std::string("ICU nfkc_cf unavailable: ") + u_errorName(status));
    }
    return p;
  }();
  return *n;
}

// Punctuation that people type in many shapes; one shape each keeps the
// tokenizer's rules (MidLetter for apostrophes, hyphen joins) predictable.
char16_t unify_punct(char16_t c, bool fold_yo) {
  switch (c) {
    case 0x2018: case 0x2019: case 0x201B: case 0x02BC: case 0x02B9:
    case 0x0060: case 0x00B4: case 0x2032: case 0xFF07:
      return u'\'';
    case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x00AB:
    case 0x00BB: case 0x2033: case 0x301D: case 0x301E:
      return u'"';
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014:
    case 0x2015: case 0x2212: case 0xFE58: case 0xFE63: case 0xFF0D:
      return u'-';
    case 0x0451: return fold_yo ? 0x0435 : c;  // ё -> е
    case 0x0401: return fold_yo ? 0x0415 : c;  // Ё -> Е (case folding already lowers it)
    default:
      return c;
  }
}

// Latin letters that look like Cyrillic ones, after case folding (so an
// upper-case Latin "H" that stood for "Н" is now "h").
char16_t latin_to_cyrillic(char16_t c) {
  switch (c) {
    case u'a': return 0x0430; case u'b': return 0x0432; case u'c': return 0x0441;
    case u'e': return 0x0435; case u'h': return 0x043D; case u'i': return 0x0456;
    case u'k': return 0x043A; case u'm': return 0x043C; case u'o': return 0x043E;
    case u'p': return 0x0440; case u't': return 0x0442; case u'x': return 0x0445;
    case u'y': return 0x0443;
    default: return 0;
  }
}

char16_t cyrillic_to_latin(char16_t c) {
  switch (c) {
    case 0x0430: return u'a'; case 0x0432: return u'b'; case 0x0441: return u'c';
    case 0x0435: return u'e'; case 0x043D: return u'h'; case 0x0456: return u'i';
    case 0x043A: return u'k'; case 0x043C: return u'm'; case 0x043E: return u'o';
    case 0x0440: return u'p'; case 0x0442: return u't'; case 0x0445: return u'x';
    case 0x0443: return u'y';
    default: return 0;
  }
}

// Folds look-alikes in one run of letters [begin, end). True if a folded
// letter is followed by a character that may compose with it (a combining
// mark): the text must then be normalized again.
bool fold_lookalikes(icu::UnicodeString& s, int32_t begin, int32_t end, int cyr, int lat, const icu::Normalizer2& n) {
  if (cyr == 0 || lat == 0) return false;
  const bool to_cyrillic = cyr >= lat;
  bool composes = false;
  for (int32_t i = begin; i < end; ++i) {
    char16_t c = s.charAt(i);
    char16_t m = to_cyrillic ? latin_to_cyrillic(c) : cyrillic_to_latin(c);
    if (m == 0) continue;
    s.setCharAt(i, m);
    composes = composes || (i + 1 < s.length() && !n.hasBoundaryBefore(s.char32At(i + 1)));
  }
  return composes;
}

}  // namespace

char32_t latin_lookalike(char32_t c) { return c > 0xFFFF ? 0 : cyrillic_to_latin(static_cast<char16_t>(c)); }

bool is_kazakh_letter(char32_t c) {
  switch (c) {
    case 0x04D9: case 0x04D8:  // ә
    case 0x0493: case 0x0492:  // ғ
    case 0x049B: case 0x049A:  // қ
    case 0x04A3: case 0x04A2:  // ң
    case 0x04E9: case 0x04E8:  // ө
    case 0x04B1: case 0x04B0:  // ұ
    case 0x04AF: case 0x04AE:  // ү
    case 0x04BB: case 0x04BA:  // һ
    case 0x0456: case 0x0406:  // і
      return true;
    default:
      return false;
  }
}

bool is_cyrillic(char32_t c) { return c >= 0x0400 && c <= 0x04FF; }

bool is_latin_letter(char32_t c) {
  return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') ||
         (c >= 0x00C0 && c <= 0x024F && c != 0x00D7 && c != 0x00F7);
}

namespace {

// One pass of normalize_in_place; true if a look-alike it folded may now
// compose with the mark after it.
bool normalize_pass(icu::UnicodeString& text, NormalizeOptions options) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2& n = options.fold_case ? nfkc_cf() : nfkc();
  // Most news text is already normalized: the quick check skips the copy.
  if (!n.isNormalized(text, status) || U_FAILURE(status)) {
    status = U_ZERO_ERROR;
    icu::UnicodeString out;
    n.normalize(text, out, status);
    if (U_FAILURE(status)) throw std::runtime_error(std::string("ICU normalize: ") + u_errorName(status));
    text = std::move(out);
  }
  // One pass: punctuation, ё, and look-alike folding per run of letters.
  const int32_t len = text.length();
  int32_t run_begin = -1;
  int cyr = 0, lat = 0;
  bool composes = false;
  for (int32_t i = 0; i <= len; ++i) {
    char16_t c = i < len ? text.charAt(i) : 0;
    if (i < len) {
      char16_t u = unify_punct(c, options.fold_yo);
      if (u != c) {
        text.setCharAt(i, u);
        c = u;
      }
    }
    // A run is what word breaking keeps together (letters of class ALetter):
    // an ideograph or kana is a word of its own, so a run that went across
    // one would fold look-alikes by letters of another word, and a token's
    // own normalization would fold them back (found by fuzz_analyzer:
    // «года» + an ideograph + "doaaaa…" gave the token «гoдa», Latin o, a).
    const bool letter = i < len && (is_cyrillic(c) || is_latin_letter(c) ||
                                    (u_isalpha(c) && u_getIntPropertyValue(c, UCHAR_WORD_BREAK) == U_WB_ALETTER));
    if (letter) {
      if (run_begin < 0) {
        run_begin = i;
        cyr = lat = 0;
      }
      if (is_cyrillic(c)) ++cyr;
      else if (is_latin_letter(c)) ++lat;
    } else if (run_begin >= 0) {
      composes = fold_lookalikes(text, run_begin, i, cyr, lat, n) || composes;
      run_begin = -1;
    }
  }
  return composes;
}

}  // namespace

void normalize_in_place(icu::UnicodeString& text, NormalizeOptions options) {
  // A look-alike folded before a combining mark may compose with it: a
  // Cyrillic т + caron in a mostly Latin word becomes Latin t + caron,
  // which NFKC makes ť (found by fuzz_analyzer). Normalizing once more
  // then leaves the text as it is; the second pass folds nothing new (a
  // composed letter keeps its script), the third is a safeguard.
  for (int pass = 0; pass < 3 && normalize_pass(text, options); ++pass) {
  }
}

std::string normalize(std::string_view utf8) {
  // fromUTF8 replaces ill-formed sequences with U+FFFD.
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  normalize_in_place(s);
  std::string out;
  s.toUTF8String(out);
  return out;
}

}  // namespace letopis::analysis
