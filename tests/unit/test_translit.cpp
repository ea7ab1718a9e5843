// Names across scripts: transliteration, fold keys and keyboard layouts.
#include <catch2/catch.hpp>

#include <unicode/utf8.h>

#include <algorithm>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "stemmers/keyboard.h"
#include "stemmers/lang.h"
#include "stemmers/translit.h"

using namespace letopis::analysis;

namespace {

bool shares_key(const std::string& cyrillic, Lang lang, const std::string& latin) {
  const std::vector<std::string> keys = latin_keys(cyrillic, lang);
  return std::find(keys.begin(), keys.end(), latin_fold(latin)) != keys.end();
}

bool valid_utf8(const std::string& s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const auto len = static_cast<int32_t>(s.size());
  for (int32_t i = 0; i < len;) {
    UChar32 c;
    U8_NEXT(p, i, len, c);
    if (c < 0) return false;
  }
  return true;
}

bool is_fold_key(const std::string& s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
}

std::string ascii_lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// Random strings made of the given UTF-8 letters (one letter per element).
std::string random_word(std::mt19937& rng, const std::vector<std::string>& letters, size_t max_len) {
  std::uniform_int_distribution<size_t> len(1, max_len);
  std::uniform_int_distribution<size_t> pick(0, letters.size() - 1);
  std::string s;
  for (size_t n = len(rng); n > 0; --n) s += letters[pick(rng)];
  return s;
}

std::vector<std::string> split_letters(const std::string& utf8) {
  std::vector<std::string> out;
  const auto* p = reinterpret_cast<const uint8_t*>(utf8.data());
  const auto len = static_cast<int32_t>(utf8.size());
  for (int32_t i = 0; i < len;) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(p, i, len, c);
    out.push_back(utf8.substr(static_cast<size_t>(start), static_cast<size_t>(i - start)));
  }
  return out;
}

std::string random_bytes(std::mt19937& rng, size_t max_len) {
  std::uniform_int_distribution<size_t> len(0, max_len);
  std::uniform_int_distribution<int> byte(0, 255);
  std::string s(len(rng), '\0');
  for (char& c : s) c = static_cast<char>(byte(rng));
  return s;
}

const std::string kRussianLower = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя";
const std::string kRussianUpper = "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ";

}  // namespace

TEST_CASE("a Cyrillic name and its usual Latin spellings share a fold key") {
  struct Case {
    std::string cyrillic;
    Lang lang;
    std::vector<std::string> latin;
  };
  const std::vector<Case> cases = {
      {"Герман", Lang::ru, {"Gherman", "German", "GERMAN"}},
      {"Тукумов", Lang::ru, {"Tukumov"}},
      {"Қазақстан", Lang::kk, {"Qazaqstan", "Kazakhstan", "Kazakstan"}},
      {"Казахстан", Lang::ru, {"Kazakhstan", "Qazaqstan"}},
      {"Ташкент", Lang::ru, {"Tashkent"}},
      {"Алматы", Lang::ru, {"Almaty"}},
      {"Алматы", Lang::kk, {"Almaty"}},
      {"Нур-Султан", Lang::ru, {"Nur-Sultan", "Nursultan"}},
      {"Нұр-Сұлтан", Lang::kk, {"Nur-Sultan", "Nūr-Sūltan"}},
      {"Бишкек", Lang::ru, {"Bishkek"}},
      {"Душанбе", Lang::ru, {"Dushanbe"}},
      {"Ашхабад", Lang::ru, {"Ashkhabad"}},
      {"Шымкент", Lang::kk, {"Shymkent", "Şymkent", "Symkent"}},
      {"Ақтөбе", Lang::kk, {"Aktobe", "Aqtöbe"}},
      {"Жаңаөзен", Lang::kk, {"Zhanaozen", "Janaözen", "Jañaözen", "Zhangaozen"}},
      {"Григорьев", Lang::ru, {"Grigoryev", "Grigoriev"}},
      {"Сергеев", Lang::ru, {"Sergeyev", "Sergeev"}},
      {"Евгений", Lang::ru, {"Yevgeny", "Evgeny", "Yevgeniy", "Evgenii"}},
      {"Юрий", Lang::ru, {"Yuri", "Yury", "Yuriy", "Iurii"}},
      {"Хрущёв", Lang::ru, {"Khrushchev", "Hrushchev"}},
      {"Зеленский", Lang::ru, {"Zelensky", "Zelenskiy", "Zelenskyy"}},
      {"Шойгу", Lang::ru, {"Shoigu", "Shoygu", "Šoigu"}},
      {"Жанна", Lang::ru, {"Zhanna", "Janna"}},
      {"Ахметов", Lang::kk, {"Akhmetov", "Ahmetov"}},
      {"Вашингтон", Lang::ru, {"Washington"}},
  };
  for (const Case& c : cases) {
    for (const std::string& latin : c.latin) {
      INFO(c.cyrillic << " / " << latin << " / fold " << latin_fold(latin));
      CHECK(shares_key(c.cyrillic, c.lang, latin));
    }
  }
}

TEST_CASE("different names do not share a fold key") {
  struct Case {
    std::string cyrillic;
    Lang lang;
    std::string latin;
  };
  const std::vector<Case> cases = {
      {"Иванов", Lang::ru, "Ivanova"},
      {"Тукумов", Lang::ru, "Tukumova"},
      {"Мир", Lang::ru, "Mars"},
      {"Казань", Lang::ru, "Kazakhstan"},
      {"Бишкек", Lang::ru, "Dushanbe"},
      // Ашхабад (the Russian exonym) and Ashgabat (the Turkmen name) differ in
      // letters, not in spelling: х/g, д/t. Only a synonym list can join them;
      // a fold loose enough to do it would merge unrelated names.
      {"Ашхабад", Lang::ru, "Ashgabat"},
      // Likewise the old name: Alma-Ata is not a spelling of Алматы.
      {"Алматы", Lang::ru, "Alma-Ata"},
  };
  for (const Case& c : cases) {
    INFO(c.cyrillic << " / " << c.latin);
    CHECK_FALSE(shares_key(c.cyrillic, c.lang, c.latin));
  }
}

TEST_CASE("latin_fold merges spelling variants and nothing else") {
  struct Case {
    std::string a, b;
    bool same;
  };
  const std::vector<Case> cases = {
      {"Gherman", "German", true},     {"Khabarovsk", "Habarovsk", true},
      {"Yelena", "Elena", true},       {"Gennady", "Genady", true},
      {"Tsoy", "Tsoi", true},          {"Alexei", "Aleksey", true},
      {"Kazakhstan", "Qazaqstan", true}, {"Zhanna", "Janna", true},
      {"Dostoyevsky", "Dostoevsky", true},
      {"Ivanov", "Ivanova", false},    {"Mir", "Mars", false},
      {"Kazan", "Kazakhstan", false},  {"Almaty", "Astana", false},
  };
  for (const Case& c : cases) {
    INFO(c.a << " -> " << latin_fold(c.a) << ", " << c.b << " -> " << latin_fold(c.b));
    CHECK((latin_fold(c.a) == latin_fold(c.b)) == c.same);
  }
  CHECK(latin_fold("Gherman") == latin_fold(to_latin("Герман", Lang::ru)));
  CHECK(latin_fold("") == "");
  CHECK(latin_fold("—'") == "");
}

TEST_CASE("to_latin gives the BGN romanization as a lowercase ASCII key") {
  struct Case {
    std::string in;
    Lang lang;
    std::string out;
  };
  const std::vector<Case> cases = {
      {"Герман", Lang::ru, "german"},         {"Тукумов", Lang::ru, "tukumov"},
      {"Казахстан", Lang::ru, "kazakhstan"},  {"Қазақстан", Lang::kk, "qazaqstan"},
      {"Қазақстан", Lang::ru, "qazaqstan"},   // Kazakh letters pick Kazakh BGN
      {"Нур-Султан", Lang::ru, "nur-sultan"}, {"Хрущёв", Lang::ru, "khrushchev"},
      {"Подъячев", Lang::ru, "podyachev"},    {"Григорьев", Lang::ru, "grigoryev"},
      {"Ақтөбе", Lang::kk, "aqtobe"},         {"Ерлан", Lang::kk, "erlan"},
      {"Ерлан", Lang::ru, "yerlan"},          {"Gherman", Lang::ru, "gherman"},
      {"", Lang::ru, ""},
  };
  for (const Case& c : cases) {
    INFO(c.in);
    CHECK(to_latin(c.in, c.lang) == c.out);
  }
}

TEST_CASE("kazakh_latin_2021 follows the 2021 alphabet letter by letter") {
  const std::vector<std::pair<std::string, std::string>> letters = {
      {"а", "a"}, {"ә", "ä"}, {"б", "b"},  {"в", "v"},  {"г", "g"},  {"ғ", "ğ"},  {"д", "d"},
      {"е", "e"}, {"ё", "io"}, {"ж", "j"}, {"з", "z"},  {"и", "i"},  {"й", "i"},  {"к", "k"},
      {"қ", "q"}, {"л", "l"}, {"м", "m"},  {"н", "n"},  {"ң", "ñ"},  {"о", "o"},  {"ө", "ö"},
      {"п", "p"}, {"р", "r"}, {"с", "s"},  {"т", "t"},  {"у", "u"},  {"ұ", "ū"},  {"ү", "ü"},
      {"ф", "f"}, {"х", "h"}, {"һ", "h"},  {"ц", "ts"}, {"ч", "ch"}, {"ш", "ş"},  {"щ", "şş"},
      {"ъ", ""},  {"ы", "y"}, {"і", "ı"},  {"ь", ""},   {"э", "e"},  {"ю", "iu"}, {"я", "ia"},
      {"И", "İ"}, {"І", "I"}, {"Ш", "Ş"},  {"Ұ", "Ū"},
  };
  for (const auto& [cyrillic, latin] : letters) {
    INFO(cyrillic);
    CHECK(kazakh_latin_2021(cyrillic) == latin);
  }
  const std::vector<std::pair<std::string, std::string>> words = {
      {"Қазақстан", "Qazaqstan"}, {"Шымкент", "Şymkent"},     {"Іле", "Ile"},
      {"Ілияс", "Iliias"},        {"ЖАҢАӨЗЕН", "JAÑAÖZEN"},   {"Щучинск", "Şşuchinsk"},
      {"Үкімет", "Ükımet"},       {"Ұлттық", "Ūlttyq"},       {"ЦЕСНА", "TSESNA"},
      {"Қазақстан-2050", "Qazaqstan-2050"},
  };
  for (const auto& [cyrillic, latin] : words) {
    INFO(cyrillic);
    CHECK(kazakh_latin_2021(cyrillic) == latin);
  }
  CHECK(kazakh_latin_2021_ascii("Шымкент") == "symkent");
  CHECK(kazakh_latin_2021_ascii("Қазақстан") == "qazaqstan");
  CHECK(kazakh_latin_2021_ascii("Нұр-Сұлтан") == "nur-sultan");
  CHECK(kazakh_latin_2021_ascii("Үкімет") == "ukimet");
}

TEST_CASE("to_cyrillic reads Russian and Kazakh Latin spellings of names") {
  struct Case {
    std::string latin;
    Lang target;
    std::string cyrillic;
  };
  const std::vector<Case> cases = {
      {"Tukumov", Lang::ru, "тукумов"},      {"Gherman", Lang::ru, "герман"},
      {"Tashkent", Lang::ru, "ташкент"},     {"Shchukin", Lang::ru, "щукин"},
      {"Zhanna", Lang::ru, "жанна"},         {"Khabarovsk", Lang::ru, "хабаровск"},
      {"Yelena", Lang::ru, "елена"},         {"Sergey", Lang::ru, "сергей"},
      {"Sergei", Lang::ru, "сергей"},        {"Dmitry", Lang::ru, "дмитрий"},
      {"Zelensky", Lang::ru, "зеленский"},   {"Almaty", Lang::ru, "алматы"},
      {"Bishkek", Lang::ru, "бишкек"},       {"Dushanbe", Lang::ru, "душанбе"},
      {"Chechnya", Lang::ru, "чечня"},       {"Maria", Lang::ru, "мария"},
      {"Pyotr", Lang::ru, "петр"},           {"Tsoy", Lang::ru, "цой"},
      {"Podʺyachev", Lang::ru, "подъячев"},  {"Nur-Sultan", Lang::ru, "нур-султан"},
      {"Qazaqstan", Lang::kk, "қазақстан"},  {"Şymkent", Lang::kk, "шымкент"},
      {"Shymkent", Lang::kk, "шымкент"},     {"Aqtöbe", Lang::kk, "ақтөбе"},
      {"Jañaözen", Lang::kk, "жаңаөзен"},    {"Ūlttyq", Lang::kk, "ұлттық"},
      {"Ükımet", Lang::kk, "үкімет"},        {"Nūr-Sūltan", Lang::kk, "нұр-сұлтан"},
      {"Ile", Lang::kk, "іле"},              {"Iliias", Lang::kk, "ілияс"},
      {"İvanov", Lang::kk, "иванов"},
  };
  for (const Case& c : cases) {
    INFO(c.latin);
    CHECK(to_cyrillic(c.latin, c.target) == c.cyrillic);
  }
}

TEST_CASE("simple Russian names survive to_latin then to_cyrillic") {
  for (const std::string name : {"тукумов", "ташкент", "бишкек", "душанбе", "герман", "щукин",
                                 "жанна", "хабаровск", "чечня", "сергей", "зеленский",
                                 "дмитрий", "юрий", "евгений", "шойгу", "цой"}) {
    INFO(name << " -> " << to_latin(name, Lang::ru));
    CHECK(to_cyrillic(to_latin(name, Lang::ru), Lang::ru) == name);
  }
}

TEST_CASE("fold keys are fixed points of latin_fold") {
  std::mt19937 rng(20240501);
  const std::vector<std::string> latin = split_letters("abcdefghijklmnopqrstuvwxyzäöüşñğıūç'-");
  for (int i = 0; i < 2000; ++i) {
    const std::string w = random_word(rng, latin, 12);
    const std::string k = latin_fold(w);
    INFO(w << " -> " << k);
    REQUIRE(is_fold_key(k));
    REQUIRE(latin_fold(k) == k);
  }
  const std::vector<std::string> cyrillic = split_letters(kRussianLower + "әғқңөұүһі");
  for (int i = 0; i < 500; ++i) {
    const std::string w = random_word(rng, cyrillic, 10);
    for (const std::string& k : latin_keys(w, Lang::kk)) {
      INFO(w << " -> " << k);
      REQUIRE(is_fold_key(k));
      REQUIRE(latin_fold(k) == k);
    }
  }
}

TEST_CASE("transliteration gives the same answers on many threads") {
  const std::vector<std::string> names = {"Герман", "Қазақстан", "Тукумов", "Нұр-Сұлтан", "Хрущёв"};
  std::vector<std::vector<std::string>> expected;
  for (const auto& n : names) expected.push_back(latin_keys(n, Lang::kk));
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < mismatches.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 50; ++round) {
        for (size_t i = 0; i < names.size(); ++i) {
          if (latin_keys(names[i], Lang::kk) != expected[i]) ++mismatches[t];
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(mismatches == std::vector<int>(4, 0));
}

TEST_CASE("transliteration never crashes on invalid UTF-8 or random bytes") {
  std::mt19937 rng(7);
  std::vector<std::string> inputs = {"\xff\xfe", "\xd0", "Гер\x80ман", "\xe2\x82", "\xf4\x90\x80\x80",
                                     std::string("\0Қ", 3)};
  for (int i = 0; i < 300; ++i) inputs.push_back(random_bytes(rng, 24));
  for (const std::string& in : inputs) {
    for (Lang lang : {Lang::ru, Lang::kk, Lang::en, Lang::unknown}) {
      const std::string latin = to_latin(in, lang);
      CHECK(std::all_of(latin.begin(), latin.end(), [](char c) { return c > 0; }));
      for (const std::string& k : latin_keys(in, lang)) CHECK(is_fold_key(k));
      CHECK(valid_utf8(to_cyrillic(in, lang)));
    }
    CHECK(is_fold_key(latin_fold(in)));
    CHECK(valid_utf8(kazakh_latin_2021(in)));
    CHECK(valid_utf8(kazakh_latin_2021_ascii(in)));
  }
  CHECK(to_latin("Гер\x80ман", Lang::ru) == "german");
}

TEST_CASE("text typed on QWERTY meaning Russian becomes Cyrillic") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"ghbdtn", "привет"},
      // The brief spelled this "vbyccnthcndj", which types «минсстерство».
      {"vbybcnthcndj", "министерство"},
      {"dcnhtxf", "встреча"},
      {"Ghbdtn", "Привет"},
      {"{jkjl", "Холод"},
      {"k.,jdm", "любовь"},
      {";ehyfk", "журнал"},
      {"'nj", "это"},
      {"`krf", "ёлка"},
      {"C]tim", "Съешь"},
      {"ghbdtn vbh!", "привет мир!"},
      {"rfpf[cnfy 2024", "казахстан 2024"},
  };
  for (const auto& [qwerty, cyrillic] : cases) {
    INFO(qwerty);
    CHECK(qwerty_to_cyrillic(qwerty, Lang::ru) == cyrillic);
  }
}

TEST_CASE("Cyrillic typed meaning English becomes QWERTY") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"Ефырлуте", "tashkent"}, {"руддщ", "hello"}, {"цщкдв", "world"},
      {"Привет", "ghbdtn"},     {"Холод", "{jkjl"},  {"сәлем", "c2ktv"},
  };
  for (const auto& [cyrillic, qwerty] : cases) {
    INFO(cyrillic);
    CHECK(ascii_lower(cyrillic_to_qwerty(cyrillic)) == ascii_lower(qwerty));
  }
  CHECK(cyrillic_to_qwerty("Ефырлуте") == "Tashkent");
  CHECK(cyrillic_to_qwerty("Холод") == "{jkjl");
}

TEST_CASE("the Kazakh layout types its letters on the digit row") {
  const std::vector<std::pair<std::string, std::string>> keys = {
      {"ә", "2"}, {"і", "3"}, {"ң", "4"}, {"ғ", "5"}, {"ү", "8"}, {"ұ", "9"},
      {"қ", "0"}, {"ө", "-"}, {"һ", "="}, {"Ә", "@"}, {"І", "#"}, {"Ң", "$"},
      {"Ғ", "%"}, {"Ү", "*"}, {"Ұ", "("}, {"Қ", ")"}, {"Ө", "_"}, {"Һ", "+"},
  };
  for (const auto& [letter, key] : keys) {
    INFO(letter);
    CHECK(cyrillic_to_qwerty(letter) == key);
    CHECK(qwerty_to_cyrillic("f" + key, Lang::kk) == "а" + letter);
  }
  CHECK(qwerty_to_cyrillic("c2ktv", Lang::kk) == "сәлем");
  CHECK(qwerty_to_cyrillic(")fpf0cnfy", Lang::kk) == "Қазақстан");
  CHECK(qwerty_to_cyrillic("e0sv", Lang::kk) == "уқым");
  // Numbers stay numbers; the Russian layout has no such keys.
  CHECK(qwerty_to_cyrillic("ghbdtn 2024", Lang::kk) == "привет 2024");
  CHECK(qwerty_to_cyrillic("c2ktv", Lang::ru) == "с2лем");
}

TEST_CASE("layout mapping round-trips over each layout's alphabet") {
  std::mt19937 rng(42);
  const std::vector<std::string> russian = split_letters(kRussianLower + kRussianUpper);
  for (int i = 0; i < 1000; ++i) {
    const std::string s = random_word(rng, russian, 8) + " " + random_word(rng, russian, 8);
    INFO(s);
    REQUIRE(qwerty_to_cyrillic(cyrillic_to_qwerty(s), Lang::ru) == s);
  }
  // Kazakh: each word starts with a letter on the Russian keys, so that its
  // digit-row letters are read as letters, not as a number.
  const std::vector<std::string> kazakh = split_letters(
      "абвгдежзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі"
      "АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯӘҒҚҢӨҰҮҺІ");
  const std::vector<std::string> shared = split_letters(kRussianLower);
  for (int i = 0; i < 1000; ++i) {
    const std::string s = random_word(rng, shared, 1) + random_word(rng, kazakh, 8);
    INFO(s);
    REQUIRE(qwerty_to_cyrillic(cyrillic_to_qwerty(s), Lang::kk) == s);
  }
  const std::vector<std::string> keys = split_letters(
      "qwertyuiop[]asdfghjkl;'zxcvbnm,.`QWERTYUIOP{}ASDFGHJKL:\"ZXCVBNM<>~");
  for (int i = 0; i < 1000; ++i) {
    const std::string s = random_word(rng, keys, 10);
    INFO(s);
    REQUIRE(cyrillic_to_qwerty(qwerty_to_cyrillic(s, Lang::ru)) == s);
  }
}

TEST_CASE("wrong-layout hint fires on mistyped words and not on real ones") {
  const std::vector<std::pair<std::string, bool>> cases = {
      {"ghbdtn", true},        {"vbybcnthcndj", true},   {"dcnhtxf", true},
      {"Ефырлуте", true},      {"руддщ", true},          {"цщкдв", true},
      {"ghbdtn vbh", true},    {"k.,jdm", true},         {"rfpf[cnfy", true},
      {"привет", false},       {"hello", false},         {"Tashkent", false},
      {"Москва", false},       {"министерство", false},  {"Almaty", false},
      {"NATO", false},         {"KGB", false},           {"the quick brown fox", false},
      {"съешь же ещё этих мягких французских булок", false},
      {"", false},             {"2024", false},          {"ab", false},
  };
  for (const auto& [text, expected] : cases) {
    INFO(text);
    CHECK(looks_like_wrong_layout(text) == expected);
  }
}

TEST_CASE("keyboard mapping never crashes on invalid UTF-8 or random bytes") {
  std::mt19937 rng(11);
  for (int i = 0; i < 500; ++i) {
    const std::string in = random_bytes(rng, 32);
    CHECK(valid_utf8(qwerty_to_cyrillic(in, Lang::ru)));
    CHECK(valid_utf8(qwerty_to_cyrillic(in, Lang::kk)));
    CHECK(valid_utf8(cyrillic_to_qwerty(in)));
    CHECK(looks_like_wrong_layout(in) == looks_like_wrong_layout(in));
  }
  CHECK(qwerty_to_cyrillic("gh\xff\xfe", Lang::ru) == "пр");
}
