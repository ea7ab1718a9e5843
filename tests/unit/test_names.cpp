// Names across scripts (searchd/names.h) on the sample archive, with entity
// synonyms off so that only transliteration can cross the scripts.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "indexer/index_dir.h"
#include "indexer/indexer.h"
#include "searchd/names.h"
#include "searchd/search.h"
#include "support.h"

using namespace letopis;
using namespace letopis::searchd;

namespace {

struct NamesIndex {
  test::TempDir dir;
  NamesIndex() {
    run_index(test::index_options(dir.str(), {test::sample_jsonl().string(),
                                              (test::source_dir() / "data/sample/pages").string()}));
  }
};

NamesIndex& names_index() {
  static NamesIndex n;
  return n;
}

SearchResult find(Searcher& s, const std::string& q) {
  SearchRequest r;
  r.q = q;
  r.facets = {"lang"};
  return s.search(r);
}

}  // namespace

TEST_CASE("a name typed in one script finds it written in the other, when the typed form finds little") {
  SearchOptions opt;
  opt.entity_synonyms = false;
  Searcher s(index_dir::resolve(names_index().dir.str()), opt);
  struct Case {
    std::string q, other, lang;  // the query, the other-script form searched, a language it brings in
  };
  const Case cases[] = {
      {"Qazaqstan", "қазақстан", "kk"},  // Kazakh 2021 Latin -> Cyrillic
      {"qazaqstan", "қазақстан", "kk"},
  };
  for (const Case& c : cases) {
    INFO(c.q);
    const SearchResult r = find(s, c.q);
    CHECK(std::find(r.transliterated.begin(), r.transliterated.end(), c.other) != r.transliterated.end());
    bool has_lang = false;
    for (const auto& f : r.facets.at("lang")) has_lang = has_lang || f.value == c.lang;
    CHECK(has_lang);
    CHECK(r.total > 0);
  }
}

TEST_CASE("the precision guard: a common word that finds enough as typed is never transliterated") {
  SearchOptions opt;
  opt.entity_synonyms = false;
  Searcher s(index_dir::resolve(names_index().dir.str()), opt);
  size_t checked = 0;
  for (const char* q : {"water", "energy", "experts", "security", "region"}) {
    INFO(q);
    const SearchResult r = find(s, q);
    if (r.total < Searcher::kFewResults) continue;
    ++checked;
    CHECK(r.transliterated.empty());
  }
  CHECK(checked >= 3);
  // A name is: it is not a lowercase word of the word list.
  const SearchResult kz = find(s, "Kazakhstan");
  CHECK(kz.total >= Searcher::kFewResults);
  CHECK_FALSE(kz.transliterated.empty());
  SearchOptions off = opt;
  off.cross_script = false;
  Searcher plain(index_dir::resolve(names_index().dir.str()), off);
  CHECK(find(plain, "Qazaqstan").transliterated.empty());
  CHECK(find(plain, "Kazakhstan").transliterated.empty());
}

TEST_CASE("Cyrillic words find Latin spellings by fold key, and short words are left alone") {
  Xapian::Database db(index_dir::resolve(names_index().dir.str()));
  const auto cs = CrossScript::build(db);
  REQUIRE(cs->keys() > 100);
  auto alts = [&](const std::string& text, analysis::Lang lang) {
    analysis::Token t;
    t.text = text;
    t.stem_lang = lang;
    return cs->alternatives(t, [](const std::string&) { return true; });
  };
  const auto tukumov = alts("тукумов", analysis::Lang::ru);
  CHECK(std::find(tukumov.begin(), tukumov.end(), "tukumov") != tukumov.end());
  const auto almaty = alts("алматы", analysis::Lang::ru);
  CHECK(std::find(almaty.begin(), almaty.end(), "almaty") != almaty.end());
  CHECK(alts("оон", analysis::Lang::ru).empty());    // under kMinLetters
  CHECK(alts("ab12", analysis::Lang::en).empty());   // not all letters
  const auto gherman = alts("gherman", analysis::Lang::en);
  CHECK(std::find(gherman.begin(), gherman.end(), "герман") != gherman.end());
}

TEST_CASE("what alternatives() is asked to remember is worked out once for every thread") {
  Xapian::Database db(index_dir::resolve(names_index().dir.str()));
  const auto cs = CrossScript::build(db);
  CHECK(cs->revision() == db.get_revision());
  analysis::Token t;
  t.text = "тукумов";
  t.stem_lang = analysis::Lang::ru;
  std::atomic<int> asked{0};
  auto known = [&](const std::string&) {
    ++asked;
    return true;
  };
  const auto first = cs->alternatives(t, known, false, true);
  REQUIRE(!first.empty());
  const int after_first = asked.load();
  CHECK(after_first > 0);
  // Another thread asks again: the answer is remembered, known() is not asked.
  std::vector<std::string> second;
  std::thread([&] { second = cs->alternatives(t, known, false, true); }).join();
  CHECK(second == first);
  CHECK(asked.load() == after_first);
  // names_only is remembered apart: its answer is its own, whatever the
  // other mode's was.
  const auto names = cs->alternatives(t, known, true, true);
  CHECK(names == cs->alternatives(t, known, true, false));
  // Without remember, known() is asked again.
  cs->alternatives(t, known, false, false);
  CHECK(asked.load() > after_first);
  // The shared empty CrossScript (no spelling data) says it has no revision,
  // so Searcher never asks it to remember.
  CHECK(CrossScript::get(Xapian::Database())->revision() == 0);
}
