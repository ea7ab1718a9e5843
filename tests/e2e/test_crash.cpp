// Crash safety: letopis-index killed with SIGKILL at random moments, during
// a rebuild and during an incremental run. After each kill the served index
// is the last good one and answers queries; the next run completes; and its
// result equals a clean build.
#include <catch2/catch.hpp>

#include <random>
#include <thread>

#include "e2e/process.h"
#include "indexer/index_dir.h"
#include "searchd/search.h"
#include "support.h"

using namespace letopis;
using namespace std::chrono_literals;

namespace {

// A dump of n articles; generation g changes every body so an incremental
// run has real work.
std::string make_dump(int n, int g) {
  std::string out;
  const char* words[] = {"water", "energy", "security", "forum", "climate", "trade", "river", "summit"};
  for (int i = 0; i < n; ++i) {
    out += R"({"id":"c)" + std::to_string(i) + R"(","lang":"en","date":"2022-0)" + std::to_string(1 + i % 9) +
           R"(-1)" + std::to_string(i % 10) + R"(","title":"Report )" + std::to_string(i) + " " + words[i % 8] +
           R"(","body":")";
    out += g == 1 ? "alphaversion " : "omegaversion ";
    for (int k = 0; k < 60; ++k) out += std::string(words[(i * 7 + k * g) % 8]) + " " + std::to_string(k * g) + " ";
    out += "\"}\n";
  }
  return out;
}

// What a probe set of queries returns, as ids: compared between indexes.
std::vector<std::string> probe(const std::string& dir) {
  searchd::Searcher s(index_dir::resolve(dir));
  std::vector<std::string> out{std::to_string(s.database().get_doccount())};
  for (const char* q : {"alphaversion", "omegaversion", "water", "\"climate trade\"", "river -forum"}) {
    searchd::SearchRequest r;
    r.q = q;
    r.facets.clear();
    r.per_page = 20;
    const auto res = s.search(r);
    out.push_back(std::string(q) + ":" + std::to_string(res.total));
    for (const auto& h : res.hits) out.push_back(h.id);
  }
  return out;
}

int run_index(const std::vector<std::string>& args) {
  std::vector<std::string> argv{LETOPIS_INDEX_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  return test::run(argv);
}

}  // namespace

TEST_CASE("SIGKILL at random moments never damages the served index") {
  // Xapian would flush every 500 documents on its own: without the
  // transaction an incremental run would show half its changes, and this
  // test would see a mixed index.
  ::setenv("XAPIAN_FLUSH_THRESHOLD", "500", 1);
  test::TempDir dir;
  const std::string idx = dir.str() + "/idx";
  const std::string v1 = dir.str() + "/v1.jsonl", v2 = dir.str() + "/v2.jsonl";
  test::write_file(v1, make_dump(3000, 1));
  test::write_file(v2, make_dump(3000, 2));
  REQUIRE(run_index({"--db", idx, v1}) == 0);
  const std::vector<std::string> good_v1 = probe(idx);

  // The reference: a clean build of v2 elsewhere.
  const std::string clean = dir.str() + "/clean";
  REQUIRE(run_index({"--db", clean, v2}) == 0);
  const std::vector<std::string> good_v2 = probe(clean);
  REQUIRE(good_v1 != good_v2);

  // How long a run takes, to spread the kills over it.
  const auto t0 = std::chrono::steady_clock::now();
  REQUIRE(run_index({"--db", dir.str() + "/timing", "--rebuild", v2}) == 0);
  const auto span = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);

  std::mt19937 rng(20261130);
  for (const bool rebuild : {true, false}) {
    for (int kill = 0; kill < 10; ++kill) {
      std::vector<std::string> argv{LETOPIS_INDEX_BIN, "--db", idx};
      if (rebuild) argv.push_back("--rebuild");
      argv.push_back(v2);
      test::Process p(argv);
      std::this_thread::sleep_for(std::chrono::microseconds(rng() % std::max<int64_t>(1, span.count())));
      p.signal(SIGKILL);
      p.wait();
      INFO((rebuild ? "rebuild" : "incremental") << " kill " << kill);
      // The served index is one of the two good states, never a mix.
      const auto now = probe(idx);
      const bool intact = now == good_v1 || now == good_v2;
      CHECK(intact);
      if (now == good_v2) {
        // The run had finished before the kill: start again from v1.
        REQUIRE(run_index({"--db", idx, "--rebuild", v1}) == 0);
      }
    }
  }
  // The next run completes, and equals a clean build.
  REQUIRE(run_index({"--db", idx, v2}) == 0);
  CHECK(probe(idx) == good_v2);
  CHECK(run_index({"--db", idx, "--rebuild", v2}) == 0);
  CHECK(probe(idx) == good_v2);
}
