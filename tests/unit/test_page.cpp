// The visitor page (searchd/page.h, searchd/ui_text.h): its state in the URL,
// its three languages, and escaping of everything the index or a visitor
// brings. Pure functions: no index, no sockets.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>


#include "searchd/page.h"
#include "searchd/ui_text.h"
#include "stemmers/utf8.h"

using namespace letopis::searchd;

namespace {

size_t count(const std::string& s, const std::string& needle) {
  size_t n = 0;
  for (size_t p = s.find(needle); p != std::string::npos; p = s.find(needle, p + 1)) ++n;
  return n;
}

// The href of the first <a> whose attributes include marker.
std::string href_of(const std::string& html, const std::string& marker) {
  const size_t at = html.find(marker);
  REQUIRE(at != std::string::npos);
  const size_t open = html.rfind("<a ", at);
  const size_t h = html.find("href=\"", open);
  REQUIRE(h != std::string::npos);
  return html.substr(h + 6, html.find('"', h + 6) - h - 6);
}

Hit make_hit(const std::string& id, const std::string& title) {
  Hit h;
  h.id = id;
  h.title = title;
  h.url = "https://letopis.example.kz/en/news/" + id;
  h.date = "2022-04-20";
  h.lang = "en";
  h.section = "news";
  h.tags = {"water", "event:x"};
  h.snippet = "the <mark>water</mark> talks";
  return h;
}

}  // namespace

bool has_cyrillic(const std::string& s) {
  for (char32_t c : letopis::analysis::decode_utf8(s)) {
    if (c >= 0x400 && c <= 0x4FF) return true;
  }
  return false;
}

TEST_CASE("every interface message has a text in all three languages, Cyrillic in Russian and Kazakh") {
  for (int m = 0; m < static_cast<int>(Msg::count); ++m) {
    const Msg msg = static_cast<Msg>(m);
    INFO("message " << m);
    for (UiLang ui : {UiLang::ru, UiLang::en, UiLang::kk}) CHECK(std::string(text(ui, msg)).size() > 0);
    if (msg == Msg::api_link || msg == Msg::took_ms) continue;
    CHECK(has_cyrillic(text(UiLang::ru, msg)));
    CHECK(has_cyrillic(text(UiLang::kk, msg)));
    CHECK_FALSE(has_cyrillic(text(UiLang::en, msg)));
  }
}

TEST_CASE("result counts use each language's plural forms and digit grouping") {
  const std::string nbsp = "\xC2\xA0";
  struct Case {
    UiLang ui;
    Msg msg;
    uint64_t n;
    std::string want;
  };
  const Case cases[] = {
      {UiLang::ru, Msg::results_exact, 1, "1 результат"},
      {UiLang::ru, Msg::results_exact, 3, "3 результата"},
      {UiLang::ru, Msg::results_exact, 5, "5 результатов"},
      {UiLang::ru, Msg::results_exact, 21, "21 результат"},
      {UiLang::ru, Msg::results_exact, 1234, "1" + nbsp + "234 результата"},
      {UiLang::ru, Msg::results_about, 11, "около 11 результатов"},
      {UiLang::en, Msg::results_exact, 1, "1 result"},
      {UiLang::en, Msg::results_exact, 0, "0 results"},
      {UiLang::en, Msg::results_about, 58395, "about 58,395 results"},
      {UiLang::kk, Msg::results_exact, 7, "7 нәтиже"},
  };
  for (const Case& c : cases) {
    INFO(ui_code(c.ui) << " " << c.n);
    CHECK(count_text(c.ui, c.msg, c.n) == c.want);
  }
}

TEST_CASE("the interface language comes from ?ui=, then Accept-Language, then Russian") {
  struct Case {
    std::string ui, accept;
    UiLang want;
  };
  const Case cases[] = {
      {"", "", UiLang::ru},
      {"", "kk-KZ,kk;q=0.9,ru;q=0.8", UiLang::kk},
      {"", "en-US,en;q=0.9", UiLang::en},
      {"", "de-DE,de;q=0.9", UiLang::ru},
      {"", "de,en;q=0.5,ru;q=0.4", UiLang::en},
      {"", "ru;q=0.2, kk;q=0.9", UiLang::kk},
      {"", "EN", UiLang::en},
      {"", "en;q=abc", UiLang::ru},
      {"", ";;;,,,;q=", UiLang::ru},
      {"en", "kk", UiLang::en},
      {"KZ", "en", UiLang::kk},
      {"xx", "en", UiLang::en},
  };
  for (const Case& c : cases) {
    INFO("ui=" << c.ui << " accept=" << c.accept);
    CHECK(choose_ui_lang(c.ui, c.accept) == c.want);
  }
}

TEST_CASE("the page forgives empty fields, unknown parameters and repeats, and keeps the form on an error") {
  const ApiLimits limits;
  SECTION("empty date inputs and tracking parameters are ignored") {
    const PageRequest r = parse_page_request(
        {{"q", "вода"}, {"from", ""}, {"to", ""}, {"utm_source", "x"}, {"topic", "water"}, {"q", "second"}}, limits, "");
    CHECK(r.error.empty());
    CHECK(r.search.q == "вода");
    CHECK(r.search.topics == std::vector<std::string>{"water"});
    CHECK(r.search.from.empty());
    CHECK(r.search.sort == Sort::relevance);
    CHECK(r.search.per_page == kPageSize);
  }
  SECTION("an impossible date is an error, and the query and filters stay") {
    const PageRequest r = parse_page_request({{"q", "вода"}, {"from", "2022-02-30"}, {"person", "Yerkin Tukumov"}}, limits, "");
    CHECK(r.error == "bad_date");
    CHECK(r.search.q == "вода");
    CHECK(r.search.people == std::vector<std::string>{"Yerkin Tukumov"});
    CHECK(r.from_text == "2022-02-30");
  }
  SECTION("a page beyond the limit is an error") {
    CHECK(parse_page_request({{"q", "x"}, {"page", "5000"}}, limits, "").error == "page_out_of_range");
  }
  SECTION("an over-long query is an error and is not echoed") {
    const PageRequest r = parse_page_request({{"q", std::string(5000, 'a')}}, limits, "");
    CHECK(r.error == "query_too_long");
    CHECK(r.search.q.empty());
  }
  SECTION("with no query the newest come first") {
    CHECK(parse_page_request({}, limits, "").search.sort == Sort::date_desc);
    CHECK(parse_page_request({{"sort", "relevance"}}, limits, "").search.sort == Sort::relevance);
  }
  SECTION("ui is taken from the URL and remembered") {
    const PageRequest r = parse_page_request({{"ui", "kk"}}, limits, "en");
    CHECK(r.ui == UiLang::kk);
    CHECK(r.ui_given);
    const PageRequest a = parse_page_request({}, limits, "en-GB");
    CHECK(a.ui == UiLang::en);
    CHECK_FALSE(a.ui_given);
  }
}

TEST_CASE("everything from the index and the URL renders as inert text") {
  PageRequest r = parse_page_request({{"q", "\"><script>alert(1)</script>"}, {"tag", "<b>x</b>"}}, ApiLimits{}, "");
  REQUIRE(r.error.empty());
  SearchResult res;
  res.total = 2;
  Hit evil = make_hit("evil\"id", "Hostile <script>alert(1)</script> title");
  evil.url = "javascript:alert(document.cookie)";
  evil.tags = {"\"><img src=x onerror=alert(1)>"};
  evil.section = "<i>s</i>";
  evil.lang = "\"><svg onload=alert(1)>";
  res.hits = {evil, make_hit("ok", "Fine")};
  res.facets["person"] = {{"<img src=x onerror=alert(2)>", 3}};
  res.facets["topic"] = {{"water\" onmouseover=\"alert(3)", 1}};
  res.suggestion = "<script>alert(4)</script>";
  const std::string html = render_search_page(r, &res, PageContext{});
  CHECK(count(html, "<script") == 1);  // the page's own script tag only
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find("<svg") == std::string::npos);
  CHECK(html.find("<b>") == std::string::npos);
  CHECK(html.find("<i>") == std::string::npos);
  CHECK(html.find("javascript:") == std::string::npos);
  CHECK(html.find("onmouseover=\"") == std::string::npos);
  CHECK(html.find("Hostile &lt;script&gt;alert(1)&lt;/script&gt; title") != std::string::npos);
  // The article with a javascript: URL keeps its title, without a link.
  CHECK(html.find("<span>Hostile &lt;script&gt;") != std::string::npos);
  // The snippet's own <mark> survives.
  CHECK(html.find("the <mark>water</mark> talks") != std::string::npos);
}

TEST_CASE("facet links toggle one value and keep the rest of the search") {
  const PageRequest r = parse_page_request(
      {{"q", "water"}, {"topic", "water"}, {"page", "3"}, {"sort", "-date"}, {"ui", "en"}}, ApiLimits{}, "");
  SearchResult res;
  res.total = 40;
  res.hits = {make_hit("a", "A")};
  res.facets["topic"] = {{"water", 30}, {"energy", 12}};
  res.facets["year"] = {{"2021", 5}, {"2023", 9}};
  const std::string html = render_search_page(r, &res, PageContext{});
  // Selected: its link removes it; the other adds itself. Both go back to page 1.
  CHECK(href_of(html, "data-value=\"water\"") == "/?q=water&amp;sort=-date&amp;ui=en");
  CHECK(href_of(html, "data-value=\"energy\"") == "/?q=water&amp;topic=water&amp;topic=energy&amp;sort=-date&amp;ui=en");
  CHECK(html.find("data-value=\"water\" data-selected=\"true\"") != std::string::npos);
  // Years are a date range, newest first.
  CHECK(href_of(html, "data-value=\"2021\"") ==
        "/?q=water&amp;topic=water&amp;from=2021-01-01&amp;to=2021-12-31&amp;sort=-date&amp;ui=en");
  CHECK(html.find("data-value=\"2023\"") < html.find("data-value=\"2021\""));
  // The active filter shows as a chip that removes it.
  CHECK(html.find("id=\"active-filters\"") != std::string::npos);
}

TEST_CASE("pagination links around the current page and stops where the API would") {
  SearchResult res;
  res.hits = {make_hit("a", "A")};
  SECTION("95 results, page 3") {
    const PageRequest r = parse_page_request({{"q", "x"}, {"page", "3"}}, ApiLimits{}, "en");
    res.total = 95;
    const std::string html = render_search_page(r, &res, PageContext{});
    CHECK(href_of(html, "rel=\"prev\"") == "/?q=x&amp;page=2");
    CHECK(href_of(html, "rel=\"next\"") == "/?q=x&amp;page=4");
    CHECK(href_of(html, "aria-current=\"page\"") == "/?q=x&amp;page=3");
    CHECK(html.find("aria-label=\"Page 10\"") != std::string::npos);
    CHECK(html.find("aria-label=\"Page 11\"") == std::string::npos);
    CHECK(html.find("aria-label=\"Page 7\"") == std::string::npos);  // a gap between 5 and 10
  }
  SECTION("a huge estimate is capped at max_offset") {
    const PageRequest r = parse_page_request({{"q", "x"}}, ApiLimits{}, "en");
    res.total = 5'000'000;
    res.total_exact = false;
    PageContext ctx;
    ctx.limits.max_offset = 200;
    const std::string html = render_search_page(r, &res, ctx);
    CHECK(html.find("aria-label=\"Page 20\"") != std::string::npos);
    CHECK(html.find("aria-label=\"Page 21\"") == std::string::npos);
    CHECK(html.find("about 5,000,000 results") != std::string::npos);
  }
  SECTION("one page needs no pagination") {
    const PageRequest r = parse_page_request({{"q", "x"}}, ApiLimits{}, "en");
    res.total = 7;
    CHECK(render_search_page(r, &res, PageContext{}).find("id=\"pagination\"") == std::string::npos);
  }
}

TEST_CASE("an empty result offers a way out in the visitor's language") {
  const PageRequest r = parse_page_request({{"q", "ывапр"}, {"lang", "kk"}, {"ui", "kk"}}, ApiLimits{}, "");
  SearchResult res;
  const std::string html = render_search_page(r, &res, PageContext{});
  CHECK(html.find("<html lang=\"kk\">") != std::string::npos);
  CHECK(html.find("«ывапр» бойынша ештеңе табылмады.") != std::string::npos);
  // Searching without the filters keeps the query.
  CHECK(href_of(html, "сүзгілер мен күндерсіз") == "/?q=%D1%8B%D0%B2%D0%B0%D0%BF%D1%80&amp;ui=kk");
}

TEST_CASE("a corrected query says so and offers the query as typed") {
  const PageRequest r = parse_page_request({{"q", "djlf"}}, ApiLimits{}, "en");
  SearchResult res;
  res.total = 1;
  res.hits = {make_hit("a", "A")};
  res.corrected = "вода";
  res.original = "djlf";
  res.layout_corrected = true;
  const std::string html = render_search_page(r, &res, PageContext{});
  CHECK(html.find("keyboard layout looked wrong") != std::string::npos);
  CHECK(html.find("<strong>вода</strong>") != std::string::npos);
  CHECK(href_of(html, ">djlf</a>") == "/?q=%22djlf%22");  // quoted: not corrected again
}

TEST_CASE("facet values get display names from the taxonomy and the gazetteer") {
  const std::string taxonomy = R"({"topics": [{"id": "water", "label": {"en": "Water", "ru": "Водные ресурсы", "kk": "Су ресурстары"}}]})";
  const std::string gazetteer = R"({"people": [{"id": "Kassym-Jomart Tokayev",
      "aliases": ["Tokayev", "Касым-Жомарт Токаев", "Қасым-Жомарт Тоқаев", "Токаев"]}],
    "orgs": [{"id": "KazISS", "aliases": [{"text": "KazISS"}, {"text": "КИСИ", "match_case": true}]}]})";
  const FacetLabels labels = FacetLabels::from_metadata(taxonomy, gazetteer);
  CHECK(labels.label("topic", "water", UiLang::kk) == "Су ресурстары");
  CHECK(labels.label("topic", "unknown", UiLang::ru) == "unknown");
  CHECK(labels.label("person", "Kassym-Jomart Tokayev", UiLang::ru) == "Касым-Жомарт Токаев");
  CHECK(labels.label("person", "Kassym-Jomart Tokayev", UiLang::kk) == "Қасым-Жомарт Тоқаев");
  CHECK(labels.label("person", "Kassym-Jomart Tokayev", UiLang::en) == "Kassym-Jomart Tokayev");
  CHECK(labels.label("org", "KazISS", UiLang::kk) == "КИСИ");  // no Kazakh form: the Russian one
  CHECK(labels.label("lang", "kk", UiLang::en) == "Kazakh");
  CHECK(labels.label("section", "press-releases", UiLang::ru) == "Пресс-релизы");
  const FacetLabels broken = FacetLabels::from_metadata("{not json", "[1,2]");
  CHECK(broken.label("topic", "water", UiLang::ru) == "water");
}

TEST_CASE("the OpenSearch description and suggestions follow the specification") {
  const std::string xml = render_opensearch_xml(UiLang::en, "https://news.example.kz");
  CHECK(xml.find("<OpenSearchDescription xmlns=\"http://a9.com/-/spec/opensearch/1.1/\">") != std::string::npos);
  CHECK(xml.find("template=\"https://news.example.kz/?q={searchTerms}&amp;ui=en\"") != std::string::npos);
  CHECK(xml.find("type=\"application/x-suggestions+json\"") != std::string::npos);
  CHECK(render_opensearch_xml(UiLang::en, "http://a\"b").find("a\"b") == std::string::npos);

  Suggestions s;
  s.terms = {{"water", 10}, {"waters", 2}};
  s.entities = {{"World Bank", false}};
  Hit title = make_hit("t", "Water talks");
  Hit evil = make_hit("e", "Evil");
  evil.url = "javascript:alert(1)";
  s.titles = {title, evil};
  const auto j = nlohmann::json::parse(render_opensearch_suggestions("wa", s, UiLang::en));
  REQUIRE(j.is_array());
  REQUIRE(j.size() == 4);
  CHECK(j[0] == "wa");
  CHECK(j[1] == nlohmann::json({"water", "waters", "World Bank", "Water talks", "Evil"}));
  CHECK(j[2][2] == "organisation");
  CHECK(j[3][3] == title.url);
  CHECK(j[3][4] == "");
}

TEST_CASE("only http and https article URLs become links") {
  CHECK(safe_href("https://a.kz/x") == "https://a.kz/x");
  CHECK(safe_href("HTTP://a.kz/x") == "HTTP://a.kz/x");
  CHECK(safe_href("javascript:alert(1)").empty());
  CHECK(safe_href(" javascript:alert(1)").empty());
  CHECK(safe_href("data:text/html,<script>").empty());
  CHECK(safe_href("//evil.example/x").empty());
  CHECK(safe_href("https://a.kz/x\ny").empty());
  CHECK(safe_href("").empty());
}

TEST_CASE("a facet's own filter comes off for its counts, and only its own") {
  SearchRequest r = parse_page_request({{"q", "x"}, {"lang", "en"}, {"topic", "water"}, {"from", "2021"}, {"to", "2021"}},
                                       ApiLimits{}, "")
                        .search;
  SearchRequest lang = r;
  REQUIRE(without_own_filter(lang, "lang"));
  CHECK(lang.langs.empty());
  CHECK(lang.topics == std::vector<std::string>{"water"});
  CHECK(lang.from == "20210101");
  CHECK(lang.facets == std::vector<std::string>{"lang"});
  SearchRequest year = r;
  REQUIRE(without_own_filter(year, "year"));
  CHECK(year.from.empty());
  CHECK(year.to.empty());
  CHECK(year.langs == std::vector<std::string>{"en"});
  SearchRequest person = r;
  CHECK_FALSE(without_own_filter(person, "person"));  // no person chosen
  SearchRequest range = parse_page_request({{"from", "2021-03-01"}, {"to", "2021-12-31"}}, ApiLimits{}, "").search;
  CHECK_FALSE(without_own_filter(range, "year"));  // a range that is not one whole year stays
}

TEST_CASE("the page says when names were also searched in the other alphabet, and when shards are missing") {
  const PageRequest r = parse_page_request({{"q", "Qazaqstan"}, {"ui", "ru"}}, ApiLimits{}, "");
  SearchResult res;
  res.total = 1;
  res.hits = {make_hit("a", "A")};
  res.transliterated = {"қазақстан", "<b>x</b>"};
  res.partial = true;
  const std::string html = render_search_page(r, &res, PageContext{});
  CHECK(html.find("Также искали в написании другим алфавитом: <strong>қазақстан</strong>, <strong>&lt;b&gt;x&lt;/b&gt;</strong>.") !=
        std::string::npos);
  CHECK(html.find("id=\"partial\"") != std::string::npos);
}

TEST_CASE("a long URL cannot make a huge page: the page keeps a bounded state") {
  Params p = {{"q", "x"}};
  for (int i = 0; i < 40; ++i) p.emplace_back("person", std::string(200, 'a') + std::to_string(i));
  const PageRequest r = parse_page_request(p, ApiLimits{}, "en");
  CHECK(r.error.empty());
  CHECK(r.search.people.size() <= kPageFilterValues);
  size_t bytes = 0;
  for (const auto& v : r.search.people) bytes += v.size();
  CHECK(bytes <= kPageStateBytes);
  SearchResult res;
  res.total = 1000;
  res.hits = {make_hit("a", "A")};
  for (int i = 0; i < 50; ++i) res.facets["org"].push_back({"org" + std::to_string(i), 3});
  CHECK(render_search_page(r, &res, PageContext{}).size() < 300'000);
}

TEST_CASE("a filled page says how many articles have every word and where the others begin") {
  SearchResult res;
  res.total = 3;
  res.filled = true;
  res.all_words_total = 1;
  res.hits = {make_hit("all", "All"), make_hit("some-1", "Some"), make_hit("some-2", "Some <b>more</b>")};
  res.hits[1].some_words = res.hits[2].some_words = true;
  res.hits[1].missing = {"<b>x</b>", "b"};
  for (const auto& [ui, notice] : std::vector<std::pair<std::string, std::string>>{
           {"en", "Only 1 article has all the words; the ones after it have some of them."},
           {"ru", "Все слова запроса есть только в 1 статье; следующие содержат часть слов."},
           {"kk", "Барлық сөз тек 1 мақалада бар;"}}) {
    INFO(ui);
    const PageRequest r = parse_page_request({{"q", "a b c"}, {"ui", ui}}, ApiLimits{}, "");
    const std::string html = render_search_page(r, &res, PageContext{});
    CHECK(html.find("<p class=\"notice\" id=\"filled\">" + notice) != std::string::npos);
    // One divider, in the first card without every word.
    const size_t divider = html.find("id=\"some-words\"");
    REQUIRE(divider != std::string::npos);
    CHECK(html.find("id=\"some-words\"", divider + 1) == std::string::npos);
    CHECK(html.rfind("data-id=\"some-1\"", divider) != std::string::npos);
    CHECK(html.rfind("data-id=\"all\"", divider) < html.rfind("data-id=\"some-1\"", divider));
    CHECK(html.find("<li class=\"hit some-words\" data-id=\"some-2\">") != std::string::npos);
    CHECK(html.find("<li class=\"hit\" data-id=\"all\">") != std::string::npos);
    CHECK(html.find("Some &lt;b&gt;more&lt;/b&gt;") != std::string::npos);
    // The words a hit lacks, struck through, escaped.
    CHECK(html.find("<p class=\"hit-missing\">") != std::string::npos);
    CHECK(html.find("<s>&lt;b&gt;x&lt;/b&gt;</s> <s>b</s></p>") != std::string::npos);
  }
  res.all_words_total = 3;
  const PageRequest en = parse_page_request({{"q", "a b c"}, {"ui", "en"}}, ApiLimits{}, "");
  CHECK(render_search_page(en, &res, PageContext{}).find("Only 3 articles have all the words") != std::string::npos);
  // Not filled: neither.
  res.filled = false;
  for (Hit& h : res.hits) h.some_words = false;
  const std::string plain = render_search_page(en, &res, PageContext{});
  CHECK(plain.find("id=\"filled\"") == std::string::npos);
  CHECK(plain.find("some-words") == std::string::npos);
}
