// stemmers/shared_memo.h: remembered across threads, and bounded.
#include <catch2/catch.hpp>

#include <string>
#include <thread>
#include <vector>

#include "stemmers/analyzer.h"
#include "stemmers/shared_memo.h"

using letopis::analysis::SharedMemo;

TEST_CASE("a shared memo gives back what any thread put, and stays within its capacity") {
  SharedMemo<std::string> memo(64);
  CHECK_FALSE(memo.find("вода").has_value());
  std::thread([&] { memo.put("вода", "вод"); }).join();
  REQUIRE(memo.find("вода").has_value());
  CHECK(*memo.find("вода") == "вод");
  memo.put("вода", "вода");  // a later answer replaces the earlier
  CHECK(*memo.find("вода") == "вода");

  // Four threads put a thousand words each: never more than the capacity
  // (a full shard is emptied), and every word found is its own answer.
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&memo, t] {
      for (int i = 0; i < 1000; ++i) {
        const std::string w = "w" + std::to_string(t) + "-" + std::to_string(i);
        memo.put(w, w + "!");
        const auto got = memo.find(w);
        if (got) REQUIRE(*got == w + "!");
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(memo.size() <= 64);
  CHECK(memo.size() > 0);
}

TEST_CASE("text stemmers made alike give the same stems on any thread") {
  using namespace letopis::analysis;
  const Xapian::Stem a = make_text_stemmer(Lang::ru);
  std::string from_thread;
  std::thread([&] {
    const Xapian::Stem b = make_text_stemmer(Lang::ru);
    from_thread = b("Встречами");
  }).join();
  CHECK(from_thread == a("Встречами"));
  CHECK(a("встречами") == a("встреча"));
  // Other options are a memo of their own: no stemming gives the word.
  AnalysisOptions plain;
  plain.stem = false;
  const Xapian::Stem c = make_text_stemmer(Lang::ru, plain);
  CHECK(c("встречами") == "встречами");
  CHECK(a("встречами") != "встречами");
}
