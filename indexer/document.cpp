#include "indexer/document.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "indexer/hash.h"
#include "indexer/schema.h"
#include "stemmers/lang.h"
#include "stemmers/normalize.h"

namespace letopis {
namespace {

using analysis::Lang;
using analysis::Token;
using analysis::TokenKind;

// Title words also count towards the body's statistics; this extra wdf makes
// a title occurrence weigh like a few body occurrences in BM25.
constexpr Xapian::termcount kTitleWdfBoost = 2;
// Gap between the title's and the body's positions, so phrases do not join them.
constexpr Xapian::termpos kFieldGap = 100;

std::string join_multi(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) {
    if (v.empty()) continue;
    if (!out.empty()) out += schema::kMultiSep;
    out += v;
  }
  return out;
}

// Adds the values of more to list, keeping it sorted and without repeats.
void merge_unique(std::vector<std::string>& list, const std::vector<std::string>& more) {
  list.insert(list.end(), more.begin(), more.end());
  std::sort(list.begin(), list.end());
  list.erase(std::unique(list.begin(), list.end()), list.end());
}

// The stem a token is indexed under: numbers and compounds index as themselves.
std::string stem_of(analysis::Analyzer& a, const Token& t) {
  if (t.stem_lang == Lang::unknown) return t.text;
  std::string s = a.stem(t.text, t.stem_lang);
  return s.empty() ? t.text : s;
}

}  // namespace

bool valid_iso_date(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (d[i] < '0' || d[i] > '9') return false;
  }
  const int y = std::stoi(std::string(d.substr(0, 4)));
  const int m = std::stoi(std::string(d.substr(5, 2)));
  const int day = std::stoi(std::string(d.substr(8, 2)));
  if (y < 1000 || y > 2999 || m < 1 || m > 12 || day < 1) return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return day <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

std::string article_to_data(const Article& a) {
  nlohmann::json j = {
      {"id", a.id},           {"lang", a.lang},     {"title", a.title}, {"date", a.date},
      {"url", a.url},         {"section", a.section}, {"tags", a.tags}, {"people", a.people},
      {"orgs", a.orgs},       {"topics", a.topics}, {"author", a.author}, {"body", a.body},
  };
  // Replacement characters instead of an exception: sources repair UTF-8
  // first, so this is only a last line of defence.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Article article_from_data(const std::string& data) {
  nlohmann::json j = nlohmann::json::parse(data, nullptr, false);
  if (!j.is_object() || !j.contains("id")) {
    throw std::runtime_error("document data is not a Letopis article");
  }
  Article a;
  auto str = [&](const char* key, std::string& out) {
    auto it = j.find(key);
    if (it != j.end() && it->is_string()) out = it->get<std::string>();
  };
  auto list = [&](const char* key, std::vector<std::string>& out) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_array()) return;
    for (const auto& v : *it) {
      if (v.is_string()) out.push_back(v.get<std::string>());
    }
  };
  str("id", a.id);
  str("lang", a.lang);
  str("title", a.title);
  str("date", a.date);
  str("url", a.url);
  str("section", a.section);
  list("tags", a.tags);
  list("people", a.people);
  list("orgs", a.orgs);
  list("topics", a.topics);
  str("author", a.author);
  str("body", a.body);
  return a;
}

std::string content_hash(const Article& a) {
  uint64_t h = fnv1a64(article_to_data(a));
  // The schema version is part of the hash: a schema change reindexes all.
  h ^= static_cast<uint64_t>(schema::kVersion);
  h *= 1099511628211ULL;
  return hex64(h);
}

Xapian::Document DocumentBuilder::build(const Article& a, const std::string& hash) {
  using namespace schema;
  Xapian::Document doc;
  Lang lang = analysis::parse_lang(a.lang);
  if (lang == Lang::unknown) lang = analysis::detect_language(a.title + "\n" + a.body).lang;

  // Title: exact forms (also under S), stems (also under ZS), positional stems.
  title_tokens_.clear();
  const Xapian::termpos after_title = analyzer_.tokenize(a.title, lang, title_tokens_, 1);
  for (const Token& t : title_tokens_) {
    doc.add_term(t.text, 1 + kTitleWdfBoost);
    doc.add_term(term(prefix::title, t.text));
    if (t.kind == TokenKind::compound) continue;  // parts carry the positions
    const std::string s = stem_of(analyzer_, t);
    doc.add_posting(term(prefix::stem, s), t.position, 1 + kTitleWdfBoost);
    doc.add_posting(term(prefix::title_stem, s), t.position);
  }
  body_tokens_.clear();
  analyzer_.tokenize(a.body, lang, body_tokens_, after_title + kFieldGap);
  for (const Token& t : body_tokens_) {
    doc.add_term(t.text);
    if (t.kind == TokenKind::compound) continue;
    doc.add_posting(term(prefix::stem, stem_of(analyzer_, t)), t.position);
  }

  // Boolean filter terms (wdf 0, so they do not disturb the weights).
  doc.add_boolean_term(id_term(a.id));
  const std::string code(analysis::lang_code(lang));
  if (!code.empty()) doc.add_boolean_term(term(prefix::lang, code));
  if (!a.date.empty()) {
    const std::string ymd = a.date.substr(0, 4) + a.date.substr(5, 2) + a.date.substr(8, 2);
    doc.add_boolean_term(term(prefix::date, ymd));
    doc.add_boolean_term(term(prefix::month, ymd.substr(0, 6)));
    doc.add_boolean_term(term(prefix::year, ymd.substr(0, 4)));
    doc.add_value(kSlotDate, ymd);
    doc.add_value(kSlotYear, ymd.substr(0, 4));
    doc.add_value(kSlotMonth, a.date.substr(0, 7));
  }
  if (!code.empty()) doc.add_value(kSlotLang, code);
  if (!a.section.empty()) {
    const std::string section = analysis::normalize(a.section);
    doc.add_boolean_term(term(prefix::section, section));
    doc.add_value(kSlotSection, section);
  }
  std::vector<std::string> tags;
  for (const auto& tag : a.tags) {
    std::string t = analysis::normalize(tag);
    if (t.empty()) continue;
    doc.add_boolean_term(term(prefix::tag, t));
    tags.push_back(std::move(t));
  }
  if (!tags.empty()) doc.add_value(kSlotTags, join_multi(tags));
  if (!a.url.empty()) doc.add_boolean_term(term(prefix::url, a.url));
  if (!a.author.empty()) doc.add_boolean_term(term(prefix::author, analysis::normalize(a.author)));
  // Entities and topics: the source's own plus what the gazetteer and the
  // taxonomy find in the tokens already made above.
  Article stored = a;
  const Entities found = entities_.extract(a.title, title_tokens_, a.body, body_tokens_, analyzer_);
  merge_unique(stored.people, found.people);
  merge_unique(stored.orgs, found.orgs);
  merge_unique(stored.topics, found.topics);
  for (const auto& t : stored.topics) doc.add_boolean_term(term(prefix::topic, t));
  for (const auto& p : stored.people) doc.add_boolean_term(term(prefix::person, p));
  for (const auto& o : stored.orgs) doc.add_boolean_term(term(prefix::org, o));
  if (!stored.topics.empty()) doc.add_value(kSlotTopics, join_multi(stored.topics));
  if (!stored.people.empty()) doc.add_value(kSlotPeople, join_multi(stored.people));
  if (!stored.orgs.empty()) doc.add_value(kSlotOrgs, join_multi(stored.orgs));
  doc.add_value(kSlotHash, hash);

  stored.lang = code;
  doc.set_data(article_to_data(stored));
  return doc;
}

}  // namespace letopis
