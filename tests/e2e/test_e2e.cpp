// End to end: the real letopis-index builds an index of the sample archive,
// the real letopis-searchd serves it on a free loopback port, and we query
// it over HTTP.
#include <catch2/catch.hpp>

#include <httplib.h>
#include <nlohmann/json.hpp>


#include "e2e/process.h"
#include "support.h"

using namespace letopis;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

struct RunningSearchd {
  test::TempDir dir;
  std::unique_ptr<test::Process> proc;
  int port = 0;

  RunningSearchd() {
    std::string log;
    const int code = test::run({LETOPIS_INDEX_BIN, "--db", dir.str() + "/index", test::sample_jsonl().string()}, &log);
    INFO(log);
    REQUIRE(code == 0);
    proc = std::make_unique<test::Process>(std::vector<std::string>{
        LETOPIS_SEARCHD_BIN, "--db", dir.str() + "/index", "--listen", "127.0.0.1:0", "--threads", "4"});
    port = proc->listening_port(20s);
    INFO(proc->output());
    REQUIRE(port > 0);
  }

  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port);
    c.set_connection_timeout(5);
    c.set_read_timeout(10);
    return c;
  }
};

RunningSearchd& server() {
  static RunningSearchd s;
  return s;
}

json get_json(const std::string& path, int expect_status = 200) {
  auto c = server().client();
  auto res = c.Get(path.c_str());
  REQUIRE(res);
  INFO(path << " -> " << res->body);
  REQUIRE(res->status == expect_status);
  CHECK(res->get_header_value("Content-Type").find("application/json") == 0);
  return json::parse(res->body);
}

std::vector<std::string> hit_ids(const json& j) {
  std::vector<std::string> ids;
  for (const auto& h : j.at("hits")) ids.push_back(h.at("id").get<std::string>());
  return ids;
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST_CASE("searchd answers health once the index is open") {
  const json j = get_json("/healthz");
  CHECK(j.at("status") == "ok");
}

TEST_CASE("a Russian query for «встречами» finds an article that only has «встреча»") {
  const json doc = get_json("/api/doc/sample-0001");
  const std::string text = doc.at("title").get<std::string>() + " " + doc.at("body").get<std::string>();
  REQUIRE(text.find("встреча") != std::string::npos);
  REQUIRE(text.find("встречами") == std::string::npos);
  const json j = get_json("/api/search?q=" + httplib::detail::encode_query_param("встречами"));
  CHECK(j.at("total").get<int>() > 0);
  CHECK(has(hit_ids(j), "sample-0001"));
}

TEST_CASE("an English query for 'meetings' finds 'meeting'") {
  const json j = get_json("/api/search?q=meetings");
  CHECK(has(hit_ids(j), "sample-0002"));
  for (const auto& h : j.at("hits")) {
    for (const char* field : {"id", "title", "url", "date", "lang", "score", "snippet"}) {
      CHECK(h.contains(field));
    }
  }
}

TEST_CASE("a query on the wrong layout is searched converted, and the response says so with both forms") {
  const json j = get_json("/api/search?q=dcnhtxf");  // «встреча» typed on QWERTY
  CHECK(has(hit_ids(j), "sample-0001"));
  CHECK(j.at("query").at("q") == "dcnhtxf");
  CHECK(j.at("query").at("searched") == "встреча");
  CHECK(j.at("query").at("corrected") == "layout");
  CHECK(j.at("query").at("layout_corrected") == true);
  const json plain = get_json("/api/search?q=" + httplib::detail::encode_query_param("встреча"));
  CHECK(plain.at("query").at("layout_corrected") == false);
  CHECK_FALSE(plain.at("query").contains("searched"));
}

TEST_CASE("/api/related/{id} lists other articles, bounded, and 404s an unknown id") {
  const json j = get_json("/api/related/sample-0001?n=3");
  CHECK(j.at("id") == "sample-0001");
  REQUIRE(j.at("hits").size() == 3);
  for (const auto& h : j.at("hits")) CHECK(h.at("id") != "sample-0001");
  get_json("/api/related/no-such-article", 404);
  CHECK(get_json("/api/related/sample-0001?n=21", 400).at("error").at("code") == "bad_n");
  get_json("/api/related/sample-0001?x=1", 400);
}

TEST_CASE("/api/suggest completes a prefix and bounds its parameters") {
  const json j = get_json("/api/suggest?q=wat");
  CHECK(j.at("q") == "wat");
  bool water = false;
  for (const auto& t : j.at("terms")) water = water || t.at("text") == "water";
  CHECK(water);
  CHECK(j.contains("entities"));
  CHECK(j.contains("titles"));
  CHECK(get_json("/api/suggest?q=wat&n=11", 400).at("error").at("code") == "bad_n");
  get_json("/api/suggest?q=" + std::string(300, 'a'), 400);
  get_json("/api/suggest?q=a&q=b", 400);
}

TEST_CASE("the search response carries facets, filters and timing") {
  const json j = get_json("/api/search?q=water&lang=en&facets=year,lang");
  CHECK(j.at("facets").contains("year"));
  CHECK(j.at("facets").contains("lang"));
  CHECK_FALSE(j.at("facets").contains("tag"));
  CHECK(j.at("filters").at("lang") == json::array({"en"}));
  CHECK(j.at("took_ms").get<double>() >= 0);
  for (const auto& h : j.at("hits")) CHECK(h.at("lang") == "en");
}

TEST_CASE("bad requests get a 400 with a JSON error body") {
  for (const std::string path : {"/api/search?q=a&q=b", "/api/search?per_page=100000", "/api/search?from=2022-02-31",
                                 "/api/search?bogus=1", "/api/search?q=%FF%FE", "/api/search?page=0"}) {
    INFO(path);
    const json j = get_json(path, 400);
    CHECK(j.at("error").contains("code"));
    CHECK(j.at("error").contains("message"));
  }
}

TEST_CASE("unknown documents and paths are 404s, never files") {
  get_json("/api/doc/no-such-id", 404);
  get_json("/api/doc/..%2F..%2F..%2Fetc%2Fpasswd", 404);
  get_json("/api/nope", 404);
  // Outside /api/ a visitor gets a 404 page; no path reaches a file.
  auto c = server().client();
  for (const char* path : {"/nope", "/..%2F..%2F..%2Fetc%2Fpasswd", "/assets/..%2F..%2Fetc%2Fpasswd", "/related/..%2Fetc"}) {
    auto res = c.Get(path);
    REQUIRE(res);
    INFO(path);
    CHECK(res->status == 404);
    CHECK(res->body.find("root:") == std::string::npos);
  }
}

TEST_CASE("an over-long request line gets a JSON 414") {
  auto c = server().client();
  auto res = c.Get(("/api/search?q=" + std::string(20000, 'a')).c_str());
  REQUIRE(res);
  CHECK(res->status == 414);
  CHECK(json::parse(res->body).at("error").at("code") == "uri_too_long");
}

TEST_CASE("metrics count requests in the Prometheus format") {
  get_json("/api/search?q=water");
  auto c = server().client();
  auto res = c.Get("/metrics");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->body.find("letopis_requests_total{route=\"search\",status=\"200\"}") != std::string::npos);
  CHECK(res->body.find("letopis_index_documents ") != std::string::npos);
  // This request's own connection is open while the gauge is read.
  CHECK(test::metric_value(res->body, "letopis_http_connections") >= 1);
  CHECK(test::metric_value(res->body, "letopis_http_threads") >= 0);
}

TEST_CASE("searchd shuts down cleanly on SIGTERM") {
  // Its own instance, so the shared one keeps serving the other tests.
  test::TempDir dir;
  REQUIRE(test::run({LETOPIS_INDEX_BIN, "--db", dir.str(), test::sample_jsonl().string()}) == 0);
  test::Process p({LETOPIS_SEARCHD_BIN, "--db", dir.str(), "--listen", "127.0.0.1:0"});
  REQUIRE(p.listening_port(20s) > 0);
  p.signal(SIGTERM);
  CHECK(p.wait() == 0);
}

TEST_CASE("letopis-index reports usage errors and rejected records by exit code") {
  test::TempDir dir;
  CHECK(test::run({LETOPIS_INDEX_BIN}) == 2);
  CHECK(test::run({LETOPIS_INDEX_BIN, "--help"}) == 0);
  test::write_file(dir.path() / "bad.jsonl", "{\"id\":\"ok\",\"title\":\"t\",\"body\":\"b\"}\n{broken\n");
  std::string log;
  CHECK(test::run({LETOPIS_INDEX_BIN, "--db", dir.str() + "/i", (dir.path() / "bad.jsonl").string()}, &log) == 3);
  CHECK_THAT(log, Catch::Contains("bad.jsonl:2"));
  CHECK(test::run({LETOPIS_INDEX_BIN, "--db", dir.str() + "/j", "--strict", (dir.path() / "bad.jsonl").string()}) == 1);
}

TEST_CASE("format=atom is a newest-first Atom feed that honours filters") {
  auto c = server().client();
  auto res = c.Get("/api/search?q=water&lang=en&format=atom");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  CHECK(res->get_header_value("Content-Type").find("application/atom+xml") == 0);
  const std::string& b = res->body;
  CHECK(b.find("<feed xmlns=\"http://www.w3.org/2005/Atom\">") != std::string::npos);
  // Entries newest first, and only English ones.
  std::vector<std::string> dates;
  for (size_t at = b.find("<entry>"); at != std::string::npos; at = b.find("<entry>", at + 1)) {
    const size_t u = b.find("<updated>", at);
    dates.push_back(b.substr(u + 9, 10));
    CHECK(b.find("xml:lang=\"en\"", at) < b.find("</entry>", at));
  }
  REQUIRE(dates.size() >= 2);
  CHECK(std::is_sorted(dates.rbegin(), dates.rend()));
}

TEST_CASE("the hostile article renders inert in JSON, Atom and CSV") {
  auto c = server().client();
  auto atom = c.Get("/api/search?q=onerror&format=atom");
  REQUIRE(atom);
  CHECK(atom->body.find("<script>") == std::string::npos);
  CHECK(atom->body.find("<img") == std::string::npos);
  CHECK(atom->body.find("&lt;script&gt;") != std::string::npos);
  auto csv = c.Get("/api/search?q=onerror&format=csv");
  REQUIRE(csv);
  CHECK(csv->get_header_value("Content-Type").find("text/csv") == 0);
  CHECK(csv->body.rfind("id,date,lang,section,title,url,tags,score\r\n", 0) == 0);
  CHECK(csv->body.find("sample-0666") != std::string::npos);
}

TEST_CASE("format=csv exports up to its own bound") {
  auto c = server().client();
  auto ok = c.Get("/api/search?format=csv&per_page=500");
  REQUIRE(ok);
  CHECK(ok->status == 200);
  auto bad = c.Get("/api/search?format=csv&per_page=5000");
  REQUIRE(bad);
  CHECK(bad->status == 400);
  auto json_bound = c.Get("/api/search?per_page=500");
  REQUIRE(json_bound);
  CHECK(json_bound->status == 400);
}

TEST_CASE("letopis-index reads a site mirror of HTML and text pages beside JSON Lines") {
  test::TempDir dir;
  std::string log;
  const int code = test::run({LETOPIS_INDEX_BIN, "--db", dir.str(), test::sample_jsonl().string(),
                              (test::source_dir() / "data/sample/pages").string()},
                             &log);
  INFO(log);
  CHECK(code == 0);
  CHECK_THAT(log, Catch::Contains("added 64"));
}
