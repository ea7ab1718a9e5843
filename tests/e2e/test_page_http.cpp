// The visitor side of searchd over real HTTP: the page, its assets, related
// articles, OpenSearch, and errors as pages rather than JSON.
#include <catch2/catch.hpp>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "e2e/server_fixture.h"
#include "indexer/indexer.h"
#include "searchd/assets.h"
#include "support.h"

using namespace letopis;

namespace {

struct PageFixture {
  test::TempDir dir;
  std::unique_ptr<test::InProcessServer> srv;
  PageFixture() {
    IndexOptions opt = test::index_options(dir.str(), {test::sample_jsonl().string(),
                                                       (test::source_dir() / "data/sample/pages").string()});
    run_index(opt);
    srv = std::make_unique<test::InProcessServer>(dir.str());
  }
  httplib::Result get(const std::string& path, httplib::Headers headers = {}) const {
    httplib::Client c("127.0.0.1", srv->port);
    c.set_read_timeout(10);
    auto r = c.Get(path.c_str(), headers);
    REQUIRE(r);
    return r;
  }
};

PageFixture& fixture() {
  static PageFixture f;
  return f;
}

}  // namespace

TEST_CASE("the search page renders results as HTML with a strict content security policy") {
  auto r = fixture().get("/?q=water&ui=en");
  CHECK(r->status == 200);
  CHECK(r->get_header_value("Content-Type") == "text/html; charset=utf-8");
  const std::string csp = r->get_header_value("Content-Security-Policy");
  CHECK(csp.find("script-src 'self'") != std::string::npos);
  CHECK(csp.find("unsafe-inline") == std::string::npos);
  CHECK(r->get_header_value("X-Frame-Options") == "DENY");
  CHECK(r->body.find("<html lang=\"en\">") != std::string::npos);
  CHECK(r->body.find("class=\"hit\"") != std::string::npos);
  CHECK(r->body.find("<mark>water</mark>") != std::string::npos);
  CHECK(r->body.find("data-facet=\"topic\"") != std::string::npos);
  // Topic labels come from the index's own taxonomy.
  CHECK(r->body.find("<span class=\"name\">Water</span>") != std::string::npos);
  // No inline script or style: everything is an asset.
  CHECK(r->body.find("<script>") == std::string::npos);
  CHECK(r->body.find("style=") == std::string::npos);
}

TEST_CASE("the page speaks the visitor's language from Accept-Language") {
  auto kk = fixture().get("/", {{"Accept-Language", "kk-KZ,kk;q=0.9,ru;q=0.5"}});
  CHECK(kk->body.find("<html lang=\"kk\">") != std::string::npos);
  CHECK(kk->body.find("Соңғы материалдар") != std::string::npos);
  CHECK(kk->get_header_value("Vary") == "Accept-Language");
  auto ru = fixture().get("/?q=%D0%B2%D1%81%D1%82%D1%80%D0%B5%D1%87%D0%B0", {{"Accept-Language", "ru"}});
  CHECK(ru->body.find("<html lang=\"ru\">") != std::string::npos);
  // A stemmed form is highlighted: «встреча» finds «встречи», «встрече»...
  CHECK(ru->body.find("<mark>встреч") != std::string::npos);
}

TEST_CASE("the hostile sample article renders as text on the page") {
  // (httplib's client would encode a '+' in the path: spaces are %20 here.)
  auto r = fixture().get("/?q=hostile%20title%20test&ui=en");
  REQUIRE(r->status == 200);
  CHECK(r->body.find("Hostile &lt;script&gt;alert(1)&lt;/script&gt; title test") != std::string::npos);
  CHECK(r->body.find("<script>alert") == std::string::npos);
  auto body = fixture().get("/?q=%22onerror%22&ui=en");
  CHECK(body->body.find("<img") == std::string::npos);
  CHECK(body->body.find("<mark>onerror</mark>=alert(1)&gt; or &lt;b&gt;bold&lt;/b&gt;") != std::string::npos);
}

TEST_CASE("a bad date on the page is a 400 page that keeps the query") {
  auto r = fixture().get("/?q=water&from=2022-02-30&ui=en");
  CHECK(r->status == 400);
  CHECK(r->get_header_value("Content-Type") == "text/html; charset=utf-8");
  CHECK(r->body.find("id=\"error\"") != std::string::npos);
  CHECK(r->body.find("value=\"water\"") != std::string::npos);
  CHECK(r->body.find("value=\"2022-02-30\"") != std::string::npos);
}

TEST_CASE("assets are embedded, versioned and cached for a year") {
  const std::string v(searchd::assets_version());
  auto css = fixture().get("/assets/letopis.css?v=" + v);
  CHECK(css->status == 200);
  CHECK(css->get_header_value("Content-Type") == "text/css; charset=utf-8");
  CHECK(css->get_header_value("Cache-Control") == "public, max-age=31536000, immutable");
  CHECK(css->body.find(".hit-title") != std::string::npos);
  auto js = fixture().get("/assets/letopis.js");
  CHECK(js->status == 200);
  CHECK(js->get_header_value("Cache-Control") == "public, max-age=300");  // no version: short
  auto again = fixture().get("/assets/letopis.js?v=" + v, {{"If-None-Match", js->get_header_value("ETag")}});
  CHECK(again->status == 304);
  CHECK(again->body.empty());
  CHECK(fixture().get("/assets/../searchd.json")->status == 404);
  CHECK(fixture().get("/assets/%2e%2e%2fCMakeLists.txt")->status == 404);
  auto page = fixture().get("/");
  CHECK(page->body.find("/assets/letopis.css?v=" + v) != std::string::npos);
}

TEST_CASE("related articles have a page of their own, and unknown ones a 404 page") {
  auto r = fixture().get("/related/sample-0001?ui=en");
  CHECK(r->status == 200);
  CHECK(r->body.find("Articles related to «") != std::string::npos);
  CHECK(r->body.find("class=\"hit\"") != std::string::npos);
  auto missing = fixture().get("/related/no-such-article");
  CHECK(missing->status == 404);
  CHECK(missing->get_header_value("Content-Type") == "text/html; charset=utf-8");
}

TEST_CASE("unknown pages are HTML 404s, unknown API paths JSON 404s") {
  auto page = fixture().get("/no/such/page", {{"Accept-Language", "en"}});
  CHECK(page->status == 404);
  CHECK(page->body.find("Page not found") != std::string::npos);
  auto api = fixture().get("/api/nothing");
  CHECK(api->status == 404);
  CHECK(nlohmann::json::parse(api->body)["error"]["code"] == "not_found");
}

TEST_CASE("browsers can add Letopis as a search engine with suggestions") {
  auto xml = fixture().get("/opensearch.xml?ui=en", {{"Host", "news.example.kz:8080"}});
  CHECK(xml->status == 200);
  CHECK(xml->get_header_value("Content-Type") == "application/opensearchdescription+xml; charset=utf-8");
  CHECK(xml->body.find("template=\"http://news.example.kz:8080/?q={searchTerms}&amp;ui=en\"") != std::string::npos);
  // Built from the Host header: a shared cache must not serve one host's copy to another.
  CHECK(xml->get_header_value("Vary").find("Host") != std::string::npos);
  auto hostile = fixture().get("/opensearch.xml", {{"Host", "evil\"><x"}});
  CHECK(hostile->body.find("evil") == std::string::npos);
  auto page = fixture().get("/");
  CHECK(page->body.find("rel=\"search\" type=\"application/opensearchdescription+xml\"") != std::string::npos);

  auto s = fixture().get("/api/suggest?q=wat&format=opensearch");
  CHECK(s->status == 200);
  CHECK(s->get_header_value("Content-Type") == "application/x-suggestions+json; charset=utf-8");
  const auto j = nlohmann::json::parse(s->body);
  REQUIRE(j.is_array());
  REQUIRE(j.size() == 4);
  CHECK(j[0] == "wat");
  REQUIRE(j[1].size() > 0);
  CHECK(j[1][0].get<std::string>().rfind("wat", 0) == 0);
  CHECK(fixture().get("/api/suggest?q=wat&format=xml")->status == 400);
}
