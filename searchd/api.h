// The search API's typed request, and its validation from raw parameters.
// No HTTP types here: the server turns query strings into Params, and tests
// call parse_search_request() directly.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace letopis::searchd {

// Raw parameters in request order; a name may repeat.
using Params = std::vector<std::pair<std::string, std::string>>;

// A client error: becomes a 400 with {"error": {"code", "message"}}.
struct ApiError : std::invalid_argument {
  ApiError(std::string code, const std::string& message)
      : std::invalid_argument(message), code(std::move(code)) {}
  std::string code;  // machine-readable, e.g. "bad_date", "per_page_too_large"
};

enum class Sort { relevance, date_asc, date_desc };

// Every bound the API enforces, with its documented default (docs/API.md).
struct ApiLimits {
  size_t max_query_bytes = 1024;     // q
  uint32_t max_per_page = 100;       // per_page
  uint32_t max_csv_rows = 1000;      // per_page with format=csv (staff exports)
  uint32_t max_page = 1000;          // page
  uint32_t max_offset = 10000;       // (page - 1) * per_page
  size_t max_filter_values = 32;     // values of one repeated filter
  size_t max_param_bytes = 256;      // any one filter value
  size_t max_params = 64;            // parameters in one request
};

struct SearchRequest {
  std::string q;
  // Filters: values of one filter OR together, different filters AND.
  std::vector<std::string> langs, sections, tags, topics, people, orgs;
  std::string from, to;  // "YYYYMMDD", inclusive; empty = open
  Sort sort = Sort::relevance;
  bool sort_given = false;
  uint32_t page = 1;
  uint32_t per_page = 10;
  // Facets to compute; by default all of kAllFacets.
  std::vector<std::string> facets;
  bool facets_given = false;
  std::string format = "json";  // json | atom | csv
  // Recency boost for relevance sorting, 0..10; negative: the server's
  // default (search.recency_weight).
  double recency = -1;
  // Search q exactly as given: no correction, no names across scripts. Not
  // a parameter: searchd sets it for the page's facet-count searches.
  bool as_typed = false;
  // Make snippets. Not a parameter: off for format=csv, which has no
  // snippets, and for the page's facet-count searches.
  bool snippets = true;
};

inline const std::vector<std::string>& all_facets() {
  static const std::vector<std::string> f = {"year", "month", "lang", "section",
                                             "tag",  "topic", "person", "org"};
  return f;
}

// Validates params into a request. format=atom implies newest first. Throws ApiError on anything a client got
// wrong: unknown or repeated single parameters, invalid UTF-8, a q over the
// limit, impossible dates, page or per_page out of bounds.
SearchRequest parse_search_request(const Params& params, const ApiLimits& limits = {});

// A whole number from lo to hi; ApiError("bad_<name>") if it is not one,
// ApiError(code) if it is out of bounds.
uint32_t parse_bounded(const std::string& name, const std::string& value, uint32_t lo, uint32_t hi,
                       const std::string& code);

// Parses a date written as YYYY-MM-DD, YYYY-MM, YYYY or DD.MM.YYYY into
// YYYYMMDD (the first or, with end = true, the last day of a month or year).
// Returns "" if it is not a real date.
std::string parse_date(std::string_view text, bool end);

// True if s is well-formed UTF-8 with no NUL or other C0 control except tab/newline.
bool valid_text(std::string_view s);

}  // namespace letopis::searchd
