// Query rewriting rules (searchd/rewrite.h) against a vocabulary in a table:
// no index needed, so every rule is pinned down exactly.
#include <catch2/catch.hpp>

#include <map>

#include "searchd/rewrite.h"

using namespace letopis::searchd;

namespace {

Vocabulary table(std::map<std::string, unsigned> words, std::map<std::string, std::string> fixes = {}) {
  Vocabulary v;
  v.freq = [words](std::string_view w) {
    auto it = words.find(std::string(w));
    return it == words.end() ? 0u : it->second;
  };
  v.spelling = [fixes](std::string_view w) {
    auto it = fixes.find(std::string(w));
    return it == fixes.end() ? std::string() : it->second;
  };
  v.normalize = [](std::string_view w) { return std::string(w); };
  return v;
}

std::vector<std::string> words_of(std::string_view q) {
  std::vector<std::string> out;
  for (const WordSpan& s : query_words(q)) out.emplace_back(q.substr(s.begin, s.end - s.begin));
  return out;
}

}  // namespace

TEST_CASE("query words skip operators, field names and punctuation") {
  CHECK(words_of("water AND \"energy security\" -oil title:forum") ==
        std::vector<std::string>{"water", "energy", "security", "oil", "forum"});
  CHECK(words_of("Алма-Ата O'Neill, 2022") == std::vector<std::string>{"Алма-Ата", "O'Neill"});
  CHECK(words_of("").empty());
  CHECK(words_of("--- ... 123").empty());
}

TEST_CASE("a query on the wrong layout is converted when the index knows the converted words") {
  const Vocabulary v = table({{"привет", 5}, {"встреча", 9}, {"Tashkent", 3}, {"сәлем", 2}, {"water", 7}});
  struct Case {
    const char* typed;
    const char* expected;
  };
  for (const Case& c : {Case{"ghbdtn", "привет"}, Case{"dcnhtxf", "встреча"}, Case{"Ефырлуте", "Tashkent"},
                        Case{"c2ktv", "сәлем"}, Case{"ghbdtn dcnhtxf", "привет встреча"}}) {
    INFO(c.typed);
    CHECK(layout_candidate(c.typed, v) == c.expected);
  }
  // The precision guard: known words stay; syntax and unknown conversions too.
  for (const char* q : {"water", "привет", "\"ghbdtn\"", "qwzx", "ghbdtn water", ""}) {
    INFO(q);
    CHECK(layout_candidate(q, v).empty());
  }
}

TEST_CASE("spelling candidates replace unknown words only, in their own script") {
  const Vocabulary v = table({{"сотрудничество", 40}, {"water", 7}, {"climate", 5}},
                             {{"сотрудничиство", "сотрудничество"}, {"climat", "climate"}, {"wter", "вода"}});
  CHECK(spelling_candidate("сотрудничиство", v) == "сотрудничество");
  CHECK(spelling_candidate("water climat -oil", v) == "water climate -oil");
  CHECK(spelling_candidate("title:climat", v) == "title:climate");
  CHECK(spelling_candidate("water", v).empty());        // known: never rewritten
  CHECK(spelling_candidate("wter", v).empty());         // a fix in another script is refused
  CHECK(spelling_candidate("xq", v).empty());           // too short to guess
}

TEST_CASE("one edit away covers deletions, swaps, replacements and insertions in the word's script") {
  const std::vector<std::string> e = one_edit_away("сотрудничиство");
  auto has = [&](const std::string& w) { return std::binary_search(e.begin(), e.end(), w); };
  CHECK(has("сотрудничество"));  // replacement
  CHECK(has("сотрудничиств"));   // deletion
  CHECK(has("острудничиство"));  // swap
  CHECK(has("сотрудничиствоә")); // insertion of a Kazakh letter
  CHECK_FALSE(has("сотрудничиство"));
  CHECK(std::is_sorted(e.begin(), e.end()));
  const std::vector<std::string> en = one_edit_away("climat");
  CHECK(std::binary_search(en.begin(), en.end(), std::string("climate")));
  for (const auto& w : en) CHECK(w.find_first_not_of("abcdefghijklmnopqrstuvwxyz") == std::string::npos);
  CHECK(one_edit_away("mixedсмесь").empty());
  CHECK(one_edit_away(std::string(40, 'a')).empty());
}
