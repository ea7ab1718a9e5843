// The fast paths of search against simple references: facet counts from
// FacetColumns against counting each document's values, and the fast reader
// of document data against nlohmann's parser.
#include <catch2/catch.hpp>
#include <zstd.h>

#include <map>
#include <random>

#include <nlohmann/json.hpp>

#include "indexer/document.h"
#include "indexer/index_dir.h"
#include "indexer/indexer.h"
#include "indexer/schema.h"
#include "indexer/sources.h"
#include "searchd/facets.h"
#include "searchd/search.h"
#include "support.h"

using namespace letopis;
using namespace letopis::searchd;

namespace {

const std::vector<FacetColumns::Slot> kSlots = {
    {schema::kSlotYear, false}, {schema::kSlotLang, false},   {schema::kSlotTags, true},
    {schema::kSlotTopics, true}, {schema::kSlotPeople, true}, {schema::kSlotOrgs, true},
};

using Counts = std::map<std::string, uint64_t>;

// The reference: every match's values, read from the document and split.
std::vector<Counts> brute_force(Xapian::Database& db, const Xapian::Query& q) {
  Xapian::Enquire enquire(db);
  enquire.set_query(q);
  std::vector<Counts> out(kSlots.size());
  const Xapian::MSet all = enquire.get_mset(0, db.get_doccount());
  for (auto it = all.begin(); it != all.end(); ++it) {
    const Xapian::Document doc = it.get_document();
    for (size_t i = 0; i < kSlots.size(); ++i) {
      const std::string v = doc.get_value(kSlots[i].slot);
      if (v.empty()) continue;
      if (!kSlots[i].multi) {
        ++out[i][v];
        continue;
      }
      size_t start = 0;
      for (;;) {
        const size_t end = v.find(schema::kMultiSep, start);
        const std::string part = v.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!part.empty()) ++out[i][part];
        if (end == std::string::npos) break;
        start = end + 1;
      }
    }
  }
  return out;
}

std::vector<Counts> with_columns(Xapian::Database& db, const Xapian::Query& q) {
  auto cols = FacetColumns::get(db, kSlots);
  REQUIRE(cols);
  std::vector<size_t> which;
  for (size_t i = 0; i < kSlots.size(); ++i) which.push_back(i);
  ColumnCountSpy spy(cols, which);
  Xapian::Enquire enquire(db);
  enquire.set_query(q);
  enquire.add_matchspy(&spy);
  enquire.get_mset(0, 10, db.get_doccount());
  std::vector<Counts> out(kSlots.size());
  for (size_t i = 0; i < kSlots.size(); ++i) {
    for (const auto& [v, c] : spy.counts(i)) out[i][v] = c;
  }
  return out;
}

}  // namespace

TEST_CASE("facet counts from the in-memory columns equal counting every match's values") {
  test::TempDir dir;
  run_index(test::index_options(dir.str(), {test::sample_jsonl().string(),
                                            (test::source_dir() / "data/sample/pages").string()}));
  Xapian::Database db(index_dir::resolve(dir.str()));
  const std::vector<Xapian::Query> queries = {
      Xapian::Query::MatchAll,
      Xapian::Query(schema::term(schema::prefix::lang, "en")),
      Xapian::Query(Xapian::Query::OP_OR, Xapian::Query("Zwater"), Xapian::Query("Zвод")),
      Xapian::Query("Znosuchstem"),
  };
  for (const auto& q : queries) {
    INFO(q.get_description());
    CHECK(with_columns(db, q) == brute_force(db, q));
  }
  // Shared, not rebuilt, while the revision stays.
  CHECK(FacetColumns::get(db, kSlots) == FacetColumns::get(db, kSlots));
}

TEST_CASE("facet columns follow a new revision of the index") {
  test::TempDir dir;
  const auto jsonl = dir.path() / "a.jsonl";
  test::write_file(jsonl, R"({"id":"a1","lang":"en","title":"Water talks","date":"2021-05-01","tags":["water"],"body":"Water talks in Astana."})"
                          "\n");
  IndexOptions opt = test::index_options(dir.str() + "/idx", {jsonl.string()});
  run_index(opt);
  Xapian::Database db(index_dir::resolve(dir.str() + "/idx"));
  auto before = FacetColumns::get(db, kSlots);
  REQUIRE(before);
  test::write_file(jsonl, R"({"id":"a1","lang":"en","title":"Water talks","date":"2021-05-01","tags":["water"],"body":"Water talks in Astana."})"
                          "\n"
                          R"({"id":"a2","lang":"en","title":"Energy talks","date":"2022-05-01","tags":["energy"],"body":"Energy talks in Almaty."})"
                          "\n");
  run_index(opt);  // incremental: the same database, a new revision
  db.reopen();
  auto after = FacetColumns::get(db, kSlots);
  REQUIRE(after);
  CHECK(after != before);
  CHECK(with_columns(db, Xapian::Query::MatchAll) == brute_force(db, Xapian::Query::MatchAll));
  CHECK(with_columns(db, Xapian::Query::MatchAll)[2] == Counts{{"energy", 1}, {"water", 1}});
}

TEST_CASE("the fast document reader agrees with the JSON parser") {
  SECTION("every article of the sample, round trip") {
    test::TempDir dir;
    run_index(test::index_options(dir.str(), {test::sample_jsonl().string(),
                                              (test::source_dir() / "data/sample/pages").string()}));
    Xapian::Database db(index_dir::resolve(dir.str()));
    size_t n = 0;
    for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it, ++n) {
      const std::string data = db.get_document(*it).get_data();
      const Article fast = article_from_data(data), ref = article_from_data_reference(data);
      CHECK(article_to_data(fast) == article_to_data(ref));
    }
    CHECK(n > 50);
  }
  SECTION("escapes, odd characters and unexpected shapes") {
    std::mt19937 rng(7);
    const std::vector<std::string> pieces = {"a", "Ж", "қ", "\"", "\\", "/", "\n", "\t", "\r", "\b", "\f",
                                             std::string(1, '\x01'), "\x1f", "😀", "\u2028", "<script>", " ", "ё"};
    for (int round = 0; round < 300; ++round) {
      Article a;
      auto text = [&] {
        std::string s;
        const int len = static_cast<int>(rng() % 12);
        for (int i = 0; i < len; ++i) s += pieces[rng() % pieces.size()];
        return s;
      };
      a.id = "id" + text();
      a.title = text();
      a.body = text();
      a.url = text();
      a.tags = {text(), text()};
      a.people = {text()};
      const std::string data = article_to_data(a);
      INFO(data);
      CHECK(article_to_data(article_from_data(data)) == article_to_data(article_from_data_reference(data)));
      CHECK(article_from_data(data).body == a.body);
    }
    // Shapes our writer never makes go to the reference parser, which decides.
    const std::vector<std::string> odd = {
        R"({"id":"x","title":"\ud83d\ude00"})",           // a surrogate pair
        R"({"id":"x","extra":{"nested":[1,2]},"title":"t"})",  // unknown and nested
        R"({"title":"t","id":"x","tags":[]})",            // order and an empty list
        "{\"id\":\"x\", \"tags\" : [ \"a\" , \"b\" ] }",  // spacing
        R"({"id":"x","date":null})",
        R"({"id":"x","title":"a","title":"b"})",          // a repeated key: the last wins
        R"({"id":"x","tags":"not a list","note":"dropped"})",  // a string where a list goes; an unknown key
        R"({"idx":"y","id":"x","titles":["t"]})",          // keys that begin like fields
    };
    for (const std::string& d : odd) {
      INFO(d);
      CHECK(article_to_data(article_from_data(d)) == article_to_data(article_from_data_reference(d)));
    }
    CHECK_THROWS(article_from_data(R"({"title":"no id"})"));
    // Not well-formed UTF-8 (a stray byte, a surrogate, an overlong form):
    // the reference reader rejects it, and so the fast one leaves it to it.
    for (const char* bad : {"{\"id\":\"a\xff\"}", "{\"id\":\"a\xed\xa0\x80\"}", "{\"id\":\"a\xc0\xaf\"}"}) {
      CHECK_THROWS(article_from_data(bad));
    }
    CHECK_THROWS(article_from_data("not json"));
    CHECK_THROWS(article_from_data(R"({"id":"x")"));
  }
}

TEST_CASE("a document's body is kept in its own slot and read back whole") {
  test::TempDir dir;
  run_index(test::index_options(dir.str(), {test::sample_jsonl().string()}));
  Xapian::Database db(index_dir::resolve(dir.str()));
  std::map<std::string, std::string> bodies;  // by id, from the source
  read_jsonl(test::sample_jsonl().string(), {},
             [&](Article&& a, const SourceLocation&) { bodies[a.id] = a.body; }, [](const SourceError&) {});
  size_t checked = 0;
  for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
    const Xapian::Document doc = db.get_document(*it);
    // The JSON has no body; the slot has all of it, a third of its size.
    CHECK(article_from_data(doc.get_data()).body.empty());
    const Article a = article_from_document(doc);
    INFO(a.id);
    CHECK(article_from_document(doc, false).body.empty());
    auto src = bodies.find(a.id);
    if (src == bodies.end() || src->second.empty()) continue;
    // The indexer may repair a source's text (control characters, UTF-8);
    // the sample's bodies are clean, so they come back byte for byte.
    CHECK(a.body == src->second);
    // The slot is the hit record: a copy of the data, then the body packed.
    const std::string value = doc.get_value(schema::kSlotBody);
    std::string_view data, packed;
    REQUIRE(split_hit_record(value, data, packed));
    CHECK(data == doc.get_data());
    CHECK(packed.size() < a.body.size());
    ++checked;
  }
  CHECK(checked > 30);

  SECTION("a body that does not decompress is an error, not text") {
    std::string body;
    const std::string packed = pack_body("Водные ресурсы Центральной Азии");
    CHECK(unpack_body(packed, body));
    CHECK(body == "Водные ресурсы Центральной Азии");
    for (const std::string& bad : {std::string("not zstd"), packed.substr(0, packed.size() - 1), packed + "x"}) {
      CHECK_FALSE(unpack_body(bad, body));
      CHECK(body.empty());
      bool whole = false;
      CHECK_FALSE(unpack_body_lead(bad, body, whole));
    }
    // A long body: the lead alone, cut at a space, then all of it.
    std::string text;
    for (int i = 0; text.size() < 3 * kBodyLeadBytes; ++i) text += "Слово" + std::to_string(i) + (i % 9 ? " " : "\n");
    const std::string packed_long = pack_body(text);
    bool whole = true;
    REQUIRE(unpack_body_lead(packed_long, body, whole));
    CHECK_FALSE(whole);
    CHECK(body.size() <= kBodyLeadBytes);
    CHECK(body.size() > kBodyLeadBytes / 2);
    CHECK(body == text.substr(0, body.size()));
    CHECK((text[body.size()] == ' ' || text[body.size()] == '\n'));
    REQUIRE(unpack_body(packed_long, body));
    CHECK(body == text);
    REQUIRE(unpack_body_lead(packed, body, whole));
    CHECK(whole);
    // Damage after the lead is found before the lead is trusted.
    CHECK_FALSE(unpack_body_lead(packed_long.substr(0, packed_long.size() - 3), body, whole));
    // Damage to the lead's sizes. (Neither zstd nor LZ4 checksums what it
    // holds here: a changed letter inside would read as another letter.)
    for (size_t at : {size_t{1}, size_t{2}, size_t{3}, size_t{4}}) {
      std::string bad = packed_long;
      bad[at] = static_cast<char>(bad[at] ^ 0x5A);
      CHECK_FALSE(unpack_body(bad, body));
      CHECK(body.empty());
    }
    CHECK_FALSE(unpack_body(packed_long.substr(0, 4), body));
    CHECK_FALSE(unpack_body_lead(packed_long.substr(0, 4), body, whole));
    // An index from before the LZ4 lead: zstd frames, the lead the first.
    auto zstd_frame = [](std::string_view t) {
      std::string out(ZSTD_compressBound(t.size()), '\0');
      out.resize(ZSTD_compress(out.data(), out.size(), t.data(), t.size(), 3));
      return out;
    };
    const size_t cut = body_lead_cut(text);
    const std::string legacy = zstd_frame(std::string_view(text).substr(0, cut)) + zstd_frame(std::string_view(text).substr(cut));
    REQUIRE(unpack_body_lead(legacy, body, whole));
    CHECK_FALSE(whole);
    CHECK(body == text.substr(0, cut));
    REQUIRE(unpack_body(legacy, body));
    CHECK(body == text);
    REQUIRE(unpack_body(zstd_frame("Водные ресурсы"), body));
    CHECK(body == "Водные ресурсы");
    CHECK(packed_long[0] == '\x01');
    CHECK(legacy[0] != '\x01');
    Article x;
    x.id = "x";
    Xapian::Document doc;
    doc.set_data(article_to_data(x));
    doc.add_value(schema::kSlotBody, "garbage");
    CHECK_THROWS_AS(article_from_document(doc), std::runtime_error);
    // Hit records: round trip, with and without a body; an index from before
    // them (a body alone) splits to no data; damaged lengths are errors.
    {
      const std::string data = article_to_data(x);
      std::string_view d, p;
      const std::string rec = pack_hit_record(data, text);
      REQUIRE(split_hit_record(rec, d, p));
      CHECK(d == data);
      REQUIRE(unpack_body(p, body));
      CHECK(body == text);
      const std::string no_body = pack_hit_record(data, "");
      REQUIRE(split_hit_record(no_body, d, p));
      CHECK(d == data);
      CHECK(p.empty());
      REQUIRE(split_hit_record(packed_long, d, p));
      CHECK(d.empty());
      CHECK(p == packed_long);
      for (const std::string& bad : {rec.substr(0, 3), rec.substr(0, 5 + data.size() - 1), std::string("\x02\0\0\0\0", 5)}) {
        CHECK_FALSE(split_hit_record(bad, d, p));
      }
      doc.add_value(schema::kSlotBody, rec.substr(0, rec.size() - 3));  // damaged body after good data
      CHECK_THROWS_AS(article_from_document(doc), std::runtime_error);
    }
    // An index from before the slot: the body is in the JSON.
    Xapian::Document old;
    Article a;
    a.id = "old";
    a.body = "Старый формат";
    old.set_data(article_to_data(a));
    CHECK(article_from_document(old).body == "Старый формат");
  }
}

TEST_CASE("snippets of long articles come from where the query's words are") {
  test::TempDir dir;
  std::string filler;
  for (int i = 0; i < 300; ++i) filler += "The delegation discussed regional cooperation in general terms. ";
  nlohmann::json late = {{"id", "late"}, {"lang", "en"}, {"title", "A long report"}, {"date", "2022-01-01"},
                         {"body", filler + "At the very end the experts turned to the Qosh Tepa canal and its water."}};
  nlohmann::json early = {{"id", "early"}, {"lang", "ru"}, {"title", "Длинный отчёт"}, {"date", "2022-01-02"},
                          {"body", "Встречами экспертов открылась неделя. " + filler}};
  test::write_file(dir.path() / "a.jsonl", late.dump() + "\n" + early.dump() + "\n");
  run_index(test::index_options(dir.str() + "/idx", {(dir.path() / "a.jsonl").string()}));
  Searcher s(index_dir::resolve(dir.str() + "/idx"));
  auto search = [&](const std::string& q) {
    Params p = {{"q", q}, {"facets", ""}};
    const SearchResult r = s.search(parse_search_request(p));
    REQUIRE(r.hits.size() == 1);
    return r.hits[0].snippet;
  };
  const std::string canal = search("canal");
  INFO(canal);
  CHECK(canal.find("<mark>canal</mark>") != std::string::npos);
  CHECK(canal.rfind("At the very end", 0) == 0);  // the sentence that has it, from its start
  const std::string meeting = search("встреча");
  INFO(meeting);
  CHECK(meeting.rfind("<mark>Встречами</mark>", 0) == 0);  // the text's own start: no mark
  CHECK(meeting.size() > 3);
  CHECK(meeting.compare(meeting.size() - 3, 3, "…") == 0);
}

TEST_CASE("a repeated field in document data is read as the JSON parser reads it") {
  for (const std::string d : {R"({"id":"a","title":"T","title":null})", R"({"id":"a","tags":["x"],"tags":[]})",
                              R"({"id":"a","id":"b"})"}) {
    INFO(d);
    CHECK(article_to_data(article_from_data(d)) == article_to_data(article_from_data_reference(d)));
  }
}

TEST_CASE("snippets highlight English irregular forms the analyzer stems as their base") {
  test::TempDir dir;
  run_index(test::index_options(dir.str(), {test::sample_jsonl().string()}));
  Searcher s(index_dir::resolve(dir.str()));
  SearchRequest r;
  r.q = "take part";
  r.facets.clear();
  const SearchResult res = s.search(r);
  bool marked = false;
  for (const Hit& h : res.hits) marked = marked || h.snippet.find("<mark>took</mark>") != std::string::npos;
  CHECK(marked);
}

TEST_CASE("a lone two-letter word gets completions but no titles; the third letter brings titles") {
  test::TempDir dir;
  run_index(test::index_options(dir.str(), {test::sample_jsonl().string()}));
  Searcher s(index_dir::resolve(dir.str()));
  const Suggestions two = s.suggest("wa", 5);
  CHECK_FALSE(two.terms.empty());
  CHECK(two.titles.empty());
  CHECK_FALSE(s.suggest("wat", 5).titles.empty());
  CHECK_FALSE(s.suggest("central as", 5).titles.empty());  // earlier words narrow it: titles at once
}

TEST_CASE("a hit whose stored record is damaged is still found, from its document data, without a snippet") {
  test::TempDir dir;
  nlohmann::json a = {{"id", "a"}, {"lang", "en"}, {"title", "Water talks in Tashkent"}, {"date", "2022-01-01"},
                      {"body", "Delegations discussed the canal and its water."}};
  test::write_file(dir.path() / "a.jsonl", a.dump() + "\n");
  run_index(test::index_options(dir.str() + "/idx", {(dir.path() / "a.jsonl").string()}));
  const std::string path = index_dir::resolve(dir.str() + "/idx");
  auto find = [&] {
    Searcher s(path);
    Params p = {{"q", "canal"}, {"facets", ""}};
    return s.search(parse_search_request(p));
  };
  const SearchResult before = find();
  REQUIRE(before.hits.size() == 1);
  CHECK(before.hits[0].snippet.find("<mark>canal</mark>") != std::string::npos);
  {
    Xapian::WritableDatabase db(path, Xapian::DB_OPEN);
    Xapian::Document doc = db.get_document(1);
    doc.add_value(schema::kSlotBody, std::string("\x02\xff\xff\xff\x7f", 5) + "{\"id\":");  // a length past the end
    db.replace_document(1, doc);
    db.commit();
  }
  const SearchResult after = find();
  REQUIRE(after.hits.size() == 1);
  CHECK(after.hits[0].id == "a");
  CHECK(after.hits[0].title == "Water talks in Tashkent");
  CHECK(after.hits[0].snippet.empty());
}
