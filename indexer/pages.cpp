#include "indexer/pages.h"

#include "indexer/hash.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <unicode/uchar.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <climits>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <unordered_set>
#include <vector>

namespace letopis {
namespace {

// Builds the error field by field: GCC 12 at -O3 warns (falsely) about
// maybe-uninitialized strings in a braced temporary SourceError.
void report(const ErrorFn& on_error, std::string file, std::string reason) {
  SourceError e;
  e.where.file = std::move(file);
  e.where.line = 0;
  e.reason = std::move(reason);
  on_error(e);
}

}  // namespace

namespace {

namespace fs = std::filesystem;

// ---------------------------------------------------------------- UTF-8 ----

// Decodes the code point at s[i] and advances i past it. An invalid or
// truncated sequence (overlong, surrogate, > U+10FFFF) gives -1 and advances
// one byte, so every byte is visited once.
int32_t next_cp(std::string_view s, size_t& i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    ++i;
    return c;
  }
  size_t n;
  int32_t cp, min;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 1, cp = c & 0x1F, min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 2, cp = c & 0x0F, min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 3, cp = c & 0x07, min = 0x10000;
  } else {
    ++i;
    return -1;
  }
  if (i + n >= s.size()) {
    ++i;
    return -1;
  }
  for (size_t k = 1; k <= n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return -1;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return -1;
  }
  i += n + 1;
  return cp;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Horizontal and vertical white space, including the no-break spaces that
// scraped news text is full of.
bool is_space_cp(int32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' || cp == 0xA0 ||
         cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000;
}

// Control characters have no place in fields that become terms or facet
// values (C1 controls come from mis-decoded windows-1252).
bool is_control_cp(int32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

struct ByteCheck {
  bool has_nul = false;
  size_t invalid = 0;  // bytes not part of a valid UTF-8 sequence
};

ByteCheck check_bytes(std::string_view s) {
  ByteCheck r;
  r.has_nul = s.find('\0') != std::string_view::npos;
  for (size_t i = 0; i < s.size();) {
    if (next_cp(s, i) < 0) ++r.invalid;
  }
  return r;
}

// A text with more than this share of invalid UTF-8 bytes is in another
// encoding (or binary), and repairing it would index noise.
constexpr double kMaxInvalidShare = 0.05;

bool mostly_invalid(const ByteCheck& c, size_t size) {
  return size > 0 && static_cast<double>(c.invalid) > kMaxInvalidShare * static_cast<double>(size);
}

std::string percent(size_t part, size_t whole) {
  return std::to_string(whole ? static_cast<int>(std::lround(100.0 * static_cast<double>(part) / whole)) : 0) + "%";
}

// Collapses white space runs to one space, trims, drops control characters
// and turns invalid UTF-8 into U+FFFD. The result is always valid UTF-8.
std::string collapse(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool space = false;
  for (size_t i = 0; i < s.size();) {
    int32_t cp = next_cp(s, i);
    if (cp < 0) cp = 0xFFFD;
    if (is_space_cp(cp)) {
      space = !out.empty();
      continue;
    }
    if (is_control_cp(cp)) continue;
    if (space) out += ' ';
    space = false;
    append_utf8(out, static_cast<char32_t>(cp));
  }
  return out;
}

std::string_view trim_view(std::string_view s) {
  while (!s.empty()) {
    if (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n') {
      s.remove_prefix(1);
    } else if (s.size() >= 2 && s[0] == '\xC2' && s[1] == '\xA0') {
      s.remove_prefix(2);
    } else {
      break;
    }
  }
  while (!s.empty()) {
    if (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n') {
      s.remove_suffix(1);
    } else if (s.size() >= 2 && s[s.size() - 2] == '\xC2' && s.back() == '\xA0') {
      s.remove_suffix(2);
    } else {
      break;
    }
  }
  return s;
}

size_t count_chars(std::string_view s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string ascii_lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return r;
}

bool starts_with_bytes(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Page ids were always hashed from FNV's textbook offset basis.
uint64_t fnv1a(std::string_view s) { return fnv1a64(s, 14695981039346656037ull); }

// ---------------------------------------------------------------- dates ----

bool valid_ymd(int y, int m, int d) {
  if (y < 1000 || y > 2999 || m < 1 || m > 12 || d < 1) return false;
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[static_cast<size_t>(m - 1)] + (m == 2 && leap ? 1 : 0);
}

std::string format_ymd(int y, int m, int d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

// "YYYY-MM-DD" (optionally followed by 'T' or ' ' and a time) -> the date.
std::string iso_date_prefix(std::string_view s) {
  s = trim_view(s);
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return {};
  if (s.size() > 10 && s[10] != 'T' && s[10] != ' ') return {};
  int v[3] = {0, 0, 0};
  const size_t starts[3] = {0, 5, 8}, lens[3] = {4, 2, 2};
  for (int f = 0; f < 3; ++f) {
    for (size_t k = 0; k < lens[f]; ++k) {
      const char c = s[starts[f] + k];
      if (c < '0' || c > '9') return {};
      v[f] = v[f] * 10 + (c - '0');
    }
  }
  return valid_ymd(v[0], v[1], v[2]) ? format_ymd(v[0], v[1], v[2]) : std::string();
}

enum class TokKind : uint8_t { number, word, punct, space };

struct DateToken {
  TokKind kind;
  std::string text;  // number: its digits; word: lower-cased
  int32_t ch = 0;    // punct: the character
};

// Numbers (ASCII digit runs), words (letter runs, lower-cased), single
// punctuation characters and collapsed white space.
std::vector<DateToken> date_tokens(std::string_view s) {
  std::vector<DateToken> out;
  for (size_t i = 0; i < s.size();) {
    const size_t start = i;
    const int32_t cp = next_cp(s, i);
    if (cp >= '0' && cp <= '9') {
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
      out.push_back({TokKind::number, std::string(s.substr(start, i - start))});
    } else if (cp >= 0 && is_space_cp(cp)) {
      for (size_t k = i; k < s.size(); i = k) {
        const int32_t c2 = next_cp(s, k);
        if (c2 < 0 || !is_space_cp(c2)) break;
      }
      out.push_back({TokKind::space, {}});
    } else if (cp >= 0 && u_isalpha(cp)) {
      std::string w;
      append_utf8(w, static_cast<char32_t>(u_tolower(cp)));
      for (size_t k = i; k < s.size(); i = k) {
        const int32_t c2 = next_cp(s, k);
        if (c2 < 0 || !u_isalpha(c2)) break;
        append_utf8(w, static_cast<char32_t>(u_tolower(c2)));
      }
      out.push_back({TokKind::word, std::move(w)});
    } else {
      out.push_back({TokKind::punct, {}, cp});
    }
  }
  return out;
}

constexpr std::array<std::string_view, 12> kEnglishMonths = {"january",   "february", "march",    "april",
                                                             "may",       "june",     "july",     "august",
                                                             "september", "october",  "november", "december"};
constexpr std::array<std::string_view, 12> kRussianMonthsGenitive = {"января",   "февраля", "марта",  "апреля",
                                                                     "мая",      "июня",    "июля",   "августа",
                                                                     "сентября", "октября", "ноября", "декабря"};
constexpr std::array<std::string_view, 12> kKazakhMonths = {"қаңтар",   "ақпан",  "наурыз", "сәуір",
                                                            "мамыр",    "маусым", "шілде",  "тамыз",
                                                            "қыркүйек", "қазан",  "қараша", "желтоқсан"};

// 1..12 for an English month name or its 3-letter abbreviation ("sept" too).
int english_month(std::string_view w) {
  for (size_t m = 0; m < 12; ++m) {
    if (w == kEnglishMonths[m] || (w.size() == 3 && kEnglishMonths[m].substr(0, 3) == w))
      return static_cast<int>(m) + 1;
  }
  return w == "sept" ? 9 : 0;
}

// 1..12 for a Kazakh month name with up to four letters of case ending:
// сәуірде, қарашада, қыркүйекте, сәуірінде.
int kazakh_month(std::string_view w) {
  for (size_t m = 0; m < 12; ++m) {
    if (starts_with_bytes(w, kKazakhMonths[m]) && count_chars(w.substr(kKazakhMonths[m].size())) <= 4) {
      return static_cast<int>(m) + 1;
    }
  }
  return 0;
}

int any_month(std::string_view w) {
  if (int m = english_month(w)) return m;
  for (size_t m = 0; m < 12; ++m) {
    if (w == kRussianMonthsGenitive[m]) return static_cast<int>(m) + 1;
  }
  return kazakh_month(w);
}

class DateScanner {
 public:
  explicit DateScanner(std::vector<DateToken> t) : t_(std::move(t)) {}

  std::string first_date() const {
    for (size_t i = 0; i < t_.size(); ++i) {
      int y = 0, m = 0, d = 0;
      if ((iso(i, y, m, d) || dotted(i, y, m, d) || day_month_year(i, y, m, d) || month_day_year(i, y, m, d) ||
           kazakh_year_first(i, y, m, d)) &&
          valid_ymd(y, m, d)) {
        return format_ymd(y, m, d);
      }
    }
    return {};
  }

 private:
  std::vector<DateToken> t_;

  bool num(size_t j, size_t lo, size_t hi) const {
    return j < t_.size() && t_[j].kind == TokKind::number && t_[j].text.size() >= lo && t_[j].text.size() <= hi;
  }
  bool punct(size_t j, int32_t c) const { return j < t_.size() && t_[j].kind == TokKind::punct && t_[j].ch == c; }
  bool space(size_t j) const { return j < t_.size() && t_[j].kind == TokKind::space; }
  bool word(size_t j) const { return j < t_.size() && t_[j].kind == TokKind::word; }
  int value(size_t j) const { return std::stoi(t_[j].text); }  // REQUIRES: num(j, 1, 4)
  bool ordinal(size_t j) const {
    return word(j) && (t_[j].text == "st" || t_[j].text == "nd" || t_[j].text == "rd" || t_[j].text == "th");
  }

  // 2022-04-20, 2022/04/20
  bool iso(size_t i, int& y, int& m, int& d) const {
    if (!num(i, 4, 4) || !num(i + 2, 1, 2) || !num(i + 4, 1, 2)) return false;
    for (int32_t sep : {'-', '/'}) {
      if (punct(i + 1, sep) && punct(i + 3, sep)) {
        y = value(i), m = value(i + 2), d = value(i + 4);
        return true;
      }
    }
    return false;
  }

  // 20.04.2022, not inside a longer dotted number such as 1.20.04.2022.
  bool dotted(size_t i, int& y, int& m, int& d) const {
    if (!num(i, 1, 2) || !punct(i + 1, '.') || !num(i + 2, 1, 2) || !punct(i + 3, '.') || !num(i + 4, 4, 4)) {
      return false;
    }
    if (i >= 2 && punct(i - 1, '.') && num(i - 2, 1, 9)) return false;
    if (punct(i + 5, '.') && num(i + 6, 1, 9)) return false;
    d = value(i), m = value(i + 2), y = value(i + 4);
    return true;
  }

  // 20 апреля 2022 (года), 20 April 2022, 20th Apr. 2022, 16 сәуір 2024
  bool day_month_year(size_t i, int& y, int& m, int& d) const {
    if (!num(i, 1, 2)) return false;
    size_t j = i + 1;
    if (ordinal(j)) ++j;
    if (!space(j) || !word(j + 1)) return false;
    m = any_month(t_[j + 1].text);
    if (m == 0) return false;
    j += 2;
    if (punct(j, '.')) ++j;
    const bool had_space = space(j);
    if (had_space) ++j;
    if (punct(j, ',')) {
      ++j;
      if (space(j)) ++j;
    } else if (!had_space) {
      return false;
    }
    if (!num(j, 4, 4)) return false;
    d = value(i), y = value(j);
    return true;
  }

  // April 20, 2022; On April 20 2022; Sept. 5th, 2022
  bool month_day_year(size_t i, int& y, int& m, int& d) const {
    if (!word(i)) return false;
    m = english_month(t_[i].text);
    if (m == 0) return false;
    size_t j = i + 1;
    if (punct(j, '.')) ++j;
    if (!space(j) || !num(j + 1, 1, 2)) return false;
    d = value(j + 1);
    j += 2;
    if (ordinal(j)) ++j;
    const bool comma = punct(j, ',');
    if (comma) ++j;
    if (space(j)) {
      ++j;
    } else if (!comma) {
      return false;
    }
    if (!num(j, 4, 4)) return false;
    y = value(j);
    return true;
  }

  // 2022 жылғы 20 сәуір(де), 2022 жылы 20 сәуірде, 2022 ж. 20 сәуір
  bool kazakh_year_first(size_t i, int& y, int& m, int& d) const {
    if (!num(i, 4, 4) || !space(i + 1) || !word(i + 2)) return false;
    size_t j = i + 2;
    if (t_[j].text == "жылғы" || t_[j].text == "жылы") {
      ++j;
    } else if (t_[j].text == "ж" && punct(j + 1, '.')) {
      j += 2;
    } else {
      return false;
    }
    if (!space(j) || !num(j + 1, 1, 2) || !space(j + 2) || !word(j + 3)) return false;
    m = kazakh_month(t_[j + 3].text);
    if (m == 0) return false;
    y = value(i), d = value(j + 1);
    return true;
  }
};

// Dates that matter (the dateline) come first; the rest of a long page only
// adds false positives (and cost).
constexpr size_t kDateScanBytes = 2000;

// ------------------------------------------------------------- page ids ----

constexpr size_t kMaxIdBytes = 200;

// Xapian terms are limited to 245 bytes: cut a long id on a character
// boundary and keep it unique with a hash of the whole.
std::string cap_id(std::string id) {
  if (id.size() <= kMaxIdBytes) return id;
  const uint64_t h = fnv1a(id);
  size_t cut = kMaxIdBytes - 17;
  while (cut > 0 && (static_cast<unsigned char>(id[cut]) & 0xC0) == 0x80) --cut;
  id.resize(cut);
  return id + "~" + hex64(h);
}

std::string path_id(const std::string& rel_path) {
  std::string p = rel_path;
  std::replace(p.begin(), p.end(), '\\', '/');
  while (starts_with_bytes(p, "./")) p.erase(0, 2);
  return cap_id("page:" + p);
}

// "https://Host/a/b/?q#f" -> "host/a/b?q"; "" for a relative URL or the site
// root (a CMS that puts the home page in og:url must not merge all pages).
std::string url_key(std::string_view url) {
  const std::string lower = ascii_lower(url.substr(0, 8));
  size_t start;
  if (starts_with_bytes(lower, "https://")) {
    start = 8;
  } else if (starts_with_bytes(lower, "http://")) {
    start = 7;
  } else {
    return {};
  }
  std::string_view rest = url.substr(start);
  rest = rest.substr(0, rest.find('#'));
  const size_t host_end = std::min(rest.find('/'), rest.find('?'));
  std::string host = ascii_lower(rest.substr(0, host_end));
  std::string_view tail = host_end == std::string_view::npos ? std::string_view() : rest.substr(host_end);
  std::string_view path = tail.substr(0, tail.find('?'));
  std::string_view query = path.size() < tail.size() ? tail.substr(path.size()) : std::string_view();
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (host.empty() || (path.empty() && query.size() <= 1)) return {};
  return host + std::string(path) + (query.size() > 1 ? std::string(query) : std::string());
}

std::string host_of(std::string_view url) {
  const size_t p = url.find("://");
  if (p == std::string_view::npos) return {};
  std::string_view rest = url.substr(p + 3);
  return ascii_lower(rest.substr(0, rest.find_first_of("/?#:")));
}

// ------------------------------------------------------------- libxml2 ----

void init_libxml() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
}

// libxml2 reports some input errors (bad encodings) through its per-thread
// generic error handler even with HTML_PARSE_NOERROR; a hostile page must not
// flood the indexer's stderr.
void ignore_xml_error(void*, const char*, ...) {}

struct DocDeleter {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
using DocPtr = std::unique_ptr<xmlDoc, DocDeleter>;

// Deeper nesting than this is not a news page; ignoring it keeps recursion
// bounded on hostile input.
constexpr int kMaxDepth = 400;

std::string_view tag_of(const xmlNode* n) {
  return n->name ? std::string_view(reinterpret_cast<const char*>(n->name)) : std::string_view();
}

std::string attr(const xmlNode* n, const char* name) {
  xmlChar* v = xmlGetProp(n, reinterpret_cast<const xmlChar*>(name));
  if (!v) return {};
  std::string s(reinterpret_cast<const char*>(v));
  xmlFree(v);
  return s;
}

bool has_attr(const xmlNode* n, const char* name) {
  return xmlHasProp(n, reinterpret_cast<const xmlChar*>(name)) != nullptr;
}

std::string node_text(const xmlNode* n) {
  xmlChar* v = xmlNodeGetContent(n);
  if (!v) return {};
  std::string s(reinterpret_cast<const char*>(v));
  xmlFree(v);
  return s;
}

bool is_heading(std::string_view t) { return t.size() == 2 && t[0] == 'h' && t[1] >= '1' && t[1] <= '6'; }

bool is_block(std::string_view t) {
  static const std::unordered_set<std::string_view> kBlocks = {
      "address", "article", "aside", "blockquote", "body",     "caption", "center", "dd",   "details", "dialog",
      "dir",     "div",     "dl",    "dt",         "fieldset", "figure",  "footer", "form", "header",  "hgroup",
      "hr",      "html",    "li",    "main",       "menu",     "nav",     "ol",     "p",    "pre",     "section",
      "summary", "table",   "tbody", "tfoot",      "thead",    "tr",      "ul"};
  return is_heading(t) || kBlocks.count(t) > 0;
}

// Never text: code, styling, media, form controls, captions.
bool always_dropped_tag(std::string_view t) {
  static const std::unordered_set<std::string_view> kTags = {
      "script",   "style", "noscript", "iframe",  "svg",    "button", "figcaption", "template", "select",
      "textarea", "input", "object",   "embed",   "canvas", "head",   "title",      "meta",     "link",
      "label",    "audio", "video",    "picture", "source", "math",   "map"};
  return kTags.count(t) > 0;
}

// Page furniture by tag; kept only when it wraps the article itself (an
// ASP.NET page is one big <form>).
bool structural_tag(std::string_view t) {
  return t == "nav" || t == "footer" || t == "aside" || t == "form" || t == "menu" || t == "dialog";
}

constexpr std::array<std::string_view, 18> kBoilerplateWords = {
    "nav",     "menu",    "breadcrumb", "footer", "sidebar",   "banner",     "share",      "social", "related",
    "popular", "comment", "cookie",     "advert", "subscribe", "newsletter", "pagination", "promo",  "lang-switch"};
// Class names that contain a boilerplate word but are not furniture.
constexpr std::array<std::string_view, 5> kNotBoilerplate = {"canvas", "unavail", "commentary", "shared", "navigator"};

// class tokens and the id, lower-cased
std::vector<std::string> class_tokens(const xmlNode* n) {
  std::vector<std::string> out;
  const std::string cls = ascii_lower(attr(n, "class"));
  size_t i = 0;
  while (i < cls.size()) {
    const size_t j = cls.find_first_of(" \t\r\n\f", i);
    const size_t end = j == std::string::npos ? cls.size() : j;
    if (end > i) out.push_back(cls.substr(i, end - i));
    i = end + 1;
  }
  std::string id = ascii_lower(attr(n, "id"));
  if (!id.empty()) out.push_back(std::move(id));
  return out;
}

bool boilerplate_token(std::string_view tok) {
  for (auto ok : kNotBoilerplate) {
    if (tok.find(ok) != std::string_view::npos) return false;
  }
  for (auto w : kBoilerplateWords) {
    if (tok.find(w) != std::string_view::npos) return true;
  }
  return false;
}

// Date / byline / view-count lines: not body text, but a date hint.
bool meta_token(std::string_view tok) {
  static const std::unordered_set<std::string_view> kExact = {
      "meta", "date", "byline", "views", "dateline", "pubdate", "published", "post-date", "entry-date"};
  if (kExact.count(tok)) return true;
  auto ends = [&](std::string_view s) { return tok.size() > s.size() && tok.substr(tok.size() - s.size()) == s; };
  return starts_with_bytes(tok, "meta-") || starts_with_bytes(tok, "meta_") || ends("-meta") || ends("_meta");
}

int content_tier(const xmlNode* n) {
  const std::string_view t = tag_of(n);
  if (t == "article") return 1;
  if (ascii_lower(attr(n, "itemprop")).find("articlebody") != std::string::npos) return 2;
  if (t == "html" || t == "body") return 0;
  if (t == "main") return 3;
  for (const auto& tok : class_tokens(n)) {
    for (std::string_view w : {"content", "article", "post", "entry", "main", "text"}) {
      if (tok.find(w) != std::string::npos) return 3;
    }
  }
  return 0;
}

enum class Role { keep, drop, meta };

class HtmlPage {
 public:
  explicit HtmlPage(xmlNode* root) : root_(root) {
    body_ = find_tag(root_, "body", 0);
    if (!body_) body_ = root_;
    survey(root_, 0);
    body_text_ = info(body_).text;
  }

  xmlNode* body() const { return body_; }

  // The main content element: the best <article>, else [itemprop=articleBody],
  // else an element named like content, else <body>. Within a tier the
  // innermost element holding >= 80% of the tier's largest text wins, and a
  // tier whose best holds under 25% of the page's text is passed over (a
  // teaser <article> is not the page).
  xmlNode* content_root() {
    std::vector<Candidate> cands;
    size_t order = 0;
    const size_t page_len = measure(body_, 0, cands, order);
    for (int tier = 1; tier <= 3; ++tier) {
      size_t best_len = 0;
      for (const auto& c : cands) {
        if (c.tier == tier) best_len = std::max(best_len, c.len);
      }
      if (best_len == 0 || best_len * 4 < page_len) continue;
      const Candidate* pick = nullptr;
      for (const auto& c : cands) {
        if (c.tier != tier || c.len * 5 < best_len * 4) continue;
        if (!pick || c.depth > pick->depth || (c.depth == pick->depth && c.order < pick->order)) pick = &c;
      }
      if (pick) return pick->node;
    }
    return body_;
  }

  void set_content(const xmlNode* content) { header_is_meta_ = content != body_; }

  Role classify(const xmlNode* n) const {
    const std::string_view t = tag_of(n);
    if (always_dropped_tag(t)) return Role::drop;
    if (has_attr(n, "hidden") || ascii_lower(attr(n, "aria-hidden")) == "true") return Role::drop;
    std::string style = ascii_lower(attr(n, "style"));
    std::erase(style, ' ');
    if (style.find("display:none") != std::string::npos || style.find("visibility:hidden") != std::string::npos) {
      return Role::drop;
    }
    const bool wraps_article = holds_article(n);
    if (t == "header") return wraps_article ? Role::keep : header_is_meta_ ? Role::meta : Role::drop;
    if (structural_tag(t)) return wraps_article ? Role::keep : Role::drop;
    static const std::unordered_set<std::string_view> kRoles = {"navigation", "banner", "contentinfo", "complementary",
                                                                "search",     "menu",   "menubar"};
    if (kRoles.count(ascii_lower(attr(n, "role"))) && !wraps_article) return Role::drop;
    const auto tokens = class_tokens(n);
    for (const auto& tok : tokens) {
      if (tok == "search" && !wraps_article) return Role::drop;
      if (boilerplate_token(tok) && !wraps_article) return Role::drop;
    }
    for (const auto& tok : tokens) {
      if (meta_token(tok) && !wraps_article) return Role::meta;
    }
    return Role::keep;
  }

  // The first element under root (root excluded) that pred accepts, looking
  // into meta blocks but not into dropped ones.
  template <class Pred>
  const xmlNode* find_first(const xmlNode* root, Pred pred, int depth = 0) const {
    if (depth > kMaxDepth) return nullptr;
    for (const xmlNode* c = root->children; c; c = c->next) {
      if (c->type != XML_ELEMENT_NODE || classify(c) == Role::drop) continue;
      if (pred(c)) return c;
      if (const xmlNode* f = find_first(c, pred, depth + 1)) return f;
    }
    return nullptr;
  }

 private:
  struct NodeInfo {
    size_t text = 0;        // non-space text bytes, scripts and styles excluded
    bool has_h1 = false;    // an <h1> at or below
    bool has_main = false;  // <article>, <main> or [itemprop=articleBody] at or below
  };
  struct Candidate {
    xmlNode* node;
    size_t len;
    int depth;
    int tier;
    size_t order;
  };

  xmlNode* root_;
  xmlNode* body_ = nullptr;
  size_t body_text_ = 0;
  bool header_is_meta_ = false;
  std::unordered_map<const xmlNode*, NodeInfo> info_;

  static xmlNode* find_tag(xmlNode* n, std::string_view name, int depth) {
    for (; n && depth <= kMaxDepth; n = n->next) {
      if (n->type != XML_ELEMENT_NODE) continue;
      if (tag_of(n) == name) return n;
      if (xmlNode* f = find_tag(n->children, name, depth + 1)) return f;
    }
    return nullptr;
  }

  NodeInfo info(const xmlNode* n) const {
    auto it = info_.find(n);
    return it == info_.end() ? NodeInfo{} : it->second;
  }

  // A block that wraps the article is never furniture, whatever its name
  // ("page-with-sidebar", an all-page <form>): it holds the <article>/<main>,
  // or an <h1> and at least half of the page's text (a logo <h1> in the site
  // header does not).
  bool holds_article(const xmlNode* n) const {
    const NodeInfo i = info(n);
    return i.has_main || (i.has_h1 && i.text * 2 >= body_text_);
  }

  NodeInfo survey(xmlNode* n, int depth) {
    NodeInfo r;
    if (depth > kMaxDepth) return r;
    for (xmlNode* c = n->children; c; c = c->next) {
      if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
        if (c->content) {
          for (const xmlChar* p = c->content; *p; ++p) {
            if (*p != ' ' && *p != '\n' && *p != '\t' && *p != '\r') ++r.text;
          }
        }
      } else if (c->type == XML_ELEMENT_NODE) {
        const std::string_view t = tag_of(c);
        if (t == "script" || t == "style" || t == "noscript" || t == "template") continue;
        const NodeInfo ci = survey(c, depth + 1);
        r.text += ci.text;
        r.has_h1 |= ci.has_h1;
        r.has_main |= ci.has_main;
      }
    }
    const std::string_view t = tag_of(n);
    r.has_h1 |= t == "h1";
    r.has_main |=
        t == "article" || t == "main" ||
        (n->type == XML_ELEMENT_NODE && ascii_lower(attr(n, "itemprop")).find("articlebody") != std::string::npos);
    info_[n] = r;
    return r;
  }

  size_t measure(xmlNode* n, int depth, std::vector<Candidate>& cands, size_t& order) const {
    size_t len = 0;
    if (depth > kMaxDepth) return 0;
    for (xmlNode* c = n->children; c; c = c->next) {
      if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
        if (c->content) {
          for (const xmlChar* p = c->content; *p; ++p) {
            if (*p != ' ' && *p != '\n' && *p != '\t' && *p != '\r') ++len;
          }
        }
      } else if (c->type == XML_ELEMENT_NODE && classify(c) == Role::keep) {
        const size_t my_order = order++;
        const size_t l = measure(c, depth + 1, cands, order);
        if (int tier = content_tier(c)) cands.push_back({c, l, depth + 1, tier, my_order});
        len += l;
      }
    }
    return len;
  }
};

// Builds plain text: collapses white space, one '\n' between blocks.
class TextSink {
 public:
  void text(std::string_view s) {
    for (size_t i = 0; i < s.size();) {
      int32_t cp = next_cp(s, i);
      if (cp < 0) cp = 0xFFFD;
      if (is_space_cp(cp)) {
        space();
        continue;
      }
      if (is_control_cp(cp)) continue;
      if (space_) out_ += ' ';
      space_ = false;
      append_utf8(out_, static_cast<char32_t>(cp));
    }
  }
  void space() { space_ = !out_.empty() && out_.back() != '\n'; }
  void line_break() {
    space_ = false;
    if (!out_.empty() && out_.back() != '\n') out_ += '\n';
  }
  std::string finish() {
    while (!out_.empty() && out_.back() == '\n') out_.pop_back();
    return std::move(out_);
  }

 private:
  std::string out_;
  bool space_ = false;
};

void render(const HtmlPage& page, const xmlNode* n, const xmlNode* skip, TextSink& body, TextSink* hint, int depth) {
  if (depth > kMaxDepth) return;
  for (const xmlNode* c = n->children; c; c = c->next) {
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      if (c->content) body.text(reinterpret_cast<const char*>(c->content));
      continue;
    }
    if (c->type != XML_ELEMENT_NODE) continue;
    const std::string_view t = tag_of(c);
    const bool block = is_block(t);
    if (c == skip) {
      body.line_break();
      continue;
    }
    const Role role = page.classify(c);
    if (role == Role::drop) {
      if (block) body.line_break();
      continue;
    }
    if (role == Role::meta) {
      // Into the hint; when already writing the hint (hint == nullptr), a
      // nested meta block (<span class=date> in <div class=meta>) stays in it.
      TextSink& to = hint ? *hint : body;
      body.line_break();
      to.line_break();
      render(page, c, skip, to, nullptr, depth + 1);
      to.line_break();
      continue;
    }
    if (t == "br" || t == "hr") {
      body.line_break();
      continue;
    }
    const bool cell = t == "td" || t == "th";
    if (block) body.line_break();
    if (cell) body.space();
    render(page, c, skip, body, hint, depth + 1);
    if (block) body.line_break();
    if (cell) body.space();
  }
}

// What the page says about itself, wherever it says it (broken pages put
// <meta> in the body).
struct PageMeta {
  std::string html_lang, og_locale;
  std::string og_title, title_tag, site_name;
  std::string published;  // article:published_time, else itemprop=datePublished
  std::string og_url, canonical;
  std::string section, author;
  std::vector<std::string> tags;
};

void collect_meta(const xmlNode* n, PageMeta& m, int depth) {
  if (depth > kMaxDepth) return;
  for (; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    const std::string_view t = tag_of(n);
    if (t == "html" && m.html_lang.empty()) {
      m.html_lang = attr(n, "lang");
      if (m.html_lang.empty()) m.html_lang = attr(n, "xml:lang");
    } else if (t == "title" && m.title_tag.empty()) {
      m.title_tag = collapse(node_text(n));
    } else if (t == "meta") {
      std::string key = ascii_lower(attr(n, "property"));
      if (key.empty()) key = ascii_lower(attr(n, "name"));
      const std::string value = collapse(attr(n, "content"));
      auto set = [&](std::string& field) {
        if (field.empty()) field = value;
      };
      if (value.empty()) {
      } else if (key == "og:title") {
        set(m.og_title);
      } else if (key == "og:site_name" || key == "application-name") {
        set(m.site_name);
      } else if (key == "article:published_time") {
        m.published = value;  // wins over itemprop=datePublished
      } else if (key == "og:url") {
        set(m.og_url);
      } else if (key == "og:locale") {
        set(m.og_locale);
      } else if (key == "article:section") {
        set(m.section);
      } else if (key == "article:tag") {
        if (std::find(m.tags.begin(), m.tags.end(), value) == m.tags.end()) m.tags.push_back(value);
      } else if (key == "author") {
        set(m.author);
      } else if (ascii_lower(attr(n, "itemprop")) == "datepublished") {
        set(m.published);
      }
    } else if (t == "link" && m.canonical.empty()) {
      const std::string rel = " " + ascii_lower(attr(n, "rel")) + " ";
      if (rel.find(" canonical ") != std::string::npos) m.canonical = collapse(attr(n, "href"));
    } else if (m.published.empty() && ascii_lower(attr(n, "itemprop")) == "datepublished") {
      m.published = attr(n, "datetime");
      if (m.published.empty()) m.published = attr(n, "content");
    }
    collect_meta(n->children, m, depth + 1);
  }
}

// "ru", "ru-RU", "kk_KZ", "kz", "EN" -> ru / kk / en; anything else -> "".
std::string lang_from_code(std::string_view code) {
  std::string c = ascii_lower(trim_view(code));
  c = c.substr(0, c.find_first_of("-_"));
  if (c == "ru" || c == "en" || c == "kk") return c;
  if (c == "kz") return "kk";
  return {};
}

bool absolute_http_url(std::string_view u) {
  const std::string l = ascii_lower(u.substr(0, 8));
  return starts_with_bytes(l, "http://") || starts_with_bytes(l, "https://");
}

std::string alnum_lower(std::string_view s) {
  std::string r;
  for (char c : ascii_lower(s)) {
    if (static_cast<unsigned char>(c) >= 0x80 || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) r += c;
  }
  return r;
}

// "Headline | Letopis" -> "Headline". A dash separates a site name only when
// the suffix is the site's name (og:site_name or a label of its host), since
// Russian headlines use « — » themselves ("Карин — о роли аналитики").
std::string strip_site_suffix(const std::string& title, const std::string& site_name, const std::string& host) {
  static constexpr std::array<std::string_view, 8> kSeps = {" | ", " :: ", " · ", " — ", " – ", " - ", " / ", " « "};
  size_t best = std::string::npos;
  std::string_view sep;
  for (auto s : kSeps) {
    const size_t p = title.rfind(s);
    if (p != std::string::npos && (best == std::string::npos || p > best)) best = p, sep = s;
  }
  if (best == std::string::npos || best == 0) return title;
  const std::string suffix = alnum_lower(title.substr(best + sep.size()));
  bool site = !suffix.empty() && suffix == alnum_lower(site_name);
  if (!site && suffix.size() >= 3) {
    for (size_t i = 0; i <= host.size();) {
      const size_t j = std::min(host.find('.', i), host.size());
      if (alnum_lower(host.substr(i, j - i)) == suffix) site = true;
      i = j + 1;
    }
  }
  const bool strong = sep == " | " || sep == " :: " || sep == " · ";
  const size_t words =
      static_cast<size_t>(std::count(title.begin() + static_cast<long>(best + sep.size()), title.end(), ' ')) + 1;
  if (site || (strong && words <= 5)) return std::string(trim_view(std::string_view(title).substr(0, best)));
  return title;
}

// The charset a page declares in its first KiB (<meta charset=...> or
// http-equiv content="...; charset=..."), the way browsers prescan; "" if none.
std::string declared_charset(std::string_view html) {
  const std::string head = ascii_lower(html.substr(0, 1024));
  size_t p = 0;
  while ((p = head.find("charset", p)) != std::string::npos) {
    size_t i = p + 7;
    p = i;
    while (i < head.size() && (head[i] == ' ' || head[i] == '\t')) ++i;
    if (i >= head.size() || head[i] != '=') continue;
    ++i;
    while (i < head.size() && (head[i] == ' ' || head[i] == '"' || head[i] == '\'')) ++i;
    size_t j = i;
    while (j < head.size() && (std::isalnum(static_cast<unsigned char>(head[j])) || head[j] == '-' || head[j] == '_' ||
                               head[j] == '.' || head[j] == ':')) {
      ++j;
    }
    if (j > i) return head.substr(i, j - i);
  }
  return {};
}

bool looks_like_html(std::string_view s) {
  s = s.substr(0, 64 * 1024);
  for (size_t p = s.find('<'); p != std::string_view::npos && p + 1 < s.size(); p = s.find('<', p + 1)) {
    const char c = s[p + 1];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '!' || c == '?' || c == '/') return true;
  }
  return false;
}

void strip_bom(std::string_view& s) {
  if (starts_with_bytes(s, "\xEF\xBB\xBF")) s.remove_prefix(3);
}

// ---------------------------------------------------------- text pages ----

// "Home »", "Главная »", "Басты бет »", "Home > News >": a short line that
// ends in a breadcrumb separator, each step a few words.
bool breadcrumb_line(std::string_view line) {
  if (line.empty() || line.size() > 160) return false;
  static constexpr std::array<std::string_view, 4> kSeps = {"\xC2\xBB", "\xE2\x80\xBA", ">", "/"};  // » › > /
  bool ends = false;
  for (auto s : kSeps) ends |= line.size() >= s.size() && line.substr(line.size() - s.size()) == s;
  if (!ends) return false;
  size_t words_in_step = 0;
  bool in_word = false;
  for (size_t i = 0; i < line.size();) {
    const size_t start = i;
    const int32_t cp = next_cp(line, i);
    const std::string_view ch = line.substr(start, i - start);
    const bool sep = std::find(kSeps.begin(), kSeps.end(), ch) != kSeps.end();
    if (sep) {
      words_in_step = 0, in_word = false;
    } else if (cp >= 0 && is_space_cp(cp)) {
      in_word = false;
    } else if (!in_word) {
      in_word = true;
      if (++words_in_step > 5) return false;
    }
  }
  return true;
}

// "20 04 22 1": DD MM YY N, a photo caption's file name. Sets date when the
// first three fields are a real date.
bool caption_line(std::string_view line, std::string& date) {
  std::vector<std::string_view> fields;
  for (size_t i = 0; i < line.size();) {
    if (line[i] == ' ') {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < line.size() && line[j] >= '0' && line[j] <= '9') ++j;
    if (j == i || (j < line.size() && line[j] != ' ')) return false;
    fields.push_back(line.substr(i, j - i));
    i = j;
  }
  if (fields.size() != 4 || fields[0].size() != 2 || fields[1].size() != 2 || fields[2].size() != 2 ||
      fields[3].size() > 3) {
    return false;
  }
  auto v = [](std::string_view f) { return (f[0] - '0') * 10 + (f[1] - '0'); };
  const int d = v(fields[0]), m = v(fields[1]), y = 2000 + v(fields[2]);
  date = valid_ymd(y, m, d) ? format_ymd(y, m, d) : std::string();
  return true;
}

// A "title" longer than this is a paragraph of a page without a title.
constexpr size_t kMaxTitleBytes = 600;

// ----------------------------------------------------------- page trees ----

enum class PageKind { html, text };

struct PageFile {
  fs::path path;
  std::string rel;  // '/'-separated, relative to the root
  PageKind kind;
};

std::optional<PageKind> page_kind(const fs::path& p) {
  const std::string ext = ascii_lower(p.extension().string());
  if (ext == ".html" || ext == ".htm") return PageKind::html;
  if (ext == ".txt") return PageKind::text;
  return std::nullopt;
}

void collect_pages(const fs::path& dir, const std::string& rel, std::vector<PageFile>& out, const ErrorFn& on_error) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) {
    report(on_error, dir.string(), "cannot read directory: " + ec.message());
    return;
  }
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) {
      report(on_error, dir.string(), "cannot list directory: " + ec.message());
      return;
    }
    const fs::directory_entry& e = *it;
    const std::string name = e.path().filename().string();
    if (name.empty() || name[0] == '.') continue;  // .git, .DS_Store, editor files
    const std::string child_rel = rel.empty() ? name : rel + "/" + name;
    std::error_code ec2;
    if (e.is_symlink(ec2)) {
      // Follow links to files, never to directories: a link loop, or a link
      // to "/", must not make the walk endless.
      if (fs::is_regular_file(e.path(), ec2)) {
        if (auto kind = page_kind(e.path())) out.push_back({e.path(), child_rel, *kind});
      }
    } else if (e.is_directory(ec2)) {
      collect_pages(e.path(), child_rel, out, on_error);
    } else if (e.is_regular_file(ec2)) {
      if (auto kind = page_kind(e.path())) out.push_back({e.path(), child_rel, *kind});
    }
  }
}

// Reads and parses one page; returns "" or the reason it was rejected.
std::string load_page(const PageFile& f, const SourceLimits& limits, Article& a) {
  std::error_code ec;
  const uintmax_t size = fs::file_size(f.path, ec);
  if (ec) return "cannot read page: " + ec.message();
  const std::string too_big =
      "page is larger than the limit of " + std::to_string(limits.max_record_bytes) + " bytes (--max-record-bytes)";
  if (size > limits.max_record_bytes) return too_big;
  std::ifstream in(f.path, std::ios::binary);
  if (!in) return "cannot open page";
  std::string data(static_cast<size_t>(size), '\0');
  in.read(data.data(), static_cast<std::streamsize>(size));
  if (static_cast<uintmax_t>(in.gcount()) != size) return "cannot read page (it changed while being read?)";
  if (in.peek() != std::char_traits<char>::eof()) return too_big;  // grew since file_size()
  return f.kind == PageKind::html ? parse_html_page(data, f.rel, a) : parse_text_page(data, f.rel, a);
}

// Pages kept in memory between the two passes of read_page_tree(); beyond
// this the rest are parsed again in the second pass.
constexpr size_t kCacheBytes = 256u << 20;

size_t article_bytes(const Article& a) {
  size_t n = sizeof(Article) + a.id.size() + a.title.size() + a.body.size() + a.url.size() + a.section.size();
  for (const auto& t : a.tags) n += t.size() + sizeof(std::string);
  return n;
}

// ------------------------------------------------- markup in text fields ----

// Tags that mark a field's text as HTML: the blocks, what is never text, and
// the inline tags that CMS exports carry.
bool known_tag(std::string_view t) {
  static const std::unordered_set<std::string_view> kInline = {
      "a", "abbr", "b", "big", "br", "cite", "code", "del", "em", "font", "i", "img", "ins", "mark", "q", "s",
      "small", "span", "strike", "strong", "sub", "sup", "td", "th", "u", "wbr"};
  return is_block(t) || always_dropped_tag(t) || kInline.count(t) > 0;
}

// True if s holds a tag of known_tag's: "<br>", "</p>", "<img src=...>".
bool has_markup(std::string_view s) {
  for (size_t p = s.find('<'); p != std::string_view::npos; p = s.find('<', p + 1)) {
    size_t i = p + 1;
    if (i < s.size() && s[i] == '/') ++i;
    const size_t name = i;
    while (i < s.size() && i - name < 12 && std::isalnum(static_cast<unsigned char>(s[i]))) ++i;
    if (i == name || i >= s.size()) continue;
    const char after = s[i];
    if (after != '>' && after != '/' && after != ' ' && after != '\t' && after != '\n') continue;
    if (known_tag(ascii_lower(s.substr(name, i - name)))) return true;
  }
  return false;
}

// s with its character references decoded: &#233; &#x1F600; and the named
// ones of HTML 4 (libxml2's table) plus &apos;. A reference that names no
// character is left as written ("AT&T", "&foo;").
std::string decode_char_refs(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const size_t amp = s.find('&', i);
    if (amp == std::string_view::npos) break;
    out.append(s, i, amp - i);
    i = amp;
    const size_t semi = s.find(';', amp + 1);
    if (semi == std::string_view::npos || semi - amp > 12) {
      out += '&';
      ++i;
      continue;
    }
    const std::string_view ref = s.substr(amp + 1, semi - amp - 1);
    long cp = -1;
    if (ref.size() >= 2 && ref[0] == '#') {
      const bool hex = ref[1] == 'x' || ref[1] == 'X';
      const std::string digits(ref.substr(hex ? 2 : 1));
      if (!digits.empty() && digits.size() <= 8 &&
          digits.find_first_not_of(hex ? "0123456789abcdefABCDEF" : "0123456789") == std::string::npos) {
        cp = std::strtol(digits.c_str(), nullptr, hex ? 16 : 10);
        if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
      }
    } else if (ref == "apos") {
      cp = '\'';
    } else if (!ref.empty()) {
      const std::string name(ref);
      if (const htmlEntityDesc* e = htmlEntityLookup(reinterpret_cast<const xmlChar*>(name.c_str()))) {
        cp = static_cast<long>(e->value);
      }
    }
    if (cp < 0) {
      out += '&';
      ++i;
      continue;
    }
    append_utf8(out, static_cast<char32_t>(cp));
    i = semi + 1;
  }
  out.append(s, i, std::string_view::npos);
  return out;
}

// The text of an HTML fragment: blocks and <br> as line breaks, what is
// never text dropped.
void render_fragment(const xmlNode* n, TextSink& out, int depth) {
  if (depth > kMaxDepth) return;
  for (const xmlNode* c = n->children; c; c = c->next) {
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      if (c->content) out.text(reinterpret_cast<const char*>(c->content));
      continue;
    }
    if (c->type != XML_ELEMENT_NODE) continue;
    const std::string_view t = tag_of(c);
    if (always_dropped_tag(t)) continue;
    if (t == "br" || t == "hr") {
      out.line_break();
      continue;
    }
    const bool block = is_block(t);
    if (block) out.line_break();
    if (t == "td" || t == "th") out.space();
    render_fragment(c, out, depth + 1);
    if (block) out.line_break();
  }
}

std::string fragment_text(std::string_view markup) {
  // Newlines separate paragraphs in a text field; HTML would fold them.
  std::string html;
  html.reserve(markup.size() + 64);
  for (const char c : markup) {
    if (c == '\n') html += "<br>";
    else html += c;
  }
  if (html.size() > static_cast<size_t>(INT_MAX)) return std::string(markup);
  init_libxml();
  xmlSetGenericErrorFunc(nullptr, ignore_xml_error);
  constexpr int kOptions = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET;
  DocPtr doc(htmlReadMemory(html.data(), static_cast<int>(html.size()), nullptr, "UTF-8", kOptions));
  if (!doc) return std::string(markup);
  TextSink sink;
  render_fragment(reinterpret_cast<const xmlNode*>(doc.get()), sink, 0);
  return sink.finish();
}

}  // namespace

// ------------------------------------------------------------ find_date ----

std::string find_date(std::string_view text) {
  if (text.size() > kDateScanBytes) {
    size_t cut = kDateScanBytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut);
  }
  return DateScanner(date_tokens(text)).first_date();
}

// ----------------------------------------------------------------- HTML ----

std::string parse_html_page(std::string_view html, const std::string& rel_path, Article& out) {
  out = Article{};
  strip_bom(html);
  if (html.find_first_not_of(" \t\r\n") == std::string_view::npos) return "empty page";
  const ByteCheck bytes = check_bytes(html);
  if (bytes.has_nul) return "binary file, not an HTML page (it contains NUL bytes)";
  if (html.size() > static_cast<size_t>(INT_MAX)) return "page is larger than 2 GiB";
  if (!looks_like_html(html)) return "not an HTML page (no tags)";

  // Valid UTF-8 with non-ASCII text is UTF-8 whatever it declares (mirrors
  // transcode pages and keep the old <meta charset>); otherwise honour the
  // declaration; invalid UTF-8 with no declaration is another encoding we
  // cannot guess.
  std::string encoding = "UTF-8";
  const std::string declared = declared_charset(html);
  if (bytes.invalid > 0 && !declared.empty() && declared != "utf-8" && declared != "utf8") {
    encoding = declared;
  } else if (mostly_invalid(bytes, html.size())) {
    return "not UTF-8 (" + percent(bytes.invalid, html.size()) + " of bytes are invalid) and no charset is declared";
  }

  init_libxml();
  xmlSetGenericErrorFunc(nullptr, ignore_xml_error);
  constexpr int kOptions = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET;
  DocPtr doc(htmlReadMemory(html.data(), static_cast<int>(html.size()), nullptr, encoding.c_str(), kOptions));
  if (!doc && encoding != "UTF-8") {
    if (mostly_invalid(bytes, html.size())) return "unsupported charset '" + declared + "'";
    doc.reset(htmlReadMemory(html.data(), static_cast<int>(html.size()), nullptr, "UTF-8", kOptions));
  }
  xmlNode* root = doc ? xmlDocGetRootElement(doc.get()) : nullptr;
  if (!root) return "not an HTML page (libxml2 found no document in it)";

  PageMeta meta;
  collect_meta(root, meta, 0);
  HtmlPage page(root);
  xmlNode* content = page.content_root();
  page.set_content(content);

  // The headline: the first <h1> of the content that starts the page's
  // title (a logo may be an <h1> too), else its first <h1>. It is the title
  // when the page has no og:title, and is not repeated in the body.
  const xmlNode* headline = nullptr;
  auto is_h1 = [&](const xmlNode* n) {
    if (tag_of(n) != "h1") return false;
    if (!headline) headline = n;
    const std::string text = collapse(node_text(n));
    return !text.empty() && (starts_with_bytes(meta.og_title, text) || starts_with_bytes(meta.title_tag, text));
  };
  if (const xmlNode* h = page.find_first(content, is_h1)) headline = h;

  TextSink body, hint;
  render(page, content, headline, body, &hint, 0);
  out.body = body.finish();
  if (out.body.empty()) return "no body text (nothing is left without navigation, sidebars and other boilerplate)";

  // url and id
  for (const std::string* u : {&meta.og_url, &meta.canonical}) {
    if (out.url.empty() && absolute_http_url(*u)) out.url = *u;
  }
  const std::string key = url_key(out.url);
  out.id = key.empty() ? path_id(rel_path) : cap_id("url:" + key);

  // title
  if (!meta.og_title.empty()) {
    out.title = meta.og_title;
  } else if (headline) {
    out.title = collapse(node_text(headline));
  }
  if (out.title.empty()) out.title = strip_site_suffix(meta.title_tag, meta.site_name, host_of(out.url));

  // date: metadata, then a <time datetime> (in the content first), then the
  // dateline, then the text
  auto time_el = [](const xmlNode* n) { return tag_of(n) == "time" && has_attr(n, "datetime"); };
  if (!meta.published.empty()) {
    out.date = iso_date_prefix(meta.published);
    if (out.date.empty()) out.date = find_date(meta.published);
  }
  for (const xmlNode* scope : {static_cast<const xmlNode*>(content), static_cast<const xmlNode*>(page.body())}) {
    if (!out.date.empty()) break;
    if (const xmlNode* t = page.find_first(scope, time_el)) {
      const std::string dt = attr(t, "datetime");
      out.date = iso_date_prefix(dt);
      if (out.date.empty()) out.date = find_date(dt);
    }
  }
  if (out.date.empty()) out.date = find_date(hint.finish());
  if (out.date.empty()) out.date = find_date(out.body);

  out.lang = lang_from_code(meta.html_lang);
  if (out.lang.empty()) out.lang = lang_from_code(meta.og_locale);
  out.section = meta.section;
  out.tags = meta.tags;
  out.author = meta.author;
  return {};
}

// ----------------------------------------------------------- text pages ----

std::string parse_text_page(std::string_view text, const std::string& rel_path, Article& out) {
  out = Article{};
  strip_bom(text);
  const ByteCheck bytes = check_bytes(text);
  if (bytes.has_nul) return "binary file, not a text page (it contains NUL bytes)";
  if (mostly_invalid(bytes, text.size())) {
    return "not UTF-8 text (" + percent(bytes.invalid, text.size()) + " of bytes are invalid)";
  }

  std::vector<std::string> paragraphs;
  std::string caption_date;
  bool have_title = false;
  for (size_t pos = 0; pos <= text.size();) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string line = collapse(text.substr(pos, nl - pos));
    pos = nl + 1;
    if (line.empty()) continue;
    if (!have_title) {
      if (breadcrumb_line(line)) continue;
      have_title = true;
      if (line.size() <= kMaxTitleBytes) {
        out.title = std::move(line);
        continue;
      }
    }
    std::string date;
    if (caption_line(line, date)) {
      if (caption_date.empty()) caption_date = date;
      continue;
    }
    paragraphs.push_back(std::move(line));
  }
  if (paragraphs.empty()) return out.title.empty() ? "empty page" : "no body text (only a title line)";

  for (const auto& p : paragraphs) {
    if (!out.body.empty()) out.body += '\n';
    out.body += p;
  }
  out.date = find_date(paragraphs.front());
  if (out.date.empty()) out.date = caption_date;
  if (out.date.empty()) out.date = find_date(out.body);
  out.id = path_id(rel_path);
  return {};
}

// ---------------------------------------------------- BoilerplateFilter ----

BoilerplateFilter::BoilerplateFilter(BoilerplateOptions options) : options_(options) {}

void BoilerplateFilter::observe(const Article& article) {
  std::vector<uint64_t> seen;
  std::string_view body = article.body;
  for (size_t pos = 0; pos <= body.size();) {
    size_t nl = body.find('\n', pos);
    if (nl == std::string_view::npos) nl = body.size();
    const std::string_view line = trim_view(body.substr(pos, nl - pos));
    pos = nl + 1;
    if (count_chars(line) >= options_.min_line_chars) seen.push_back(fnv1a(line));
  }
  std::sort(seen.begin(), seen.end());
  seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
  for (uint64_t h : seen) ++counts_[h];
  ++pages_;
}

size_t BoilerplateFilter::pages_needed() const {
  const double share = std::ceil(options_.min_share * static_cast<double>(pages_));
  return std::max<size_t>({options_.min_pages, share > 0 ? static_cast<size_t>(share) : 0, 1});
}

bool BoilerplateFilter::is_boilerplate(std::string_view line) const {
  if (count_chars(line) < options_.min_line_chars) return false;
  auto it = counts_.find(fnv1a(line));
  return it != counts_.end() && it->second >= pages_needed();
}

size_t BoilerplateFilter::clean(Article& article) const {
  std::vector<std::string_view> kept;
  size_t removed = 0;
  const std::string_view body = article.body;
  for (size_t pos = 0; pos <= body.size();) {
    size_t nl = body.find('\n', pos);
    if (nl == std::string_view::npos) nl = body.size();
    const std::string_view line = body.substr(pos, nl - pos);
    pos = nl + 1;
    if (is_boilerplate(trim_view(line))) {
      ++removed;
    } else {
      kept.push_back(line);
    }
  }
  while (!kept.empty() && trim_view(kept.back()).empty()) kept.pop_back();
  std::string out;
  for (size_t i = 0; i < kept.size(); ++i) {
    if (i > 0) out += '\n';
    out.append(kept[i]);
  }
  article.body = std::move(out);
  return removed;
}

// ------------------------------------------------------- read_page_tree ----

void read_page_tree(const std::string& root, const SourceLimits& limits, const ArticleFn& on_article,
                    const ErrorFn& on_error, const BoilerplateOptions& boilerplate) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) throw std::runtime_error("page tree '" + root + "' is not a readable directory");
  std::vector<PageFile> files;
  collect_pages(root, "", files, on_error);
  std::sort(files.begin(), files.end(), [](const PageFile& a, const PageFile& b) { return a.rel < b.rel; });

  // Pass 1: parse, report bad pages, learn each group's boilerplate.
  struct Parsed {
    const PageFile* file;
    std::string group;               // format and declared language
    std::optional<Article> article;  // empty when over the cache budget
  };
  std::vector<Parsed> parsed;
  std::map<std::string, BoilerplateFilter> filters;
  auto group_of = [](const PageFile& f, const Article& a) {
    return std::string(f.kind == PageKind::html ? "html:" : "text:") + a.lang;
  };
  size_t cached = 0;
  for (const PageFile& f : files) {
    Article a;
    const std::string why = load_page(f, limits, a);
    if (!why.empty()) {
      report(on_error, f.path.string(), why);
      continue;
    }
    Parsed p{&f, group_of(f, a), std::nullopt};
    filters.try_emplace(p.group, boilerplate).first->second.observe(a);
    const size_t bytes = article_bytes(a);
    if (cached + bytes <= kCacheBytes) {
      cached += bytes;
      p.article = std::move(a);
    }
    parsed.push_back(std::move(p));
  }

  // Pass 2: clean and emit, in path order.
  std::unordered_map<std::string, std::string> emitted;  // id -> path
  for (Parsed& p : parsed) {
    const PageFile& f = *p.file;
    const SourceLocation where{f.path.string(), 0};
    Article a;
    if (p.article) {
      a = std::move(*p.article);
      p.article.reset();
    } else if (std::string why = load_page(f, limits, a); !why.empty()) {
      on_error({where, why});
      continue;
    }
    // A page re-read in pass 2 is cleaned by the filter it fed in pass 1,
    // even if it changed on disk in between.
    filters.at(p.group).clean(a);
    if (a.body.empty()) {
      on_error({where, "no body text once the site-wide boilerplate lines are removed"});
      continue;
    }
    auto [it, inserted] = emitted.emplace(a.id, where.file);
    if (!inserted) {
      on_error({where, "same id '" + a.id + "' as " + it->second + " (same canonical URL); skipped as a duplicate"});
      continue;
    }
    on_article(std::move(a), where);
  }
}

std::string text_field(std::string_view s, bool body) {
  if (s.find_first_of("&<") == std::string_view::npos) return std::string(s);
  if (body) {
    const size_t first = s.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && s[first] == '<' && has_markup(s.substr(first, 64))) return fragment_text(s);
  }
  return decode_char_refs(s);
}

}  // namespace letopis
