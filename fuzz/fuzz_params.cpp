// Fuzz target: request validation (searchd/api.h), then the query and filter
// building a valid request leads to, as searchd runs them before searching.
//
// The input is a query string as a client sends it, "q=вода&lang=ru&page=2":
// split on '&', each pair on its first '=', percent-decoded with '+' as a
// space (what the HTTP server does before parse_search_request()). Each input
// is validated under the default limits and under tight ones, so that every
// bound is reached by short inputs.
//
// ApiError is the one exception expected; a request it accepts must hold to
// the documented bounds.
#include <algorithm>
#include <string>

#include "fuzz/fuzz_common.h"
#include "searchd/api.h"
#include "searchd/query.h"

using namespace letopis;
using namespace letopis::searchd;

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string url_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

Params split_query_string(std::string_view qs) {
  Params params;
  size_t start = 0;
  while (start <= qs.size()) {
    size_t amp = qs.find('&', start);
    if (amp == std::string_view::npos) amp = qs.size();
    const std::string_view pair = qs.substr(start, amp - start);
    if (!pair.empty()) {
      const size_t eq = pair.find('=');
      if (eq == std::string_view::npos) {
        params.emplace_back(url_decode(pair), std::string());
      } else {
        params.emplace_back(url_decode(pair.substr(0, eq)), url_decode(pair.substr(eq + 1)));
      }
    }
    start = amp + 1;
  }
  return params;
}

bool ymd_or_empty(const std::string& s) {
  return s.empty() || (s.size() == 8 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }));
}

void check_filter_values(const std::vector<std::string>& values, const ApiLimits& limits) {
  FUZZ_CHECK(values.size() <= limits.max_filter_values);
  for (const auto& v : values) {
    FUZZ_CHECK(!v.empty());
    FUZZ_CHECK(v.size() <= limits.max_param_bytes);
    FUZZ_CHECK(valid_text(v));
  }
}

void check_request(const SearchRequest& r, const ApiLimits& limits) {
  FUZZ_CHECK(r.q.size() <= limits.max_query_bytes);
  FUZZ_CHECK(valid_text(r.q));
  for (const auto* values : {&r.langs, &r.sections, &r.tags, &r.topics, &r.people, &r.orgs}) {
    check_filter_values(*values, limits);
  }
  for (const auto& l : r.langs) FUZZ_CHECK(l == "ru" || l == "en" || l == "kk");
  FUZZ_CHECK(ymd_or_empty(r.from) && ymd_or_empty(r.to));
  FUZZ_CHECK(r.from.empty() || r.to.empty() || r.from <= r.to);
  FUZZ_CHECK(r.format == "json" || r.format == "atom" || r.format == "csv");
  FUZZ_CHECK(r.page >= 1 && r.page <= limits.max_page);
  FUZZ_CHECK(r.per_page >= 1 && r.per_page <= (r.format == "csv" ? limits.max_csv_rows : limits.max_per_page));
  FUZZ_CHECK(static_cast<uint64_t>(r.page) * r.per_page <= limits.max_offset);
  for (const auto& f : r.facets) {
    FUZZ_CHECK(std::find(all_facets().begin(), all_facets().end(), f) != all_facets().end());
    FUZZ_CHECK(std::count(r.facets.begin(), r.facets.end(), f) == 1);
  }
  FUZZ_CHECK(r.recency == -1 || (r.recency >= 0 && r.recency <= 10));
}

// What Searcher::run does with a request before it opens the database.
void build_queries(QueryBuilder& qb, const SearchRequest& r) {
  ParsedQuery pq;
  try {
    pq = qb.parse(r.q);
  } catch (const ApiError& e) {
    FUZZ_CHECK(e.code == "query_too_complex");
    return;
  }
  const std::string from = std::max(r.from, pq.from);
  const std::string to = r.to.empty() ? pq.to : (pq.to.empty() ? r.to : std::min(r.to, pq.to));
  const Xapian::Query filter = qb.filters(r, from, to);
  if (!filter.empty()) (void)filter.get_description();
  (void)pq.query.get_description();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static QueryBuilder builder;
  static const ApiLimits tight = [] {
    ApiLimits l;
    l.max_query_bytes = 24;
    l.max_per_page = 5;
    l.max_csv_rows = 7;
    l.max_page = 3;
    l.max_offset = 12;
    l.max_filter_values = 2;
    l.max_param_bytes = 8;
    l.max_params = 6;
    return l;
  }();
  const Params params = split_query_string(fuzz::as_text(data, size));
  for (const ApiLimits& limits : {ApiLimits{}, tight}) {
    SearchRequest r;
    try {
      r = parse_search_request(params, limits);
    } catch (const ApiError& e) {
      FUZZ_CHECK(!e.code.empty());
      FUZZ_CHECK(e.what()[0] != '\0');
      continue;
    }
    check_request(r, limits);
    build_queries(builder, r);
  }
  return 0;
}
