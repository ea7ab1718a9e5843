// Fuzz target: the plain-text page parser (indexer/pages.h): breadcrumb and
// photo-caption lines, title and date, then BoilerplateFilter on the result
// and find_date() on the raw page.
//
// parse_text_page() reports a bad page by its return value and throws
// nothing; a page it accepts must be a clean Article with no language (the
// indexer detects it).
#include <algorithm>
#include <string>

#include "fuzz/fuzz_common.h"
#include "indexer/pages.h"

using namespace letopis;

namespace {

size_t count_lines(std::string_view s) {
  return s.empty() ? 0 : static_cast<size_t>(std::count(s.begin(), s.end(), '\n')) + 1;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  Article a;
  const std::string why = parse_text_page(text, "fuzz/page.txt", a);
  FUZZ_CHECK(fuzz::iso_date_or_empty(find_date(text)));
  if (!why.empty()) return 0;
  fuzz::check_page_article(a);
  FUZZ_CHECK(a.lang.empty());
  FUZZ_CHECK(a.id == "page:fuzz/page.txt");

  // A site whose every page is this one: every line long enough to count is
  // boilerplate; clean() removes whole lines only, and at most all of them.
  BoilerplateFilter filter;
  for (int i = 0; i < 3; ++i) filter.observe(a);
  const std::string body = a.body;
  const size_t removed = filter.clean(a);
  FUZZ_CHECK(removed <= count_lines(body));
  FUZZ_CHECK(a.body.size() <= body.size());
  FUZZ_CHECK(count_lines(a.body) + removed <= count_lines(body));
  FUZZ_CHECK(fuzz::valid_utf8(a.body));
  return 0;
}
