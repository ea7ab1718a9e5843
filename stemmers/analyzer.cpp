#include "stemmers/analyzer.h"

#include <unicode/brkiter.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <unicode/uchar.h>
#include <unicode/ustring.h>

#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

#include "stemmers/kazakh_stemmer.h"
#include "stemmers/normalize.h"
#include "stemmers/shared_memo.h"

namespace letopis::analysis {
namespace {

// Creating a word break iterator loads and compiles rules; do it once and
// clone per Analyzer.
std::unique_ptr<icu::BreakIterator> clone_word_iterator() {
  static std::mutex mu;
  static std::unique_ptr<icu::BreakIterator> prototype;
  std::lock_guard<std::mutex> lock(mu);
  if (!prototype) {
    UErrorCode status = U_ZERO_ERROR;
    prototype.reset(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
    if (U_FAILURE(status) || !prototype) {
      throw std::runtime_error(std::string("ICU word break iterator: ") + u_errorName(status));
    }
  }
  return std::unique_ptr<icu::BreakIterator>(prototype->clone());
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

size_t utf8_length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Snowball's Russian stemmer removes a final "н" after а/я as a verb ending
// when it lies in RV ("казахстан" -> "казахста") but takes the noun ending
// first in the oblique cases ("казахстане" -> "казахстан"), splitting one
// noun in two. Dropping that "н" from every stem of 4+ letters conflates them
// again; it is applied to all stems alike, so forms stay consistent.
std::string repair_russian_stem(std::string stem) {
  if (utf8_length(stem) >= 5 && (ends_with(stem, "ан") || ends_with(stem, "ян"))) {
    stem.resize(stem.size() - std::string_view("н").size());
  }
  return stem;
}

// English irregular verb forms -> their base, so "met" finds "meeting" and
// "meet" (Snowball leaves them alone). Forms that are common words of their
// own in news are left out: left, saw, found, lay, felt, fed (the Fed), set,
// put, cut, read, bound, ground, wound, rose (the flower), lost stays (it is
// regular enough for Snowball's "lost" = "lost" but means the same as lose).
const std::unordered_map<std::string_view, std::string_view>& english_irregulars() {
  static const std::unordered_map<std::string_view, std::string_view> m = {
      {"met", "meet"},        {"held", "hold"},         {"spoke", "speak"},      {"spoken", "speak"},
      {"said", "say"},        {"took", "take"},         {"taken", "take"},       {"gave", "give"},
      {"given", "give"},      {"went", "go"},           {"gone", "go"},          {"came", "come"},
      {"made", "make"},       {"led", "lead"},          {"sought", "seek"},      {"brought", "bring"},
      {"thought", "think"},   {"told", "tell"},         {"began", "begin"},      {"begun", "begin"},
      {"chose", "choose"},    {"chosen", "choose"},     {"drew", "draw"},        {"drawn", "draw"},
      {"fought", "fight"},    {"grew", "grow"},         {"grown", "grow"},       {"knew", "know"},
      {"known", "know"},      {"meant", "mean"},        {"paid", "pay"},         {"ran", "run"},
      {"sent", "send"},       {"sold", "sell"},         {"stood", "stand"},      {"struck", "strike"},
      {"taught", "teach"},    {"understood", "understand"}, {"won", "win"},    {"wrote", "write"},
      {"written", "write"},   {"built", "build"},       {"bought", "buy"},       {"caught", "catch"},
      {"kept", "keep"},       {"spent", "spend"},       {"broke", "break"},      {"broken", "break"},
      {"fell", "fall"},       {"fallen", "fall"},       {"flew", "fly"},         {"flown", "fly"},
      {"threw", "throw"},     {"thrown", "throw"},      {"wore", "wear"},        {"worn", "wear"},
      {"shook", "shake"},     {"shaken", "shake"},      {"stole", "steal"},      {"stolen", "steal"},
      {"froze", "freeze"},    {"frozen", "freeze"},     {"forgot", "forget"},    {"forgotten", "forget"},
      {"hid", "hide"},        {"hidden", "hide"},       {"rode", "ride"},        {"ridden", "ride"},
      {"sank", "sink"},       {"sunk", "sink"},         {"swore", "swear"},      {"sworn", "swear"},
      {"undertook", "undertake"}, {"undertaken", "undertake"}, {"overcame", "overcome"},
      {"withdrew", "withdraw"},   {"withdrawn", "withdraw"},   {"forbade", "forbid"},
      {"forbidden", "forbid"},    {"arose", "arise"},          {"arisen", "arise"},
      {"became", "become"},       {"dealt", "deal"},           {"lent", "lend"},
      {"sped", "speed"},          {"spun", "spin"},            {"slept", "sleep"},
  };
  return m;
}

std::string english_stem(Xapian::Stem& english, const std::string& word) {
  const auto& irregular = english_irregulars();
  auto it = irregular.find(word);
  return english(it == irregular.end() ? word : std::string(it->second));
}

}  // namespace

const std::unordered_map<std::string_view, std::string_view>& english_irregular_forms() {
  return english_irregulars();
}

namespace {

// The scripts seen in one word, and the stemmer they call for.
struct ScriptMix {
  bool cyrillic = false, latin = false, kazakh = false;
  void add(char32_t c) {
    if (is_cyrillic(c)) {
      cyrillic = true;
      kazakh = kazakh || is_kazakh_letter(c);
    } else if (is_latin_letter(c)) {
      latin = true;
    }
  }
  Lang stem_lang(Lang text_lang) const {
    if (kazakh) return Lang::kk;
    if (cyrillic) return text_lang == Lang::kk ? Lang::kk : Lang::ru;
    if (latin) return Lang::en;
    return Lang::unknown;
  }
};

}  // namespace

Lang stem_language(std::string_view word, Lang text_lang) {
  const auto* s = reinterpret_cast<const uint8_t*>(word.data());
  const int32_t len = static_cast<int32_t>(word.size());
  ScriptMix mix;
  for (int32_t i = 0; i < len;) {
    UChar32 c;
    U8_NEXT(s, i, len, c);
    if (c >= 0) mix.add(static_cast<char32_t>(c));
  }
  return mix.stem_lang(text_lang);
}

namespace {

// Appends the UTF-16 range [begin, end) of s to out as UTF-8. Faster than
// ICU's ByteSink path for the short strings that tokens are.
void append_utf8(const icu::UnicodeString& s, int32_t begin, int32_t end, std::string& out) {
  const char16_t* p = s.getBuffer();
  for (int32_t i = begin; i < end; ++i) {
    uint32_t c = p[i];
    if (c < 0x80) {
      out += static_cast<char>(c);
      continue;
    }
    if (c >= 0xD800 && c <= 0xDBFF && i + 1 < end && p[i + 1] >= 0xDC00 && p[i + 1] <= 0xDFFF) {
      c = 0x10000 + ((c - 0xD800) << 10) + (p[i + 1] - 0xDC00);
      ++i;
    } else if (c >= 0xD800 && c <= 0xDFFF) {
      c = 0xFFFD;  // a lone surrogate
    }
    if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    }
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

// normalize() on one token, with the analyzer's ё option.
void renormalize(std::string& word, bool fold_yo) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(word);
  normalize_in_place(u, NormalizeOptions{true, fold_yo});
  word.clear();
  u.toUTF8String(word);
}

// True if every dot-separated part of a dotted token is one letter at most
// ("т.е", "u.s", "и.о"): an abbreviation, indexed as one word without its
// dots.
bool single_letters(std::string_view dotted) {
  size_t letters = 0;
  for (const char c : dotted) {
    if (c == '.') letters = 0;
    else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80 && ++letters > 1) return false;
  }
  return true;
}

// stem_language() on a UTF-16 range, without decoding UTF-8 again.
Lang stem_language_utf16(const icu::UnicodeString& s, int32_t begin, int32_t end, Lang text_lang) {
  // The letters that matter are all in the BMP: code units will do.
  ScriptMix mix;
  const char16_t* p = s.getBuffer();
  for (int32_t i = begin; i < end; ++i) mix.add(p[i]);
  return mix.stem_lang(text_lang);
}

}  // namespace

struct Analyzer::Impl {
  Impl(AnalysisOptions o, size_t cache) : options(o), cache_entries(cache) {}
  AnalysisOptions options;
  // Most words of a news text are frequent ones: remembering their stems
  // saves most of the Snowball work. Bounded (cleared when full).
  size_t cache_entries;
  std::unique_ptr<icu::BreakIterator> words = clone_word_iterator();
  Xapian::Stem russian{"russian"};
  Xapian::Stem english{"english"};
  Xapian::Stem kazakh = make_kazakh_stem();
  Xapian::Stem none;
  icu::UnicodeString buffer;
  std::string scratch;
  std::unordered_map<std::string, std::string> stem_cache[4];  // by Lang

  std::string stem_uncached(const std::string& word, Lang lang) {
    switch (lang) {
      case Lang::ru: return options.repair_russian ? repair_russian_stem(russian(word)) : russian(word);
      case Lang::en: return english_stem(english, word);
      case Lang::kk: return kazakh(word);
      case Lang::unknown: break;
    }
    return std::string();
  }
};

Analyzer::Analyzer(AnalysisOptions options, size_t stem_cache_entries)
    : impl_(std::make_unique<Impl>(options, stem_cache_entries)) {}

const AnalysisOptions& Analyzer::options() const { return impl_->options; }

std::string AnalysisOptions::to_string() const {
  return std::string("stem=") + (stem ? "1" : "0") + ",fold_yo=" + (fold_yo ? "1" : "0") +
         ",stem_capitalized=" + (stem_capitalized ? "1" : "0") + ",repair_russian=" + (repair_russian ? "1" : "0") + ",exact_forms=" + (exact_forms ? "1" : "0");
}

AnalysisOptions AnalysisOptions::parse(std::string_view text) {
  AnalysisOptions o;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    const std::string_view key = item.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? "" : item.substr(eq + 1);
    if (value != "0" && value != "1") {
      throw std::invalid_argument("analysis option '" + std::string(item) + "' wants =0 or =1");
    }
    const bool on = value == "1";
    if (key == "stem") o.stem = on;
    else if (key == "fold_yo") o.fold_yo = on;
    else if (key == "stem_capitalized") o.stem_capitalized = on;
    else if (key == "repair_russian") o.repair_russian = on;
    else if (key == "exact_forms") o.exact_forms = on;
    else throw std::invalid_argument("unknown analysis option '" + std::string(key) + "'");
  }
  return o;
}
Analyzer::~Analyzer() = default;

const Xapian::Stem& Analyzer::xapian_stem(Lang lang) const {
  switch (lang) {
    case Lang::ru: return impl_->russian;
    case Lang::en: return impl_->english;
    case Lang::kk: return impl_->kazakh;
    case Lang::unknown: break;
  }
  return impl_->none;
}

std::string Analyzer::stem(std::string_view word, Lang lang) {
  if (lang == Lang::unknown) return std::string();
  if (!impl_->options.stem) return std::string(word);
  auto& cache = impl_->stem_cache[static_cast<int>(lang)];
  impl_->scratch.assign(word);
  auto it = cache.find(impl_->scratch);
  if (it != cache.end()) return it->second;
  std::string s = impl_->stem_uncached(impl_->scratch, lang);
  if (cache.size() >= impl_->cache_entries) cache.clear();
  cache.emplace(impl_->scratch, s);
  return s;
}

uint32_t Analyzer::tokenize(std::string_view text, Lang text_lang, std::vector<Token>& out,
                            uint32_t position) {
  icu::UnicodeString& buf = impl_->buffer;
  buf = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  const AnalysisOptions& opts = impl_->options;
  // Only the experiment without capitalised stemming needs case kept until
  // each token is seen; the normal path folds case with NFKC in one pass.
  const bool keep_case = !opts.stem_capitalized;
  normalize_in_place(buf, NormalizeOptions{!keep_case, opts.fold_yo});
  icu::BreakIterator& it = *impl_->words;
  it.setText(buf);

  // State for hyphen joins: "алма-ата" gives the compound plus its parts.
  int32_t prev_word_end = -1;    // end of the previous word token
  size_t chain_first = 0;        // index in out of the chain's first part
  size_t chain_len = 0;          // number of parts in the current chain
  int32_t hyphen_at = -1;        // a '-' directly after the previous word
  auto close_chain = [&] {
    if (chain_len >= 2) {
      std::string whole;
      for (size_t i = chain_first; i < out.size(); ++i) {
        if (out[i].kind != TokenKind::word) continue;
        if (!whole.empty()) whole += '-';
        whole += out[i].text;
      }
      if (whole.size() <= kMaxTokenBytes) {
        Token t;
        t.text = std::move(whole);
        t.position = out[chain_first].position;
        t.kind = TokenKind::compound;
        t.stem_lang = Lang::unknown;
        out.push_back(std::move(t));
      }
    }
    chain_len = 0;
  };

  std::string utf8;
  int32_t start = it.first();
  for (int32_t end = it.next(); end != icu::BreakIterator::DONE; start = end, end = it.next()) {
    const int32_t status = it.getRuleStatus();
    if (status < UBRK_WORD_NONE_LIMIT) {
      // Punctuation or space. Only a single '-' glued to the previous word
      // can continue a hyphenated chain.
      if (end - start == 1 && buf.charAt(start) == u'-' && prev_word_end == start) {
        hyphen_at = start;
      } else {
        close_chain();
        hyphen_at = -1;
        prev_word_end = -1;
      }
      continue;
    }
    utf8.clear();
    bool capitalized = false;
    if (keep_case) {
      capitalized = u_isupper(buf.char32At(start));
      icu::UnicodeString folded = buf.tempSubStringBetween(start, end);
      folded.foldCase();
      append_utf8(folded, 0, folded.length(), utf8);
    } else {
      append_utf8(buf, start, end, utf8);
    }
    const bool is_number = status >= UBRK_WORD_NUMBER && status < UBRK_WORD_NUMBER_LIMIT;
    bool joined = false;
    if (!is_number && utf8.find('.') != std::string::npos && !single_letters(utf8)) {
      // A word glued to initials or a short form by a dot, which the word
      // break rules keep whole: «В.Путина», «Ш.Уәлихановтың», «г.Алматы»,
      // «ул.Абая», "kisi.kz". Each part is a word of its own, so that the
      // name is found however it was written.
      close_chain();
      hyphen_at = -1;
      prev_word_end = -1;
      size_t from = 0;
      while (from <= utf8.size()) {
        size_t dot = utf8.find('.', from);
        if (dot == std::string::npos) dot = utf8.size();
        std::string part = utf8.substr(from, dot - from);
        from = dot + 1;
        renormalize(part, opts.fold_yo);
        if (part.empty() || part.size() > kMaxTokenBytes) continue;
        Token t;
        t.text = std::move(part);
        t.position = position++;
        t.kind = TokenKind::word;
        t.stem_lang = capitalized ? Lang::unknown : stem_language(t.text, text_lang);
        out.push_back(std::move(t));
      }
      continue;
    }
    if (!is_number && utf8.find('.') != std::string::npos) {
      // Dotted abbreviations ("т.е", "u.s") are indexed without the dots.
      std::erase(utf8, '.');
      // Their letters now form one run: fold look-alikes across it, as
      // normalize() does within a word, so that the token stays normalized
      // and "т.e" typed with a Latin e is "те" (found by fuzz_analyzer).
      renormalize(utf8, opts.fold_yo);
      joined = true;
    }
    if (utf8.empty() || utf8.size() > kMaxTokenBytes) {
      close_chain();
      prev_word_end = -1;
      hyphen_at = -1;
      continue;
    }
    const bool continues_chain = hyphen_at >= 0 && hyphen_at + 1 == start && !is_number;
    if (!continues_chain) {
      close_chain();
    }
    Token t;
    t.text = utf8;
    t.position = position++;
    t.kind = is_number ? TokenKind::number : TokenKind::word;
    t.stem_lang = is_number || capitalized ? Lang::unknown
                  : joined                   ? stem_language(t.text, text_lang)
                                             : stem_language_utf16(buf, start, end, text_lang);
    if (!is_number) {
      if (!continues_chain) chain_first = out.size();
      ++chain_len;
    }
    out.push_back(std::move(t));
    prev_word_end = is_number ? -1 : end;
    hyphen_at = -1;
  }
  close_chain();
  return position;
}

namespace {

// The stems text stemmers have worked out, one memo per text language,
// analysis options and size, shared by every stemmer made with those.
std::shared_ptr<const SharedMemo<std::string>> shared_stems(Lang text_lang, const AnalysisOptions& options,
                                                            size_t entries) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const SharedMemo<std::string>>> memos;
  const std::string key = std::string(lang_code(text_lang)) + '\0' + options.to_string() + '\0' + std::to_string(entries);
  std::lock_guard<std::mutex> lock(mu);
  auto& memo = memos[key];
  if (!memo) memo = std::make_shared<const SharedMemo<std::string>>(entries);
  return memo;
}

class TextStemmer : public Xapian::StemImplementation {
 public:
  TextStemmer(Lang text_lang, AnalysisOptions options, size_t memo_entries)
      : text_lang_(text_lang), options_(options), stems_(shared_stems(text_lang, options, memo_entries)) {}
  // Snippets ask for the words of every hit's text that may match: the same
  // words again and again, on every worker thread, so their stems are
  // remembered for all of them (bounded). Kept per thread, 4,096 words a
  // language, a third of the lookups missed under the benchmark's load.
  std::string operator()(const std::string& word) override {
    if (auto hit = stems_->find(word)) return std::move(*hit);
    std::string s = analyse(word);
    stems_->put(word, s);
    return s;
  }
  std::string get_description() const override {
    return "letopis-text(" + std::string(lang_code(text_lang_)) + ")";
  }

 private:
  std::string analyse(const std::string& word) {
    icu::UnicodeString u = icu::UnicodeString::fromUTF8(word);
    normalize_in_place(u, NormalizeOptions{true, options_.fold_yo});
    std::string n;
    u.toUTF8String(n);
    if (!options_.stem) return n;
    const Lang lang = stem_language(n, text_lang_);
    switch (lang) {
      case Lang::ru: return options_.repair_russian ? repair_russian_stem(russian_(n)) : russian_(n);
      case Lang::en: return english_stem(english_, n);
      case Lang::kk: return kazakh_(n);
      case Lang::unknown: break;
    }
    return n;
  }

  Lang text_lang_;
  AnalysisOptions options_;
  std::shared_ptr<const SharedMemo<std::string>> stems_;
  Xapian::Stem russian_{"russian"};
  Xapian::Stem english_{"english"};
  Xapian::Stem kazakh_ = make_kazakh_stem();
};

}  // namespace

Xapian::Stem make_text_stemmer(Lang text_lang, AnalysisOptions options, size_t memo_entries) {
  return Xapian::Stem(new TextStemmer(text_lang, options, memo_entries));
}

}  // namespace letopis::analysis
