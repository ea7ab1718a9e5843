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
  const ShardOptions& a = shipped.service.search.shards;
  const ShardOptions& b = defaults.service.search.shards;
  CHECK(a.on_failure == b.on_failure);
  CHECK(a.timeout_seconds == b.timeout_seconds);
  CHECK(a.connect_timeout_seconds == b.connect_timeout_seconds);
  CHECK(a.retry_seconds == b.retry_seconds);
  CHECK(a.spelling_db == b.spelling_db);
}

TEST_CASE("the shards section sets the failure policy, timeouts and spelling database") {
  Config c;
  apply_config_json(R"({"shards": {"on_failure": "fail", "timeout_seconds": 0.5, "connect_timeout_seconds": 0.25,
                                   "retry_seconds": 2, "spelling_db": "/var/lib/letopis/spelling"}})",
                    c);
  const ShardOptions& s = c.service.search.shards;
  CHECK(s.on_failure == ShardOptions::OnFailure::fail);
  CHECK(s.timeout_seconds == 0.5);
  CHECK(s.connect_timeout_seconds == 0.25);
  CHECK(s.retry_seconds == 2);
  CHECK(s.spelling_db == "/var/lib/letopis/spelling");
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
      {R"({"shards": {"on_failure": "ignore"}})", "'shards.on_failure'"},
      {R"({"shards": {"timeout_seconds": 0}})", "'shards.timeout_seconds'"},
      {R"({"shards": {"retry": 5}})", "'shards.retry'"},
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
