// searchd's config file: every key applies, and a typo is an error.
#include <catch2/catch.hpp>

#include "searchd/config.h"
#include "support.h"

using namespace letopis::searchd;

TEST_CASE("the shipped config file applies and equals the built-in defaults") {
  Config shipped, defaults;
  apply_config_file((letopis::test::source_dir() / "config/searchd.json").string(), shipped);
  CHECK(shipped.server.port == defaults.server.port);
  CHECK(shipped.server.threads == defaults.server.threads);
  CHECK(shipped.service.limits.max_per_page == defaults.service.limits.max_per_page);
  CHECK(shipped.service.search.time_limit_seconds == defaults.service.search.time_limit_seconds);
  CHECK(shipped.service.search.ranking.title_weight == defaults.service.search.ranking.title_weight);
  CHECK(shipped.service.db_dir == "/var/lib/letopis/index");
}

TEST_CASE("config values override defaults") {
  Config c;
  apply_config_json(R"({"listen": "[::1]:9000", "threads": 3, "limits": {"max_per_page": 20}})", c);
  CHECK(c.server.host == "::1");
  CHECK(c.server.port == 9000);
  CHECK(c.server.threads == 3);
  CHECK(c.service.limits.max_per_page == 20);
}

TEST_CASE("unknown keys, wrong types and out-of-range values are errors naming the key") {
  struct Case {
    std::string json, key;
  };
  const Case cases[] = {
      {R"({"thread": 3})", "'thread'"},
      {R"({"threads": "many"})", "'threads'"},
      {R"({"threads": 100000})", "'threads'"},
      {R"({"limits": {"max_per_pag": 5}})", "'limits.max_per_pag'"},
      {R"({"listen": "nowhere"})", "'listen'"},
      {R"({"search": 5})", "'search'"},
      {R"(not json)", "JSON"},
  };
  for (const auto& c : cases) {
    INFO(c.json);
    Config cfg;
    CHECK_THROWS_WITH(apply_config_json(c.json, cfg), Catch::Contains(c.key));
  }
}

TEST_CASE("listen addresses parse") {
  ServerConfig s;
  CHECK(parse_listen("127.0.0.1:8080", s));
  CHECK(s.port == 8080);
  CHECK_FALSE(parse_listen("127.0.0.1", s));
  CHECK_FALSE(parse_listen("127.0.0.1:http", s));
  CHECK_FALSE(parse_listen("127.0.0.1:70000", s));
}
