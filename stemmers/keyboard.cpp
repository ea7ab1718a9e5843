#include "stemmers/utf8.h"
#include "stemmers/keyboard.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>

#include "stemmers/normalize.h"

namespace letopis::analysis {
namespace {

struct Key {
  char ascii;
  char32_t cyrillic;
};

// The Russian ЙЦУКЕН layout: the keys that type letters (see keyboard.h).
constexpr Key kRussianKeys[] = {
    {'q', U'й'}, {'w', U'ц'}, {'e', U'у'}, {'r', U'к'}, {'t', U'е'}, {'y', U'н'},
    {'u', U'г'}, {'i', U'ш'}, {'o', U'щ'}, {'p', U'з'}, {'[', U'х'}, {']', U'ъ'},
    {'a', U'ф'}, {'s', U'ы'}, {'d', U'в'}, {'f', U'а'}, {'g', U'п'}, {'h', U'р'},
    {'j', U'о'}, {'k', U'л'}, {'l', U'д'}, {';', U'ж'}, {'\'', U'э'}, {'z', U'я'},
    {'x', U'ч'}, {'c', U'с'}, {'v', U'м'}, {'b', U'и'}, {'n', U'т'}, {'m', U'ь'},
    {',', U'б'}, {'.', U'ю'}, {'`', U'ё'},
    {'Q', U'Й'}, {'W', U'Ц'}, {'E', U'У'}, {'R', U'К'}, {'T', U'Е'}, {'Y', U'Н'},
    {'U', U'Г'}, {'I', U'Ш'}, {'O', U'Щ'}, {'P', U'З'}, {'{', U'Х'}, {'}', U'Ъ'},
    {'A', U'Ф'}, {'S', U'Ы'}, {'D', U'В'}, {'F', U'А'}, {'G', U'П'}, {'H', U'Р'},
    {'J', U'О'}, {'K', U'Л'}, {'L', U'Д'}, {':', U'Ж'}, {'"', U'Э'}, {'Z', U'Я'},
    {'X', U'Ч'}, {'C', U'С'}, {'V', U'М'}, {'B', U'И'}, {'N', U'Т'}, {'M', U'Ь'},
    {'<', U'Б'}, {'>', U'Ю'}, {'~', U'Ё'},
};

// The Kazakh layout's digit row (shifted: capitals).
constexpr Key kKazakhKeys[] = {
    {'2', U'ә'}, {'3', U'і'}, {'4', U'ң'}, {'5', U'ғ'}, {'8', U'ү'}, {'9', U'ұ'},
    {'0', U'қ'}, {'-', U'ө'}, {'=', U'һ'},
    {'@', U'Ә'}, {'#', U'І'}, {'$', U'Ң'}, {'%', U'Ғ'}, {'*', U'Ү'}, {'(', U'Ұ'},
    {')', U'Қ'}, {'_', U'Ө'}, {'+', U'Һ'},
};

struct Tables {
  std::array<char32_t, 128> russian{};  // ASCII -> Cyrillic, 0 if none
  std::array<char32_t, 128> kazakh{};
};

constexpr Tables make_tables() {
  Tables t;
  for (const Key& k : kRussianKeys) t.russian[static_cast<unsigned char>(k.ascii)] = k.cyrillic;
  for (const Key& k : kKazakhKeys) t.kazakh[static_cast<unsigned char>(k.ascii)] = k.cyrillic;
  return t;
}

constexpr Tables kTables = make_tables();

char cyrillic_key(char32_t c) {
  for (const Key& k : kRussianKeys) {
    if (k.cyrillic == c) return k.ascii;
  }
  for (const Key& k : kKazakhKeys) {
    if (k.cyrillic == c) return k.ascii;
  }
  return 0;
}


bool is_ascii_letter(char32_t c) { return (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z'); }
bool is_space(char32_t c) { return u_isUWhiteSpace(static_cast<UChar32>(c)); }

// ---------------------------------------------------------------------------
// Bigram plausibility for looks_like_wrong_layout().

// Common English letter pairs, most frequent first (from published English
// letter-pair counts; the top ~200).
constexpr std::string_view kEnglishBigrams =
    "th he in er an re on at en nd ti es or te of ed is it al ar st to nt ng se ha as ou io "
    "le ve co me de hi ri ro ic ne ea ra ce li ch ll be ma si om ur ca el ta la ns di fo ho "
    "pe ec pr no ct us ac ot il tr ly nc et ut ss so rs un lo wa ge ie wh ee wi em ad ol rt "
    "po we na ul ni ts mo ow pa im mi ai sh ir su id os iv ia am fi ci vi pl ig tu ev ld ry "
    "mp fe bl ab gh ty op wo sa ay ex ke fr oo av ag if ap gr od bo sp rd do uc bu ei ov by "
    "rm ep tt oc fa ef cu rn sc gi da yo cr cl du ga qu ue ff ba ey ls va um pp ua up lu go "
    "ht ru ug ds lt pi rc rr eg au ck ew mu br bi pt ak pu";

// Common Russian letter pairs (ё counted as е).
constexpr std::u32string_view kRussianBigrams =
    U"ст но то на ен ов ни ра во ко ро ре пр по ал ос ли ол ет го ер ан ие ел ор не ка та от "
    U"ом ла ин ле ть ес ве ак ит ло ат ри ав ой ск ны од ки ил об ем де ви ми за ти ль ди ма "
    U"тр да ме ля ся ас ар он ам ис тв ий ым ые ых ую ия им ей ее ая ог ду мо ед ег ез ек ик "
    U"их из ид ив ир иц ию са се си со су сп сл св см сн те ту ты ча че чи чн чт ше ши щи ще "
    U"ют яв ял ям ян ят бе бо бы бу бр бл ва вы вл вн вс вр га ги гл гр до дн др жд же жи жн "
    U"зв зд зн зо кл кр кт ку лу лы лн му мы мн нн нт нс нь ня ну оз ож ок оп ох оч па пе пи "
    U"пу ру ры рт рс рн рк ря ук ул ум ун ур ус ут уч уд уж фо ха хо хр це ци эт ье ья ьн "
    U"ьс ое еч ещ ящ ащ ущ аш ош еш ах ох ух кв вт рм рг рд рв нд нк тк вк лю юб ев еп ай "
    U"аз ап ач ав ющ юч яз ее ои уп ую ыв ыл ыт жа зи зу ик ьк ци";

struct BigramTables {
  std::array<std::array<bool, 26>, 26> english{};
  std::array<std::array<bool, 32>, 32> russian{};  // а..я
};

constexpr int russian_index(char32_t c) {
  if (c == U'ё') c = U'е';
  return (c >= U'а' && c <= U'я') ? static_cast<int>(c - U'а') : -1;
}

constexpr BigramTables make_bigram_tables() {
  BigramTables t;
  for (size_t i = 0; i + 1 < kEnglishBigrams.size(); i += 3) {
    t.english[static_cast<size_t>(kEnglishBigrams[i] - 'a')]
             [static_cast<size_t>(kEnglishBigrams[i + 1] - 'a')] = true;
  }
  for (size_t i = 0; i + 1 < kRussianBigrams.size(); i += 3) {
    t.russian[static_cast<size_t>(russian_index(kRussianBigrams[i]))]
             [static_cast<size_t>(russian_index(kRussianBigrams[i + 1]))] = true;
  }
  return t;
}

constexpr BigramTables kBigrams = make_bigram_tables();

char32_t lower(char32_t c) { return static_cast<char32_t>(u_tolower(static_cast<UChar32>(c))); }

bool common_english(char32_t a, char32_t b) {
  a = lower(a);
  b = lower(b);
  if (a < U'a' || a > U'z' || b < U'a' || b > U'z') return false;
  return kBigrams.english[a - U'a'][b - U'a'];
}

bool common_russian(char32_t a, char32_t b) {
  const int i = russian_index(lower(a));
  const int j = russian_index(lower(b));
  return i >= 0 && j >= 0 && kBigrams.russian[static_cast<size_t>(i)][static_cast<size_t>(j)];
}

struct Score {
  int pairs = 0;     // letter pairs seen
  int original = 0;  // of them, common in the word's own language
  int mapped = 0;    // common after mapping to the other layout
};

// A key that types a letter on the Russian layout: an ASCII letter or [ ] ; ' , . ` and shifts.
bool is_layout_key(char32_t c) { return c < 128 && kTables.russian[c] != 0; }

void score_latin_word(std::u32string_view w, Score& score) {
  // Leading and trailing punctuation is more likely real punctuation.
  while (!w.empty() && !is_ascii_letter(w.front())) w.remove_prefix(1);
  while (!w.empty() && !is_ascii_letter(w.back())) w.remove_suffix(1);
  const auto letters = std::count_if(w.begin(), w.end(), is_ascii_letter);
  if (letters < 3) return;
  const bool all_caps = std::none_of(w.begin(), w.end(), [](char32_t c) { return c >= U'a' && c <= U'z'; });
  if (all_caps && w.size() <= 4) return;  // an acronym
  for (size_t i = 0; i + 1 < w.size(); ++i) {
    ++score.pairs;
    if (common_english(w[i], w[i + 1])) ++score.original;
    if (common_russian(kTables.russian[w[i]], kTables.russian[w[i + 1]])) ++score.mapped;
  }
}

void score_cyrillic_word(std::u32string_view w, Score& score) {
  if (w.size() < 3) return;
  if (std::any_of(w.begin(), w.end(), [](char32_t c) { return is_kazakh_letter(c); })) return;
  for (size_t i = 0; i + 1 < w.size(); ++i) {
    ++score.pairs;
    if (common_russian(w[i], w[i + 1])) ++score.original;
    if (common_english(static_cast<unsigned char>(cyrillic_key(w[i])),
                       static_cast<unsigned char>(cyrillic_key(w[i + 1])))) {
      ++score.mapped;
    }
  }
}

}  // namespace

std::string qwerty_to_cyrillic(std::string_view text, Lang layout) {
  const std::u32string s = decode_utf8(text);
  std::string out;
  out.reserve(text.size() * 2);
  const bool kazakh = layout == Lang::kk;
  size_t token_end = 0;
  bool token_has_letter = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char32_t c = s[i];
    if (kazakh && i >= token_end && !is_space(c)) {
      // A new token: does it have a key that types a Russian-layout letter?
      token_end = i;
      token_has_letter = false;
      while (token_end < s.size() && !is_space(s[token_end])) {
        token_has_letter = token_has_letter || is_layout_key(s[token_end]);
        ++token_end;
      }
    }
    char32_t mapped = 0;
    if (c < 128) {
      mapped = kTables.russian[c];
      if (mapped == 0 && kazakh && token_has_letter && i < token_end) mapped = kTables.kazakh[c];
    }
    append_utf8(out, mapped != 0 ? mapped : c);
  }
  return out;
}

std::string cyrillic_to_qwerty(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char32_t c : decode_utf8(text)) {
    const char key = c >= 128 ? cyrillic_key(c) : 0;
    if (key != 0) {
      out += key;
    } else {
      append_utf8(out, c);
    }
  }
  return out;
}

bool looks_like_wrong_layout(std::string_view text) {
  const std::u32string s = decode_utf8(text);
  Score score;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = i;
    if (is_layout_key(s[i])) {
      while (j < s.size() && is_layout_key(s[j])) ++j;
      score_latin_word(std::u32string_view(s).substr(i, j - i), score);
    } else if (is_cyrillic(s[i])) {
      while (j < s.size() && is_cyrillic(s[j])) ++j;
      score_cyrillic_word(std::u32string_view(s).substr(i, j - i), score);
    } else {
      ++j;
    }
    i = j;
  }
  if (score.pairs < 2) return false;
  const double original = static_cast<double>(score.original) / score.pairs;
  const double mapped = static_cast<double>(score.mapped) / score.pairs;
  return mapped >= 0.6 && mapped - original >= 0.3;
}

}  // namespace letopis::analysis
