// Unit tests for letopis::analysis::KazakhStemmer.
//
// The expected stems below document the stemmer's behaviour; see
// stemmers/README.md ("Kazakh stemmer") for the rules behind them.

#include "stemmers/kazakh_stemmer.h"

#include <catch2/catch.hpp>

#include <cstddef>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <xapian.h>

namespace {

using letopis::analysis::KazakhStemmer;
using letopis::analysis::make_kazakh_stem;

std::string stem(const std::string& word) {
  KazakhStemmer stemmer;
  return stemmer(word);
}

// Minimal UTF-8 decoder for the property checks (inputs are valid UTF-8).
std::u32string to_u32(const std::string& s) {
  std::u32string out;
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    const int len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    char32_t c = len == 1 ? b : b & (0xFF >> (len + 1));
    for (int k = 1; k < len; ++k) {
      c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
    out.push_back(c);
    i += static_cast<std::size_t>(len);
  }
  return out;
}

bool is_vowel(char32_t c) {
  return std::u32string_view(U"аәеёиоөуұүыіэюя").find(c) !=
         std::u32string_view::npos;
}

bool is_full_vowel(char32_t c) {  // a vowel other than the glides у/и
  return is_vowel(c) && c != U'у' && c != U'и';
}

// The minimal root rule: a stem that was cut has at least two letters and
// a vowel, and a two-letter stem does not end in a full vowel.
bool is_acceptable_root(const std::u32string& s) {
  if (s.size() < 2) return false;
  if (s.size() == 2 && is_full_vowel(s[1])) return false;
  for (char32_t c : s) {
    if (is_vowel(c)) return true;
  }
  return false;
}

// Roots restored after vowel elision (халқы -> халық): the only stems that
// are not a prefix of their word.  Mirrors kElisions in the implementation.
const std::vector<std::pair<std::u32string, std::u32string>> kElided = {
    {U"ауз", U"ауыз"},   {U"бөрк", U"бөрік"}, {U"ерк", U"ерік"},
    {U"ерн", U"ерін"},   {U"көрк", U"көрік"}, {U"мойн", U"мойын"},
    {U"мұрн", U"мұрын"}, {U"нарқ", U"нарық"}, {U"орн", U"орын"},
    {U"халқ", U"халық"}, {U"ғұрп", U"ғұрып"}, {U"қарн", U"қарын"},
    {U"қойн", U"қойын"}, {U"құлқ", U"құлық"},
};

// The stem is a prefix of the word, possibly with its last letter devoiced
// (б->п, г->к, ғ->қ), or a listed elided root.
bool is_prefix_modulo_devoicing(const std::u32string& s,
                                const std::u32string& w) {
  if (s.empty() || s.size() > w.size()) return false;
  const std::size_t k = s.size() - 1;
  if (w.compare(0, k, s, 0, k) != 0) return false;
  const char32_t a = w[k];
  const char32_t b = s[k];
  return a == b || (a == U'б' && b == U'п') || (a == U'г' && b == U'к') ||
         (a == U'ғ' && b == U'қ');
}

bool is_allowed_stem(const std::string& stem_utf8, const std::string& word) {
  const std::u32string s = to_u32(stem_utf8);
  const std::u32string w = to_u32(word);
  if (is_prefix_modulo_devoicing(s, w)) return true;
  for (const auto& [elided, root] : kElided) {
    if (s == root && w.compare(0, elided.size(), elided) == 0) return true;
  }
  return false;
}

struct Paradigm {
  std::string expected;             // the stem of every form
  std::vector<std::string> forms;   // inflected forms of one word
};

// Forms that must conflate.  Decisions documented in README.md:
// -лық/-лік derivatives conflate with their base (мемлекеттік ->
// мемлекет); the verbal noun -у is kept (кездесу); agent nouns keep -ш
// (сарапшы -> сарапш, the final -ы is cut in every form alike).
const std::vector<Paradigm> kParadigms = {
    {"кездесу",
     {"кездесу", "кездесуі", "кездесулер", "кездесуде", "кездесулерде",
      "кездесулердің", "кездесуге", "кездесуінде", "кездесудің"}},
    {"қазақстан",
     {"қазақстан", "қазақстанның", "қазақстанда", "қазақстанға",
      "қазақстаннан", "қазақстанды", "қазақстанмен", "қазақстандағы"}},
    {"су", {"су", "суы", "сулар", "судың", "суда", "суға", "суын"}},
    {"ел",
     {"ел", "елдер", "елдің", "елдерде", "елдерінің", "елі", "елге",
      "еліміз", "елімізде"}},
    {"мемлекет",
     {"мемлекет", "мемлекеттер", "мемлекеттің", "мемлекеттерге",
      "мемлекеттік", "мемлекеті", "мемлекетін", "мемлекеттерінің"}},
    {"ынтымақтас",
     {"ынтымақтастық", "ынтымақтастықты", "ынтымақтастығы",
      "ынтымақтастықтың", "ынтымақтастыққа"}},
    {"кітап",
     {"кітап", "кітабы", "кітаптар", "кітапқа", "кітабын", "кітаптың"}},
    {"министр",
     {"министр", "министрі", "министрдің", "министрге", "министрлер",
      "министрлері", "министрлігі"}},
    {"делегация",
     {"делегация", "делегациясы", "делегацияның", "делегацияға",
      "делегациялар", "делегациясының"}},
    {"энергетика",
     {"энергетика", "энергетикасы", "энергетиканың", "энергетикада",
      "энергетикалық"}},
    {"өңір",
     {"өңір", "өңірі", "өңірде", "өңірдің", "өңірлер", "өңірлерде", "өңірге",
      "өңірінде"}},
    {"келісім",
     {"келісім", "келісімі", "келісімге", "келісімдер", "келісімнің",
      "келісімді", "келісімде"}},
    {"жиналыс",
     {"жиналыс", "жиналысы", "жиналыста", "жиналыстың", "жиналысқа",
      "жиналыстар"}},
    {"саммит",
     {"саммит", "саммиті", "саммитте", "саммиттің", "саммитке",
      "саммиттер"}},
    {"форум",
     {"форум", "форумы", "форумда", "форумның", "форумға", "форумдар"}},
    {"сарапш",
     {"сарапшы", "сарапшылар", "сарапшының", "сарапшылардың",
      "сарапшысы"}},
    {"бағдарлама",
     {"бағдарлама", "бағдарламасы", "бағдарламаның", "бағдарламаға",
      "бағдарламалар", "бағдарламасын"}},
    {"ұйым", {"ұйым", "ұйымы", "ұйымдар", "ұйымның", "ұйымға", "ұйымдардың"}},
    {"қауіпсіз",
     {"қауіпсіздік", "қауіпсіздігі", "қауіпсіздікті", "қауіпсіздіктің",
      "қауіпсіздікке"}},
    {"халық",
     {"халық", "халқы", "халқының", "халықтың", "халыққа", "халықтар"}},
    {"университет",
     {"университет", "университеті", "университетте", "университеттің",
      "университетке"}},
    {"президент",
     {"президент", "президенті", "президенттің", "президентке",
      "президентіміз"}},
    {"жоба", {"жоба", "жобасы", "жобаның", "жобалар", "жобаны", "жобаға"}},
    {"инвестиция",
     {"инвестиция", "инвестициялар", "инвестициялардың", "инвестицияны"}},
    {"қала",
     {"қала", "қаласы", "қалада", "қаланың", "қалалар", "қаласында",
      "қаланы"}},
    {"адам", {"адам", "адамдар", "адамның", "адамға", "адамдардың"}},
    {"ақын", {"ақын", "ақынның", "ақыны", "ақында", "ақындар", "ақынға"}},
    {"аудан",
     {"аудан", "ауданы", "ауданда", "ауданның", "аудандар", "ауданына"}},
    {"соғыс", {"соғыс", "соғысы", "соғыста", "соғыстың", "соғыстар"}},
    {"сайлау",
     {"сайлау", "сайлауы", "сайлауда", "сайлаудың", "сайлауға"}},
    {"тау", {"тау", "тауы", "таулар", "таудың", "тауда"}},
    {"мектеп",
     {"мектеп", "мектебі", "мектептер", "мектепте", "мектептің"}},
    {"жүрек", {"жүрек", "жүрегі", "жүректің", "жүрекке"}},
    {"тарих", {"тарих", "тарихы", "тарихта", "тарихтың"}},
    {"орын", {"орын", "орны", "орнына", "орындар", "орнында"}},
    {"заң", {"заң", "заңы", "заңның", "заңдар", "заңға"}},
    {"жер", {"жер", "жері", "жерде", "жердің", "жерлер", "жерінде"}},
    // verbs: finite forms, participles and negation meet at the root
    {"бол",
     {"болды", "болады", "болып", "болған", "болатын", "болмайды",
      "болмаған", "болмады", "болғанда", "болғандықтан"}},
    {"баста",
     {"бастады", "бастап", "бастаған", "бастайды", "бастайтын"}},
};

}  // namespace

TEST_CASE("Kazakh stemmer conflates the forms of a word",
          "[kazakh_stemmer]") {
  for (const Paradigm& p : kParadigms) {
    for (const std::string& form : p.forms) {
      INFO("form: " << form);
      CHECK(stem(form) == p.expected);
    }
  }
}

TEST_CASE("Kazakh stemmer keeps distinct words apart", "[kazakh_stemmer]") {
  // Pairs of different words (and some of their forms) that must not meet.
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"бала", "бал"},       {"баланың", "балдың"}, {"ана", "ан"},
      {"қала", "қал"},       {"қаланың", "қалды"},  {"алма", "ал"},
      {"алманың", "алды"},   {"тау", "та"},         {"жер", "же"},
      {"ет", "е"},           {"су", "с"},           {"ақын", "ақ"},
      {"ақында", "ақта"},    {"аудан", "ау"},       {"оны", "он"},
      {"онда", "он"},        {"үшін", "үш"},        {"басқа", "бас"},
      {"пайда", "пай"},      {"сауда", "сау"},      {"алтын", "алты"},
      {"теңге", "тең"},      {"орда", "ор"},        {"кітап", "кіта"},
      {"жауап", "жау"},      {"барлық", "бар"},     {"оқиға", "оқи"},
      {"қазақ", "қазан"},    {"қазан", "қаза"},
  };
  for (const auto& [a, b] : pairs) {
    INFO(a << " vs " << b);
    CHECK(stem(a) != stem(b));
  }
}

TEST_CASE("Kazakh stemmer keeps roots that only look inflected",
          "[kazakh_stemmer]") {
  // Each word is its own stem: its ending is part of the root.
  const std::vector<std::string> roots = {
      "қазан",  "адам",   "заман", "арман",  "бала",    "ана",   "қала",
      "алма",   "тау",    "жер",   "ақын",   "аудан",   "кітап", "мектеп",
      "жауап",  "орда",   "пайда", "сауда",  "басқа",   "теңге", "үшін",
      "кейін",  "бұрын",  "алтын", "оқиға",  "нүкте",   "тұлға", "келісім",
      "білім",  "өзен",   "үлкен", "сұлтан", "өзбекстан", "түркістан",
      "доллар", "мақсат", "уақыт", "халық",  "балық",   "толық",
  };
  for (const std::string& w : roots) {
    INFO(w);
    CHECK(stem(w) == w);
  }
  // And their inflected forms come back to them.
  CHECK(stem("қазанда") == "қазан");
  CHECK(stem("қазаны") == "қазан");
  CHECK(stem("заманы") == "заман");
  CHECK(stem("армандар") == "арман");
  CHECK(stem("адамда") == "адам");
  CHECK(stem("қызылордада") == "қызылорда");
  CHECK(stem("абылайханы") == "абылайхан");
}

TEST_CASE("Kazakh stemmer leaves short and foreign tokens alone",
          "[kazakh_stemmer]") {
  for (const std::string w :
       {"", "е", "с", "ел", "су", "ет", "ал", "ан", "та", "же", "xapian",
        "2024", "covid-19", "ҚАЗАҚСТАННЫҢ", "қазақ-стан", "кітапы1"}) {
    INFO(w);
    CHECK(stem(w) == w);
  }
  // Longer than any real word form: returned as is.
  std::string long_word;
  for (int i = 0; i < 5; ++i) long_word += "кездесулерде";
  CHECK(stem(long_word) == long_word);
}

TEST_CASE("Kazakh stemmer properties hold on generated word forms",
          "[kazakh_stemmer]") {
  const std::vector<std::string> roots = {
      "кездесу", "қазақстан", "су", "ел", "мемлекет", "кітап", "министр",
      "делегация", "өңір", "келісім", "жиналыс", "саммит", "форум", "ұйым",
      "бағдарлама", "халық", "қала", "бала", "тау", "жер", "ақын", "ат",
      "үй", "сөз", "қыз", "жүрек", "тарих", "сарапшы", "жазушы", "оқиға",
      "бол", "кел", "ал", "жаса", "баста", "оқы", "қауіпсіздік", "ет"};
  const std::vector<std::string> endings = {
      "", "ы", "і", "сы", "сі", "н", "ның", "нің", "дың", "тың", "ға", "ге",
      "қа", "ке", "на", "да", "де", "та", "нда", "дан", "тен", "нан", "ны",
      "ды", "ті", "мен", "пен", "бен", "лар", "лер", "дар", "тер", "ларың",
      "лары", "дері", "ларының", "дердің", "тарда", "ымыз", "іміз",
      "ларымызда", "дағы", "тегі", "ндағы", "лық", "лік", "тығы", "дықтың",
      "ған", "ген", "қан", "ғанда", "атын", "етін", "йтын", "ады", "еді",
      "йды", "ды", "ып", "іп", "п", "мады", "майды", "маған", "у", "уы",
      "уға", "ушы", "шылар", "ғы", "гі", "б", "ғ", "ма", "ме"};
  KazakhStemmer stemmer;
  std::size_t checked = 0;
  for (const std::string& root : roots) {
    for (const std::string& ending : endings) {
      const std::string word = root + ending;
      const std::string s = stemmer(word);
      INFO("word: " << word << ", stem: " << s);
      REQUIRE_FALSE(s.empty());
      CHECK(is_allowed_stem(s, word));
      if (s != word) CHECK(is_acceptable_root(to_u32(s)));
      // Stemming a stem may cut further, but never below the minimal root
      // and never outside the stem.
      const std::string ss = stemmer(s);
      CHECK(is_allowed_stem(ss, s));
      if (ss != s) CHECK(is_acceptable_root(to_u32(ss)));
      ++checked;
    }
  }
  CHECK(checked == roots.size() * endings.size());
}

TEST_CASE("Kazakh stemmer survives random and invalid UTF-8",
          "[kazakh_stemmer]") {
  std::mt19937 rng(20240601);
  // Building blocks: Kazakh letters, other scripts, and broken sequences.
  const std::vector<std::string> pieces = {
      "а", "ы", "і", "н", "ң", "ғ", "қ", "д", "т", "л", "р", "с", "у", "б",
      "ә", "ө", "ұ", "ү", "һ", "ь", "ё", "A", "z", "-", "'", "7", " ",
      "\xD0", "\xD3\xFF", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80",
      "\xE2\x82", "\xFF", std::string(1, '\0'), "é", "中", "🙂", "Ә", "Қ"};
  KazakhStemmer stemmer;
  for (int i = 0; i < 20000; ++i) {
    std::string word;
    const int n = static_cast<int>(rng() % 14);
    for (int k = 0; k < n; ++k) {
      if (rng() % 8 == 0) {
        word.push_back(static_cast<char>(rng() & 0xFF));  // raw byte
      } else {
        word += pieces[rng() % pieces.size()];
      }
    }
    const std::string s = stemmer(word);
    INFO("word bytes: " << word.size());
    CHECK(s.empty() == word.empty());
    CHECK(s.size() <= word.size() + 2);  // at most a restored vowel
  }
  // Invalid UTF-8 is returned unchanged.
  for (const std::string w : {"қала\xFF", "\xD2", "кітап\xD0", "\xC0\xAFлар"}) {
    CHECK(stemmer(w) == w);
  }
}

TEST_CASE("Kazakh stemmer plugs into Xapian", "[kazakh_stemmer][xapian]") {
  Xapian::Stem s = make_kazakh_stem();
  CHECK_FALSE(s.is_none());
  CHECK(s.get_description() == "Xapian::Stem(kazakh)");
  CHECK(s("кездесулерде") == s("кездесу"));
  CHECK(s("кездесулерде") == "кездесу");
  CHECK(s("қазақстанның") == "қазақстан");

  KazakhStemmer impl;
  CHECK(impl.get_description() == "kazakh");

  // End to end: index with TermGenerator, search with QueryParser.
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  Xapian::TermGenerator indexer;
  indexer.set_stemmer(s);
  const std::vector<std::string> texts = {
      "Қазақстанның энергетика министрлері саммитте кездесті.",
      "Балалар қаладағы мектептерде оқиды.",
      "Ауа райы туралы сарапшылардың пікірі."};
  for (const std::string& text : texts) {
    Xapian::Document doc;
    indexer.set_document(doc);
    indexer.index_text(text);
    doc.set_data(text);
    db.add_document(doc);
  }
  Xapian::QueryParser parser;
  parser.set_stemmer(s);
  parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
  Xapian::Enquire enquire(db);

  enquire.set_query(parser.parse_query("министрдің саммиті"));
  Xapian::MSet found = enquire.get_mset(0, 10);
  REQUIRE(found.size() == 1);
  CHECK(found.begin().get_document().get_data() == texts[0]);

  enquire.set_query(parser.parse_query("мектеп"));
  found = enquire.get_mset(0, 10);
  REQUIRE(found.size() == 1);
  CHECK(found.begin().get_document().get_data() == texts[1]);

  enquire.set_query(parser.parse_query("сарапшы"));
  found = enquire.get_mset(0, 10);
  REQUIRE(found.size() == 1);
  CHECK(found.begin().get_document().get_data() == texts[2]);
}
