// Fuzz target: the HTML page parser (indexer/pages.h): encoding checks,
// libxml2's recovering parser, then our own walk over the tree (main content,
// boilerplate, metadata, title, date, language, id), and find_date() on the
// raw page.
//
// parse_html_page() reports a bad page by its return value and throws
// nothing; a page it accepts must be a clean Article.
#include <string>

#include "fuzz/fuzz_common.h"
#include "indexer/pages.h"

using namespace letopis;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view html = fuzz::as_text(data, size);
  Article a;
  const std::string why = parse_html_page(html, "fuzz/page.html", a);
  if (why.empty()) {
    fuzz::check_page_article(a);
    // The page's own absolute URL (og:url or canonical), scheme in any case.
    std::string scheme = a.url.substr(0, 8);
    for (char& c : scheme) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    FUZZ_CHECK(a.url.empty() || scheme.rfind("http://", 0) == 0 || scheme.rfind("https://", 0) == 0);
    FUZZ_CHECK(a.id.rfind("url:", 0) == 0 || a.id == "page:fuzz/page.html");
  }
  FUZZ_CHECK(fuzz::iso_date_or_empty(find_date(html)));
  return 0;
}
