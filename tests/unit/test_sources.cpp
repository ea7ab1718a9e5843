// JSON Lines reading: every bad record is reported with file, line and
// reason, and the good ones around it are still read.
#include <catch2/catch.hpp>

#include <map>

#include <zlib.h>
#include <zstd.h>

#include <nlohmann/json.hpp>

#include "indexer/sources.h"
#include "support.h"

using namespace letopis;

namespace {

struct Collected {
  std::vector<Article> articles;
  std::vector<SourceError> errors;
};

Collected read_all(const std::string& path, SourceLimits limits = {}) {
  Collected c;
  read_jsonl(
      path, limits, [&](Article&& a, const SourceLocation&) { c.articles.push_back(std::move(a)); },
      [&](const SourceError& e) { c.errors.push_back(e); });
  return c;
}

const char* kGood = R"({"id":"a1","lang":"ru","title":"Встреча","date":"2022-04-20","url":null,"section":"news","tags":["вода"],"body":"Текст."})";

}  // namespace

TEST_CASE("bad JSON Lines records are rejected with their line and reason") {
  test::TempDir dir;
  const auto path = dir.path() / "in.jsonl";
  std::string big(2000, 'x');
  test::write_file(path, std::string(kGood) + "\n" +
                             "{not json\n" +                                              // 2
                             R"({"lang":"ru","title":"no id","body":"x"})" "\n" +         // 3
                             R"({"id":"a4","title":5,"body":"x"})" "\n" +                 // 4
                             R"({"id":"a5","title":"t","date":"2022-02-30","body":"x"})" "\n" +  // 5
                             R"({"id":"a6","title":"t","tags":"notalist","body":"x"})" "\n" +     // 6
                             "{\"id\":\"a7\",\"title\":\"bad \xff\xfe utf8\",\"body\":\"x\"}\n" +  // 7
                             R"({"id":"a8","lang":"de","title":"t","body":"x"})" "\n" +   // 8
                             "\n" +                                                       // 9: blank
                             R"({"id":"a10","title":"t","body":")" + big + "\"}\n" +      // 10: too big
                             R"([1,2,3])" "\n" +                                          // 11
                             R"({"id":"a12","title":"ok","date":null,"body":"fine"})" "\n");
  SourceLimits limits;
  limits.max_record_bytes = 1000;
  const Collected c = read_all(path.string(), limits);
  REQUIRE(c.articles.size() == 2);
  CHECK(c.articles[0].id == "a1");
  CHECK(c.articles[0].tags == std::vector<std::string>{"вода"});
  CHECK(c.articles[1].id == "a12");
  CHECK(c.articles[1].date.empty());

  std::map<uint64_t, std::string> by_line;
  for (const auto& e : c.errors) {
    CHECK(e.where.file == path.string());
    by_line[e.where.line] = e.reason;
  }
  CHECK(by_line.size() == 9);
  CHECK_THAT(by_line[2], Catch::Contains("malformed JSON"));
  CHECK_THAT(by_line[3], Catch::Contains("'id'"));
  CHECK_THAT(by_line[4], Catch::Contains("'title'"));
  CHECK_THAT(by_line[5], Catch::Contains("'date'"));
  CHECK_THAT(by_line[6], Catch::Contains("'tags'"));
  CHECK_THAT(by_line[7], Catch::Contains("UTF-8"));
  CHECK_THAT(by_line[8], Catch::Contains("'lang'"));
  CHECK_THAT(by_line[10], Catch::Contains("larger than the limit"));
  CHECK_THAT(by_line[11], Catch::Contains("object"));
}

TEST_CASE("a number out of double's range rejects its record, not the run") {
  // Found by fuzz/fuzz_jsonl.cpp: nlohmann::json reports "1e400" as
  // out_of_range, not parse_error, and it escaped parse_jsonl_record().
  test::TempDir dir;
  const auto path = dir.path() / "in.jsonl";
  test::write_file(path, std::string(kGood) + "\n" +
                             R"({"id":"a2","title":"t","views":1e400})" "\n" +
                             R"({"id":"a3","title":"t","extra":[-1e999]})" "\n" +
                             R"({"id":18446744073709551615,"title":"ok"})" "\n");
  const Collected c = read_all(path.string());
  REQUIRE(c.articles.size() == 2);
  CHECK(c.articles[1].id == "18446744073709551615");  // not wrapped to -1
  REQUIRE(c.errors.size() == 2);
  CHECK(c.errors[0].where.line == 2);
  CHECK(c.errors[1].where.line == 3);
  for (const auto& e : c.errors) CHECK_THAT(e.reason, Catch::Contains("malformed JSON"));
  Article a;
  CHECK_THAT(parse_jsonl_record(R"({"id":"x","title":"t","n":1e400})", a), Catch::Contains("number overflow"));
}

TEST_CASE("gzip and zstd inputs read the same as plain ones") {
  test::TempDir dir;
  std::string content;
  for (int i = 0; i < 500; ++i) {
    content += R"({"id":"x)" + std::to_string(i) + R"(","lang":"en","title":"Water talks )" + std::to_string(i) +
               R"(","body":"Delegations met."})" "\n";
  }
  const auto plain = dir.path() / "a.jsonl";
  test::write_file(plain, content);

  const auto gz = dir.path() / "a.jsonl.gz";
  {
    gzFile f = gzopen(gz.c_str(), "wb");
    REQUIRE(f);
    gzwrite(f, content.data(), static_cast<unsigned>(content.size()));
    gzclose(f);
  }
  const auto zst = dir.path() / "a.jsonl.zst";
  {
    std::string out(ZSTD_compressBound(content.size()), '\0');
    const size_t n = ZSTD_compress(out.data(), out.size(), content.data(), content.size(), 3);
    REQUIRE_FALSE(ZSTD_isError(n));
    out.resize(n);
    test::write_file(zst, out);
  }
  for (const auto& p : {plain, gz, zst}) {
    INFO(p);
    const Collected c = read_all(p.string());
    CHECK(c.errors.empty());
    REQUIRE(c.articles.size() == 500);
    CHECK(c.articles[499].id == "x499");
  }
}

TEST_CASE("a truncated zstd stream is a clear error, after the records before it") {
  test::TempDir dir;
  std::string content;
  for (int i = 0; i < 2000; ++i) content += std::string(kGood) + "\n";
  std::string out(ZSTD_compressBound(content.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), content.data(), content.size(), 1));
  out.resize(out.size() / 2);
  const auto zst = dir.path() / "cut.jsonl.zst";
  test::write_file(zst, out);
  size_t n = 0;
  CHECK_THROWS_WITH(read_jsonl(zst.string(), {}, [&](Article&&, const SourceLocation&) { ++n; },
                               [](const SourceError&) {}),
                    Catch::Contains("zstd"));
}

TEST_CASE("a missing input file is an error naming the file") {
  CHECK_THROWS_WITH(read_jsonl("/nonexistent/file.jsonl", {}, [](Article&&, const SourceLocation&) {},
                               [](const SourceError&) {}),
                    Catch::Contains("/nonexistent/file.jsonl"));
}

TEST_CASE("character references and markup in JSON Lines fields read as text") {
  Article a;
  auto parse = [&](const std::string& title, const std::string& body) {
    const nlohmann::json j = {{"id", "x"}, {"title", title}, {"body", body}, {"tags", {"R&amp;D", "вода"}}};
    REQUIRE(parse_jsonl_record(j.dump(), a).empty());
  };
  // References, as BBC's export has them.
  parse("&#163;1.8m fine for Viacom", "A communiqu&#233; &mdash; &laquo;да&raquo; &amp; &#x41;&apos;s.");
  CHECK(a.title == "£1.8m fine for Viacom");
  CHECK(a.body == "A communiqué — «да» & A's.");
  CHECK(a.tags == std::vector<std::string>{"R&D", "вода"});
  // A body that is the CMS's HTML: paragraphs as lines, no script or image.
  parse("Title", "<p>One &amp; two.</p><p>Three<br>four</p><script>var x = 1;</script><img src=x.jpg>");
  CHECK(a.body == "One & two.\nThree\nfour");
  parse("Title", "  <div class=\"text\">Бір\nекі</div>");
  CHECK(a.body == "Бір\nекі");
  // Text that mentions tags keeps them (the sample's hostile article), with
  // its references decoded; a lone & or < and unknown references stay.
  parse("Hostile <script>alert(1)</script> title", "Text such as <b>bold</b> &amp; <img src=x onerror=alert(1)>.");
  CHECK(a.title == "Hostile <script>alert(1)</script> title");
  CHECK(a.body == "Text such as <b>bold</b> & <img src=x onerror=alert(1)>.");
  parse("AT&T < Verizon", "x < 5 and y > 2; Tom & Jerry; &foo; &#xZZ; &lt;br&gt;");
  CHECK(a.title == "AT&T < Verizon");
  CHECK(a.body == "x < 5 and y > 2; Tom & Jerry; &foo; &#xZZ; <br>");
  // An invalid code point is a replacement character, a NUL reference too.
  parse("t", "a&#0;b&#xD800;c&#1114112;d");
  CHECK(a.body == "a\uFFFDb\uFFFDc\uFFFDd");
}
