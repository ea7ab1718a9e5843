#include "stemmers/utf8.h"
#include "stemmers/translit.h"

#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <memory>
#include <span>
#include <stdexcept>

#include "stemmers/normalize.h"

namespace letopis::analysis {
namespace {

// ---------------------------------------------------------------------------
// UTF-8 and ICU plumbing.


icu::UnicodeString to_unicode(std::string_view s) {
  return icu::UnicodeString::fromUTF8(
      icu::StringPiece(s.data(), static_cast<int32_t>(std::min<size_t>(s.size(), INT32_MAX))));
}

enum TransformId : int {
  kRussianBgn,
  kKazakhBgn,
  kToAscii,
  kFoldPrep,
  kLatinPrep,
  kTransformCount
};

// Folds Latin to lowercase ASCII, keeping the sound of the letters that
// Latin-ASCII would reduce to a different one (ş is sh, not s). kFoldPrep runs
// Any-Latin first so that stray Cyrillic becomes Latin rather than
// disappearing; kLatinPrep leaves other scripts alone (lowercased).
constexpr char16_t kAnyLatinRule[] = u":: Any-Latin ;";
constexpr char16_t kLatinPrepRules[] =
    u":: NFC ;"
    u"[šŠşŞșȘ] > sh ;"
    u"[čČçÇ] > ch ;"
    u"[žŽ] > zh ;"
    u":: Latin-ASCII ;"
    u":: Lower ;";

std::unique_ptr<icu::Transliterator> make_transform(TransformId id) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::Transliterator> t;
  const char* name = "";
  switch (id) {
    case kRussianBgn: name = "Russian-Latin/BGN"; break;
    case kKazakhBgn: name = "Kazakh-Latin/BGN"; break;
    case kToAscii: name = "Any-Latin; Latin-ASCII; Lower"; break;
    case kFoldPrep: name = "letopis-fold-prep"; break;
    case kLatinPrep: name = "letopis-latin-prep"; break;
    case kTransformCount: break;
  }
  if (id == kFoldPrep || id == kLatinPrep) {
    icu::UnicodeString rules(kLatinPrepRules);
    if (id == kFoldPrep) rules.insert(0, icu::UnicodeString(kAnyLatinRule));
    UParseError parse_error;
    t.reset(icu::Transliterator::createFromRules(name, rules, UTRANS_FORWARD, parse_error, status));
  } else {
    t.reset(icu::Transliterator::createInstance(icu::UnicodeString::fromUTF8(name),
                                                UTRANS_FORWARD, status));
  }
  if (U_FAILURE(status) || !t) {
    throw std::runtime_error(std::string("ICU transliterator ") + name + ": " + u_errorName(status));
  }
  return t;
}

// ICU transliterators are not thread-safe, so each thread has its own. ICU
// caches parsed rules process-wide, so creating one per thread is cheap.
icu::Transliterator& transform(TransformId id) {
  thread_local std::array<std::unique_ptr<icu::Transliterator>, kTransformCount> cache;
  auto& slot = cache[static_cast<size_t>(id)];
  if (!slot) slot = make_transform(id);
  return *slot;
}

// Runs transforms over s; keeps ASCII [a-z0-9], and '-' and ' ' if keep_joiners.
std::string ascii_key(icu::UnicodeString u, std::initializer_list<TransformId> ids,
                      bool keep_joiners) {
  for (TransformId id : ids) transform(id).transliterate(u);
  std::string utf8;
  u.toUTF8String(utf8);
  std::string out;
  out.reserve(utf8.size());
  for (char c : utf8) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
        (keep_joiners && (c == '-' || c == ' '))) {
      out += c;
    }
  }
  return out;
}

bool has_kazakh_letter(std::u32string_view s) {
  return std::any_of(s.begin(), s.end(), [](char32_t c) { return is_kazakh_letter(c); });
}

bool has_kazakh_letter(const icu::UnicodeString& u) {
  for (int32_t i = 0; i < u.length(); ++i) {
    if (is_kazakh_letter(u.charAt(i))) return true;
  }
  return false;
}

// BGN romanization of a normalized word as an ASCII key.
std::string bgn_key(const icu::UnicodeString& normalized, bool kazakh) {
  return ascii_key(normalized, {kazakh ? kKazakhBgn : kRussianBgn, kToAscii}, true);
}

// ---------------------------------------------------------------------------
// Kazakh Latin alphabet, 2021 version (presented 28 January 2021).
//
// Certain: the 31 letters and the native-letter mapping, which match the
// published table and its sample text (Būryñğy ötken zamanda, bır danyşpan
// kısı...): ә ä, ғ ğ, қ q, ң ñ, ө ö, ұ ū, ү ü, ш ş, і ı, ы y, и/й i (İ), у u,
// х/һ h, ж j.
// Less certain, letters with no letter of their own in 2021, written as the
// table's digraphs: ё io, ю iu, я ia, ц ts, ч ch, щ şş; ъ and ь are dropped,
// э is e. Some renderings of the same table use Ŋ for ң and Ç for ч (the
// 2019 draft had Ç); to_cyrillic() reads those too.
struct Kz2021 {
  char32_t cyrillic;  // lower case
  const char* lower;
  const char* title;  // upper-case letter inside a mixed-case word
  const char* upper;  // upper-case letter in an all-caps word
};

constexpr Kz2021 kKz2021[] = {
    {U'а', "a", "A", "A"},     {U'ә', "ä", "Ä", "Ä"},     {U'б', "b", "B", "B"},
    {U'в', "v", "V", "V"},     {U'г', "g", "G", "G"},     {U'ғ', "ğ", "Ğ", "Ğ"},
    {U'д', "d", "D", "D"},     {U'е', "e", "E", "E"},     {U'ё', "io", "Io", "IO"},
    {U'ж', "j", "J", "J"},     {U'з', "z", "Z", "Z"},     {U'и', "i", "İ", "İ"},
    {U'й', "i", "İ", "İ"},     {U'к', "k", "K", "K"},     {U'қ', "q", "Q", "Q"},
    {U'л', "l", "L", "L"},     {U'м', "m", "M", "M"},     {U'н', "n", "N", "N"},
    {U'ң', "ñ", "Ñ", "Ñ"},     {U'о', "o", "O", "O"},     {U'ө', "ö", "Ö", "Ö"},
    {U'п', "p", "P", "P"},     {U'р', "r", "R", "R"},     {U'с', "s", "S", "S"},
    {U'т', "t", "T", "T"},     {U'у', "u", "U", "U"},     {U'ұ', "ū", "Ū", "Ū"},
    {U'ү', "ü", "Ü", "Ü"},     {U'ф', "f", "F", "F"},     {U'х', "h", "H", "H"},
    {U'һ', "h", "H", "H"},     {U'ц', "ts", "Ts", "TS"},  {U'ч', "ch", "Ch", "CH"},
    {U'ш', "ş", "Ş", "Ş"},     {U'щ', "şş", "Şş", "ŞŞ"},  {U'ъ', "", "", ""},
    {U'ы', "y", "Y", "Y"},     {U'і', "ı", "I", "I"},     {U'ь', "", "", ""},
    {U'э', "e", "E", "E"},     {U'ю', "iu", "Iu", "IU"},  {U'я', "ia", "Ia", "IA"},
};

const Kz2021* kz2021_entry(char32_t lower) {
  for (const Kz2021& e : kKz2021) {
    if (e.cyrillic == lower) return &e;
  }
  return nullptr;
}

bool is_upper(char32_t c) { return u_isupper(static_cast<UChar32>(c)); }
bool is_alpha(char32_t c) { return u_isalpha(static_cast<UChar32>(c)); }

// ---------------------------------------------------------------------------
// latin_fold. The rules, applied to the lowercase ASCII form:
//   1. units, longest first: shsh shch sch -> sh; tsch tch -> ch; dzh zh dj -> j;
//      kh -> h; gh -> g; ph -> f; th -> t; ck c q -> k; x -> ks; w -> v;
//      tz -> ts; y -> i. (ch and sh stay units, so their c and h are kept.)
//   2. h before a consonant or at the end -> k: Russian writes Kazakh қ so
//      (Қазақстан/Казахстан), and kh/q then agree: kazakhstan = qazaqstan.
//   3. i before e at the start or after a vowel is dropped: ye = e
//      (Yelena/Elena, Sergeyev/Sergeev, Grigoryev/Grigoriev).
//   4. a doubled unit is written once (Gennady/Genady, Yuriy/Yuri: iuri).
// The result is folded again until it no longer changes, so the fold is
// idempotent.

bool is_vowel_unit(std::string_view u) {
  return u.size() == 1 && std::string_view("aeiou").find(u[0]) != std::string_view::npos;
}

std::string fold_once(std::string_view s) {
  struct Rule {
    std::string_view from, to;
  };
  // Longest first within each starting letter; the first match wins.
  static constexpr Rule kRules[] = {
      {"shsh", "sh"}, {"shch", "sh"}, {"sch", "sh"}, {"tsch", "ch"}, {"tch", "ch"},
      {"dzh", "j"},   {"zh", "j"},    {"dj", "j"},   {"kh", "h"},    {"gh", "g"},
      {"ph", "f"},    {"th", "t"},    {"ch", "ch"},  {"sh", "sh"},   {"ck", "k"},
      {"tz", "ts"},   {"ts", "ts"},   {"c", "k"},    {"q", "k"},     {"x", "ks"},
      {"w", "v"},     {"y", "i"},
  };
  std::vector<std::string_view> units;
  units.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const Rule* hit = nullptr;
    for (const Rule& r : kRules) {
      if (s.substr(i, r.from.size()) == r.from) {
        hit = &r;
        break;
      }
    }
    if (hit) {
      // "ks" is two units so that a doubled k or s around it still collapses.
      if (hit->to == "ks") {
        units.push_back("k");
        units.push_back("s");
      } else {
        units.push_back(hit->to);
      }
      i += hit->from.size();
    } else {
      units.push_back(s.substr(i, 1));
      ++i;
    }
  }
  // 2. h before a consonant or at the end.
  for (size_t i = 0; i < units.size(); ++i) {
    if (units[i] == "h" && (i + 1 == units.size() || !is_vowel_unit(units[i + 1]))) units[i] = "k";
  }
  // 3. ye -> e at the start or after a vowel.
  std::vector<std::string_view> kept;
  kept.reserve(units.size());
  for (size_t i = 0; i < units.size(); ++i) {
    if (units[i] == "i" && i + 1 < units.size() && units[i + 1] == "e" &&
        (kept.empty() || is_vowel_unit(kept.back()))) {
      continue;
    }
    kept.push_back(units[i]);
  }
  // 4. doubled units.
  std::string out;
  out.reserve(s.size());
  std::string_view prev;
  for (std::string_view u : kept) {
    if (u != prev) out += u;
    prev = u;
  }
  return out;
}

std::string fold_ascii(std::string s) {
  for (int pass = 0; pass < 8; ++pass) {
    std::string next = fold_once(s);
    if (next == s) break;
    s = std::move(next);
  }
  return s;
}

// ---------------------------------------------------------------------------
// to_cyrillic rule tables: Latin units, longest first, to Cyrillic.

struct LatinRule {
  std::u32string_view from;
  std::u32string_view to;
};

constexpr LatinRule kRussianRules[] = {
    {U"shch", U"щ"}, {U"tsch", U"ч"}, {U"sch", U"щ"}, {U"zh", U"ж"}, {U"kh", U"х"},
    {U"tz", U"ц"},   {U"ts", U"ц"},   {U"tch", U"ч"}, {U"ch", U"ч"}, {U"sh", U"ш"},
    {U"gh", U"г"},   {U"ph", U"ф"},   {U"th", U"т"},  {U"ck", U"к"}, {U"ya", U"я"},
    {U"yu", U"ю"},   {U"yo", U"е"},   {U"ye", U"е"},  {U"a", U"а"},  {U"b", U"б"},
    {U"v", U"в"},    {U"g", U"г"},    {U"d", U"д"},   {U"e", U"е"},  {U"z", U"з"},
    {U"i", U"и"},    {U"k", U"к"},    {U"l", U"л"},   {U"m", U"м"},  {U"n", U"н"},
    {U"o", U"о"},    {U"p", U"п"},    {U"r", U"р"},   {U"s", U"с"},  {U"t", U"т"},
    {U"u", U"у"},    {U"f", U"ф"},    {U"h", U"х"},   {U"j", U"дж"}, {U"q", U"к"},
    {U"w", U"в"},    {U"x", U"кс"},   {U"'", U"ь"},    {U"\"", U"ъ"},
};

constexpr LatinRule kKazakhRules[] = {
    {U"shch", U"щ"}, {U"şş", U"щ"}, {U"sh", U"ш"}, {U"ch", U"ч"}, {U"ts", U"ц"},
    {U"zh", U"ж"},   {U"kh", U"х"}, {U"gh", U"ғ"}, {U"io", U"е"}, {U"iu", U"ю"},
    {U"ia", U"я"},   {U"ya", U"я"}, {U"yu", U"ю"}, {U"ye", U"е"}, {U"a", U"а"},  {U"ä", U"ә"},
    {U"á", U"ә"},    {U"b", U"б"},  {U"v", U"в"},  {U"g", U"г"},  {U"ğ", U"ғ"},
    {U"ǵ", U"ғ"},    {U"d", U"д"},  {U"e", U"е"},  {U"j", U"ж"},  {U"z", U"з"},
    {U"i", U"и"},    {U"ı", U"і"},  {U"k", U"к"},  {U"q", U"қ"},  {U"l", U"л"},
    {U"m", U"м"},    {U"n", U"н"},  {U"ñ", U"ң"},  {U"ŋ", U"ң"},  {U"ń", U"ң"},
    {U"o", U"о"},    {U"ö", U"ө"},  {U"ó", U"ө"},  {U"p", U"п"},  {U"r", U"р"},
    {U"s", U"с"},    {U"ş", U"ш"},  {U"t", U"т"},  {U"u", U"у"},  {U"ū", U"ұ"},
    {U"ü", U"ү"},    {U"ú", U"ү"},  {U"ý", U"у"},  {U"w", U"у"},  {U"f", U"ф"},
    {U"h", U"х"},    {U"y", U"ы"},  {U"ç", U"ч"},  {U"c", U"к"},  {U"x", U"кс"},
};

bool is_latin_vowel(char32_t c) { return std::u32string_view(U"aeiouyäöüūıáóúý").find(c) != std::u32string_view::npos; }

// Russian special cases around y and i, which BGN leaves ambiguous without its
// ʹ marks. Returns the number of input letters consumed, 0 if none applies.
size_t russian_special(std::u32string_view s, size_t i, std::u32string& out) {
  const char32_t c = s[i];
  const bool at_end = i + 1 == s.size();
  const char32_t prev = i > 0 ? s[i - 1] : 0;
  if (c == U'y' && at_end && prev != 0) {
    if (is_latin_vowel(prev)) {
      out += U'й';  // Sergey, Tsoy
    } else if (std::u32string_view(U"kghrldn").find(prev) != std::u32string_view::npos) {
      // Zelensky, Dmitry, Vasily, Gennady, Yevgeny (no Russian word ends in
      // кы/гы/хы; after р л д н names in -ий are commoner than plurals)
      out += U"ий";
    } else {
      out += U'ы';  // Almaty
    }
    return 1;
  }
  if (c == U'y' && prev != 0 && is_latin_vowel(prev)) {
    out += U'й';  // Baykal; y before a vowel was taken by ya/yu/ye/yo
    return 1;
  }
  if (c == U'y') {
    out += U'ы';  // Bykov, Shymkent
    return 1;
  }
  if (c == U'i' && at_end && prev != 0 && is_latin_vowel(prev)) {
    out += U'й';  // Sergei, Nikolai; also the second i of Dmitrii
    return 1;
  }
  if (c == U'i' && i + 2 == s.size() && s[i + 1] == U'a') {
    out += U"ия";  // Maria
    return 2;
  }
  if (c == U'c' && i + 1 < s.size() && (s[i + 1] == U'e' || s[i + 1] == U'i' || s[i + 1] == U'y')) {
    out += U'с';  // Vincent
    return 1;
  }
  if (c == U'c' && (i + 1 == s.size() || (s[i + 1] != U'h' && s[i + 1] != U'k'))) {
    out += U'к';  // c as in ch and ck is left to the table
    return 1;
  }
  return 0;
}

}  // namespace

// ---------------------------------------------------------------------------

std::string to_latin(std::string_view word, Lang lang) {
  const icu::UnicodeString u = to_unicode(normalize(word));
  return bgn_key(u, lang == Lang::kk || has_kazakh_letter(u));
}

std::string kazakh_latin_2021(std::string_view word) {
  const std::u32string s = decode_utf8(word);
  std::string out;
  out.reserve(word.size() + 8);
  for (size_t i = 0; i < s.size(); ++i) {
    const char32_t c = s[i];
    const bool upper = is_upper(c);
    const char32_t lower = upper ? static_cast<char32_t>(u_tolower(static_cast<UChar32>(c))) : c;
    const Kz2021* e = kz2021_entry(lower);
    if (!e) {
      append_utf8(out, c);
      continue;
    }
    if (!upper) {
      out += e->lower;
      continue;
    }
    // An upper-case digraph is all caps when its neighbours are capitals too.
    const bool next_upper = i + 1 < s.size() && is_alpha(s[i + 1]) && is_upper(s[i + 1]);
    const bool word_ends = i + 1 >= s.size() || !is_alpha(s[i + 1]);
    const bool prev_upper = i > 0 && is_alpha(s[i - 1]) && is_upper(s[i - 1]);
    out += (next_upper || (word_ends && prev_upper)) ? e->upper : e->title;
  }
  return out;
}

std::string kazakh_latin_2021_ascii(std::string_view word) {
  const std::string latin = kazakh_latin_2021(normalize(word));
  return ascii_key(to_unicode(latin), {kToAscii}, true);
}

std::string latin_fold(std::string_view latin_word) {
  const icu::UnicodeString u = to_unicode(latin_word);
  bool cyrillic = false;
  for (int32_t i = 0; i < u.length() && !cyrillic; ++i) cyrillic = is_cyrillic(u.charAt(i));
  if (!cyrillic) return fold_ascii(ascii_key(u, {kFoldPrep}, false));
  return fold_ascii(ascii_key(u, {has_kazakh_letter(u) ? kKazakhBgn : kRussianBgn, kFoldPrep}, false));
}

std::vector<std::string> latin_keys(std::string_view word, Lang lang) {
  const std::string normalized = normalize(word);
  const std::u32string s = decode_utf8(normalized);
  const bool cyrillic = std::any_of(s.begin(), s.end(), [](char32_t c) { return is_cyrillic(c); });
  std::vector<std::string> keys;
  if (!cyrillic) {
    keys.push_back(latin_fold(normalized));
  } else {
    const icu::UnicodeString u = to_unicode(normalized);
    const bool kazakh_letters = has_kazakh_letter(s);
    // Russian BGN knows no Kazakh letters; Kazakh BGN covers the Russian ones.
    if (!kazakh_letters) keys.push_back(fold_ascii(ascii_key(u, {kRussianBgn, kFoldPrep}, false)));
    if (lang == Lang::kk || kazakh_letters) {
      keys.push_back(fold_ascii(ascii_key(u, {kKazakhBgn, kFoldPrep}, false)));
      const std::string latin2021 = kazakh_latin_2021(normalized);
      keys.push_back(latin_fold(latin2021));
      // Typed without diacritics: ş as s, not sh.
      keys.push_back(fold_ascii(ascii_key(to_unicode(latin2021), {kToAscii}, false)));
    }
  }
  keys.erase(std::remove(keys.begin(), keys.end(), std::string()), keys.end());
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

std::string to_cyrillic(std::string_view latin_word, Lang target) {
  const bool kazakh = target == Lang::kk;
  std::u32string s;
  if (kazakh) {
    // Lower-case by hand: in the 2021 alphabet capital I is ı and İ is i.
    for (char32_t c : decode_utf8(latin_word)) {
      if (c == U'I') {
        s += U'ı';
      } else if (c == U'İ') {
        s += U'i';
      } else {
        s += static_cast<char32_t>(u_tolower(static_cast<UChar32>(c)));
      }
    }
  } else {
    // ş, š, ž... to their ASCII digraphs; other diacritics dropped.
    icu::UnicodeString u = to_unicode(latin_word);
    transform(kLatinPrep).transliterate(u);
    std::string utf8;
    u.toUTF8String(utf8);
    s = decode_utf8(utf8);
  }
  std::u32string out;
  out.reserve(s.size() + 4);
  const std::u32string_view view(s);
  for (size_t i = 0; i < s.size();) {
    if (!kazakh) {
      // ya/yu/ye/yo are table digraphs; the special cases handle the rest of y.
      const bool y_digraph = s[i] == U'y' && i + 1 < s.size() &&
                             std::u32string_view(U"auoe").find(s[i + 1]) != std::u32string_view::npos;
      if (!y_digraph) {
        if (const size_t n = russian_special(view, i, out)) {
          i += n;
          continue;
        }
      }
    }
    const LatinRule* hit = nullptr;
    const std::span<const LatinRule> rules =
        kazakh ? std::span<const LatinRule>(kKazakhRules) : std::span<const LatinRule>(kRussianRules);
    for (const LatinRule& r : rules) {
      if (view.substr(i, r.from.size()) == r.from) {
        hit = &r;
        break;
      }
    }
    if (hit) {
      out += hit->to;
      i += hit->from.size();
    } else {
      const char32_t c = s[i] == U'ё' ? U'е' : s[i];
      out += static_cast<char32_t>(u_tolower(static_cast<UChar32>(c)));
      ++i;
    }
  }
  std::string result;
  result.reserve(out.size() * 2);
  for (char32_t c : out) append_utf8(result, c == U'ё' ? U'е' : c);
  return result;
}

}  // namespace letopis::analysis
