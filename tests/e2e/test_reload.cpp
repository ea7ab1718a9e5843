// searchd picks up a new index without a restart and without a failed
// request: an in-process server on a free loopback port, clients querying
// it all the time, and the indexer switching a rebuilt index in underneath.
#include <catch2/catch.hpp>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <thread>

#include "indexer/index_dir.h"
#include "indexer/indexer.h"
#include "e2e/server_fixture.h"
#include "support.h"

using namespace letopis;
using namespace std::chrono_literals;

namespace {

IndexStats index_into(const std::string& dir, std::vector<std::string> inputs, bool rebuild) {
  IndexOptions opt = test::index_options(dir, std::move(inputs));
  opt.rebuild = rebuild;
  return run_index(opt);
}

int hits_for(httplib::Client& c, const std::string& q) {
  auto res = c.Get(("/api/search?facets=&q=" + q).c_str());
  if (!res || res->status != 200) return -1;
  return nlohmann::json::parse(res->body).at("total").get<int>();
}

}  // namespace

TEST_CASE("a rebuilt index is switched in under load with no failed request") {
  test::TempDir dir;
  index_into(dir.str(), {test::sample_jsonl().string()}, true);
  test::InProcessServer srv(dir.str());

  // Clients query continuously and count every failure.
  test::BusyClients busy(srv.port, 3);

  // A new article with a word nothing else has, in a rebuilt index.
  const auto extra = dir.path() / "extra.jsonl";
  test::write_file(extra, R"({"id":"new-1","lang":"en","title":"Zyxwvut summit","body":"A zyxwvut meeting."})" "\n");
  httplib::Client probe("127.0.0.1", srv.port);
  REQUIRE(hits_for(probe, "zyxwvut") == 0);
  std::this_thread::sleep_for(300ms);
  index_into(dir.str(), {test::sample_jsonl().string(), extra.string()}, true);
  const auto switched = std::chrono::steady_clock::now();
  while (hits_for(probe, "zyxwvut") != 1 && std::chrono::steady_clock::now() - switched < 5s) {
    std::this_thread::sleep_for(20ms);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - switched).count();
  std::this_thread::sleep_for(300ms);
  busy.stop();

  INFO("picked up after " << seconds << " s; " << busy.ok.load() << " requests");
  CHECK(hits_for(probe, "zyxwvut") == 1);
  CHECK(seconds < 2.0);
  CHECK(busy.failed.load() == 0);
  CHECK(busy.ok.load() > 10);
}

TEST_CASE("an incremental run is picked up without a switch") {
  test::TempDir dir;
  index_into(dir.str(), {test::sample_jsonl().string()}, false);
  test::InProcessServer srv(dir.str());
  httplib::Client c("127.0.0.1", srv.port);
  REQUIRE(hits_for(c, "qwertyzz") == 0);
  const auto extra = dir.path() / "extra.jsonl";
  test::write_file(extra, R"({"id":"inc-1","lang":"en","title":"Qwertyzz forum","body":"Text."})" "\n");
  const IndexStats s = index_into(dir.str(), {extra.string()}, false);
  CHECK(s.added == 1);
  // Each request reopens its Database, so the next one sees the commit.
  CHECK(hits_for(c, "qwertyzz") == 1);
}

TEST_CASE("healthz is 503 until an index appears, then 200") {
  test::TempDir dir;
  test::InProcessServer srv((dir.path() / "later").string());
  httplib::Client c("127.0.0.1", srv.port);
  auto before = c.Get("/healthz");
  REQUIRE(before);
  CHECK(before->status == 503);
  auto search = c.Get("/api/search?q=water");
  REQUIRE(search);
  CHECK(search->status == 503);
  index_into((dir.path() / "later").string(), {test::sample_jsonl().string()}, true);
  int status = 0;
  for (int i = 0; i < 100 && status != 200; ++i) {
    std::this_thread::sleep_for(50ms);
    auto r = c.Get("/healthz");
    status = r ? r->status : 0;
  }
  CHECK(status == 200);
}

TEST_CASE("a second concurrent indexing run is refused, and the index stays served") {
  test::TempDir dir;
  index_into(dir.str(), {test::sample_jsonl().string()}, true);
  index_dir::Lock held(dir.str());  // as if another run were in progress
  CHECK_THROWS_AS(index_into(dir.str(), {test::sample_jsonl().string()}, true), index_dir::LockHeld);
  test::InProcessServer srv(dir.str());
  httplib::Client c("127.0.0.1", srv.port);
  CHECK(hits_for(c, "water") > 0);
}
