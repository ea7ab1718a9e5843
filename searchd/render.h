// Rendering of typed results as JSON, Atom and CSV. Pure functions.
#pragma once

#include <string>

#include "indexer/article.h"
#include "searchd/api.h"
#include "searchd/search.h"

namespace letopis::searchd {

std::string render_search_json(const SearchRequest& request, const SearchResult& result);
// The same through nlohmann's DOM: the reference the fast writer is tested against.
std::string render_search_json_reference(const SearchRequest& request, const SearchResult& result);
std::string render_article_json(const Article& article);
// /api/related/{id}: {"id", "hits": [{id, title, url, date, lang, section, tags, score}]}.
std::string render_related_json(const std::string& id, const std::vector<Hit>& hits);
// /api/suggest: {"q", "terms": [{text, count}], "entities": [{name, type}], "titles": [{id, title, url, date, lang}]}.
std::string render_suggest_json(const std::string& q, const Suggestions& s);
// An Atom 1.0 feed of the hits; self_url is the feed's own URL (path and query).
std::string render_search_atom(const SearchRequest& request, const SearchResult& result, const std::string& self_url);
// CSV (RFC 4180) of the hits, one row each, for staff reports. Cells that a
// spreadsheet would run as a formula (=, +, -, @) are prefixed with '.
std::string render_search_csv(const SearchResult& result);
// Percent-encodes everything but RFC 3986's unreserved characters.
std::string url_encode(std::string_view text);
// Escapes & < > " ' for XML and HTML text and attributes.
std::string escape_xml(std::string_view text);
// {"error": {"code": ..., "message": ...}}
std::string render_error_json(const std::string& code, const std::string& message);

}  // namespace letopis::searchd
