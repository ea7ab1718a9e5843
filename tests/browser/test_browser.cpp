// The visitor page in a real browser: Debian's chromium, headless, driven by
// chromedriver over WebDriver, against a real searchd on loopback serving an
// index of the sample archive. Screenshots of every step are kept in
// <build>/test-artifacts/browser/ for a human to look at.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "browser/webdriver.h"
#include "e2e/server_fixture.h"
#include "indexer/indexer.h"
#include "support.h"

using namespace letopis;
using test::Browser;
namespace fs = std::filesystem;

namespace {

const char* kEnter = "\xEE\x80\x87";      // U+E007
const char* kArrowDown = "\xEE\x80\x95";  // U+E015
const char* kEscape = "\xEE\x80\x8C";     // U+E00C

// Skips (with the reason) where chromium is not installed; CI installs it, and
// there a missing browser is a failure, not a skip.
bool browser_or_skip() {
  if (Browser::available()) return true;
  const char* ci = std::getenv("CI");
  if (ci && std::string(ci) == "true") FAIL("CI=true but chromium/chromium-driver are not installed (.ci/run installs them)");
  WARN("SKIPPED: chromium and chromium-driver are not installed (apt install chromium chromium-driver)");
  return false;
}

struct Site {
  test::TempDir dir;
  std::unique_ptr<test::InProcessServer> srv;
  Site() {
    run_index(test::index_options(dir.str(), {test::sample_jsonl().string(),
                                              (test::source_dir() / "data/sample/pages").string()}));
    srv = std::make_unique<test::InProcessServer>(dir.str());
  }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(srv->port) + path; }
};

fs::path shot(const std::string& name) { return fs::path(LETOPIS_ARTIFACT_DIR) / "browser" / (name + ".png"); }

int hit_count(Browser& b) { return static_cast<int>(b.find_all("#hits li.hit").size()); }

}  // namespace

TEST_CASE("a visitor searches, filters, pages, switches language, and hostile content stays inert", "[browser]") {
  if (!browser_or_skip()) return;
  Site site;
  Browser b;

  // The landing page lists the newest articles.
  b.go(site.url("/?ui=en"));
  REQUIRE(Browser::wait_until([&] { return hit_count(b) == 10; }));
  CHECK(b.text(b.find("#results-title")) == "Latest articles");
  b.screenshot(shot("01-landing"));

  // Typing offers completions; the keyboard moves through them and Escape closes them.
  const std::string q = b.find("#q");
  b.click(q);
  b.type(q, "Central");
  REQUIRE(Browser::wait_until([&] { return !b.find_all("#suggest-list li[role=option]").empty(); }));
  CHECK(b.attribute(q, "aria-expanded") == "true");
  b.screenshot(shot("02-autocomplete"));
  b.keys(kArrowDown);
  CHECK(b.attribute(q, "aria-activedescendant") == "suggest-0");
  b.keys(kEscape);
  CHECK(Browser::wait_until([&] { return b.attribute(q, "aria-expanded") == "false"; }));

  // Enter searches; results come with highlighted matches.
  b.type(q, " Asia");
  b.keys(kEnter);
  REQUIRE(Browser::wait_until([&] { return b.url().find("q=Central+Asia") != std::string::npos && hit_count(b) > 0; }));
  CHECK(b.text(b.find("#result-count")).rfind("15 results", 0) == 0);
  CHECK(hit_count(b) == 10);
  CHECK(!b.find_all("#hits mark").empty());
  b.screenshot(shot("03-results"));

  // A facet toggles without a reload, and the URL keeps it.
  const std::string english = b.find(".facet[data-facet=lang] a.facet-value[data-value=en]");
  CHECK(b.attribute(english, "data-selected") == "false");
  b.script("window.__same_document = true;");
  b.click(english);
  REQUIRE(Browser::wait_until([&] { return b.url().find("lang=en") != std::string::npos; }));
  REQUIRE(Browser::wait_until([&] {
    return b.attribute(b.find(".facet[data-facet=lang] a.facet-value[data-value=en]"), "data-selected") == "true";
  }));
  CHECK(b.text(b.find("#result-count")).rfind("13 results", 0) == 0);
  CHECK(b.script("return window.__same_document === true;") == true);  // no full page load
  CHECK(b.find_all("#active-filters .chip").size() == 1);
  // The other languages stay on offer, counted as if English were not chosen.
  CHECK(b.attribute(b.find(".facet[data-facet=lang] a.facet-value[data-value=ru]"), "data-selected") == "false");
  b.screenshot(shot("04-facet"));

  // Page 2 has the rest.
  b.click(b.find("#pagination a[rel=next]"));
  REQUIRE(Browser::wait_until([&] { return b.url().find("page=2") != std::string::npos && hit_count(b) == 3; }));
  CHECK(b.text(b.find("#pagination a[aria-current=page]")) == "2");
  CHECK(b.attribute(b.find("#hits"), "start") == "11");
  b.screenshot(shot("05-page-2"));

  // Back returns to page 1, through the history the script kept.
  b.script("history.back();");
  REQUIRE(Browser::wait_until([&] { return b.url().find("page=2") == std::string::npos && hit_count(b) == 10; }));

  // Related articles open inline under a hit.
  b.click(b.find("#hits li.hit a.hit-related"));
  REQUIRE(Browser::wait_until([&] { return !b.find_all("#hits .related-list li").empty(); }));
  b.screenshot(shot("06-related"));

  // The interface switches to Kazakh and keeps the search.
  b.click(b.find("#ui-langs a[hreflang=kk]"));
  REQUIRE(Browser::wait_until([&] { return b.script("return document.documentElement.lang;") == "kk"; }));
  CHECK(b.text(b.find("#search-submit")) == "Іздеу");
  CHECK(b.attribute(b.find("#q"), "value") == "Central Asia");
  CHECK(b.text(b.find("#result-count")).rfind("13 нәтиже", 0) == 0);
  CHECK(b.url().find("ui=kk") != std::string::npos);
  b.screenshot(shot("07-kazakh"));

  // The hostile article: its title and body show as text, and nothing runs.
  b.go(site.url("/?q=%22onerror%22+OR+hostile&ui=en"));
  REQUIRE(Browser::wait_until([&] { return hit_count(b) > 0; }));
  const std::string title = b.text(b.find("#hits li[data-id=sample-0666] .hit-title"));
  CHECK(title == "Hostile <script>alert(1)</script> title test");
  CHECK(b.alert_text().empty());
  CHECK(b.script("return document.querySelectorAll('#main script, #main img, #main b').length;") == 0);
  const std::string snippet = b.text(b.find("#hits li[data-id=sample-0666] .hit-snippet"));
  INFO(snippet);
  CHECK(snippet.find("onerror=alert(1)> or <b>bold</b>") != std::string::npos);
  b.screenshot(shot("08-hostile"));
}

TEST_CASE("without JavaScript the page still searches, filters and pages", "[browser]") {
  if (!browser_or_skip()) return;
  Site site;
  Browser b(/*javascript=*/false);
  b.go(site.url("/?ui=ru"));
  const std::string q = b.find("#q");
  b.type(q, "Central Asia");
  b.click(b.find("#search-submit"));
  REQUIRE(Browser::wait_until([&] { return b.url().find("q=Central+Asia") != std::string::npos && hit_count(b) == 10; }));
  CHECK(b.text(b.find("#result-count")).rfind("15 результатов", 0) == 0);
  CHECK(b.find_all("#suggest-list li").empty());  // no script, no completions
  b.click(b.find(".facet[data-facet=lang] a.facet-value[data-value=en]"));
  REQUIRE(Browser::wait_until([&] { return b.url().find("lang=en") != std::string::npos; }));
  CHECK(b.text(b.find("#result-count")).rfind("13 результатов", 0) == 0);
  b.click(b.find("#pagination a[rel=next]"));
  REQUIRE(Browser::wait_until([&] { return b.url().find("page=2") != std::string::npos && hit_count(b) == 3; }));
  // "Related" is a page of its own.
  b.click(b.find("#hits li.hit a.hit-related"));
  REQUIRE(Browser::wait_until([&] { return b.url().find("/related/") != std::string::npos; }));
  CHECK(b.text(b.find("#results-title")).rfind("Материалы, похожие на", 0) == 0);
  b.screenshot(shot("09-no-javascript"));
}

TEST_CASE("on a phone-sized screen the page fits and the keyboard reaches everything", "[browser]") {
  if (!browser_or_skip()) return;
  Site site;
  Browser b(true, 390, 844);
  b.go(site.url("/?q=water&ui=kk"));
  REQUIRE(Browser::wait_until([&] { return hit_count(b) > 0; }));
  // Nothing wider than the screen.
  CHECK(b.script("return document.documentElement.scrollWidth <= window.innerWidth;") == true);
  b.screenshot(shot("10-phone"));
  // Tab from the top: the skip link comes first and is visible when focused.
  b.script("document.activeElement.blur(); window.focus();");
  b.keys("\xEE\x80\x84");  // U+E004 Tab
  CHECK(b.script("return document.activeElement.className;") == "skip");
  CHECK(b.script("return document.activeElement.getBoundingClientRect().left >= 0;") == true);
  // Every link and control can be reached: none is taken out of the tab order.
  CHECK(b.script("return document.querySelectorAll('a[tabindex=\"-1\"], button[tabindex=\"-1\"], input[tabindex=\"-1\"]').length;") == 0);
  // Every form control has a label.
  CHECK(b.script("return [...document.querySelectorAll('input:not([type=hidden])')].filter(i => !(i.labels && i.labels.length)).length;") == 0);
}
