// The visitor page's static files (searchd/assets/), embedded in the binary
// at build time by cmake/embed_assets.cmake. Immutable; thread-safe.
#pragma once

#include <string_view>

namespace letopis::searchd {

struct Asset {
  std::string_view name;          // "letopis.css"
  std::string_view content_type;  // "text/css; charset=utf-8"
  std::string_view body;
};

// The asset with this file name, or null.
const Asset* find_asset(std::string_view name);

// A hash of all assets: the page appends ?v=<it> to asset URLs, and a request
// carrying the current one may be cached for a year.
std::string_view assets_version();

}  // namespace letopis::searchd
