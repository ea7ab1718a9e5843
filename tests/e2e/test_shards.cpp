// Sharding (docs/OPERATIONS.md, "Sharding"): the sample archive indexed as
// one index and as three shards, each served by its own xapian-tcpsrv on
// loopback and listed in a stub file, gives the same answers: hit ids and
// order, scores, snippets, facet counts, corrections. A shard that dies or
// hangs leaves searchd answering from the others, flagged "partial" (or 503
// under shards.on_failure = fail), within a bound set by the shard timeout,
// and searchd takes the shard back once it answers again.
#include <catch2/catch.hpp>

#include <algorithm>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <map>
#include <set>

#include "e2e/loopback.h"
#include "e2e/process.h"
#include "searchd/service.h"
#include "support.h"

using namespace letopis;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

using test::accepts;
using test::free_port;
using test::tool;

using Clock = std::chrono::steady_clock;

std::string tcpsrv_binary() { return tool("xapian-tcpsrv"); }

// One xapian-tcpsrv serving a shard on 127.0.0.1:port, in a process group
// of its own: xapian-tcpsrv forks a process per connection, and killing
// the group takes those down too, as when the shard's host dies.
class Tcpsrv {
 public:
  Tcpsrv(std::string binary, std::string db, int port) : binary_(std::move(binary)), db_(std::move(db)), port_(port) {}
  ~Tcpsrv() { kill_all(); }
  Tcpsrv(const Tcpsrv&) = delete;
  Tcpsrv& operator=(const Tcpsrv&) = delete;

  void start() {
    // Everything the child needs is made before fork: searchd's threads
    // are running, and the child may only make async-signal-safe calls.
    std::vector<std::string> args = {binary_, "--port", std::to_string(port_), "--interface", "127.0.0.1",
                                     "--quiet", db_};
    std::vector<char*> argv;
    for (auto& s : args) argv.push_back(s.data());
    argv.push_back(nullptr);
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::setpgid(0, 0);
      const int null = ::open("/dev/null", O_RDWR);
      ::dup2(null, 1);
      ::dup2(null, 2);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::setpgid(pid_, pid_);  // also here, so that the group exists before we signal it
    const auto until = Clock::now() + 10s;
    while (!accepts(port_) && Clock::now() < until) std::this_thread::sleep_for(20ms);
    REQUIRE(accepts(port_));
  }
  void kill_all() {
    if (pid_ <= 0) return;
    ::kill(-pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  void pause() { ::kill(-pid_, SIGSTOP); }
  void resume() { ::kill(-pid_, SIGCONT); }
  int port() const { return port_; }

 private:
  std::string binary_, db_;
  int port_;
  pid_t pid_ = -1;
};

// The sample archive as one index, and split into three shards (articles
// by line, round robin; the site mirror's pages in the third), each served
// by a xapian-tcpsrv and listed in a stub file; plus the spelling data of
// the whole archive (letopis-index --spelling-only).
struct ShardedSample {
  test::TempDir dir;
  std::string single, stub, spelling;
  std::vector<std::set<std::string>> ids;  // article ids of each shard's JSON Lines
  std::vector<std::unique_ptr<Tcpsrv>> servers;

  explicit ShardedSample(const std::string& tcpsrv) {
    const std::string sample = test::sample_jsonl().string();
    const std::string pages = (test::source_dir() / "data/sample/pages").string();
    single = dir.str() + "/single";
    spelling = dir.str() + "/spelling";
    index({"--db", single, sample, pages});
    index({"--db", spelling, "--spelling-only", sample, pages});

    std::vector<std::string> parts(3);
    ids.resize(3);
    std::istringstream in(test::read_file(sample));
    std::string line;
    for (size_t n = 0; std::getline(in, line); ++n) {
      if (line.empty()) continue;
      parts[n % 3] += line + "\n";
      ids[n % 3].insert(json::parse(line).at("id").get<std::string>());
    }
    std::string stub_text = "# the sample archive in three shards\n";
    for (size_t i = 0; i < 3; ++i) {
      const std::string part = dir.str() + "/part" + std::to_string(i) + ".jsonl";
      test::write_file(part, parts[i]);
      const std::string shard = dir.str() + "/shard" + std::to_string(i);
      if (i == 2) index({"--db", shard, part, pages});
      else index({"--db", shard, part});
      servers.push_back(std::make_unique<Tcpsrv>(tcpsrv, shard + "/current", free_port()));
      servers.back()->start();
      stub_text += "remote 127.0.0.1:" + std::to_string(servers.back()->port()) + "\n";
    }
    stub = dir.str() + "/shards.stub";
    test::write_file(stub, stub_text);
  }

  static void index(std::vector<std::string> args) {
    args.insert(args.begin(), LETOPIS_INDEX_BIN);
    std::string log;
    const int code = test::run(args, &log);
    INFO(log);
    REQUIRE(code == 0);
  }
};

// The sharded sample, or null with a note where xapian-tcpsrv is missing.
std::unique_ptr<ShardedSample> sharded_sample_or_skip() {
  const std::string tcpsrv = tcpsrv_binary();
  if (tcpsrv.empty()) {
    WARN("xapian-tcpsrv is not installed (Debian package xapian-tools): sharding tests skipped");
    return nullptr;
  }
  return std::make_unique<ShardedSample>(tcpsrv);
}

// timeout: how long a shard may take to answer. Generous where no shard
// hangs, so that a loaded test machine never makes a healthy shard look dead.
searchd::ServiceConfig service_config(const std::string& db, const ShardedSample& s, double timeout = 10) {
  searchd::ServiceConfig c;
  c.db_dir = db;
  c.poll_interval = 100ms;
  c.search.shards.timeout_seconds = timeout;
  c.search.shards.connect_timeout_seconds = timeout;
  c.search.shards.retry_seconds = 0.3;
  c.search.shards.spelling_db = s.spelling;
  return c;
}

searchd::HttpResponse get(searchd::Service& service, const std::string& path, searchd::Params params = {}) {
  searchd::HttpRequest r;
  r.path = path;
  r.params = std::move(params);
  return service.handle(r);
}

json get_json(searchd::Service& service, const std::string& path, searchd::Params params = {}) {
  const searchd::HttpResponse r = get(service, path, params);
  INFO(path << " -> " << r.body);
  REQUIRE(r.status == 200);
  return json::parse(r.body);
}

const std::string kAllFacets = "year,month,lang,section,tag,topic,person,org";

json search(searchd::Service& service, searchd::Params params) {
  if (std::none_of(params.begin(), params.end(), [](const auto& p) { return p.first == "per_page"; })) {
    params.emplace_back("per_page", "100");
  }
  params.emplace_back("facets", kAllFacets);
  return get_json(service, "/api/search", params);
}

std::set<std::string> id_set(const json& hits) {
  std::set<std::string> out;
  for (const auto& h : hits) out.insert(h.at("id").get<std::string>());
  return out;
}

// Hits in order, as runs of exact ties: Xapian orders equal (sort key,
// weight) pairs by docid, and docids depend on the layout. Over shards,
// relevance ties are broken by content hash; a single index keeps docid
// order (the hash cost it 0.1 ms a search, searchd/search.cpp), so a run is
// every hit of one score, whatever its date.
std::vector<std::set<std::string>> tie_runs(const json& hits) {
  std::vector<std::set<std::string>> runs;
  json last;
  for (const auto& h : hits) {
    const json key = h.at("score");
    if (runs.empty() || key != last) runs.emplace_back();
    runs.back().insert(h.at("id").get<std::string>());
    last = key;
  }
  return runs;
}

// The sharded answer must be the single index's, field by field.
void check_same_answer(const json& one, const json& sharded) {
  CHECK(sharded.at("partial") == false);
  CHECK(one.at("partial") == false);
  CHECK(sharded.at("total") == one.at("total"));
  CHECK(sharded.at("total_exact") == one.at("total_exact"));
  CHECK(sharded.at("query") == one.at("query"));  // language, relaxed, corrections
  CHECK(sharded.at("facets") == one.at("facets"));
  const json& a = one.at("hits");
  const json& b = sharded.at("hits");
  REQUIRE(a.size() == b.size());
  CHECK(tie_runs(b) == tie_runs(a));
  std::map<std::string, json> by_id;
  for (const auto& h : a) by_id[h.at("id").get<std::string>()] = h;
  for (const auto& h : b) {
    json expect = by_id[h.at("id").get<std::string>()];
    INFO(h.at("id"));
    // The score to the last bits but one: a remote shard may add the term
    // weights of an OR in another order (seen with some-word matches).
    CHECK(h.at("score").get<double>() == Approx(expect.at("score").get<double>()).epsilon(1e-12));
    expect["score"] = h.at("score");
    CHECK(h == expect);  // snippet and every other field
  }
}

// Searches until the answer is complete again (the watcher retries the
// shard every retry_seconds, then the next request reconnects).
json until_complete(searchd::Service& service, const searchd::Params& params) {
  const auto until = Clock::now() + 10s;
  json j;
  do {
    std::this_thread::sleep_for(100ms);
    const searchd::HttpResponse r = get(service, "/api/search", params);
    j = r.status == 200 ? json::parse(r.body) : json();
  } while ((j.is_null() || j.at("partial") == true) && Clock::now() < until);
  return j;
}

}  // namespace

TEST_CASE("three xapian-tcpsrv shards answer exactly as the single index does", "[shards]") {
  auto sample = sharded_sample_or_skip();
  if (!sample) return;
  ShardedSample& s = *sample;
  searchd::Service one(service_config(s.single, s));
  searchd::Service sharded(service_config(s.stub, s));
  REQUIRE(one.ready());
  REQUIRE(sharded.ready());

  const std::vector<searchd::Params> queries = {
      {{"q", "вода"}},
      {{"q", "встречами"}},
      {{"q", "водные ресурсы"}},
      {{"q", "Казахстан"}, {"lang", "ru"}, {"from", "2022-01-01"}, {"to", "2023-12-31"}},
      {{"q", "ООН"}},                              // entity alias: many exact ties in weight
      {{"q", "water"}},
      {{"q", "Central Asia"}, {"lang", "en"}},
      {{"q", "\"water diplomacy\""}},
      {{"q", "water"}, {"sort", "-date"}},
      {{"q", "water"}, {"sort", "date"}},
      {{"q", "су"}},
      {{"q", "су ресурстары"}},
      {{"q", "Ташкентте"}, {"lang", "kk"}},
      {{"q", "Тукумов"}, {"org", "UN"}},
      {{"topic", "water"}},                        // browsing: newest first
      {{"lang", "kk"}, {"sort", "date"}},
      {{}},                                        // everything
      {{"q", "сотрудничиства"}},                   // a typo: corrected from spelling_db
      {{"q", "dcnhtxf"}},                          // the wrong keyboard layout
      {{"q", "water"}, {"recency", "1"}},
      {{"q", "water energy security"}},            // few have every word: filled with some-word matches
      {{"q", "водные ресурсы Казахстана энергетика"}, {"per_page", "3"}, {"page", "2"}},
      // Pages smaller than the matches: Xapian's spies over remote shards
      // with a sort by value once counted some documents twice here.
      {{"q", "water"}, {"per_page", "3"}, {"page", "2"}},
      {{"q", "Казахстан"}, {"per_page", "3"}, {"sort", "-date"}},
  };
  for (const auto& q : queries) {
    searchd::Params params;
    std::string shown;
    for (const auto& p : q) {
      if (!p.first.empty()) params.push_back(p);
      shown += p.first + "=" + p.second + " ";
    }
    INFO(shown);
    const json a = search(one, params);
    const json b = search(sharded, params);
    check_same_answer(a, b);
    CHECK(a.at("total").get<int>() > 0);
    if (shown.find("energy") != std::string::npos || shown.find("энергетика") != std::string::npos) {
      CHECK(a.at("query").value("filled", false));
      CHECK(a.at("query").at("all_words_total").get<int>() < a.at("total").get<int>());
    }
  }
  // Corrections come from the spelling-only database.
  CHECK(search(sharded, {{"q", "сотрудничиства"}}).at("query").at("searched") == "сотрудничества");

  // A second page holds what the single index's second page holds.
  const searchd::Params paged = {{"q", "water"}, {"page", "2"}, {"per_page", "3"}};
  CHECK(get_json(sharded, "/api/search", paged).at("hits") == get_json(one, "/api/search", paged).at("hits"));

  // Related articles (exact term statistics over shards), documents, completions.
  for (const std::string id : {"sample-0001", "sample-0011", "sample-0030"}) {
    INFO(id);
    CHECK(get_json(sharded, "/api/related/" + id).at("hits") == get_json(one, "/api/related/" + id).at("hits"));
    CHECK(get_json(sharded, "/api/doc/" + id) == get_json(one, "/api/doc/" + id));
  }
  for (const std::string prefix : {"ташк", "wat", "водн"}) {
    INFO(prefix);
    const json a = get_json(one, "/api/suggest", {{"q", prefix}});
    const json b = get_json(sharded, "/api/suggest", {{"q", prefix}});
    CHECK(b.at("terms") == a.at("terms"));
    CHECK(b.at("entities") == a.at("entities"));
    CHECK(id_set(b.at("titles")) == id_set(a.at("titles")));  // ties among titles go by docid
  }
}

TEST_CASE("a shard that dies is left out, flagged partial, and taken back when it returns", "[shards]") {
  auto sample = sharded_sample_or_skip();
  if (!sample) return;
  ShardedSample& s = *sample;
  searchd::Service one(service_config(s.single, s));
  searchd::Service sharded(service_config(s.stub, s));
  REQUIRE(sharded.ready());
  const searchd::Params water = {{"q", "water"}, {"per_page", "100"}, {"facets", kAllFacets}};
  const json complete = get_json(one, "/api/search", water);
  check_same_answer(complete, get_json(sharded, "/api/search", water));

  s.servers[1]->kill_all();  // with the connections it holds open

  // Answered at once from shards 0 and 2: the same hits less shard 1's.
  std::set<std::string> expect;
  for (const auto& id : id_set(complete.at("hits"))) {
    if (!s.ids[1].count(id)) expect.insert(id);
  }
  REQUIRE(expect.size() < complete.at("hits").size());
  for (int i = 0; i < 3; ++i) {
    const auto t0 = Clock::now();
    const json partial = get_json(sharded, "/api/search", water);
    CHECK(Clock::now() - t0 < 10s);
    CHECK(partial.at("partial") == true);
    CHECK(id_set(partial.at("hits")) == expect);
    CHECK(partial.at("total") == expect.size());
  }
  // An article on the missing shard cannot be told from a missing article:
  // 503, not 404. One on a live shard is served.
  CHECK(get(sharded, "/api/doc/" + *s.ids[1].begin()).status == 503);
  CHECK(get(sharded, "/api/doc/" + *s.ids[0].begin()).status == 200);
  CHECK(get(sharded, "/healthz").status == 200);

  s.servers[1]->start();  // the same port
  const json back = until_complete(sharded, water);
  REQUIRE_FALSE(back.is_null());
  check_same_answer(complete, back);
}

TEST_CASE("a hung shard costs one timeout, then is skipped, and is taken back when it wakes", "[shards]") {
  auto sample = sharded_sample_or_skip();
  if (!sample) return;
  ShardedSample& s = *sample;
  searchd::Service one(service_config(s.single, s));
  searchd::Service sharded(service_config(s.stub, s, 2));
  const searchd::Params water = {{"q", "water"}, {"per_page", "100"}, {"facets", kAllFacets}};
  const json complete = get_json(one, "/api/search", water);
  const json before = until_complete(sharded, water);
  REQUIRE_FALSE(before.is_null());
  check_same_answer(complete, before);

  // SIGSTOP: the kernel still accepts connections, nothing answers them.
  s.servers[0]->pause();
  for (int i = 0; i < 3; ++i) {
    const auto t0 = Clock::now();
    const searchd::HttpResponse r = get(sharded, "/api/search", water);
    CHECK(Clock::now() - t0 < 10s);  // bounded by shards.timeout_seconds (2 s here), never a hang
    REQUIRE(r.status == 200);
    const json j = json::parse(r.body);
    CHECK(j.at("partial") == true);
    for (const auto& id : id_set(j.at("hits"))) CHECK_FALSE(s.ids[0].count(id));
  }
  s.servers[0]->resume();
  const json back = until_complete(sharded, water);
  REQUIRE_FALSE(back.is_null());
  check_same_answer(complete, back);
}

TEST_CASE("with shards.on_failure fail, letopis-searchd answers 503 while a shard is down", "[shards]") {
  auto sample = sharded_sample_or_skip();
  if (!sample) return;
  ShardedSample& s = *sample;
  const std::string config = s.dir.str() + "/searchd.json";
  test::write_file(config, json{{"poll_interval_ms", 100},
                                {"shards",
                                 {{"on_failure", "fail"},
                                  {"timeout_seconds", 10},
                                  {"connect_timeout_seconds", 10},
                                  {"retry_seconds", 0.3},
                                  {"spelling_db", s.spelling}}}}
                               .dump());
  test::Process searchd({LETOPIS_SEARCHD_BIN, "--config", config, "--db", s.stub, "--listen", "127.0.0.1:0",
                         "--threads", "2"});
  const int port = searchd.listening_port(20s);
  INFO(searchd.output());
  REQUIRE(port > 0);
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(5);
  c.set_read_timeout(15);
  auto status = [&] {
    auto r = c.Get("/api/search?q=water");
    REQUIRE(r);
    if (r->status == 200) CHECK(json::parse(r->body).at("partial") == false);
    return r->status;
  };
  REQUIRE(status() == 200);

  s.servers[2]->kill_all();
  const auto t0 = Clock::now();
  CHECK(status() == 503);
  CHECK(Clock::now() - t0 < 10s);
  auto r = c.Get("/api/search?q=water");
  REQUIRE(r);
  CHECK(r->status == 503);
  CHECK(json::parse(r->body).at("error").at("code") == "index_unavailable");

  s.servers[2]->start();
  const auto until = Clock::now() + 10s;
  int code = 503;
  while ((code = status()) != 200 && Clock::now() < until) std::this_thread::sleep_for(100ms);
  CHECK(code == 200);
  searchd.signal(SIGTERM);
  CHECK(searchd.wait() == 0);
}
