#include "indexer/sources.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "indexer/byte_reader.h"
#include "indexer/document.h"
#include "indexer/pages.h"
#include "stemmers/lang.h"

namespace letopis {
namespace {

// Control characters have no place in fields that become terms or facet
// values (the facet separator is one of them).
std::string clean_field(std::string s) {
  std::erase_if(s, [](char c) { return static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t'; });
  return s;
}

// A text field as it reads (text_field in pages.h): one line for a title,
// tag or author.
std::string as_text(std::string s, bool one_line) {
  if (s.find_first_of("&<") == std::string::npos) return s;  // most records: no copy
  s = clean_field(text_field(s, !one_line));
  if (one_line) std::replace(s.begin(), s.end(), '\n', ' ');
  return s;
}

// Reads an optional string field. Returns false (and sets why) if present
// with another type.
bool optional_string(const nlohmann::json& j, const char* key, std::string& out, std::string& why) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return true;
  if (!it->is_string()) {
    why = std::string("field '") + key + "' must be a string or null, not " + it->type_name();
    return false;
  }
  out = clean_field(it->get<std::string>());
  return true;
}

}  // namespace

std::string parse_jsonl_record(std::string_view line, Article& a) {
  a = Article{};
  nlohmann::json j = nlohmann::json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    // Re-parse with exceptions only on this rare path, for the precise message.
    // Not only parse_error: a number out of double's range ("1e400") is an
    // out_of_range, and must reject this record, not end the run.
    try {
      nlohmann::json again = nlohmann::json::parse(line.begin(), line.end());
    } catch (const nlohmann::json::exception& e) {
      return std::string("malformed JSON: ") + e.what();
    }
    return "malformed JSON";
  }
  if (!j.is_object()) return std::string("record must be a JSON object, not ") + j.type_name();
  std::string why;
  auto id = j.find("id");
  if (id == j.end() || id->is_null()) return "missing required field 'id'";
  if (id->is_number_unsigned()) {  // any id >= 0: 2^63 and above do not fit a long long
    a.id = std::to_string(id->get<unsigned long long>());
  } else if (id->is_number_integer()) {
    a.id = std::to_string(id->get<long long>());
  } else if (id->is_string()) {
    a.id = clean_field(id->get<std::string>());
  } else {
    return std::string("field 'id' must be a string, not ") + id->type_name();
  }
  if (a.id.empty()) return "field 'id' is empty";
  if (!optional_string(j, "lang", a.lang, why) || !optional_string(j, "title", a.title, why) ||
      !optional_string(j, "date", a.date, why) || !optional_string(j, "url", a.url, why) ||
      !optional_string(j, "section", a.section, why) || !optional_string(j, "body", a.body, why) ||
      !optional_string(j, "author", a.author, why)) {
    return why;
  }
  if (!a.lang.empty() && analysis::parse_lang(a.lang) == analysis::Lang::unknown) {
    return "field 'lang' must be one of ru, en, kk (or null to detect), not '" + a.lang + "'";
  }
  if (!a.date.empty()) {
    // Accept a full timestamp but index only its date.
    if (a.date.size() > 10 && (a.date[10] == 'T' || a.date[10] == ' ')) a.date.resize(10);
    if (!valid_iso_date(a.date)) return "field 'date' must be YYYY-MM-DD or null, not '" + a.date + "'";
  }
  if (auto tags = j.find("tags"); tags != j.end() && !tags->is_null()) {
    if (!tags->is_array()) return std::string("field 'tags' must be an array of strings, not ") + tags->type_name();
    for (const auto& t : *tags) {
      if (!t.is_string()) return "field 'tags' must hold only strings";
      std::string tag = as_text(clean_field(t.get<std::string>()), true);
      if (!tag.empty()) a.tags.push_back(std::move(tag));
    }
  }
  a.title = as_text(std::move(a.title), true);
  a.body = as_text(std::move(a.body), false);
  a.author = as_text(std::move(a.author), true);
  if (a.title.empty() && a.body.empty()) return "record has neither title nor body";
  return {};
}

void read_jsonl(const std::string& path, const SourceLimits& limits, const ArticleFn& on_article,
                const ErrorFn& on_error) {
  ByteReader reader(path);
  std::string line;
  bool too_long = false;
  uint64_t lineno = 0;
  Article article;
  while (reader.read_line(line, limits.max_record_bytes, &too_long)) {
    ++lineno;
    SourceLocation where{path, lineno};
    if (too_long) {
      on_error({where, "record is larger than the limit of " + std::to_string(limits.max_record_bytes) +
                           " bytes (--max-record-bytes)"});
      continue;
    }
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;  // blank line
    std::string why = parse_jsonl_record(line, article);
    if (!why.empty()) {
      on_error({where, why});
      continue;
    }
    on_article(std::move(article), where);
  }
}

}  // namespace letopis
