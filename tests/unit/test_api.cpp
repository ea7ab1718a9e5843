// Request validation: everything a client can get wrong is a 400 (ApiError).
#include <catch2/catch.hpp>

#include "searchd/api.h"

using namespace letopis::searchd;

TEST_CASE("a valid request parses into typed fields") {
  const SearchRequest r = parse_search_request({{"q", "вода"},
                                                {"lang", "ru"},
                                                {"lang", "kk"},
                                                {"from", "2021"},
                                                {"to", "20.04.2022"},
                                                {"sort", "-date"},
                                                {"page", "2"},
                                                {"per_page", "20"},
                                                {"facets", "year,tag"}});
  CHECK(r.q == "вода");
  CHECK(r.langs == std::vector<std::string>{"ru", "kk"});
  CHECK(r.from == "20210101");
  CHECK(r.to == "20220420");
  CHECK(r.sort == Sort::date_desc);
  CHECK(r.page == 2);
  CHECK(r.per_page == 20);
  CHECK(r.facets == std::vector<std::string>{"year", "tag"});
}

TEST_CASE("bad parameters are rejected with a code") {
  struct Case {
    Params params;
    std::string code;
  };
  const std::string long_q(2000, 'a');
  const Case cases[] = {
      {{{"q", long_q}}, "query_too_long"},
      {{{"q", "a"}, {"q", "b"}}, "repeated_parameter"},
      {{{"qq", "a"}}, "unknown_parameter"},
      {{{"q", "\xff\xfe"}}, "invalid_utf8"},
      {{{"q", std::string("a\0b", 3)}}, "invalid_utf8"},
      {{{"from", "2022-02-30"}}, "bad_date"},
      {{{"to", "yesterday"}}, "bad_date"},
      {{{"from", "2023"}, {"to", "2022"}}, "bad_date"},
      {{{"page", "0"}}, "page_out_of_range"},
      {{{"page", "99999999999"}}, "bad_page"},
      {{{"page", "500"}, {"per_page", "100"}}, "page_out_of_range"},
      {{{"per_page", "1000"}}, "per_page_too_large"},
      {{{"per_page", "-1"}}, "bad_per_page"},
      {{{"sort", "random"}}, "bad_sort"},
      {{{"facets", "year,colour"}}, "unknown_facet"},
      {{{"lang", "de"}}, "bad_lang"},
  };
  for (const auto& c : cases) {
    INFO(c.code);
    try {
      parse_search_request(c.params);
      FAIL("no error");
    } catch (const ApiError& e) {
      CHECK(e.code == c.code);
    }
  }
}

TEST_CASE("a filter may repeat only up to its bound") {
  Params p;
  for (int i = 0; i < 40; ++i) p.emplace_back("tag", std::string("t").append(std::to_string(i)));
  CHECK_THROWS_AS(parse_search_request(p), ApiError);
}

TEST_CASE("dates parse in every documented shape") {
  CHECK(parse_date("2022-04-20", false) == "20220420");
  CHECK(parse_date("20.04.2022", false) == "20220420");
  CHECK(parse_date("2022-02", true) == "20220228");
  CHECK(parse_date("2024-02", true) == "20240229");
  CHECK(parse_date("2022", false) == "20220101");
  CHECK(parse_date("2022", true) == "20221231");
  CHECK(parse_date("2022-13-01", false).empty());
  CHECK(parse_date("31.04.2022", false).empty());
}
