// Index and search in-process on a real Xapian database built from the
// bundled sample archive.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "indexer/document.h"
#include "indexer/index_dir.h"
#include "indexer/indexer.h"
#include "indexer/schema.h"
#include "searchd/render.h"
#include "searchd/search.h"
#include "stemmers/normalize.h"
#include "support.h"

using namespace letopis;
using namespace letopis::searchd;

namespace {

// One index of the sample archive, built once for all tests here.
struct SampleIndex {
  test::TempDir dir;
  IndexStats stats;
  SampleIndex() {
    IndexOptions opt = test::index_options(dir.str(), {test::sample_jsonl().string()});
    stats = run_index(opt);
  }
  std::string path() const { return index_dir::resolve(dir.str()); }
};

SampleIndex& sample() {
  static SampleIndex s;
  return s;
}

SearchRequest request(const std::string& q, Params extra = {}) {
  extra.emplace_back("q", q);
  return parse_search_request(extra);
}

std::vector<std::string> ids(const SearchResult& r) {
  std::vector<std::string> out;
  for (const auto& h : r.hits) out.push_back(h.id);
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// Every article of the sample, by id, read back from the index.
std::map<std::string, Article> all_articles(Xapian::Database& db) {
  std::map<std::string, Article> out;
  for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
    Article a = article_from_document(db.get_document(*it));
    out[a.id] = a;
  }
  return out;
}

}  // namespace

TEST_CASE("the sample archive indexes without rejections") {
  CHECK(sample().stats.rejected == 0);
  CHECK(sample().stats.added >= 40);
  Searcher s(sample().path());
  CHECK(s.database().get_doccount() == sample().stats.added);
  CHECK(s.database().get_metadata(std::string(schema::kVersionKey)) == std::to_string(schema::kVersion));
}

TEST_CASE("a Russian inflected form finds an article with only another form") {
  Searcher s(sample().path());
  auto a = s.document("sample-0001");
  REQUIRE(a);
  // The premise: the article has «встреча» and never «встречами».
  const std::string text = a->title + " " + a->body;
  REQUIRE(text.find("встреча") != std::string::npos);
  REQUIRE(text.find("встречами") == std::string::npos);
  const SearchResult r = s.search(request("встречами"));
  CHECK(contains(ids(r), "sample-0001"));
}

TEST_CASE("an English plural finds the singular") {
  Searcher s(sample().path());
  auto a = s.document("sample-0002");
  REQUIRE(a);
  REQUIRE((a->title + " " + a->body).find("meetings") == std::string::npos);
  const SearchResult r = s.search(request("meetings"));
  CHECK(contains(ids(r), "sample-0002"));
}

TEST_CASE("facet counts equal a brute-force count over the match set") {
  Searcher s(sample().path());
  const auto articles = all_articles(s.database());
  for (const std::string& q : {std::string(""), std::string("Казахстан"), std::string("water")}) {
    INFO("q=" << q);
    SearchRequest req = request(q, {{"per_page", "100"}});
    const SearchResult r = s.search(req);
    REQUIRE(r.total_exact);
    REQUIRE(r.total == r.hits.size());  // the sample is small: all hits on one page
    std::map<std::string, uint64_t> year, lang, tag;
    for (const auto& h : r.hits) {
      const Article& a = articles.at(h.id);
      if (!a.date.empty()) ++year[a.date.substr(0, 4)];
      ++lang[a.lang];
      std::set<std::string> seen;
      for (const auto& t : a.tags) {
        if (seen.insert(analysis::normalize(t)).second) ++tag[analysis::normalize(t)];
      }
    }
    auto as_map = [&](const std::string& facet) {
      std::map<std::string, uint64_t> m;
      for (const auto& v : r.facets.at(facet)) m[v.value] = v.count;
      return m;
    };
    CHECK(as_map("year") == year);
    CHECK(as_map("lang") == lang);
    if (tag.size() <= 50) CHECK(as_map("tag") == tag);
  }
}

TEST_CASE("filters AND across names and OR within a name") {
  Searcher s(sample().path());
  const auto articles = all_articles(s.database());
  const SearchResult kk = s.search(request("", {{"lang", "kk"}, {"per_page", "100"}}));
  REQUIRE(kk.total > 0);
  for (const auto& h : kk.hits) CHECK(h.lang == "kk");

  const SearchResult both = s.search(request("", {{"lang", "kk"}, {"lang", "en"}, {"per_page", "100"}}));
  size_t expected = 0;
  for (const auto& [id, a] : articles) expected += a.lang == "kk" || a.lang == "en";
  CHECK(both.total == expected);

  const SearchResult dated = s.search(request("", {{"from", "2022-01-01"}, {"to", "2022-12-31"}, {"per_page", "100"}}));
  size_t in_2022 = 0;
  for (const auto& [id, a] : articles) in_2022 += a.date.rfind("2022", 0) == 0;
  CHECK(dated.total == in_2022);
  for (const auto& h : dated.hits) CHECK(h.date.rfind("2022", 0) == 0);
}

TEST_CASE("a date range in the query filters like from/to") {
  Searcher s(sample().path());
  const SearchResult a = s.search(request("2022..2022", {{"per_page", "100"}}));
  const SearchResult b = s.search(request("", {{"from", "2022"}, {"to", "2022"}, {"per_page", "100"}}));
  CHECK(a.total == b.total);
  CHECK(a.from == "20220101");
}

TEST_CASE("sorting by date orders hits newest first") {
  Searcher s(sample().path());
  const SearchResult r = s.search(request("", {{"sort", "-date"}, {"per_page", "50"}}));
  for (size_t i = 1; i < r.hits.size(); ++i) {
    if (!r.hits[i].date.empty()) CHECK(r.hits[i - 1].date >= r.hits[i].date);
  }
}

TEST_CASE("snippets highlight stemmed forms and escape HTML") {
  Searcher s(sample().path());
  const SearchResult r = s.search(request("встречами"));
  REQUIRE_FALSE(r.hits.empty());
  bool marked = false;
  for (const auto& h : r.hits) marked = marked || h.snippet.find("<mark>") != std::string::npos;
  CHECK(marked);

  const SearchResult x = s.search(request("onerror"));
  REQUIRE(contains(ids(x), "sample-0666"));
  for (const auto& h : x.hits) {
    CHECK(h.snippet.find("<img") == std::string::npos);
    CHECK(h.snippet.find("<script") == std::string::npos);
  }
}

TEST_CASE("a CSV export makes no snippets and finds the same hits") {
  Searcher s(sample().path());
  const SearchRequest json = request("Казахстан", {{"facets", ""}});
  const SearchRequest csv = request("Казахстан", {{"format", "csv"}});
  CHECK(json.snippets);
  CHECK_FALSE(csv.snippets);
  const SearchResult with = s.search(json), without = s.search(csv);
  REQUIRE(with.hits.size() >= 2);
  CHECK(ids(with) == ids(without));
  CHECK(with.total == without.total);
  bool marked = false;
  for (const auto& h : with.hits) marked = marked || !h.snippet.empty();
  CHECK(marked);
  for (const auto& h : without.hits) CHECK(h.snippet.empty());
}

TEST_CASE("malformed syntax falls back to a plain word search") {
  Searcher s(sample().path());
  const SearchResult r = s.search(request("\"water (security"));
  CHECK(r.fallback);
  CHECK(r.total > 0);
}

TEST_CASE("NOT and -word exclude documents") {
  Searcher s(sample().path());
  const SearchResult all = s.search(request("water", {{"per_page", "100"}}));
  const SearchResult minus = s.search(request("water -energy", {{"per_page", "100"}}));
  const SearchResult not_ = s.search(request("water NOT energy", {{"per_page", "100"}}));
  const SearchResult energy = s.search(request("water energy", {{"per_page", "100"}}));
  REQUIRE(energy.all_words_total > 0);
  CHECK(minus.total == all.total - energy.all_words_total);
  CHECK(not_.total == minus.total);
}

TEST_CASE("title matches rank above body-only matches") {
  test::TempDir dir;
  test::write_file(dir.path() / "in.jsonl",
                   R"({"id":"body","lang":"en","title":"Regional forum","body":"The forum discussed water. Water was the theme of the day."})" "\n"
                   R"({"id":"title","lang":"en","title":"Water diplomacy","body":"The ministers met in Tashkent to discuss the river."})" "\n");
  IndexOptions opt = test::index_options(dir.str(), {(dir.path() / "in.jsonl").string()});
  run_index(opt);
  Searcher s(index_dir::resolve(dir.str()));
  const SearchResult r = s.search(request("water"));
  REQUIRE(r.hits.size() == 2);
  CHECK(r.hits[0].id == "title");
}

TEST_CASE("with stemming switched off, «встречами» no longer finds «встреча»") {
  // The control for the stemming tests above: they fail without stemming.
  test::TempDir dir;
  IndexOptions opt = test::index_options(dir.str(), {test::sample_jsonl().string()});
  opt.analysis = analysis::AnalysisOptions::parse("stem=0");
  run_index(opt);
  SearchOptions no_correction;  // "did you mean" would turn meetings into meeting
  no_correction.correct_queries = false;
  Searcher s(index_dir::resolve(dir.str()), no_correction);
  CHECK_FALSE(contains(ids(s.search(request("встречами"))), "sample-0001"));
  CHECK(contains(ids(s.search(request("встреча"))), "sample-0001"));
  CHECK_FALSE(contains(ids(s.search(request("meetings"))), "sample-0002"));
}

TEST_CASE("an incremental run refuses to mix analysis options") {
  test::TempDir dir;
  IndexOptions opt = test::index_options(dir.str(), {test::sample_jsonl().string()});
  run_index(opt);
  opt.analysis.stem = false;
  CHECK_THROWS_WITH(run_index(opt), Catch::Contains("--rebuild"));
  opt.rebuild = true;
  CHECK(run_index(opt).added > 0);
}

namespace {

// Two reports of a visit that both mention water and security: "apart"
// far apart, "near" side by side, its body ending in near_tail; and, given
// more_jsonl, more records. Returns the index's database path.
std::string index_water_security(const test::TempDir& dir, const std::string& near_tail,
                                 const std::string& more_jsonl = "") {
  const std::string filler = " The delegation also visited schools, a hospital and the city museum, "
                             "and spoke with students about their studies and plans.";
  test::write_file(dir.path() / "in.jsonl",
                   R"({"id":"apart","lang":"en","title":"Regional visit","body":"Water was discussed first.)" + filler +
                       R"( Security came at the end."})" "\n"
                       R"({"id":"near","lang":"en","title":"Regional visit","body":"Water security was discussed first.)" + filler +
                       " " + near_tail + R"("})" "\n" + more_jsonl);
  run_index(test::index_options(dir.str(), {(dir.path() / "in.jsonl").string()}));
  return index_dir::resolve(dir.str());
}

}  // namespace

TEST_CASE("adjacent query words rank above the same words far apart") {
  test::TempDir dir;
  const std::string path = index_water_security(dir, "The end.");
  Searcher s(path);
  const SearchResult r = s.search(request("water security"));
  REQUIRE(r.hits.size() == 2);
  CHECK(r.hits[0].id == "near");
  // The control: without the proximity boost the order is not decided by it.
  SearchOptions flat;
  flat.ranking.proximity_weight = 0;
  Searcher s2(path, flat);
  const SearchResult r2 = s2.search(request("water security"));
  REQUIRE(r2.hits.size() == 2);
  CHECK(r2.hits[0].score - r2.hits[1].score < r.hits[0].score - r.hits[1].score);
}

TEST_CASE("the proximity boost's second pass still finds a hit that only the boost lifts onto the page") {
  // "apart" is the shorter and leads without the boost; "near" has the
  // words side by side and leads with it. On a page of one, the first
  // pass ranks "apart" first: the second must still read "near".
  test::TempDir dir;
  const std::string path = index_water_security(
      dir, "The talks lasted until the end of the long day.",
      R"({"id":"other","lang":"en","title":"Museum","body":"The city museum opened a new hall."})" "\n");
  auto first_of = [&](const SearchOptions& o, const std::string& facets) {
    Searcher s(path, o);
    const SearchResult r = s.search(request("water security", {{"per_page", "1"}, {"facets", facets}}));
    REQUIRE(r.hits.size() == 1);
    return r.hits[0];
  };
  SearchOptions flat, one, two;
  flat.ranking.proximity_weight = 0;
  one.two_pass_matches = std::numeric_limits<Xapian::doccount>::max();
  two.two_pass_matches = 0;
  REQUIRE(first_of(flat, "").id == "apart");  // the setup: the boost decides
  const Hit by_one = first_of(one, "");
  CHECK(by_one.id == "near");
  const Hit by_two = first_of(two, "");
  CHECK(by_two.id == "near");
  CHECK(by_two.score == by_one.score);
  CHECK(first_of(two, "year").id == "near");  // facets: always two passes
}

TEST_CASE("people, organisations and topics from the gazetteer and taxonomy are facets and filters") {
  Searcher s(sample().path());
  const SearchResult all = s.search(request("", {{"per_page", "100"}}));
  auto count_of = [&](const std::string& facet, const std::string& value) -> uint64_t {
    for (const auto& v : all.facets.at(facet)) {
      if (v.value == value) return v.count;
    }
    return 0;
  };
  CHECK(count_of("org", "UNRCCA") > 0);
  CHECK(count_of("person", "Yerkin Tukumov") > 0);
  CHECK(count_of("topic", "water") > 0);

  const SearchResult by_org = s.search(request("", {{"org", "UNRCCA"}, {"per_page", "100"}}));
  CHECK(by_org.total == count_of("org", "UNRCCA"));
  CHECK(contains(ids(by_org), "sample-0001"));
  const SearchResult by_person = s.search(request("", {{"person", "Yerkin Tukumov"}, {"per_page", "100"}}));
  CHECK(contains(ids(by_person), "sample-0001"));

  // Staff's question: all meetings about water in 2022.
  const SearchResult water22 =
      s.search(request("встреча OR meeting OR кездесу", {{"topic", "water"}, {"from", "2022"}, {"to", "2022"}, {"per_page", "100"}}));
  CHECK(water22.total > 0);
  for (const auto& h : water22.hits) {
    CHECK(h.date.rfind("2022", 0) == 0);
    const auto a = s.document(h.id);
    REQUIRE(a);
    CHECK(std::find(a->topics.begin(), a->topics.end(), "water") != a->topics.end());
  }
}

TEST_CASE("a searcher sees each incremental commit at its next reopen") {
  test::TempDir dir;
  const std::string idx = (dir.path() / "idx").string();
  auto add = [&](const std::string& id, const std::string& word) {
    const auto in = dir.path() / (id + ".jsonl");
    test::write_file(in, R"({"id":")" + id + R"(","lang":"en","title":"Forum )" + word + R"(","body":"Talks."})" "\n");
    run_index(test::index_options(idx, {in.string()}));
  };
  add("r1", "alphaword");
  Searcher searcher(index_dir::resolve(idx));
  CHECK(searcher.search(request("alphaword")).hits.size() == 1);
  searcher.reopen();  // nothing new: the open revision is kept
  CHECK(searcher.search(request("alphaword")).hits.size() == 1);
  // Two commits in a row, each seen at the next reopen, not before.
  for (const std::string word : {"betaword", "gammaword"}) {
    add("r-" + word, word);
    CHECK(searcher.search(request(word)).hits.empty());
    searcher.reopen();
    INFO(word);
    CHECK(searcher.search(request(word)).hits.size() == 1);
  }
  CHECK(searcher.database().get_doccount() == 3);
}

TEST_CASE("pruning deletes articles gone from a full dump, and refuses a truncated one") {
  test::TempDir dir;
  std::string dump;
  for (int i = 0; i < 10; ++i) {
    dump += R"({"id":"p)" + std::to_string(i) + R"(","lang":"en","title":"Forum )" + std::to_string(i) +
            R"(","body":"Water talks."})" "\n";
  }
  test::write_file(dir.path() / "full.jsonl", dump);
  run_index(test::index_options((dir.path() / "idx").string(), {(dir.path() / "full.jsonl").string()}));

  // Two articles vanish from the next dump.
  test::write_file(dir.path() / "less.jsonl", dump.substr(dump.find("\n", dump.find("\n") + 1) + 1));
  IndexOptions opt = test::index_options((dir.path() / "idx").string(), {(dir.path() / "less.jsonl").string()});
  opt.prune = true;
  const IndexStats s = run_index(opt);
  CHECK(s.deleted == 2);
  CHECK(s.unchanged == 8);
  CHECK(s.doccount == 8);
  Searcher searcher(index_dir::resolve((dir.path() / "idx").string()));
  CHECK_FALSE(searcher.document("p0"));
  CHECK(searcher.document("p9"));

  // A dump cut to one article would delete most of the index: refused, nothing lost.
  test::write_file(dir.path() / "cut.jsonl", dump.substr(0, dump.find("\n") + 1));
  IndexOptions cut = test::index_options((dir.path() / "idx").string(), {(dir.path() / "cut.jsonl").string()});
  cut.prune = true;
  CHECK_THROWS_WITH(run_index(cut), Catch::Contains("truncated"));
  searcher.reopen();
  CHECK(searcher.database().get_doccount() == 8);
}

TEST_CASE("the index holds spelling data for words seen at least twice") {
  Xapian::Database db(sample().path());
  // «сотрудничества» occurs three times in the sample.
  CHECK(db.get_spelling_suggestion("сотрудничиства") == "сотрудничества");
  CHECK(db.get_spelling_suggestion("cooperatoin").empty() == false);
  // Stopwords and numbers are left out; a known word needs no suggestion.
  bool stopword = false, number = false;
  for (auto it = db.spellings_begin(); it != db.spellings_end(); ++it) {
    if (*it == "и" || *it == "the") stopword = true;
    if ((*it).find_first_of("0123456789") != std::string::npos) number = true;
  }
  CHECK_FALSE(stopword);
  CHECK_FALSE(number);
  CHECK(db.get_spelling_suggestion("сотрудничества").empty());
}

TEST_CASE("a single-threaded, a sharded and an incremental build hold the same spelling data") {
  auto spellings = [](const std::string& path) {
    std::map<std::string, Xapian::doccount> out;
    Xapian::Database db(path);
    for (auto it = db.spellings_begin(); it != db.spellings_end(); ++it) out[*it] = it.get_termfreq();
    return out;
  };
  test::TempDir dir;
  IndexOptions one = test::index_options((dir.path() / "one").string(), {test::sample_jsonl().string()});
  one.jobs = 1;
  run_index(one);
  IndexOptions three = test::index_options((dir.path() / "three").string(), {test::sample_jsonl().string()});
  three.jobs = 3;
  run_index(three);
  const auto a = spellings(index_dir::resolve((dir.path() / "one").string()));
  CHECK(a.size() > 100);
  CHECK(a == spellings(index_dir::resolve((dir.path() / "three").string())));
  CHECK(a == spellings(sample().path()));
}

TEST_CASE("a fresh build keeps each id's last record, before and after a commit, in one thread or several") {
  // 300 ids; a third of them come again later with a second text, and a
  // tenth a third time. Each version has a word of its own.
  test::TempDir dir;
  std::string jsonl;
  std::map<std::string, std::string> last;  // id -> the word of its last version
  auto record = [&](int id, const std::string& word) {
    const std::string name = "a" + std::to_string(id);
    jsonl += R"({"id":")" + name + R"(","lang":"en","title":"Report )" + name + R"(","body":"Ministers met. )" + word +
             R"( was discussed."})" "\n";
    last[name] = word;
  };
  for (int i = 0; i < 300; ++i) record(i, "alpha");
  for (int i = 0; i < 300; i += 3) record(i, "bravo");
  for (int i = 0; i < 300; i += 10) record(i, "delta");
  // One id repeated at once: both copies between the same two commits,
  // unless every article is committed.
  record(299, "kilo");
  record(299, "lima");
  test::write_file(dir.path() / "in.jsonl", jsonl);

  // A commit after every article, one for all, and one thread: the same index.
  struct Build {
    const char* name;
    unsigned jobs;
    size_t flush_bytes;
  };
  std::map<std::string, std::map<std::string, std::string>> bodies;
  std::map<std::string, std::map<std::string, Xapian::doccount>> freqs;
  analysis::Analyzer analyzer;
  for (const Build& b : {Build{"each", 3, 1}, Build{"once", 2, size_t(1) << 30}, Build{"single", 1, 1}}) {
    IndexOptions opt = test::index_options((dir.path() / b.name).string(), {(dir.path() / "in.jsonl").string()});
    opt.jobs = b.jobs;
    opt.flush_bytes = b.flush_bytes;
    const IndexStats st = run_index(opt);
    CHECK(st.rejected == 0);
    Xapian::Database db(index_dir::resolve((dir.path() / b.name).string()));
    CHECK(db.get_doccount() == 300);
    for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
      const Article a = article_from_document(db.get_document(*it));
      bodies[b.name][a.id] = a.body;
    }
    for (const char* w : {"alpha", "bravo", "delta", "kilo", "lima"}) {
      REQUIRE(analyzer.stem(w, analysis::Lang::en) == w);
      freqs[b.name][w] = db.get_termfreq(std::string("Z") + w);
    }
  }
  REQUIRE(bodies["each"].size() == 300);
  for (const auto& [id, word] : last) {
    INFO(id);
    CHECK(bodies["each"][id].find(word) != std::string::npos);
  }
  CHECK(bodies["each"] == bodies["once"]);
  CHECK(bodies["each"] == bodies["single"]);
  // Multiples of 10 end with the third version, other multiples of 3 with
  // the second, a299 with its last; the 179 others keep the first.
  CHECK(freqs["each"]["alpha"] == 179);
  CHECK(freqs["each"]["bravo"] == 90);
  CHECK(freqs["each"]["delta"] == 30);
  CHECK(freqs["each"]["kilo"] == 0);
  CHECK(freqs["each"]["lima"] == 1);
  CHECK(freqs["each"] == freqs["once"]);
  CHECK(freqs["each"] == freqs["single"]);
}

TEST_CASE("exact_forms=1 indexes body words' exact forms, and exact forms then rank first") {
  test::TempDir dir;
  test::write_file(dir.path() / "in.jsonl",
                   R"({"id":"stem-only","lang":"ru","title":"Заметка","body":"Прошли встречи министров. Встречи продолжатся."})"
                   "\n"
                   R"({"id":"exact","lang":"ru","title":"Заметка","body":"Прошла встреча министров. Другие темы."})"
                   "\n");
  IndexOptions opt = test::index_options((dir.path() / "idx").string(), {(dir.path() / "in.jsonl").string()});
  opt.analysis.exact_forms = true;
  run_index(opt);
  Xapian::Database db(index_dir::resolve((dir.path() / "idx").string()));
  CHECK(db.get_termfreq("встреча") == 1);
  CHECK(db.get_termfreq("встречи") == 1);
  Searcher s(index_dir::resolve((dir.path() / "idx").string()));
  const SearchResult r = s.search(request("встреча"));
  REQUIRE(r.hits.size() == 2);
  CHECK(r.hits[0].id == "exact");

  // The default indexes body words by stem only.
  CHECK(Xapian::Database(sample().path()).get_termfreq("встреча") == 0);
}

TEST_CASE("recency=W lifts newer articles among equally relevant ones, and only when asked") {
  test::TempDir dir;
  std::string jsonl;
  // The same text, ten years apart; the older comes first, so it wins the tie.
  for (const char* d : {"2014-03-10", "2024-03-10"}) {
    jsonl += std::string(R"({"id":"water-)") + d + R"(","lang":"en","date":")" + d +
             R"(","title":"Water talks","body":"Ministers discussed water sharing on the river."})" "\n";
  }
  jsonl += R"({"id":"other","lang":"en","date":"2024-05-01","title":"Energy","body":"A grid deal."})" "\n";
  test::write_file(dir.path() / "in.jsonl", jsonl);
  IndexOptions opt = test::index_options((dir.path() / "idx").string(), {(dir.path() / "in.jsonl").string()});
  opt.jobs = 1;
  run_index(opt);
  Searcher s(index_dir::resolve((dir.path() / "idx").string()));

  const SearchResult plain = s.search(request("water"));
  REQUIRE(plain.hits.size() == 2);
  CHECK(plain.hits[0].id == "water-2014-03-10");
  CHECK(plain.hits[0].score == Approx(plain.hits[1].score));

  const SearchResult boosted = s.search(request("water", {{"recency", "2"}}));
  REQUIRE(boosted.hits.size() == 2);  // a boost never adds matches
  CHECK(boosted.hits[0].id == "water-2024-03-10");
  CHECK(boosted.hits[0].score > boosted.hits[1].score);

  // Date sorting ignores it; bad values are 400s.
  CHECK(s.search(request("water", {{"recency", "2"}, {"sort", "date"}})).hits[0].id == "water-2014-03-10");
  CHECK_THROWS_AS(request("water", {{"recency", "11"}}), ApiError);
  CHECK_THROWS_AS(request("water", {{"recency", "nan"}}), ApiError);
  CHECK_THROWS_AS(request("water", {{"recency", "1e3"}}), ApiError);
}

TEST_CASE("queries on the wrong layout or with a typo are corrected, and say so; correct ones never") {
  Searcher s(sample().path());
  struct Case {
    const char* typed;
    const char* searched;
    bool layout;
  };
  for (const Case& c : {Case{"dcnhtxf", "встреча", true}, Case{"Ефырлуте", "Tashkent", true},
                        Case{"сотрудничиства", "сотрудничества", false}, Case{"Ташкнете", "ташкенте", false}}) {
    INFO(c.typed);
    const SearchResult typed_as_is = [&] {
      SearchOptions off;
      off.correct_queries = false;
      return Searcher(sample().path(), off).search(request(c.typed));
    }();
    CHECK(typed_as_is.total == 0);  // the case is real: as typed, nothing
    const SearchResult r = s.search(request(c.typed));
    CHECK(r.total > 0);
    CHECK(r.corrected == c.searched);
    CHECK(r.original == c.typed);
    CHECK(r.layout_corrected == c.layout);
  }
  // Precision: queries that find what they ask for are never rewritten.
  for (const char* q : {"встреча", "Tashkent", "water", "meeting", "водные ресурсы"}) {
    INFO(q);
    const SearchResult r = s.search(request(q));
    CHECK(r.total > 0);
    CHECK(r.corrected.empty());
    CHECK(r.suggestion.empty());
    CHECK_FALSE(r.layout_corrected);
  }
}

TEST_CASE("related articles come from shared stems and entities, across languages, never the article itself") {
  Searcher s(sample().path());
  // sample-0001 (ru), -0002 (en) and -0003 (kk) report one meeting.
  const auto r = s.related("sample-0001", 5);
  REQUIRE(r);
  std::vector<std::string> got;
  for (const auto& h : *r) got.push_back(h.id);
  CHECK(got.size() == 5);
  CHECK(contains(got, "sample-0002"));
  CHECK(contains(got, "sample-0003"));
  CHECK_FALSE(contains(got, "sample-0001"));
  for (size_t i = 1; i < r->size(); ++i) CHECK((*r)[i - 1].score >= (*r)[i].score);
  CHECK_FALSE(s.related("no-such-article", 5));
  CHECK(s.related("sample-0002", 1)->size() == 1);
}

TEST_CASE("an entity alias also finds the entity's other names, typed forms first") {
  Searcher s(sample().path());
  Xapian::Database& db = s.database();
  for (const char* q : {"UN", "ООН", "БҰҰ", "SCO", "ШОС", "CSTO", "ОДКБ"}) {
    INFO(q);
    const SearchResult r = s.search(request(q, {{"per_page", "100"}}));
    // Documents with the typed word itself (any form), and the others.
    std::set<std::string> typed, langs;
    Xapian::Enquire e(db);
    std::vector<analysis::Token> tokens;
    analysis::Analyzer a;
    a.tokenize(q, analysis::Lang::unknown, tokens);
    REQUIRE(tokens.size() == 1);
    e.set_query(Xapian::Query(schema::term(schema::prefix::stem, tokens[0].stem_lang == analysis::Lang::unknown
                                                                      ? tokens[0].text
                                                                      : a.stem(tokens[0].text, tokens[0].stem_lang))));
    const Xapian::MSet m = e.get_mset(0, 1000);
    for (auto it = m.begin(); it != m.end(); ++it) {
      typed.insert(article_from_data(it.get_document().get_data()).id);
    }
    REQUIRE_FALSE(typed.empty());
    CHECK(r.hits.size() > typed.size());  // the other names bring more
    for (const auto& h : r.hits) langs.insert(h.lang);
    CHECK(langs.size() >= 2);
    // Every article with the typed word ranks above every article without it.
    bool seen_other = false;
    for (const auto& h : r.hits) {
      const bool has_typed = typed.count(h.id) > 0;
      if (!has_typed) seen_other = true;
      CHECK_FALSE((has_typed && seen_other));
    }
  }
}

TEST_CASE("a date range that ends before it starts finds nothing, whatever the other filters") {
  Searcher s(sample().path());
  REQUIRE(s.search(request("вода")).total > 0);
  CHECK(s.search(request("вода 2023..2022")).total == 0);
  CHECK(s.search(request("вода 2023..2022", {{"lang", "kk"}})).total == 0);
  CHECK(s.search(request("вода ..2021", {{"from", "2023"}})).total == 0);
  CHECK(s.search(request("вода", {{"lang", "kk"}})).total == s.search(request("вода 2000..2030", {{"lang", "kk"}})).total);
}

TEST_CASE("suggest completes the last word from the vocabulary, entities and titles, with ё folded") {
  Searcher s(sample().path());
  const Suggestions v = s.suggest("вод", 5);
  REQUIRE_FALSE(v.terms.empty());
  for (size_t i = 0; i < v.terms.size(); ++i) {
    CHECK(v.terms[i].text.rfind("вод", 0) == 0);
    if (i > 0) CHECK(v.terms[i - 1].count >= v.terms[i].count);
  }
  // Titles with a word so begun («Маловодье» does not count).
  for (const auto& h : v.titles) CHECK(analysis::normalize(h.title).find(" вод") != std::string::npos);
  const Suggestions w = s.suggest("wat", 5);
  REQUIRE_FALSE(w.titles.empty());
  CHECK(w.titles[0].id == "sample-0002");

  const Suggestions name = s.suggest("Наталь", 5);
  REQUIRE(name.entities.size() == 1);
  CHECK(name.entities[0].name == "Natalia Gherman");
  CHECK(name.entities[0].person);

  CHECK(s.suggest("ёлк", 5).terms.size() == s.suggest("елк", 5).terms.size());
  const Suggestions two = s.suggest("водной дип", 3);
  for (const auto& t : two.terms) CHECK(t.text.rfind("водной дип", 0) == 0);
  CHECK(s.suggest("x", 5).terms.empty());  // one letter: nothing
  CHECK(s.suggest("", 5).titles.empty());
  CHECK(s.suggest("вод", 2).terms.size() <= 2);
}

TEST_CASE("search JSON of real results is the DOM's, byte for byte") {
  Searcher s(sample().path());
  for (const std::string q : {"встреча", "water energy", "\"водные ресурсы\"", "Қазақстан", "", "onerror"}) {
    const SearchRequest r = request(q);
    const SearchResult res = s.search(r);
    INFO(q);
    CHECK(render_search_json(r, res) == render_search_json_reference(r, res));
  }
}

namespace {

// The proximity boost's two passes against its one: the same hits, in the
// same order, with the same scores and snippets, and the same total (unless
// the totals are Xapian's estimates, which a page of the size of the
// sample's matches makes exact).
void check_same_hits(const SearchResult& two, const SearchResult& one, bool same_total = true) {
  REQUIRE(two.hits.size() == one.hits.size());
  if (same_total) {
    // (A filled page's count of the articles with some of the words is
    // Xapian's estimate without facets.)
    CHECK(two.all_words_total == one.all_words_total);
    if (two.total_exact && one.total_exact) CHECK(two.total == one.total);
  }
  for (size_t i = 0; i < one.hits.size(); ++i) {
    CHECK(two.hits[i].id == one.hits[i].id);
    CHECK(two.hits[i].score == one.hits[i].score);
    CHECK(two.hits[i].snippet == one.hits[i].snippet);
  }
}

}  // namespace

TEST_CASE("with facets, the proximity boost's second pass ranks and scores as one pass does") {
  // The sample is smaller than the candidate pool, so the two passes (with
  // facets) and the one (without) must agree exactly, scores included.
  Searcher s(sample().path());
  size_t compared = 0;
  std::string paged;  // a query with two pages of 3 hits
  for (const std::string q : {"водные ресурсы", "water energy security", "Центральной Азии", "Qosh Tepa canal",
                              "встреча министров", "су ресурстары", "Kazakhstan Uzbekistan", "Астана Ташкент",
                              "водные ресурсы Казахстана энергетика"}) {
    const SearchResult two = s.search(request(q, {{"per_page", "20"}}));
    const SearchResult one = s.search(request(q, {{"per_page", "20"}, {"facets", ""}}));
    INFO(q);
    check_same_hits(two, one);
    compared += one.hits.size();
    for (const std::string page : {"1", "2", "3"}) {
      INFO("page " << page);
      check_same_hits(s.search(request(q, {{"per_page", "2"}, {"page", page}})),
                      s.search(request(q, {{"per_page", "2"}, {"page", page}, {"facets", ""}})), false);
    }
    if (one.hits.size() >= 6 && paged.empty()) paged = q;
    CHECK_FALSE(two.facets.empty());
  }
  CHECK(compared > 20);
  // Page 2 of the two passes is page 2 of the one.
  REQUIRE_FALSE(paged.empty());
  const SearchResult p2 = s.search(request(paged, {{"per_page", "3"}, {"page", "2"}}));
  const SearchResult all = s.search(request(paged, {{"per_page", "6"}, {"facets", ""}}));
  REQUIRE(all.hits.size() == 6);
  REQUIRE(p2.hits.size() == 3);
  for (size_t i = 0; i < 3; ++i) CHECK(p2.hits[i].id == all.hits[3 + i].id);
}

TEST_CASE("without facets, a query of common words takes the two passes and ranks as one pass does") {
  // The sample's words are in few documents: a threshold of 0 makes every
  // query with a proximity boost take the two passes, one of "never" none.
  SearchOptions two_opt, one_opt;
  two_opt.two_pass_matches = 0;
  one_opt.two_pass_matches = std::numeric_limits<Xapian::doccount>::max();
  Searcher two_s(sample().path(), two_opt), one_s(sample().path(), one_opt);
  size_t compared = 0, compared_small = 0;
  for (const std::string q : {"водные ресурсы", "water energy security", "Центральной Азии", "встреча министров",
                              "су ресурстары", "Kazakhstan Uzbekistan", "водные ресурсы Казахстана энергетика"}) {
    const SearchResult two = two_s.search(request(q, {{"per_page", "20"}, {"facets", ""}}));
    const SearchResult one = one_s.search(request(q, {{"per_page", "20"}, {"facets", ""}}));
    INFO(q);
    check_same_hits(two, one);
    compared += one.hits.size();
    // Small pages: the second pass reads only the candidates whose boost may
    // lift them onto the page, and must still give one pass's page.
    for (const std::string page : {"1", "2", "3"}) {
      const SearchResult two_page = two_s.search(request(q, {{"per_page", "2"}, {"page", page}, {"facets", ""}}));
      const SearchResult one_page = one_s.search(request(q, {{"per_page", "2"}, {"page", page}, {"facets", ""}}));
      INFO("page " << page);
      check_same_hits(two_page, one_page, false);
      compared_small += one_page.hits.size();
    }
  }
  CHECK(compared > 20);
  CHECK(compared_small > 20);
}

namespace {

// Articles sharing more or fewer of the words quxa quxb quxc.
struct FewWords {
  test::TempDir dir;
  std::string path;
  FewWords() {
    std::string lines;
    auto add = [&](const std::string& id, const std::string& date, const std::string& body) {
      lines += R"({"id":")" + id + R"(","lang":"en","date":")" + date + R"(","title":"Report )" + id +
               R"(","body":")" + body + R"( Ministers met at the forum."})" "\n";
    };
    add("abc", "2021-05-01", "quxa quxb quxc");
    add("ab", "2022-05-01", "quxa quxb");
    add("a", "2022-06-01", "quxa quxa");
    add("c", "2023-05-01", "quxc");
    add("none", "2023-06-01", "nothing of the kind");
    test::write_file(dir.path() / "in.jsonl", lines);
    run_index(test::index_options(dir.str(), {(dir.path() / "in.jsonl").string()}));
    path = index_dir::resolve(dir.str());
  }
};

}  // namespace

TEST_CASE("when few articles have every word, they come first and articles with some of the words follow") {
  FewWords f;
  Searcher s(f.path);
  const SearchResult r = s.search(request("quxa quxb quxc", {{"facets", "year"}}));
  CHECK(r.filled);
  CHECK_FALSE(r.relaxed);
  CHECK(r.all_words_total == 1);
  CHECK(r.total == 4);
  REQUIRE(r.hits.size() == 4);
  CHECK(r.hits[0].id == "abc");
  CHECK_FALSE(r.hits[0].some_words);
  for (size_t i = 1; i < r.hits.size(); ++i) CHECK(r.hits[i].some_words);
  CHECK(r.hits[1].id == "ab");  // two of the words before one
  CHECK_FALSE(contains(ids(r), "none"));
  // Each later hit says which of the words it lacks, as typed.
  const std::map<std::string, std::vector<std::string>> lacks = {
      {"abc", {}}, {"ab", {"quxc"}}, {"a", {"quxb", "quxc"}}, {"c", {"quxa", "quxb"}}};
  for (const Hit& h : r.hits) {
    INFO(h.id);
    CHECK(h.missing == lacks.at(h.id));
  }
  const SearchResult typed = s.search(request("Quxa \"quxb quxc\"", {{"facets", ""}}));
  REQUIRE(typed.filled);
  for (const Hit& h : typed.hits) {
    INFO(h.id);
    if (h.id == "a" || h.id == "ab") CHECK(h.missing == std::vector<std::string>{"\"quxb quxc\""});
    if (h.id == "c") CHECK(h.missing == std::vector<std::string>{"Quxa", "\"quxb quxc\""});
  }
  // The facets count the whole list.
  uint64_t counted = 0;
  for (const FacetValue& v : r.facets.at("year")) counted += v.count;
  CHECK(counted == r.total);

  // The first article scores exactly as it does without filling.
  SearchOptions unfilled;
  unfilled.ranking.fill_below = 0;
  Searcher plain(f.path, unfilled);
  const SearchResult only = plain.search(request("quxa quxb quxc", {{"facets", "year"}}));
  CHECK_FALSE(only.filled);
  CHECK(only.total == 1);
  REQUIRE(only.hits.size() == 1);
  CHECK(only.hits[0].score == r.hits[0].score);
  CHECK(only.hits[0].snippet == r.hits[0].snippet);

  // Pages of one list: the same order, the same total on every page (exact
  // with a facet: every match is counted).
  std::vector<std::string> paged;
  for (const std::string page : {"1", "2", "3"}) {
    const SearchResult p = s.search(request("quxa quxb quxc", {{"per_page", "2"}, {"page", page}, {"facets", "year"}}));
    INFO("page " << page);
    CHECK(p.total == r.total);
    CHECK(p.all_words_total == 1);
    for (const Hit& h : p.hits) paged.push_back(h.id);
  }
  CHECK(paged == ids(r));

  // Newest first is a list by date, not by words found: not filled.
  const SearchResult newest = s.search(request("quxa quxb quxc", {{"sort", "-date"}}));
  CHECK_FALSE(newest.filled);
  CHECK(newest.total == 1);
}

TEST_CASE("excluded words stay excluded from the articles that have only some of the words") {
  FewWords f;
  Searcher s(f.path);
  // Filled: quxa and quxb are in ab only once abc is excluded; a follows.
  const SearchResult filled = s.search(request("quxa quxb -quxc"));
  CHECK(filled.filled);
  CHECK(ids(filled) == std::vector<std::string>{"ab", "a"});
  // Relaxed (no article has quxa and glorbnik): any of them, but never quxc's.
  for (const std::string q : {"quxa glorbnik -quxc", "quxa glorbnik NOT quxc", "quxa glorbnik NOT (quxc OR quxb)"}) {
    INFO(q);
    const SearchResult relaxed = s.search(request(q));
    CHECK(relaxed.relaxed);
    CHECK_FALSE(contains(ids(relaxed), "abc"));
    CHECK(contains(ids(relaxed), "a"));
    CHECK(relaxed.total == (q.find("quxb") == std::string::npos ? 2u : 1u));
  }
}

// Xapian 1.4.22 credits an OR of OP_NEAR subqueries on the right of
// AND_MAYBE with the weight of a pair whose words are in the document but
// not near each other, depending on the order the documents are visited in
// (ParsedQuery::with_proximity). Each hit's boost must be the sum of its
// near pairs' weights, each pair weighed alone on that document.
TEST_CASE("the proximity boost of a hit is the weight of its near pairs and of no others") {
  for (const bool two_jobs : {false, true}) {
    // The sample indexed by one thread and by two (other docids, another
    // order of visiting).
    test::TempDir dir;
    IndexOptions opt = test::index_options(dir.str(), {test::sample_jsonl().string()});
    opt.jobs = two_jobs ? 2 : 1;
    run_index(opt);
    const std::string path = index_dir::resolve(dir.str());
    SearchOptions none;
    none.ranking.proximity_weight = 0;
    Searcher boosted(path), plain(path, none);
    Xapian::Database db(path);
    QueryBuilder builder(RankingOptions{}, analysis_options(db));
    Xapian::Enquire alone(db);
    alone.set_weighting_scheme(bm25_weight());
    size_t checked = 0, lifted = 0;
    for (const std::string q : {"водные ресурсы Казахстана энергетика", "water energy security",
                                "встреча министров иностранных дел", "су ресурстары Орталық Азия",
                                "Central Asia water cooperation", "водные ресурсы Центральной Азии"}) {
      const ParsedQuery pq = builder.parse(q);
      REQUIRE(pq.proximity.size() >= 2);
      const SearchRequest r = request(q, {{"per_page", "100"}, {"facets", ""}});
      std::map<std::string, double> base;
      for (const Hit& h : plain.search(r).hits) base[h.id] = h.score;
      for (const Hit& h : boosted.search(r).hits) {
        double boost = 0;
        for (const Xapian::Query& pair : pq.proximity) {
          alone.set_query(Xapian::Query(Xapian::Query::OP_FILTER, pair, Xapian::Query(schema::id_term(h.id))));
          const Xapian::MSet m = alone.get_mset(0, 1);
          if (!m.empty()) boost += m.begin().get_weight();
        }
        INFO(q << ": " << h.id << (two_jobs ? " (two jobs)" : ""));
        REQUIRE(base.count(h.id));
        CHECK(h.score == Approx(base.at(h.id) + boost).epsilon(1e-9));
        ++checked;
        lifted += boost > 0;
      }
    }
    CHECK(checked > 50);
    CHECK(lifted > 5);
  }
}

TEST_CASE("a question finds the articles with its topic words, not with its question words") {
  Searcher s(sample().path());
  // «Кем» and «сколько» would otherwise be words every article must have.
  const SearchResult topic = s.search(request("водные ресурсы", {{"facets", ""}}));
  REQUIRE(topic.all_words_total >= 1);
  for (const std::string q : {"Сколько водных ресурсов?", "Почему водные ресурсы?", "Какими были водные ресурсы"}) {
    INFO(q);
    const SearchResult r = s.search(request(q, {{"facets", ""}}));
    CHECK_FALSE(r.relaxed);
    CHECK(r.all_words_total >= 1);
  }
}
