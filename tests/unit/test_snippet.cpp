// Snippets (searchd/snippet.h): the passage, the marks, the ellipses and the
// escaping, on texts made for each case; no index needed.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "indexer/schema.h"
#include "searchd/snippet.h"
#include "stemmers/analyzer.h"

using namespace letopis;
using namespace letopis::searchd;

namespace {

// A query of stems, as the query builder makes them (Z<stem>).
Xapian::Query stems(const std::vector<std::string>& ss) {
  std::vector<Xapian::Query> qs;
  for (const auto& s : ss) qs.emplace_back(schema::term(schema::prefix::stem, s));
  return Xapian::Query(Xapian::Query::OP_AND, qs.begin(), qs.end());
}

// The stems the analyzer gives words of a language.
std::vector<std::string> stems_of(const std::vector<std::string>& words, analysis::Lang lang) {
  analysis::Analyzer a;
  std::vector<std::string> out;
  for (const auto& w : words) out.push_back(a.stem(w, lang));
  return out;
}

Snippet snip(const std::string& text, const std::vector<std::string>& words, analysis::Lang lang, size_t length = 120,
             bool more = false) {
  const SnippetQuery q(stems(stems_of(words, lang)), Xapian::MSet());
  const Xapian::Stem stemmer = analysis::make_text_stemmer(lang);
  return make_snippet(text, length, q, stemmer, more);
}

}  // namespace

TEST_CASE("a snippet marks every form of the query's words and starts at a sentence in reach") {
  const std::string text =
      "Вчера прошло заседание правительства. Встречами с экспертами министры обсудили водные ресурсы региона, "
      "а после встречи подписали меморандум.";
  const Snippet s = snip(text, {"встреча"}, analysis::Lang::ru, 240);
  INFO(s.html);
  CHECK(s.matched);
  CHECK(s.html.rfind("<mark>Встречами</mark>", 0) == 0);  // a sentence's start: no ellipsis
  CHECK(s.html.find("<mark>встречи</mark>") != std::string::npos);
  CHECK(s.html.find("<mark>экспертами</mark>") == std::string::npos);
  CHECK(s.html.size() <= 240 + 2 * std::string("<mark></mark>").size() + std::string("…").size());
}

TEST_CASE("a snippet cut inside a sentence says so at both ends") {
  std::string text = "Intro words come first here and then";
  for (int i = 0; i < 20; ++i) text += " more and more filler words without any full stop at all";
  text += " the delegation finally reached the Qosh Tepa canal to inspect it and then went on with many other words";
  for (int i = 0; i < 5; ++i) text += " and still more text";
  const Snippet s = snip(text, {"canal"}, analysis::Lang::en, 80);
  INFO(s.html);
  CHECK(s.html.rfind("…", 0) == 0);
  CHECK(s.html.compare(s.html.size() - 3, 3, "…") == 0);
  CHECK(s.html.find("<mark>canal</mark>") != std::string::npos);
  // Some context before the match, in whole words.
  CHECK(s.html.find("Tepa <mark>canal") != std::string::npos);
}

TEST_CASE("a snippet prefers the window with more of the query's words") {
  // A better window within a few windows of the first match wins; one
  // further on is not looked for (snippet() stopped sooner still).
  auto text = [](int gap) {
    std::string t = "Water is mentioned here early.";
    for (int i = 0; i < gap; ++i) t += " Unrelated sentence about something else entirely.";
    return t + " Later the water and energy ministers met.";
  };
  const Snippet near = snip(text(3), {"water", "energy"}, analysis::Lang::en, 100);
  INFO(near.html);
  CHECK(near.html.find("<mark>water</mark> and <mark>energy</mark>") != std::string::npos);
  const Snippet far = snip(text(20), {"water", "energy"}, analysis::Lang::en, 100);
  INFO(far.html);
  CHECK(far.html.rfind("<mark>Water</mark> is mentioned", 0) == 0);
}

TEST_CASE("a snippet escapes the text and keeps opening quotes with the first word") {
  const Snippet s =
      snip("Гости посетили \"Москвариум\", <script>alert(1)</script> & парк.", {"москвариум"}, analysis::Lang::ru, 200);
  INFO(s.html);
  CHECK(s.html.find("\"<mark>Москвариум</mark>\"") != std::string::npos);
  CHECK(s.html.find("&lt;script&gt;") != std::string::npos);
  CHECK(s.html.find("<script") == std::string::npos);
  CHECK(s.html.find(" &amp; ") != std::string::npos);
}

TEST_CASE("a snippet of a text without the query's words is its start") {
  const std::string text = "Первое предложение текста. Второе предложение, длинное, которое не поместится целиком.";
  const Snippet s = snip(text, {"энергетика"}, analysis::Lang::ru, 60);
  INFO(s.html);
  CHECK_FALSE(s.matched);
  CHECK(s.html == "Первое предложение текста.");  // a sentence's end: no ellipsis
  const Snippet cut = snip(text, {"энергетика"}, analysis::Lang::ru, 80);
  INFO(cut.html);
  CHECK(cut.html.rfind("Первое предложение текста. Второе", 0) == 0);
  CHECK(cut.html.compare(cut.html.size() - 3, 3, "…") == 0);
  // A lead that goes on gets an ellipsis even where it ends.
  const Snippet lead = snip("Короткий текст", {"текст"}, analysis::Lang::ru, 60, true);
  CHECK(lead.html == "Короткий <mark>текст</mark>…");
  const Snippet whole = snip("Короткий текст", {"текст"}, analysis::Lang::ru, 60, false);
  CHECK(whole.html == "Короткий <mark>текст</mark>");
}

TEST_CASE("a snippet highlights English irregular forms of a query's base form") {
  const Snippet s = snip("The minister took part in the forum.", {"take"}, analysis::Lang::en);
  INFO(s.html);
  CHECK(s.html.find("<mark>took</mark>") != std::string::npos);
}

TEST_CASE("snippets survive odd text") {
  for (const std::string& text : {std::string(), std::string("   "), std::string("\xff\xfe broken \xc3"),
                                  std::string(5000, 'x'), std::string("ё Ё ёлка ЁЛКА")}) {
    const Snippet s = snip(text, {"елка"}, analysis::Lang::ru, 40);
    INFO(text.substr(0, 40) << " -> " << s.html);
    CHECK(s.html.size() <= 40 * 6 + 64);
  }
  CHECK(snip("ё Ё ёлка ЁЛКА", {"елка"}, analysis::Lang::ru, 40).html == "ё Ё <mark>ёлка</mark> <mark>ЁЛКА</mark>");
}

TEST_CASE("a search's snippets remember each word's stem per stemmer, as the stemmer gives it") {
  // Stems of both a Russian and a Kazakh reading, so that one word of the
  // text may match under one text language and not the other.
  std::vector<std::string> ss = stems_of({"бала", "балалар", "встреча", "су"}, analysis::Lang::ru);
  for (const auto& s : stems_of({"бала", "балалар", "су"}, analysis::Lang::kk)) ss.push_back(s);
  const SnippetQuery q(stems(ss), Xapian::MSet());
  const Xapian::Stem ru = analysis::make_text_stemmer(analysis::Lang::ru);
  const Xapian::Stem kk = analysis::make_text_stemmer(analysis::Lang::kk);
  const std::vector<std::string> words = {"балалар", "балаларға", "Встречами", "встречи", "судың", "суы", "бал"};
  bool differ = false;
  // In turn and again: each answer is what the stemmer itself says, however
  // the two languages' words were asked before.
  for (int round = 0; round < 3; ++round) {
    for (const Xapian::Stem* s : {&ru, &kk, &ru}) {
      for (const std::string& w : words) {
        INFO(w << " " << s->get_description());
        CHECK(q.stem_of(w, *s) == q.find((*s)(w)));
      }
    }
  }
  for (const std::string& w : words) differ = differ || q.find(ru(w)) != q.find(kk(w));
  CHECK(differ);  // else this test could not tell the stemmers' memos apart
}

TEST_CASE("a scraped word with a Latin look-alike letter is marked, as the analyzer found it") {
  // «вoдные» and «pеcурсы» below carry Latin o, p and c: the analyzer folds
  // them to Cyrillic, so the article is found for «водные ресурсы».
  const std::string text = "Эксперты напоминают, что вoдные pеcурсы Сырдарьи формируются за пределами страны.";
  const Snippet s = snip(text, {"водные", "ресурсы"}, analysis::Lang::ru, 200);
  INFO(s.html);
  CHECK(s.html.find("<mark>вoдные</mark>") != std::string::npos);
  CHECK(s.html.find("<mark>pеcурсы</mark>") != std::string::npos);
  // And an English word is still marked as before, and a Latin word that
  // only begins like a Cyrillic stem's look-alikes is not.
  const Snippet en = snip("Water and bodies of water in the region.", {"water"}, analysis::Lang::en, 200);
  INFO(en.html);
  CHECK(en.html.find("<mark>Water</mark>") != std::string::npos);
  const Snippet mixed = snip("The body of the report: воды мало.", {"вода"}, analysis::Lang::ru, 200);
  INFO(mixed.html);
  CHECK(mixed.html.find("<mark>воды</mark>") != std::string::npos);
  CHECK(mixed.html.find("<mark>body</mark>") == std::string::npos);
}
