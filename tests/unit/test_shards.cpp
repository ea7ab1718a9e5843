// Shards through stub files, in-process and with local shards only (the
// remote ones, over xapian-tcpsrv, are tests/e2e/test_shards.cpp): the stub
// format, the identity searchd polls, and a Searcher over local shards.
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>

#include "indexer/index_dir.h"
#include "indexer/indexer.h"
#include "searchd/search.h"
#include "support.h"

using namespace letopis;
using namespace letopis::searchd;
namespace fs = std::filesystem;

namespace {

// The sample's articles in two shard index directories, by line.
struct TwoShards {
  test::TempDir dir;
  TwoShards() {
    std::istringstream in(test::read_file(test::sample_jsonl()));
    std::string line, parts[2];
    for (size_t n = 0; std::getline(in, line); ++n) {
      if (line.empty()) continue;
      parts[n % 2] += line + "\n";
    }
    for (int i = 0; i < 2; ++i) {
      const std::string part = dir.str() + "/part" + std::to_string(i) + ".jsonl";
      test::write_file(part, parts[i]);
      run_index(test::index_options(dir.str() + "/shard" + std::to_string(i), {part}));
    }
    run_index(test::index_options(dir.str() + "/single", {test::sample_jsonl().string()}));
  }
};

std::vector<std::set<std::string>> tie_runs(const SearchResult& r) {
  std::vector<std::set<std::string>> runs;
  for (size_t i = 0; i < r.hits.size(); ++i) {
    if (i == 0 || r.hits[i].score != r.hits[i - 1].score) runs.emplace_back();
    runs.back().insert(r.hits[i].id);
  }
  return runs;
}

}  // namespace

TEST_CASE("a stub lists local and remote shards, relative paths from its own directory") {
  test::TempDir dir;
  fs::create_directories(dir.path() / "conf");
  const std::string stub = (dir.path() / "conf/shards.stub").string();
  test::write_file(stub,
                   "# three shards\n"
                   "\n"
                   "auto ../shard0/current\n"
                   "glass /srv/shard1\n"
                   "remote 10.0.0.2:7010\n"
                   "remote [::1]:7011\n"
                   "remote :ssh -T shard4 xapian-progsrv /srv/shard4\n");
  CHECK(index_dir::is_stub(stub));
  const auto e = index_dir::read_stub(stub);
  REQUIRE(e.size() == 5);
  CHECK(e[0].kind == index_dir::StubEntry::Kind::local);
  CHECK(e[0].path == (dir.path() / "conf/../shard0/current").string());
  CHECK(e[1].path == "/srv/shard1");
  CHECK(e[2].kind == index_dir::StubEntry::Kind::remote_tcp);
  CHECK(e[2].host == "10.0.0.2");
  CHECK(e[2].port == 7010);
  CHECK(e[3].host == "::1");
  CHECK(e[4].kind == index_dir::StubEntry::Kind::remote_prog);
  CHECK(e[4].path == "ssh");
  CHECK(e[4].args == "-T shard4 xapian-progsrv /srv/shard4");
  CHECK(e[2].line == "remote 10.0.0.2:7010");
}

TEST_CASE("a stub line Xapian would not open is an error naming the file and line") {
  test::TempDir dir;
  const std::string stub = (dir.path() / "bad.stub").string();
  const std::string cases[] = {"remote 10.0.0.2\n", "remote host:port\n", "remote host:70000\n", "inmemory\n",
                               "chert /srv/old\n", "auto\n"};
  for (const auto& text : cases) {
    INFO(text);
    test::write_file(stub, "auto /srv/shard0\n" + text);
    CHECK_THROWS_WITH(index_dir::read_stub(stub), Catch::Contains("bad.stub:2"));
  }
}

TEST_CASE("the identity searchd polls changes when the stub or a local shard's current changes") {
  TwoShards s;
  const std::string dir = s.dir.str() + "/index";
  fs::create_directories(dir + "/layouts");
  test::write_file(dir + "/layouts/a.stub", "auto ../../shard0/current\nauto ../../shard1/current\n");
  fs::create_symlink("layouts/a.stub", dir + "/current");
  CHECK(index_dir::resolve(dir) == dir + "/layouts/a.stub");
  const std::string before = index_dir::current_identity(dir);
  CHECK(index_dir::current_identity(dir) == before);

  // A rebuild of shard 1 switches its current: a new identity.
  run_index([&] {
    IndexOptions o = test::index_options(s.dir.str() + "/shard1", {s.dir.str() + "/part1.jsonl"});
    o.rebuild = true;
    return o;
  }());
  const std::string rebuilt = index_dir::current_identity(dir);
  CHECK(rebuilt != before);

  // So does an edit of the stub.
  test::write_file(dir + "/layouts/a.stub", "auto ../../shard0/current\n");
  CHECK(index_dir::current_identity(dir) != rebuilt);
  // A plain index keeps its old identity: the symlink's target.
  CHECK(index_dir::current_identity(s.dir.str() + "/single") == "gen-000001");
  CHECK_FALSE(index_dir::is_stub(index_dir::resolve(s.dir.str() + "/single")));
}

TEST_CASE("a Searcher over local shards answers as over the single index") {
  TwoShards s;
  const std::string stub = s.dir.str() + "/local.stub";
  test::write_file(stub, "auto shard0/current\nauto shard1/current\n");
  Searcher one(index_dir::resolve(s.dir.str() + "/single"));
  Searcher sharded(stub);
  CHECK(sharded.database().get_doccount() == one.database().get_doccount());
  for (const std::string q : {"вода", "water", "ООН", "су", "сотрудничество", ""}) {
    INFO(q);
    SearchRequest r = parse_search_request({{"q", q}, {"per_page", "100"}});
    const SearchResult a = one.search(r);
    const SearchResult b = sharded.search(r);
    CHECK_FALSE(b.partial);
    CHECK(b.total == a.total);
    // Exact ties (equal scores) go by docid on one index, by hash over
    // shards: compare runs of equal scores as sets (browsing: same-day ties).
    if (!q.empty()) CHECK(tie_runs(b) == tie_runs(a));
    for (const auto& [name, values] : a.facets) {
      INFO(name);
      REQUIRE(b.facets.count(name));
      const auto& other = b.facets.at(name);
      REQUIRE(other.size() == values.size());
      for (size_t i = 0; i < values.size(); ++i) {
        CHECK(other[i].value == values[i].value);
        CHECK(other[i].count == values[i].count);
      }
    }
  }
}

TEST_CASE("a shard that cannot be opened is left out, or fails the search under on_failure fail") {
  TwoShards s;
  const std::string stub = s.dir.str() + "/gone.stub";
  test::write_file(stub, "auto shard0/current\nauto no-such-shard\n");
  Searcher partial(stub);
  const SearchResult r = partial.search(parse_search_request({{"q", "water"}}));
  CHECK(r.partial);
  CHECK(r.total > 0);

  SearchOptions strict;
  strict.shards.on_failure = ShardOptions::OnFailure::fail;
  CHECK_THROWS_AS(Searcher(stub, strict), Xapian::DatabaseOpeningError);

  test::write_file(stub, "auto no-such-shard\n");
  CHECK_THROWS_AS(Searcher(stub), Xapian::DatabaseOpeningError);
}

TEST_CASE("letopis-index --shard K/N splits an archive into N disjoint shards that hold every article") {
  test::TempDir dir;
  const IndexStats whole = run_index(test::index_options(dir.str() + "/whole", {test::sample_jsonl().string()}));
  std::set<std::string> seen;
  uint64_t total = 0;
  for (unsigned k = 1; k <= 3; ++k) {
    IndexOptions o = test::index_options(dir.str() + "/shard" + std::to_string(k), {test::sample_jsonl().string()});
    o.shard = k;
    o.shards = 3;
    const IndexStats st = run_index(o);
    CHECK(st.doccount > 0);  // the sample's 46 articles spread over all three
    total += st.doccount;
    Xapian::Database db(index_dir::resolve(dir.str() + "/shard" + std::to_string(k)));
    for (auto t = db.allterms_begin("Q"); t != db.allterms_end("Q"); ++t) {
      const std::string id = (*t).substr(1);
      CHECK(in_shard(id, k, 3));
      CHECK(seen.insert(id).second);  // in no other shard
    }
  }
  CHECK(total == whole.doccount);
  CHECK(seen.size() == whole.doccount);

  IndexOptions bad = test::index_options(dir.str() + "/bad", {test::sample_jsonl().string()});
  bad.shard = 4;
  bad.shards = 3;
  CHECK_THROWS_AS(run_index(bad), std::invalid_argument);
}

// A replica's copy fails to open for a reader that read the stub a moment
// before xapian-replicate switched it and deleted that copy. That failure
// is not the shard's: other Searchers keep the copy they have open, and the
// next Searcher opens the shard at once, not after shards.retry_seconds.
TEST_CASE("a local shard that failed to open for one Searcher is not dropped by the others") {
  TwoShards s;
  const std::string stub = s.dir.str() + "/replica.stub";
  test::write_file(stub, "auto shard0/current\n");
  const SearchRequest water = parse_search_request({{"q", "water"}});
  Searcher serving(stub);
  const uint64_t total = serving.search(water).total;
  REQUIRE(total > 0);

  const fs::path postlist = fs::canonical(s.dir.path() / "shard0/current") / "postlist.glass";
  fs::rename(postlist, postlist.string() + ".away");
  CHECK_THROWS_AS(Searcher(stub), Xapian::DatabaseOpeningError);
  // The open database still reads its (renamed) file.
  serving.reopen();
  const SearchResult r = serving.search(water);
  CHECK(r.total == total);
  CHECK_FALSE(r.partial);

  fs::rename(postlist.string() + ".away", postlist);
  Searcher next(stub);
  CHECK(next.search(water).total == total);
}
