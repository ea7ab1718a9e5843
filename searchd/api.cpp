#include "searchd/api.h"

#include <unicode/utf8.h>

#include <algorithm>
#include <charconv>
#include <set>

namespace letopis::searchd {
namespace {

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return d[m - 1] + (m == 2 && leap(y) ? 1 : 0);
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int to_int(std::string_view s) {
  int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

std::string ymd(int y, int m, int d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d", y, m, d);
  return buf;
}

}  // namespace

uint32_t parse_bounded(const std::string& name, const std::string& v, uint32_t lo, uint32_t hi,
                       const std::string& code) {
  if (!all_digits(v) || v.size() > 9) {
    throw ApiError("bad_" + name, "'" + name + "' must be a whole number");
  }
  const uint32_t n = static_cast<uint32_t>(to_int(v));
  if (n < lo || n > hi) {
    throw ApiError(code, "'" + name + "' must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  }
  return n;
}

bool valid_text(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const int32_t len = static_cast<int32_t>(s.size());
  for (int32_t i = 0; i < len;) {
    UChar32 c;
    U8_NEXT(p, i, len, c);
    if (c < 0) return false;
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return false;
  }
  return true;
}

std::string parse_date(std::string_view t, bool end) {
  int y = 0, m = 0, d = 0;
  if (t.size() == 10 && t[4] == '-' && t[7] == '-' && all_digits(t.substr(0, 4)) &&
      all_digits(t.substr(5, 2)) && all_digits(t.substr(8, 2))) {
    y = to_int(t.substr(0, 4)), m = to_int(t.substr(5, 2)), d = to_int(t.substr(8, 2));
  } else if (t.size() == 10 && t[2] == '.' && t[5] == '.' && all_digits(t.substr(0, 2)) &&
             all_digits(t.substr(3, 2)) && all_digits(t.substr(6, 4))) {
    d = to_int(t.substr(0, 2)), m = to_int(t.substr(3, 2)), y = to_int(t.substr(6, 4));
  } else if (t.size() == 8 && all_digits(t)) {
    y = to_int(t.substr(0, 4)), m = to_int(t.substr(4, 2)), d = to_int(t.substr(6, 2));
  } else if (t.size() == 7 && t[4] == '-' && all_digits(t.substr(0, 4)) && all_digits(t.substr(5, 2))) {
    y = to_int(t.substr(0, 4)), m = to_int(t.substr(5, 2));
    if (m < 1 || m > 12) return {};
    d = end ? days_in_month(y, m) : 1;
  } else if (t.size() == 4 && all_digits(t)) {
    y = to_int(t);
    m = end ? 12 : 1;
    d = end ? 31 : 1;
  } else {
    return {};
  }
  if (y < 1000 || y > 2999 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return {};
  return ymd(y, m, d);
}

SearchRequest parse_search_request(const Params& params, const ApiLimits& limits) {
  if (params.size() > limits.max_params) {
    throw ApiError("too_many_parameters", "at most " + std::to_string(limits.max_params) + " parameters");
  }
  SearchRequest r;
  std::set<std::string> seen_single;
  auto single = [&](const std::string& name) {
    if (!seen_single.insert(name).second) {
      throw ApiError("repeated_parameter", "'" + name + "' may be given only once");
    }
  };
  auto multi = [&](const std::string& name, const std::string& value, std::vector<std::string>& out) {
    if (value.size() > limits.max_param_bytes) {
      throw ApiError("parameter_too_long", "'" + name + "' values are limited to " +
                                               std::to_string(limits.max_param_bytes) + " bytes");
    }
    if (value.empty()) return;
    if (out.size() >= limits.max_filter_values) {
      throw ApiError("too_many_values", "'" + name + "' may be given at most " +
                                            std::to_string(limits.max_filter_values) + " times");
    }
    out.push_back(value);
  };
  for (const auto& [name, value] : params) {
    if (!valid_text(name) || !valid_text(value)) {
      throw ApiError("invalid_utf8", "parameters must be valid UTF-8 without control characters");
    }
    if (name == "q") {
      single(name);
      if (value.size() > limits.max_query_bytes) {
        throw ApiError("query_too_long", "'q' is limited to " + std::to_string(limits.max_query_bytes) + " bytes");
      }
      r.q = value;
    } else if (name == "lang") {
      if (!value.empty() && value != "ru" && value != "en" && value != "kk") {
        throw ApiError("bad_lang", "'lang' must be ru, en or kk");
      }
      multi(name, value, r.langs);
    } else if (name == "section") {
      multi(name, value, r.sections);
    } else if (name == "tag") {
      multi(name, value, r.tags);
    } else if (name == "topic") {
      multi(name, value, r.topics);
    } else if (name == "person") {
      multi(name, value, r.people);
    } else if (name == "org") {
      multi(name, value, r.orgs);
    } else if (name == "from" || name == "to") {
      single(name);
      if (value.empty()) continue;
      std::string d = parse_date(value, name == "to");
      if (d.empty()) {
        throw ApiError("bad_date", "'" + name + "' must be a real date: YYYY-MM-DD, YYYY-MM, YYYY or DD.MM.YYYY");
      }
      (name == "from" ? r.from : r.to) = d;
    } else if (name == "sort") {
      single(name);
      if (value == "relevance") r.sort = Sort::relevance;
      else if (value == "date") r.sort = Sort::date_asc;
      else if (value == "-date") r.sort = Sort::date_desc;
      else throw ApiError("bad_sort", "'sort' must be relevance, date or -date");
      r.sort_given = true;
    } else if (name == "page") {
      single(name);
      r.page = parse_bounded(name, value, 1, limits.max_page, "page_out_of_range");
    } else if (name == "per_page") {
      single(name);
      // Checked against the format's bound once the format is known.
      r.per_page = parse_bounded(name, value, 1, std::max(limits.max_per_page, limits.max_csv_rows),
                                 "per_page_too_large");
    } else if (name == "facets") {
      single(name);
      size_t start = 0;
      while (start <= value.size()) {
        size_t comma = value.find(',', start);
        std::string f = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!f.empty()) {
          if (std::find(all_facets().begin(), all_facets().end(), f) == all_facets().end()) {
            throw ApiError("unknown_facet", "unknown facet '" + f.substr(0, 64) + "'");
          }
          if (std::find(r.facets.begin(), r.facets.end(), f) == r.facets.end()) r.facets.push_back(f);
        }
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      r.facets_given = true;
    } else if (name == "recency") {
      single(name);
      // A plain decimal 0..10: "0", "1", "2.5".
      double v = -1;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (value.empty() || value.size() > 8 || ec != std::errc() || end != value.data() + value.size() ||
          !(v >= 0 && v <= 10)) {
        throw ApiError("bad_recency", "'recency' must be a number from 0 to 10");
      }
      r.recency = v;
    } else if (name == "format") {
      single(name);
      if (value != "json" && value != "atom" && value != "csv") {
        throw ApiError("bad_format", "'format' must be json, atom or csv");
      }
      r.format = value;
    } else {
      throw ApiError("unknown_parameter", "unknown parameter '" + name.substr(0, 64) + "'");
    }
  }
  const uint32_t max_per_page = r.format == "csv" ? limits.max_csv_rows : limits.max_per_page;
  if (r.per_page > max_per_page) {
    throw ApiError("per_page_too_large", "'per_page' must be between 1 and " + std::to_string(max_per_page));
  }
  if (r.format == "atom" && !r.sort_given) r.sort = Sort::date_desc;
  r.snippets = r.format != "csv";
  // Feeds and exports carry no facets unless asked.
  if (!r.facets_given) r.facets = r.format == "json" ? all_facets() : std::vector<std::string>{};
  if (!r.from.empty() && !r.to.empty() && r.from > r.to) {
    throw ApiError("bad_date", "'from' is after 'to'");
  }
  const uint64_t offset = static_cast<uint64_t>(r.page - 1) * r.per_page;
  if (offset + r.per_page > limits.max_offset) {
    throw ApiError("page_out_of_range", "results beyond the first " + std::to_string(limits.max_offset) +
                                            " are not served; narrow the search instead");
  }
  return r;
}

}  // namespace letopis::searchd
