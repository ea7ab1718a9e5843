// Rendering: everything that reaches a client is escaped for its format.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "searchd/render.h"

using namespace letopis::searchd;

namespace {

SearchResult one_hit(const std::string& title) {
  SearchResult r;
  Hit h;
  h.id = "x1";
  h.title = title;
  h.date = "2022-04-20";
  h.lang = "en";
  h.url = "https://example.kz/a?b=1&c=2";
  h.tags = {"water", "a,b"};
  h.snippet = "text with <mark>water</mark> &amp; more";
  r.hits.push_back(h);
  r.total = 1;
  return r;
}

}  // namespace

TEST_CASE("XML escaping covers markup, quotes and forbidden controls") {
  CHECK(escape_xml("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  CHECK(escape_xml(std::string("a\x01" "b\nc", 5)) == "ab\nc");
}

TEST_CASE("CSV cells are quoted and formulas neutralised") {
  const std::string csv = render_search_csv(one_hit("=HYPERLINK(\"http://evil\")"));
  CHECK(csv.find("\"'=HYPERLINK(\"\"http://evil\"\")\"") != std::string::npos);
  CHECK(csv.find("\"water; a,b\"") != std::string::npos);
}

TEST_CASE("Atom entries carry escaped titles and doubly escaped HTML summaries") {
  SearchRequest req;
  req.q = "<water>";
  const std::string atom = render_search_atom(req, one_hit("<script>alert(1)</script>"), "/api/search?q=%3Cwater%3E");
  CHECK(atom.find("<script>") == std::string::npos);
  CHECK(atom.find("<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>") != std::string::npos);
  CHECK(atom.find("&lt;mark&gt;water&lt;/mark&gt; &amp;amp; more") != std::string::npos);
  CHECK(atom.find("<title>Letopis: &lt;water&gt;</title>") != std::string::npos);
}

TEST_CASE("JSON output stays valid whatever the text holds") {
  SearchRequest req;
  const std::string json = render_search_json(req, one_hit("bad \xff utf8 \"quoted\""));
  const auto j = nlohmann::json::parse(json);
  CHECK(j.at("hits").at(0).at("title").get<std::string>().find("quoted") != std::string::npos);
}

TEST_CASE("URL encoding keeps only unreserved characters") {
  CHECK(url_encode("a b&c=д") == "a%20b%26c%3D%D0%B4");
}

TEST_CASE("the fast search JSON is byte for byte the DOM's") {
  // Every kind of text a field may hold, valid UTF-8 or not.
  const std::vector<std::string> texts = {"",
                                          "plain",
                                          "Водные ресурсы Қазақстан",
                                          "quote \" backslash \\ slash /",
                                          std::string("controls \x01\x1f\b\f\n\r\t\x7f end"),
                                          "<mark>x</mark> &amp;",
                                          "emoji 😀 and U+2028 \u2028",
                                          "bad \xff\xfe bytes",
                                          "cut \xd0",
                                          "overlong \xc0\xaf and surrogate \xed\xa0\x80",
                                          "key \"hits\":null inside"};
  SearchRequest req;
  req.q = "q \"hits\":null";
  req.langs = {"ru"};
  req.from = "20220101";
  for (size_t i = 0; i < texts.size(); ++i) {
    SearchResult r;
    r.total = 1234 + i;
    r.took_ms = 0.1 * static_cast<double>(i) + 1.0 / 3;
    r.lang = "ru";
    r.from = "20220101";
    r.filled = i % 2 == 1;
    r.all_words_total = r.filled ? 2 : r.total;
    for (size_t k = 0; k < 3; ++k) {
      Hit h;
      h.id = "id-" + texts[(i + k) % texts.size()];
      h.title = texts[i];
      h.url = texts[(i + 1) % texts.size()];
      h.date = k == 1 ? "" : "2022-04-20";
      h.lang = "kk";
      h.section = texts[(i + 2) % texts.size()];
      h.tags = k == 2 ? std::vector<std::string>{} : std::vector<std::string>{texts[i], "tag"};
      h.score = k == 0 ? 11.084429885231216 : static_cast<double>(k);
      h.snippet = texts[(i + 3) % texts.size()];
      h.some_words = k == 2;  // a filled page's last hit
      if (h.some_words) h.missing = {texts[i], "word"};
      r.hits.push_back(h);
    }
    r.facets["year"] = {{"2022", 5}, {"2021", 1}};
    r.facets["tag"] = {{texts[i], 7}};
    r.facets["person"] = {};
    INFO(i);
    const std::string fast = render_search_json(req, r), ref = render_search_json_reference(req, r);
    CHECK(fast == ref);
    CHECK_NOTHROW(nlohmann::json::parse(fast));
  }
  // No hits, no facets.
  SearchResult empty;
  CHECK(render_search_json(req, empty) == render_search_json_reference(req, empty));
}
