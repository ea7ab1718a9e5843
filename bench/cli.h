// Small pieces the benchmark programs share: usage errors, numeric options
// and percentiles, so that every program reports a p99 the same way.
#pragma once

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

namespace letopis::bench {

// A bad command line: the program prints it with its usage, exit code 2.
struct UsageError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// The value of a numeric option, at least min; UsageError otherwise.
inline double parse_number(const std::string& flag, const std::string& s, double min) {
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0' || !(v >= min)) {
    char bound[32];
    std::snprintf(bound, sizeof bound, "%g", min);
    throw UsageError(flag + " wants a number >= " + bound + ", not '" + s + "'");
  }
  return v;
}

// Nearest-rank percentile (p in 0..1) of sorted values; 0 for none.
inline double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  return sorted[std::min(sorted.size() - 1, static_cast<size_t>(p * static_cast<double>(sorted.size())))];
}

}  // namespace letopis::bench
