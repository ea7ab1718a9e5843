// Rendering of typed results as JSON, Atom and CSV. Pure functions.
#pragma once

#include <string>

#include "indexer/article.h"
#include "searchd/api.h"
#include "searchd/search.h"

namespace letopis::searchd {

std::string render_search_json(const SearchRequest& request, const SearchResult& result);
std::string render_article_json(const Article& article);
// {"error": {"code": ..., "message": ...}}
std::string render_error_json(const std::string& code, const std::string& message);

}  // namespace letopis::searchd
