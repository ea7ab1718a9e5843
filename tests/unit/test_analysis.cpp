// Text analysis: normalization, tokenization, language detection, stemming.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "stemmers/analyzer.h"
#include "stemmers/lang.h"
#include "stemmers/normalize.h"
#include "stemmers/stopwords.h"

using namespace letopis::analysis;

namespace {

std::vector<std::string> texts(Analyzer& a, const std::string& s, Lang lang = Lang::unknown) {
  std::vector<Token> toks;
  a.tokenize(s, lang, toks);
  std::vector<std::string> out;
  for (const auto& t : toks) out.push_back(t.text);
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// The stem a word is indexed under in a text of the given language.
std::string index_stem(Analyzer& a, const std::string& word, Lang lang) {
  std::vector<Token> toks;
  a.tokenize(word, lang, toks);
  REQUIRE(toks.size() == 1);
  return a.stem(toks[0].text, toks[0].stem_lang);
}

}  // namespace

TEST_CASE("normalization folds case, ё, ignorables, punctuation and look-alikes") {
  struct Case {
    std::string in, out;
  };
  const Case cases[] = {
      {"ВСТРЕЧА", "встреча"},
      {"Ёлка и её объём", "елка и ее объем"},
      {"Казах\u00ADстан", "казахстан"},           // soft hyphen
      {"сотруд\u200Bничество", "сотрудничество"},  // zero-width space
      {"\uFEFFHello", "hello"},                    // BOM
      {"O\u2019Brien", "o'brien"},                 // curly apostrophe
      {"\u00ABООН\u00BB \u2014 ШОС", "\"оон\" - шос"},
      {"вoда", "вода"},                            // Latin o inside a Russian word
      {"Kaзахстан", "казахстан"},                  // Latin K and a
      {"Рrеss", "press"},                          // Cyrillic Р and е in an English word
      {"ﬁnance", "finance"},                       // NFKC ligature
      {"ҚАЗАҚСТАН", "қазақстан"},
  };
  for (const auto& c : cases) {
    INFO(c.in);
    CHECK(normalize(c.in) == c.out);
  }
}

TEST_CASE("normalizing twice equals normalizing once") {
  std::mt19937 rng(42);
  const std::string alphabet[] = {"а", "Ё", "ё", "A", "o", "ә", "Қ", "\u00AD", "\u200B", "-", "\u2014", "'",
                                  "\u2019", " ", "ﬁ", "І", "1", ".", "«", "x", "Ω", "\xC3\xA9"};
  for (int i = 0; i < 500; ++i) {
    std::string s;
    const int len = static_cast<int>(rng() % 20);
    for (int j = 0; j < len; ++j) s += alphabet[rng() % std::size(alphabet)];
    const std::string once = normalize(s);
    INFO(s);
    CHECK(normalize(once) == once);
  }
}

TEST_CASE("a look-alike folded before a combining mark is composed with it at once") {
  // Cyrillic т + caron in a mostly Latin word: folded to Latin t, which
  // composes with the caron (ť); normalizing again must change nothing.
  const std::string once = normalize("Uo\u0442\u030C");
  CHECK(once == "uo\u0165");
  CHECK(normalize(once) == once);
}

TEST_CASE("random bytes never crash the analyzer and give valid UTF-8 tokens") {
  std::mt19937 rng(7);
  Analyzer a;
  for (int i = 0; i < 300; ++i) {
    std::string s(static_cast<size_t>(rng() % 200), '\0');
    for (char& c : s) c = static_cast<char>(rng() % 256);
    std::vector<Token> toks;
    a.tokenize(s, Lang::ru, toks);
    for (const auto& t : toks) {
      CHECK_FALSE(t.text.empty());
      CHECK(t.text.size() <= kMaxTokenBytes);
      CHECK(normalize(t.text) == t.text);
      (void)a.stem(t.text, t.stem_lang);
    }
  }
}

TEST_CASE("hyphenated names are searchable whole and by their parts") {
  Analyzer a;
  auto t = texts(a, "Встреча в Алма-Ате с Friberg-Storey");
  CHECK(has(t, "алма"));
  CHECK(has(t, "ате"));
  CHECK(has(t, "алма-ате"));
  CHECK(has(t, "friberg"));
  CHECK(has(t, "storey"));
  CHECK(has(t, "friberg-storey"));
}

TEST_CASE("compound tokens share the position of their first part") {
  Analyzer a;
  std::vector<Token> toks;
  a.tokenize("Алма-Ата сегодня", Lang::ru, toks);
  REQUIRE(toks.size() == 4);
  CHECK(toks[0].text == "алма");
  CHECK(toks[1].text == "ата");
  CHECK(toks[2].kind == TokenKind::compound);
  CHECK(toks[2].position == toks[0].position);
  CHECK(toks[3].position == toks[1].position + 1);
}

TEST_CASE("initials, abbreviations, acronyms and numbers are tokens") {
  Analyzer a;
  auto t = texts(a, "Ye. Tukumov и Е. Тукумов, т.е. ООН, ШОС и UNRCCA; 20.04.2022 и 2,5 млрд");
  CHECK(has(t, "ye"));
  CHECK(has(t, "tukumov"));
  CHECK(has(t, "е"));
  CHECK(has(t, "тукумов"));
  CHECK(has(t, "те"));  // т.е. without its dots
  CHECK(has(t, "оон"));
  CHECK(has(t, "шос"));
  CHECK(has(t, "unrcca"));
  CHECK(has(t, "20.04.2022"));
  CHECK(has(t, "2,5"));
}

TEST_CASE("a word glued to initials or a short form by a dot is a word of its own") {
  Analyzer a;
  CHECK(texts(a, "В.Путина") == std::vector<std::string>{"в", "путина"});
  CHECK(texts(a, "Ф.М.Достоевский") == std::vector<std::string>{"ф", "м", "достоевский"});
  CHECK(texts(a, "Ш.Уәлихановтың") == std::vector<std::string>{"ш", "уәлихановтың"});
  CHECK(texts(a, "в г.Алматы, ул.Абая") == std::vector<std::string>{"в", "г", "алматы", "ул", "абая"});
  CHECK(texts(a, "kisi.kz") == std::vector<std::string>{"kisi", "kz"});
  // Abbreviations of single letters stay one word without their dots.
  CHECK(texts(a, "т.е. U.S. и.о.") == std::vector<std::string>{"те", "us", "ио"});
  // The parts are positions of their own, as if spaced: a phrase matches either way.
  std::vector<Token> glued, spaced;
  a.tokenize("Н.Назарбаев сказал", Lang::ru, glued);
  a.tokenize("Н. Назарбаев сказал", Lang::ru, spaced);
  REQUIRE(glued.size() == spaced.size());
  for (size_t i = 0; i < glued.size(); ++i) {
    CHECK(glued[i].text == spaced[i].text);
    CHECK(glued[i].position == spaced[i].position);
    CHECK(glued[i].stem_lang == spaced[i].stem_lang);
  }
}

TEST_CASE("a dotted abbreviation folds look-alikes across its dots and stays normalized") {
  // Found by fuzz/fuzz_analyzer.cpp: the dots split the letters into runs,
  // so "т.e" with a Latin e became the mixed-script token "тe".
  Analyzer a;
  CHECK(texts(a, "т.e.") == std::vector<std::string>{"те"});
  CHECK(texts(a, "т.е.") == std::vector<std::string>{"те"});
  std::vector<Token> toks;
  a.tokenize("Т.ЕKGB", Lang::ru, toks);  // a letter and a word: two words, the mostly Latin one Latin
  REQUIRE(toks.size() == 2);
  CHECK(toks[0].text == "т");
  CHECK(toks[1].text == "ekgb");
  for (const Token& t : toks) {
    CHECK(normalize(t.text) == t.text);
    CHECK(t.stem_lang == stem_language(t.text, Lang::ru));
  }
  CHECK(toks[1].stem_lang == Lang::en);
}

TEST_CASE("Kazakh letters and mixed scripts tokenize as words") {
  Analyzer a;
  auto t = texts(a, "Қазақстанның әлеуеті және UNRCCA-ның өңірлік қауіпсіздігі");
  CHECK(has(t, "қазақстанның"));
  CHECK(has(t, "әлеуеті"));
  CHECK(has(t, "өңірлік"));
  CHECK(has(t, "қауіпсіздігі"));
}

TEST_CASE("language detection tells Russian, English and Kazakh apart") {
  struct Case {
    std::string text;
    Lang lang;
  };
  const Case cases[] = {
      {"Встреча министров иностранных дел стран Центральной Азии прошла в Астане.", Lang::ru},
      {"The meeting of Central Asian foreign ministers took place in Astana.", Lang::en},
      {"Орталық Азия елдерінің сыртқы істер министрлерінің кездесуі Астанада өтті.", Lang::kk},
      {"Қазақстан", Lang::kk},
      {"water security", Lang::en},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    CHECK(detect_language(c.text).lang == c.lang);
  }
}

TEST_CASE("a short Cyrillic query without Kazakh letters is ambiguous") {
  const LangGuess g = detect_language("министр");
  CHECK(g.lang == Lang::ru);
  CHECK(g.cyrillic_ambiguous);
  CHECK(g.confidence < 0.5);
  CHECK_FALSE(detect_language("Министр иностранных дел и его коллеги обсудили это").cyrillic_ambiguous);
}

TEST_CASE("word forms conflate to one stem") {
  Analyzer a;
  struct Group {
    Lang lang;
    std::vector<std::string> forms;
  };
  const Group groups[] = {
      {Lang::ru, {"встреча", "встречи", "встречами", "встрече", "встречу"}},
      {Lang::ru, {"Казахстан", "Казахстана", "Казахстане", "Казахстаном", "казахстану"}},
      {Lang::ru, {"Астана", "Астаны", "Астане", "Астану"}},
      {Lang::ru, {"Афганистан", "Афганистана", "Афганистане"}},
      {Lang::ru, {"объём", "объем"}},
      {Lang::ru, {"ещё", "еще"}},
      {Lang::en, {"meeting", "meetings", "met", "meet"}},
      {Lang::en, {"hold", "held", "holding"}},
      {Lang::en, {"agreement", "agreements"}},
      {Lang::en, {"security", "securities"}},
  };
  for (const auto& g : groups) {
    const std::string first = index_stem(a, g.forms[0], g.lang);
    for (const auto& f : g.forms) {
      INFO(g.forms[0] << " vs " << f);
      CHECK(index_stem(a, f, g.lang) == first);
    }
  }
}

TEST_CASE("different words do not conflate") {
  Analyzer a;
  struct Pair {
    Lang lang;
    std::string a, b;
  };
  const Pair pairs[] = {
      {Lang::ru, "встреча", "вставка"},   {Lang::ru, "мир", "мирный"},
      {Lang::ru, "вода", "водитель"},     {Lang::ru, "газ", "газета"},
      {Lang::en, "water", "waiter"},      {Lang::en, "energy", "enemy"},
      {Lang::en, "policy", "police"},
      {Lang::en, "fed", "feed"},     // the Fed is not feeding
      {Lang::en, "left", "leave"},   // left is mostly a direction in news
  };
  for (const auto& p : pairs) {
    INFO(p.a << " vs " << p.b);
    CHECK(index_stem(a, p.a, p.lang) != index_stem(a, p.b, p.lang));
  }
}

TEST_CASE("capitalised words are stemmed like lower-case ones") {
  Analyzer a;
  CHECK(index_stem(a, "Казахстана", Lang::ru) == index_stem(a, "казахстана", Lang::ru));
  CHECK(index_stem(a, "Meetings", Lang::en) == index_stem(a, "meetings", Lang::en));
}

TEST_CASE("stopwords of each language") {
  CHECK(is_stopword(Lang::ru, "и"));
  CHECK(is_stopword(Lang::en, "the"));
  CHECK(is_stopword(Lang::kk, "және"));
  CHECK_FALSE(is_stopword(Lang::ru, "встреча"));
  CHECK_FALSE(is_stopword(Lang::en, "water"));
  // Question words in all their forms: a question's topic is in its other words.
  for (const char* w : {"кем", "каким", "сколько", "почему", "чьи"}) CHECK(is_stopword(Lang::ru, w));
  for (const char* w : {"which", "who", "when"}) CHECK(is_stopword(Lang::en, w));
  for (const char* w : {"қандай", "кімнің", "қанша", "дегеніміз"}) CHECK(is_stopword(Lang::kk, w));
  CHECK_FALSE(is_stopword(Lang::kk, "су"));
}

TEST_CASE("the snippet stemmer analyses words like the indexer") {
  Analyzer a;
  Xapian::Stem ru = make_text_stemmer(Lang::ru);
  CHECK(ru("Казахстане") == index_stem(a, "Казахстане", Lang::ru));
  CHECK(ru("её") == index_stem(a, "ее", Lang::ru));
  CHECK(ru("meetings") == index_stem(a, "meetings", Lang::en));  // Latin word in Russian text
}

TEST_CASE("analysis options round-trip through their text form") {
  AnalysisOptions o;
  CHECK(AnalysisOptions::parse(o.to_string()) == o);
  o.stem = false;
  o.fold_yo = false;
  CHECK(AnalysisOptions::parse(o.to_string()) == o);
  CHECK(AnalysisOptions::parse("") == AnalysisOptions{});
  CHECK_THROWS_AS(AnalysisOptions::parse("stem=2"), std::invalid_argument);
  CHECK_THROWS_AS(AnalysisOptions::parse("colour=1"), std::invalid_argument);
}

TEST_CASE("switched-off steps really are off") {
  AnalysisOptions no_yo;
  no_yo.fold_yo = false;
  Analyzer plain, keep_yo(no_yo);
  CHECK(texts(plain, "Ещё") == std::vector<std::string>{"еще"});
  CHECK(texts(keep_yo, "Ещё") == std::vector<std::string>{"ещё"});

  AnalysisOptions some;
  some.stem_capitalized = false;
  Analyzer stem_some(some);
  std::vector<Token> toks;
  stem_some.tokenize("Казахстана казахстана", Lang::ru, toks);
  REQUIRE(toks.size() == 2);
  CHECK(toks[0].text == "казахстана");
  CHECK(toks[0].stem_lang == Lang::unknown);  // capitalised: left unstemmed
  CHECK(toks[1].stem_lang == Lang::ru);
}
