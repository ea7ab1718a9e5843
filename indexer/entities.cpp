#include "indexer/entities.h"

#include "indexer/hash.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "stemmers/lang.h"

namespace letopis {
namespace {

using analysis::Analyzer;
using analysis::Lang;
using analysis::Token;
using analysis::TokenKind;
using nlohmann::json;

constexpr size_t kLangs = 4;  // Lang::unknown, ru, en, kk
size_t li(Lang lang) { return static_cast<size_t>(lang); }

// Topic scoring (see the header): a title hit weighs more than a body hit,
// and one repeated word cannot carry a topic on its own.
constexpr int kTitleWeight = 3;
constexpr int kBodyWeight = 1;
constexpr int kMaxHitsPerTerm = 3;
// A word shorter than this (in letters) matches only exactly: initials,
// prepositions and short stems are too ambiguous to compare by stem.
constexpr size_t kMinInflectingLetters = 3;
// A one-word alias matches by a shared stem only if that stem is at least
// this long: "Отунбаевой" ~ "Отунбаева" (stem "отунбаев"), but a lone
// "Лавров" must not take «лавры» (stem "лавр").
constexpr size_t kMinLoneStemLetters = 5;

size_t utf8_chars(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Text as the tables see it: its words and numbers in order, each with its
// stem (the word itself when it takes no stemmer). Compounds ("алма-ата")
// are left out: their parts are there as words. Title words come first;
// title_end says where the body starts. The tokens are the caller's.
struct Text {
  std::vector<const Token*> words;
  std::vector<std::string> stems;  // parallel to words
  size_t title_end = 0;
};

// Each token's stem, or its text when it has none; "" for compounds.
std::vector<std::string> stems_of(Analyzer& analyzer, const std::vector<Token>& tokens) {
  std::vector<std::string> out;
  out.reserve(tokens.size());
  for (const Token& t : tokens) {
    if (t.kind == TokenKind::compound) {
      out.emplace_back();
      continue;
    }
    std::string s = t.stem_lang == Lang::unknown ? std::string() : analyzer.stem(t.text, t.stem_lang);
    out.push_back(s.empty() ? t.text : std::move(s));
  }
  return out;
}

void add_words(const std::vector<Token>& tokens, const std::vector<std::string>& stems, Text& out) {
  out.words.reserve(out.words.size() + tokens.size());
  out.stems.reserve(out.stems.size() + tokens.size());
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i].kind == TokenKind::compound) continue;
    out.words.push_back(&tokens[i]);
    out.stems.push_back(stems[i]);
  }
}

// --- Tables --------------------------------------------------------------

struct AliasWord {
  std::string text;  // normalized form
  // Its stem under each stemmer it may take; "" if none or too short to trust.
  std::array<std::string, kLangs> stems;
  bool inflects = false;  // false: matches its exact form only
};

struct Alias {
  std::vector<AliasWord> words;
  uint32_t entity = 0;
  uint32_t min_count = 1;  // occurrences needed in one article
  std::string case_form;   // non-empty: the raw text must contain this spelling as a word
  std::string where;       // "organizations[3].aliases[1]", for error messages
};

struct Entity {
  std::string name;
  bool person = false;
};

struct TermWord {
  Lang lang = Lang::unknown;
  std::string stem;
  bool operator==(const TermWord&) const = default;
};

struct Term {
  std::vector<TermWord> words;
  std::vector<uint32_t> topics;  // a term listed under several topics counts for each
};

struct Topic {
  std::string id;
  std::array<std::string, kLangs> labels;  // by Lang; [unknown] unused
};

using Index = std::unordered_map<std::string, std::vector<uint32_t>>;

// Everything load() builds; EntityExtractor::Tables is this, shared and const.
struct TableData {
  analysis::AnalysisOptions options;
  std::vector<Entity> entities;
  std::vector<Alias> aliases;
  Index alias_by_text;                      // first word's exact form -> aliases
  std::array<Index, kLangs> alias_by_stem;  // first word's stem (or form), per stemmer -> aliases
  std::vector<Topic> topics;
  std::vector<Term> terms;
  std::array<Index, kLangs> term_by_stem;  // first word's stem, per stemmer -> terms
  int min_score = 2;
  size_t max_topics = 0;
  uint64_t fingerprint = 0;
};

// --- Loading ---------------------------------------------------------------

[[noreturn]] void fail(const std::string& file, const std::string& where, const std::string& what) {
  throw std::runtime_error(file + ": " + (where.empty() ? "" : where + ": ") + what);
}

void check_keys(const json& obj, std::initializer_list<std::string_view> allowed, const std::string& file,
                const std::string& where) {
  if (!obj.is_object()) fail(file, where, "must be an object");
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end()) {
      fail(file, where, "unknown field '" + it.key() + "'");
    }
  }
}

const json& require(const json& obj, const char* key, const std::string& file, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end()) fail(file, where, std::string("missing field '") + key + "'");
  return *it;
}

std::string require_string(const json& v, const std::string& file, const std::string& where) {
  if (!v.is_string()) fail(file, where, "must be a string");
  return v.get<std::string>();
}

json parse(const std::string& text, const std::string& file) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    fail(file, "", std::string("not valid JSON: ") + e.what());
  }
}

std::string join(const std::string& a, const std::string& b) { return a.empty() ? b : a + "." + b; }
std::string at(const std::string& a, size_t i) { return a + "[" + std::to_string(i) + "]"; }

// True when every letter of s is a capital and it has at least two letters.
bool is_acronym(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const int32_t len = static_cast<int32_t>(s.size());
  int letters = 0;
  for (int32_t i = 0; i < len;) {
    UChar32 c;
    U8_NEXT(p, i, len, c);
    if (c < 0 || !u_isalpha(c)) continue;
    if (!u_isupper(c)) return false;
    ++letters;
  }
  return letters >= 2;
}

// The stemmers a normalized word may take, whatever the language of its text.
std::vector<Lang> stemmers_of(std::string_view word) {
  std::vector<Lang> out;
  for (Lang text_lang : {Lang::ru, Lang::kk}) {
    const Lang l = analysis::stem_language(word, text_lang);
    if (l != Lang::unknown && std::find(out.begin(), out.end(), l) == out.end()) out.push_back(l);
  }
  return out;
}

// Analyses an alias into words. Each whitespace- or hyphen-separated piece
// is judged on its own: a piece in capitals is an acronym and matches only
// exactly. Tokenizing piece by piece gives the same words as the whole,
// since a word never spans a space or a hyphen.
std::vector<AliasWord> analyse_alias(Analyzer& analyzer, const std::string& alias) {
  std::vector<AliasWord> words;
  size_t begin = 0;
  while (begin <= alias.size()) {
    size_t end = alias.find_first_of(" \t\n\r-", begin);
    if (end == std::string::npos) end = alias.size();
    const std::string_view piece(alias.data() + begin, end - begin);
    if (!piece.empty()) {
      const bool acronym = is_acronym(piece);
      std::vector<Token> tokens;
      analyzer.tokenize(piece, Lang::unknown, tokens);
      for (const Token& tok : tokens) {
        if (tok.kind == TokenKind::compound) continue;
        AliasWord w;
        w.text = tok.text;
        w.inflects = !acronym && tok.kind == TokenKind::word && utf8_chars(tok.text) >= kMinInflectingLetters;
        if (w.inflects) {
          for (Lang l : stemmers_of(w.text)) {
            std::string s = analyzer.stem(w.text, l);
            if (utf8_chars(s) >= kMinInflectingLetters) w.stems[li(l)] = std::move(s);
          }
        }
        words.push_back(std::move(w));
      }
    }
    begin = end + 1;
  }
  return words;
}

void load_gazetteer(const std::string& text, const std::string& file, Analyzer& analyzer, TableData& t) {
  const json root = parse(text, file);
  check_keys(root, {"people", "organizations", "comment"}, file, "");
  std::unordered_map<std::string, size_t> ids;         // name -> entity
  std::unordered_map<std::string, uint32_t> by_words;  // joined alias words -> alias
  for (const char* kind : {"people", "organizations"}) {
    auto list = root.find(kind);
    if (list == root.end()) continue;
    if (!list->is_array()) fail(file, kind, "must be an array");
    for (size_t e = 0; e < list->size(); ++e) {
      const json& obj = (*list)[e];
      const std::string where = at(kind, e);
      check_keys(obj, {"id", "aliases"}, file, where);
      Entity entity;
      entity.name = require_string(require(obj, "id", file, where), file, join(where, "id"));
      entity.person = std::string_view(kind) == "people";
      if (entity.name.empty() || entity.name.find_first_not_of(' ') == std::string::npos) {
        fail(file, join(where, "id"), "empty id");
      }
      if (!ids.emplace(entity.name, t.entities.size()).second) {
        fail(file, join(where, "id"), "duplicate id '" + entity.name + "'");
      }
      const uint32_t entity_no = static_cast<uint32_t>(t.entities.size());
      t.entities.push_back(entity);

      const json& aliases = require(obj, "aliases", file, where);
      if (!aliases.is_array() || aliases.empty()) fail(file, join(where, "aliases"), "must be a non-empty array");
      for (size_t a = 0; a < aliases.size(); ++a) {
        const std::string awhere = at(join(where, "aliases"), a);
        const json& spec = aliases[a];
        Alias alias;
        alias.entity = entity_no;
        alias.where = awhere;
        std::string raw;
        bool match_case = false, match_case_given = false;
        if (spec.is_string()) {
          raw = spec.get<std::string>();
        } else if (spec.is_object()) {
          check_keys(spec, {"text", "match_case", "min_count"}, file, awhere);
          raw = require_string(require(spec, "text", file, awhere), file, join(awhere, "text"));
          if (auto it = spec.find("match_case"); it != spec.end()) {
            if (!it->is_boolean()) fail(file, join(awhere, "match_case"), "must be true or false");
            match_case = it->get<bool>();
            match_case_given = true;
          }
          if (auto it = spec.find("min_count"); it != spec.end()) {
            if (!it->is_number_integer() || it->get<int64_t>() < 1 || it->get<int64_t>() > 100) {
              fail(file, join(awhere, "min_count"), "must be an integer from 1 to 100");
            }
            alias.min_count = it->get<uint32_t>();
          }
        } else {
          fail(file, awhere, "must be a string or an object with \"text\"");
        }
        alias.words = analyse_alias(analyzer, raw);
        if (alias.words.empty()) fail(file, awhere, "empty alias (it has no words)");
        if (alias.words.size() == 1) {
          for (auto& stem : alias.words[0].stems) {
            if (utf8_chars(stem) < kMinLoneStemLetters) stem.clear();
          }
        }
        // A one-word acronym must appear in capitals (see the header).
        if (!match_case_given) match_case = alias.words.size() == 1 && is_acronym(raw);
        if (match_case) {
          const size_t b = raw.find_first_not_of(" \t"), e2 = raw.find_last_not_of(" \t");
          alias.case_form = raw.substr(b, e2 - b + 1);
        }
        std::string key;
        for (const auto& w : alias.words) key += w.text + ' ';
        auto [it, fresh] = by_words.emplace(key, static_cast<uint32_t>(t.aliases.size()));
        if (!fresh) {
          const Alias& other = t.aliases[it->second];
          if (other.entity == entity_no) continue;  // the same alias twice ("KazISS", "KAZISS")
          fail(file, awhere,
               "alias '" + raw + "' of '" + entity.name + "' is also an alias of '" + t.entities[other.entity].name +
                   "' (" + other.where + ")");
        }
        t.aliases.push_back(std::move(alias));
      }
    }
  }
  // Index each alias under its first word: its exact form, and for a word
  // that inflects the stems a text word must have to match it.
  for (uint32_t a = 0; a < t.aliases.size(); ++a) {
    const AliasWord& w = t.aliases[a].words.front();
    t.alias_by_text[w.text].push_back(a);
    if (!w.inflects) continue;
    for (Lang l : stemmers_of(w.text)) {
      auto& index = t.alias_by_stem[li(l)];
      index[w.text].push_back(a);
      const std::string& s = w.stems[li(l)];
      if (!s.empty() && s != w.text) index[s].push_back(a);
    }
  }
}

std::vector<TermWord> analyse_term(Analyzer& analyzer, const std::string& term, Lang lang) {
  std::vector<Token> tokens;
  analyzer.tokenize(term, lang, tokens);
  Text t;
  add_words(tokens, stems_of(analyzer, tokens), t);
  std::vector<TermWord> words;
  for (size_t i = 0; i < t.words.size(); ++i) words.push_back({t.words[i]->stem_lang, t.stems[i]});
  return words;
}

void load_taxonomy(const std::string& text, const std::string& file, Analyzer& analyzer, TableData& t) {
  const json root = parse(text, file);
  check_keys(root, {"topics", "min_score", "max_topics", "comment"}, file, "");
  if (auto it = root.find("min_score"); it != root.end()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 1 || it->get<int64_t>() > 1000) {
      fail(file, "min_score", "must be an integer from 1 to 1000");
    }
    t.min_score = it->get<int>();
  }
  if (auto it = root.find("max_topics"); it != root.end()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 0 || it->get<int64_t>() > 1000) {
      fail(file, "max_topics", "must be an integer from 0 (no limit) to 1000");
    }
    t.max_topics = it->get<size_t>();
  }
  const json& topics = require(root, "topics", file, "");
  if (!topics.is_array()) fail(file, "topics", "must be an array");
  std::unordered_map<std::string, uint32_t> term_no;  // joined term words -> term
  std::unordered_set<std::string> ids;
  for (size_t i = 0; i < topics.size(); ++i) {
    const std::string where = at("topics", i);
    const json& obj = topics[i];
    check_keys(obj, {"id", "label", "terms"}, file, where);
    Topic topic;
    topic.id = require_string(require(obj, "id", file, where), file, join(where, "id"));
    const bool slug = !topic.id.empty() && std::all_of(topic.id.begin(), topic.id.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
    if (!slug) fail(file, join(where, "id"), "'" + topic.id + "' is not a slug (a-z, 0-9, '-')");
    if (!ids.insert(topic.id).second) fail(file, join(where, "id"), "duplicate id '" + topic.id + "'");
    const uint32_t topic_no = static_cast<uint32_t>(t.topics.size());

    const json& label = require(obj, "label", file, where);
    check_keys(label, {"en", "ru", "kk"}, file, join(where, "label"));
    for (auto it = label.begin(); it != label.end(); ++it) {
      topic.labels[li(analysis::parse_lang(it.key()))] =
          require_string(it.value(), file, join(join(where, "label"), it.key()));
    }
    if (topic.labels[li(Lang::en)].empty()) fail(file, join(where, "label"), "needs an \"en\" label");

    const json& terms = require(obj, "terms", file, where);
    check_keys(terms, {"en", "ru", "kk"}, file, join(where, "terms"));
    size_t count = 0;
    for (auto it = terms.begin(); it != terms.end(); ++it) {
      const std::string lwhere = join(join(where, "terms"), it.key());
      const Lang lang = analysis::parse_lang(it.key());
      if (!it->is_array()) fail(file, lwhere, "must be an array of strings");
      for (size_t k = 0; k < it->size(); ++k) {
        const std::string raw = require_string((*it)[k], file, at(lwhere, k));
        std::vector<TermWord> words = analyse_term(analyzer, raw, lang);
        if (words.empty()) fail(file, at(lwhere, k), "empty term (it has no words)");
        std::string key;
        for (const auto& w : words) key += std::to_string(li(w.lang)) + w.stem + ' ';
        auto [pos, fresh] = term_no.emplace(key, static_cast<uint32_t>(t.terms.size()));
        if (fresh) t.terms.push_back(Term{std::move(words), {}});
        // Forms with one stem ("вода", "воды") are one term, counted once.
        auto& owners = t.terms[pos->second].topics;
        if (std::find(owners.begin(), owners.end(), topic_no) == owners.end()) owners.push_back(topic_no);
        ++count;
      }
    }
    if (count == 0) fail(file, join(where, "terms"), "has no terms");
    t.topics.push_back(std::move(topic));
  }
  for (uint32_t k = 0; k < t.terms.size(); ++k) {
    const TermWord& w = t.terms[k].words.front();
    t.term_by_stem[li(w.lang)][w.stem].push_back(k);
  }
}


std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot read the file");
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) throw std::runtime_error(path + ": read error");
  return s.str();
}

void load_all(const std::string& gazetteer, const std::string& gazetteer_name, const std::string& taxonomy,
              const std::string& taxonomy_name, analysis::AnalysisOptions options, TableData& t) {
  t.options = options;
  Analyzer analyzer(options);
  load_gazetteer(gazetteer, gazetteer_name, analyzer, t);
  load_taxonomy(taxonomy, taxonomy_name, analyzer, t);
  t.fingerprint = fnv1a64(taxonomy, fnv1a64(std::string_view("\0", 1), fnv1a64(gazetteer)));
}

// --- Matching --------------------------------------------------------------

bool word_matches(const AliasWord& w, const Token& t, const std::string& stem) {
  if (t.text == w.text) return true;
  if (!w.inflects || t.stem_lang == Lang::unknown) return false;
  // "тукумова" stems to "тукумов": an inflected form of the alias word.
  if (stem == w.text) return true;
  // "натальей" and "наталья" share the stem "натал" (kept only where it is
  // safe; see kMinLoneStemLetters).
  const std::string& ws = w.stems[li(t.stem_lang)];
  return !ws.empty() && stem == ws;
}

bool is_word_char(UChar32 c) { return c >= 0 && (u_isalnum(c) || c == '_'); }

// True if text contains needle as a whole word, case and all.
bool contains_word(std::string_view text, std::string_view needle) {
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t len = static_cast<int32_t>(text.size());
  for (size_t pos = text.find(needle); pos != std::string_view::npos; pos = text.find(needle, pos + 1)) {
    UChar32 before = -1, after = -1;
    if (pos > 0) {
      int32_t i = static_cast<int32_t>(pos);
      U8_PREV(p, 0, i, before);
    }
    const int32_t end = static_cast<int32_t>(pos + needle.size());
    if (end < len) {
      int32_t i = end;
      U8_NEXT(p, i, len, after);
    }
    if (!is_word_char(before) && !is_word_char(after)) return true;
  }
  return false;
}

struct Hit {
  uint32_t id;  // alias or term
  int weight;   // kTitleWeight or kBodyWeight
};

void match_aliases(const TableData& t, const Text& text, size_t begin, size_t end, int weight, std::vector<Hit>& hits) {
  for (size_t i = begin; i < end;) {
    const Token& tok = *text.words[i];
    size_t best_len = 0, best_exact = 0;
    uint32_t best = 0;
    auto consider = [&](const std::vector<uint32_t>& candidates) {
      for (uint32_t a : candidates) {
        const Alias& alias = t.aliases[a];
        const size_t n = alias.words.size();
        if (n < best_len || i + n > end) continue;
        size_t exact = 0, k = 0;
        for (; k < n; ++k) {
          const AliasWord& w = alias.words[k];
          if (!word_matches(w, *text.words[i + k], text.stems[i + k])) break;
          exact += text.words[i + k]->text == w.text;
        }
        // Longest wins; between equally long ones, the closer spelling.
        if (k == n && (n > best_len || exact > best_exact)) {
          best_len = n;
          best_exact = exact;
          best = a;
        }
      }
    };
    if (auto it = t.alias_by_text.find(tok.text); it != t.alias_by_text.end()) consider(it->second);
    if (tok.stem_lang != Lang::unknown) {
      const Index& index = t.alias_by_stem[li(tok.stem_lang)];
      if (auto it = index.find(text.stems[i]); it != index.end()) consider(it->second);
    }
    if (best_len == 0) {
      ++i;
      continue;
    }
    hits.push_back({best, weight});
    i += best_len;
  }
}

void match_terms(const TableData& t, const Text& text, size_t begin, size_t end, int weight, std::vector<Hit>& hits) {
  for (size_t i = begin; i < end;) {
    const Index& index = t.term_by_stem[li(text.words[i]->stem_lang)];
    auto it = index.find(text.stems[i]);
    size_t best_len = 0;
    uint32_t best = 0;
    if (it != index.end()) {
      for (uint32_t k : it->second) {
        const Term& term = t.terms[k];
        const size_t n = term.words.size();
        if (n <= best_len || i + n > end) continue;
        size_t j = 1;
        while (j < n && text.words[i + j]->stem_lang == term.words[j].lang && text.stems[i + j] == term.words[j].stem) {
          ++j;
        }
        if (j == n) {
          best_len = n;
          best = k;
        }
      }
    }
    if (best_len == 0) {
      ++i;
      continue;
    }
    hits.push_back({best, weight});
    i += best_len;
  }
}

}  // namespace

struct EntityExtractor::Tables : TableData {
  std::string gazetteer_text, taxonomy_text;  // as loaded
};

const std::string& EntityExtractor::gazetteer_json() const {
  static const std::string none;
  return tables_ ? tables_->gazetteer_text : none;
}

const std::string& EntityExtractor::taxonomy_json() const {
  static const std::string none;
  return tables_ ? tables_->taxonomy_text : none;
}

EntityExtractor EntityExtractor::from_json(const std::string& gazetteer_text, const std::string& taxonomy_text,
                                           analysis::AnalysisOptions options) {
  auto t = std::make_shared<Tables>();
  load_all(gazetteer_text, "gazetteer", taxonomy_text, "taxonomy", options, *t);
  t->gazetteer_text = gazetteer_text;
  t->taxonomy_text = taxonomy_text;
  EntityExtractor x;
  x.tables_ = std::move(t);
  return x;
}

EntityExtractor EntityExtractor::from_files(const std::string& gazetteer_json, const std::string& taxonomy_json,
                                            analysis::AnalysisOptions options) {
  auto t = std::make_shared<Tables>();
  t->gazetteer_text = read_text(gazetteer_json);
  t->taxonomy_text = read_text(taxonomy_json);
  load_all(t->gazetteer_text, gazetteer_json, t->taxonomy_text, taxonomy_json, options, *t);
  EntityExtractor x;
  x.tables_ = std::move(t);
  return x;
}

Entities EntityExtractor::extract(const Article& article, Analyzer& analyzer) const {
  if (!tables_) return {};
  Lang lang = analysis::parse_lang(article.lang);
  if (lang == Lang::unknown) lang = analysis::detect_language(article.title + "\n" + article.body).lang;
  std::vector<Token> title, body;
  analyzer.tokenize(article.title, lang, title);
  analyzer.tokenize(article.body, lang, body);
  return extract(article.title, title, stems_of(analyzer, title), article.body, body, stems_of(analyzer, body),
                 analyzer.options());
}

Entities EntityExtractor::extract(std::string_view title, const std::vector<Token>& title_tokens,
                                  const std::vector<std::string>& title_stems, std::string_view body,
                                  const std::vector<Token>& body_tokens, const std::vector<std::string>& body_stems,
                                  const analysis::AnalysisOptions& options) const {
  Entities out;
  if (!tables_) return out;
  const Tables& t = *tables_;
  if (!(options == t.options)) {
    throw std::invalid_argument("EntityExtractor: the analyzer's options (" + options.to_string() +
                                ") differ from those the tables were built with (" + t.options.to_string() + ")");
  }
  if (title_stems.size() != title_tokens.size() || body_stems.size() != body_tokens.size()) {
    throw std::invalid_argument("EntityExtractor: stems and tokens differ in number");
  }
  Text text;
  add_words(title_tokens, title_stems, text);
  text.title_end = text.words.size();
  add_words(body_tokens, body_stems, text);
  const size_t n = text.words.size();

  // Names. Matches never run from the title into the body.
  std::vector<Hit> hits;
  match_aliases(t, text, 0, text.title_end, kTitleWeight, hits);
  match_aliases(t, text, text.title_end, n, kBodyWeight, hits);
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) { return a.id < b.id; });
  std::vector<uint32_t> found;
  for (size_t i = 0; i < hits.size();) {
    size_t j = i;
    while (j < hits.size() && hits[j].id == hits[i].id) ++j;
    const Alias& alias = t.aliases[hits[i].id];
    const bool ok = j - i >= alias.min_count && (alias.case_form.empty() || contains_word(title, alias.case_form) ||
                                                 contains_word(body, alias.case_form));
    if (ok) found.push_back(alias.entity);
    i = j;
  }
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  for (uint32_t e : found) (t.entities[e].person ? out.people : out.orgs).push_back(t.entities[e].name);
  std::sort(out.people.begin(), out.people.end());
  std::sort(out.orgs.begin(), out.orgs.end());

  // Topics.
  hits.clear();
  match_terms(t, text, 0, text.title_end, kTitleWeight, hits);
  match_terms(t, text, text.title_end, n, kBodyWeight, hits);
  // Per term, its heaviest hits first, at most kMaxHitsPerTerm of them.
  std::sort(hits.begin(), hits.end(),
            [](const Hit& a, const Hit& b) { return a.id != b.id ? a.id < b.id : a.weight > b.weight; });
  std::vector<int> score(t.topics.size(), 0);
  for (size_t i = 0; i < hits.size();) {
    size_t j = i;
    int sum = 0;
    for (; j < hits.size() && hits[j].id == hits[i].id; ++j) {
      if (j - i < static_cast<size_t>(kMaxHitsPerTerm)) sum += hits[j].weight;
    }
    for (uint32_t topic : t.terms[hits[i].id].topics) score[topic] += sum;
    i = j;
  }
  std::vector<uint32_t> chosen;
  for (uint32_t k = 0; k < score.size(); ++k) {
    if (score[k] >= t.min_score) chosen.push_back(k);
  }
  if (t.max_topics > 0 && chosen.size() > t.max_topics) {
    std::stable_sort(chosen.begin(), chosen.end(), [&](uint32_t a, uint32_t b) { return score[a] > score[b]; });
    chosen.resize(t.max_topics);
  }
  for (uint32_t k : chosen) out.topics.push_back(t.topics[k].id);
  std::sort(out.topics.begin(), out.topics.end());
  return out;
}

std::vector<EntityExtractor::AliasEntry> EntityExtractor::aliases() const {
  std::vector<AliasEntry> out;
  if (!tables_) return out;
  for (const Alias& a : tables_->aliases) {
    AliasEntry e;
    for (const AliasWord& w : a.words) e.text += (e.text.empty() ? "" : " ") + w.text;
    const Entity& ent = tables_->entities[a.entity];
    e.entity = ent.name;
    e.person = ent.person;
    if (!e.text.empty()) out.push_back(std::move(e));
  }
  return out;
}

size_t EntityExtractor::alias_count() const { return tables_ ? tables_->aliases.size() : 0; }

size_t EntityExtractor::person_count() const {
  if (!tables_) return 0;
  return static_cast<size_t>(
      std::count_if(tables_->entities.begin(), tables_->entities.end(), [](const Entity& e) { return e.person; }));
}

size_t EntityExtractor::org_count() const { return tables_ ? tables_->entities.size() - person_count() : 0; }

size_t EntityExtractor::topic_count() const { return tables_ ? tables_->topics.size() : 0; }

std::string EntityExtractor::topic_label(std::string_view topic_id, std::string_view lang) const {
  if (!tables_) return "";
  for (const Topic& topic : tables_->topics) {
    if (topic.id != topic_id) continue;
    const std::string& l = topic.labels[li(analysis::parse_lang(lang))];
    return l.empty() ? topic.labels[li(Lang::en)] : l;
  }
  return "";
}

std::string EntityExtractor::fingerprint() const {
  return hex64(tables_ ? tables_->fingerprint : 0);
}

}  // namespace letopis
