#include "searchd/render.h"

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

}  // namespace

std::string render_search_json(const SearchRequest& req, const SearchResult& res) {
  json hits = json::array();
  for (const Hit& h : res.hits) {
    hits.push_back({{"id", h.id},
                    {"title", h.title},
                    {"url", h.url},
                    {"date", h.date.empty() ? json(nullptr) : json(h.date)},
                    {"lang", h.lang},
                    {"section", h.section},
                    {"tags", h.tags},
                    {"score", h.score},
                    {"snippet", h.snippet}});
  }
  json facets = json::object();
  for (const auto& [name, values] : res.facets) {
    json arr = json::array();
    for (const FacetValue& v : values) arr.push_back({{"value", v.value}, {"count", v.count}});
    facets[name] = std::move(arr);
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
  json out = {
      {"total", res.total},
      {"total_exact", res.total_exact},
      {"page", req.page},
      {"per_page", req.per_page},
      {"sort", sort_name(req.sort)},
      {"hits", std::move(hits)},
      {"facets", std::move(facets)},
      {"filters", std::move(filters)},
      {"query", {{"q", req.q}, {"lang", res.lang}, {"relaxed", res.relaxed}, {"fallback", res.fallback}}},
      {"timed_out", res.timed_out},
      {"took_ms", res.took_ms},
  };
  return dump(out);
}

std::string render_article_json(const Article& a) {
  json out = {{"id", a.id},         {"lang", a.lang},   {"title", a.title},
              {"date", a.date.empty() ? json(nullptr) : json(a.date)},
              {"url", a.url},       {"section", a.section}, {"tags", a.tags},
              {"people", a.people}, {"orgs", a.orgs},   {"topics", a.topics},
              {"author", a.author}, {"body", a.body}};
  return dump(out);
}

std::string render_error_json(const std::string& code, const std::string& message) {
  return dump(json{{"error", {{"code", code}, {"message", message}}}});
}

}  // namespace letopis::searchd
