#include "searchd/render.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>

#include <nlohmann/json.hpp>

namespace letopis::searchd {
namespace {

using nlohmann::json;

// Invalid UTF-8 can only come from a damaged index; replace rather than fail.
std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string iso_date(const std::string& ymd) {
  if (ymd.size() != 8) return ymd;
  return ymd.substr(0, 4) + "-" + ymd.substr(4, 2) + "-" + ymd.substr(6, 2);
}

const char* sort_name(Sort s) {
  switch (s) {
    case Sort::relevance: return "relevance";
    case Sort::date_asc: return "date";
    case Sort::date_desc: return "-date";
  }
  return "relevance";
}

json hit_json(const Hit& h, bool with_snippet) {
  json j = {{"id", h.id},
            {"title", h.title},
            {"url", h.url},
            {"date", h.date.empty() ? json(nullptr) : json(h.date)},
            {"lang", h.lang},
            {"section", h.section},
            {"tags", h.tags},
            {"score", h.score}};
  if (with_snippet) j["snippet"] = h.snippet;
  if (h.some_words) j["some_words"] = true;
  if (!h.missing.empty()) j["missing"] = h.missing;
  return j;
}

// The fast path of render_search_json: hits and facets, most of a result's
// bytes, written straight into the output rather than built as a DOM and
// dumped (which was a tenth of a request's instructions). Byte for byte
// what nlohmann's dump() writes (test_render holds the two equal): keys in
// sorted order, strings escaped as it escapes them, numbers through its own
// serializer.
bool valid_utf8(std::string_view s) {
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c >= 0xE0 && c <= 0xEF) len = 3;
    else if (c >= 0xF0 && c <= 0xF4) len = 4;
    else return false;
    if (i + len > n) return false;
    const auto c1 = static_cast<unsigned char>(s[i + 1]);
    if ((c1 & 0xC0) != 0x80) return false;
    if ((c == 0xE0 && c1 < 0xA0) || (c == 0xF0 && c1 < 0x90)) return false;  // overlong
    if (c == 0xED && c1 > 0x9F) return false;                                 // surrogates
    if (c == 0xF4 && c1 > 0x8F) return false;                                 // above U+10FFFF
    for (size_t k = 2; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

void append_string(std::string& out, std::string_view s) {
  if (!valid_utf8(s)) {
    out += dump(json(std::string(s)));  // the DOM's replacement characters
    return;
  }
  static const char* hex = "0123456789abcdef";
  out += '"';
  size_t run = 0;  // start of the bytes not yet copied
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 15];
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

void append_hits(std::string& out, const std::vector<Hit>& hits) {
  out += '[';
  for (size_t i = 0; i < hits.size(); ++i) {
    const Hit& h = hits[i];
    if (i) out += ',';
    out += "{\"date\":";
    if (h.date.empty()) out += "null";
    else append_string(out, h.date);
    out += ",\"id\":";
    append_string(out, h.id);
    out += ",\"lang\":";
    append_string(out, h.lang);
    if (!h.missing.empty()) {
      out += ",\"missing\":[";
      for (size_t m = 0; m < h.missing.size(); ++m) {
        if (m) out += ',';
        append_string(out, h.missing[m]);
      }
      out += ']';
    }
    out += ",\"score\":";
    out += dump(json(h.score));
    out += ",\"section\":";
    append_string(out, h.section);
    out += ",\"snippet\":";
    append_string(out, h.snippet);
    if (h.some_words) out += ",\"some_words\":true";
    out += ",\"tags\":[";
    for (size_t t = 0; t < h.tags.size(); ++t) {
      if (t) out += ',';
      append_string(out, h.tags[t]);
    }
    out += "],\"title\":";
    append_string(out, h.title);
    out += ",\"url\":";
    append_string(out, h.url);
    out += '}';
  }
  out += ']';
}

void append_facets(std::string& out, const std::map<std::string, std::vector<FacetValue>>& facets) {
  out += '{';
  bool first = true;
  for (const auto& [name, values] : facets) {  // a std::map: sorted, as the DOM's keys
    if (!first) out += ',';
    first = false;
    append_string(out, name);
    out += ":[";
    for (size_t i = 0; i < values.size(); ++i) {
      if (i) out += ',';
      out += "{\"count\":";
      out += std::to_string(values[i].count);
      out += ",\"value\":";
      append_string(out, values[i].value);
      out += '}';
    }
    out += ']';
  }
  out += '}';
}

// Replaces the one "key":null of a dumped object's top level by text. The
// key's quotes are unescaped there; inside any string value they would be
// escaped, so the match is the key itself.
void splice(std::string& dumped, std::string_view key, const std::string& text) {
  const std::string placeholder = "\"" + std::string(key) + "\":null";
  const size_t at = dumped.find(placeholder);
  if (at != std::string::npos) dumped.replace(at + placeholder.size() - 4, 4, text);
}

}  // namespace

std::string render_related_json(const std::string& id, const std::vector<Hit>& hits) {
  json arr = json::array();
  for (const Hit& h : hits) arr.push_back(hit_json(h, false));
  return dump(json{{"id", id}, {"hits", std::move(arr)}});
}

std::string render_suggest_json(const std::string& q, const Suggestions& s) {
  json terms = json::array(), entities = json::array(), titles = json::array();
  for (const auto& t : s.terms) terms.push_back({{"text", t.text}, {"count", t.count}});
  for (const auto& e : s.entities) entities.push_back({{"name", e.name}, {"type", e.person ? "person" : "org"}});
  for (const auto& h : s.titles) {
    titles.push_back({{"id", h.id},
                      {"title", h.title},
                      {"url", h.url},
                      {"date", h.date.empty() ? json(nullptr) : json(h.date)},
                      {"lang", h.lang}});
  }
  return dump(json{{"q", q}, {"terms", std::move(terms)}, {"entities", std::move(entities)}, {"titles", std::move(titles)}});
}

namespace {

// The search response with every part built as a DOM, or (fast) with hits
// and facets left null, for the caller to splice in.
std::string search_json(const SearchRequest& req, const SearchResult& res, bool fast) {
  json hits = json::array();
  json facets = json::object();
  if (fast) {
    hits = nullptr;
    facets = nullptr;
  } else {
    for (const Hit& h : res.hits) hits.push_back(hit_json(h, true));
    for (const auto& [name, values] : res.facets) {
      json arr = json::array();
      for (const FacetValue& v : values) arr.push_back({{"value", v.value}, {"count", v.count}});
      facets[name] = std::move(arr);
    }
  }
  json filters = json::object();
  auto add = [&](const char* name, const std::vector<std::string>& v) {
    if (!v.empty()) filters[name] = v;
  };
  add("lang", req.langs);
  add("section", req.sections);
  add("tag", req.tags);
  add("topic", req.topics);
  add("person", req.people);
  add("org", req.orgs);
  if (!res.from.empty()) filters["from"] = iso_date(res.from);
  if (!res.to.empty()) filters["to"] = iso_date(res.to);
  json query = {{"q", req.q}, {"lang", res.lang}, {"relaxed", res.relaxed}, {"fallback", res.fallback}};
  if (res.filled) {
    query["filled"] = true;
    query["all_words_total"] = res.all_words_total;
  }
  // The results are for `searched`, not for what was typed: say so, and why.
  if (!res.corrected.empty()) {
    query["searched"] = res.corrected;
    query["corrected"] = res.layout_corrected ? "layout" : "spelling";
  }
  query["layout_corrected"] = res.layout_corrected;
  if (!res.transliterated.empty()) query["transliterated"] = res.transliterated;
  if (!res.suggestion.empty()) query["did_you_mean"] = res.suggestion;
  json out = {
      {"total", res.total},
      {"total_exact", res.total_exact},
      {"page", req.page},
      {"per_page", req.per_page},
      {"sort", sort_name(req.sort)},
      {"hits", std::move(hits)},
      {"facets", std::move(facets)},
      {"filters", std::move(filters)},
      {"query", query},
      {"timed_out", res.timed_out},
      {"partial", res.partial},
      {"took_ms", res.took_ms},
  };
  return dump(out);
}

}  // namespace

std::string render_search_json(const SearchRequest& req, const SearchResult& res) {
  std::string out = search_json(req, res, true);
  std::string part;
  part.reserve(res.hits.size() * 1024);
  append_hits(part, res.hits);
  splice(out, "hits", part);
  part.clear();
  append_facets(part, res.facets);
  splice(out, "facets", part);
  return out;
}

std::string render_search_json_reference(const SearchRequest& req, const SearchResult& res) {
  return search_json(req, res, false);
}

std::string render_article_json(const Article& a) {
  json out = {{"id", a.id},         {"lang", a.lang},   {"title", a.title},
              {"date", a.date.empty() ? json(nullptr) : json(a.date)},
              {"url", a.url},       {"section", a.section}, {"tags", a.tags},
              {"people", a.people}, {"orgs", a.orgs},   {"topics", a.topics},
              {"author", a.author}, {"body", a.body}};
  return dump(out);
}

std::string url_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string escape_xml(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        // XML 1.0 forbids most C0 controls, even escaped.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') break;
        out += c;
    }
  }
  return out;
}

std::string render_search_atom(const SearchRequest& req, const SearchResult& res, const std::string& self_url) {
  std::string newest = "1970-01-01";
  for (const Hit& h : res.hits) newest = std::max(newest, h.date);
  std::string o = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n";
  o += "  <title>Letopis: " + escape_xml(req.q.empty() ? "all articles" : req.q) + "</title>\n";
  o += "  <id>urn:letopis:search:" + escape_xml(self_url) + "</id>\n";
  o += "  <link rel=\"self\" href=\"" + escape_xml(self_url) + "\"/>\n";
  o += "  <updated>" + newest + "T00:00:00Z</updated>\n";
  o += "  <generator>Letopis</generator>\n";
  for (const Hit& h : res.hits) {
    o += "  <entry>\n";
    o += "    <title>" + escape_xml(h.title) + "</title>\n";
    o += "    <id>urn:letopis:doc:" + escape_xml(h.id) + "</id>\n";
    if (!h.url.empty()) o += "    <link href=\"" + escape_xml(h.url) + "\"/>\n";
    o += "    <updated>" + (h.date.empty() ? std::string("1970-01-01") : h.date) + "T00:00:00Z</updated>\n";
    if (!h.section.empty()) o += "    <category term=\"" + escape_xml(h.section) + "\"/>\n";
    // The snippet is HTML (escaped text and <mark>); type="html" carries it escaped once more.
    o += "    <summary type=\"html\" xml:lang=\"" + escape_xml(h.lang) + "\">" + escape_xml(h.snippet) + "</summary>\n";
    o += "  </entry>\n";
  }
  o += "</feed>\n";
  return o;
}

namespace {

std::string csv_cell(std::string_view v) {
  std::string cell;
  if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@')) cell += '\'';
  cell.append(v);
  if (cell.find_first_of(",\"\n\r") == std::string::npos) return cell;
  std::string q = "\"";
  for (char c : cell) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + '"';
}

}  // namespace

std::string render_search_csv(const SearchResult& res) {
  std::string o = "id,date,lang,section,title,url,tags,score\r\n";
  for (const Hit& h : res.hits) {
    std::string tags;
    for (const auto& t : h.tags) tags += (tags.empty() ? "" : "; ") + t;
    char score[32];
    std::snprintf(score, sizeof score, "%.4f", h.score);
    o += csv_cell(h.id) + ',' + csv_cell(h.date) + ',' + csv_cell(h.lang) + ',' + csv_cell(h.section) + ',' +
         csv_cell(h.title) + ',' + csv_cell(h.url) + ',' + csv_cell(tags) + ',' + score + "\r\n";
  }
  return o;
}

std::string render_error_json(const std::string& code, const std::string& message) {
  return dump(json{{"error", {{"code", code}, {"message", message}}}});
}

}  // namespace letopis::searchd
