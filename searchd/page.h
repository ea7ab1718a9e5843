// The visitor search page: a server-rendered HTML page at "/" that works
// without JavaScript (assets/letopis.js only adds autocomplete, instant facet
// toggles and inline related articles), in Russian, English or Kazakh.
// Pure functions from typed state to HTML; every piece of index content and
// every echoed parameter goes through escape_xml. Thread-safe.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "indexer/article.h"
#include "searchd/api.h"
#include "searchd/search.h"
#include "searchd/ui_text.h"

namespace letopis::searchd {

// The page's state, which lives entirely in its URL.
struct PageRequest {
  SearchRequest search;     // validated; 10 a page, the sidebar's facets
  UiLang ui = UiLang::ru;
  bool ui_given = false;    // ?ui= named a language: links keep it
  std::string error;        // an ApiError code when the parameters were bad; then do not search
  std::string from_text, to_text;  // the dates as typed, to refill the form
};

inline constexpr uint32_t kPageSize = 10;
inline constexpr size_t kPageFilterValues = 8;   // values of one filter the page keeps
inline constexpr size_t kPageStateBytes = 1024;  // bytes of filter values the page keeps

// Reads the page's parameters: q, lang, section, tag, topic, person, org,
// from, to, sort, page and ui. Unlike the API it forgives what a visitor or
// a shared link brings: empty fields (an empty date input), unknown
// parameters (utm_source=...) and repeats of a single parameter (the first
// wins). What is still wrong (an impossible date, a page beyond the limit, a
// query over the length limit) sets error and keeps what can be kept, so the
// form comes back filled in. An empty query lists the newest articles.
PageRequest parse_page_request(const Params& params, const ApiLimits& limits, std::string_view accept_language);

// For multi-select facets: the request with the facet's own filter taken off
// (for "year", a date range of exactly one year), counting only that facet;
// false if the facet has no filter of its own. The sidebar shows these
// counts, so that a visitor who chose one language still sees the others.
bool without_own_filter(SearchRequest& request, const std::string& facet);

// Display names for facet values in each interface language: topics from the
// index's taxonomy labels, people and organisations from the gazetteer (the
// first alias written in Kazakh or Russian Cyrillic), sections and languages
// from ui_text. A value it does not know is shown as it is.
class FacetLabels {
 public:
  FacetLabels() = default;
  // The letopis.taxonomy and letopis.gazetteer metadata texts; either may be
  // empty or malformed, which leaves those values unlabelled.
  static FacetLabels from_metadata(std::string_view taxonomy_json, std::string_view gazetteer_json);
  std::string label(std::string_view facet, const std::string& value, UiLang ui) const;

 private:
  std::unordered_map<std::string, std::array<std::string, kUiLangs>> topics_, names_;
};

struct PageContext {
  std::shared_ptr<const FacetLabels> labels_holder;  // keeps labels alive
  const FacetLabels* labels = nullptr;  // may be null: values shown as they are
  std::string asset_version;            // appended to asset URLs (long-lived caching)
  ApiLimits limits;                     // pagination stops where the API would refuse
};

// The search page. result is null when nothing was searched: a bad request
// (request.error) or an index that is not open yet (unavailable).
std::string render_search_page(const PageRequest& request, const SearchResult* result, const PageContext& ctx,
                               bool unavailable = false);

// /related/{id}: the article and the ones like it.
std::string render_related_page(UiLang ui, bool ui_given, const Article& source, const std::vector<Hit>& hits,
                                const PageContext& ctx);

// A page with a heading and one paragraph (not found, unavailable, bad request).
std::string render_message_page(UiLang ui, bool ui_given, Msg title, Msg message, const PageContext& ctx);

// The OpenSearch 1.1 description at /opensearch.xml. base_url is the site's
// origin and path prefix, without a trailing slash ("https://news.example.kz").
std::string render_opensearch_xml(UiLang ui, const std::string& base_url);

// The OpenSearch suggestions format: ["q", [completions], [descriptions], [urls]].
std::string render_opensearch_suggestions(const std::string& q, const Suggestions& s, UiLang ui);

// An article URL that is safe in an href: http(s) only, no "javascript:".
// Empty if it is not.
std::string safe_href(std::string_view url);

}  // namespace letopis::searchd
