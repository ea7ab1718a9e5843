// Copyright (c) Letopis authors. All rights reserved.
//
// Implementation notes
// --------------------
// The word is decoded once into a fixed-size UTF-32 buffer (no heap
// allocation on the hot path; only the returned std::string allocates).
// Every suffix table is a constexpr array of std::u32string_view, tried
// longest-first; a suffix is stripped only if
//   * the letter before it belongs to the phonological class the allomorph
//     requires (consonant assimilation: -лар after vowels/р/у/й, -дар after
//     л/м/н/ң/з/ж, -тар after voiceless consonants, ...),
//   * its vowel agrees with the stem's last vowel when that one is known
//     to be back or front (vowel harmony; see Word::harmony),
//   * the remaining stem is an acceptable root (see Word::acceptable) and
//     does not cut into a protected root (kProtectedRoots).
// The layers mirror Kazakh morphotactics read from the right:
//   END (case, or a finite verb form) -> POSSESSIVE -> PLURAL ->
//   DERIVATIONAL (-лық) -> PARTICIPLE (-ған, -атын) -> NEGATION,
// followed by a final cut of a stem-final -ы/-і, restoration of a few
// roots that drop a vowel before the possessive (халық/халқы), and
// devoicing of a final б/г/ғ (кітабы -> кітаб -> кітап).
// The rationale for every table is in stemmers/README.md.

#include "stemmers/kazakh_stemmer.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace letopis::analysis {
namespace {

// Longest word (in letters) we try to stem; longer tokens are returned as
// is.  Real Kazakh word forms are far shorter.
constexpr int kMaxLetters = 40;

// ---------------------------------------------------------------------------
// Letters.

// Phonological class of a letter, as a bit so that a suffix can list the
// classes it may follow.
enum : std::uint16_t {
  kV = 1u << 0,   // full vowel: а ә е ё о ө ұ ү ы і э ю я
  kU = 1u << 1,   // glide-like: у и й (behave like sonorants before suffixes)
  kR = 1u << 2,   // р
  kL = 1u << 3,   // л
  kN = 1u << 4,   // nasals м н ң
  kZ = 1u << 5,   // voiced fricatives з ж
  kK = 1u << 6,   // obstruents: voiceless, plus б в г ғ д (devoiced finally)
  kX = 1u << 7,   // ь ъ: no assimilation evidence, any allomorph accepted
  kP3 = 1u << 8,  // pseudo-class: the stem ends in a 3rd person possessive
};
constexpr std::uint16_t kCons = kU | kR | kL | kN | kZ | kK;
constexpr std::uint16_t kVoiced = kV | kU | kR | kL | kN | kZ;

// Per-letter info: low nibble = class index (bit position + 1, 0 = not a
// Kazakh letter), plus vowel / harmony bits.
enum : std::uint8_t {
  kIsVowel = 0x10,
  kBack = 0x20,
  kFront = 0x40,
  kLoanLetter = 0x80,  // в ф ц ч щ ё э ю я ь ъ: (almost) only in loanwords
};

constexpr std::uint8_t letter_info_slow(char32_t c) {
  constexpr std::uint8_t V = 1, U = 2, R = 3, L = 4, N = 5, Z = 6, K = 7, X = 8;
  switch (c) {
    case U'а': case U'о': case U'ұ': case U'ы':
      return V | kIsVowel | kBack;
    case U'я': case U'ё': case U'ю':
      return V | kIsVowel | kBack | kLoanLetter;
    case U'ә': case U'ө': case U'ү': case U'і': case U'е':
      return V | kIsVowel | kFront;
    case U'э':
      return V | kIsVowel | kFront | kLoanLetter;
    case U'у': case U'и':
      return U | kIsVowel;  // harmony-neutral (ұу/үу, ый/ій)
    case U'й': return U;
    case U'р': return R;
    case U'л': return L;
    case U'м': case U'н': case U'ң': return N;
    case U'з': case U'ж': return Z;
    case U'б': case U'г': case U'ғ': case U'д': case U'к': case U'қ':
    case U'п': case U'с': case U'т': case U'х': case U'ш': case U'һ':
      return K;
    case U'в': case U'ф': case U'ц': case U'ч': case U'щ':
      return K | kLoanLetter;
    case U'ь': case U'ъ': return X | kLoanLetter;
    default: return 0;
  }
}

struct LetterTable {
  std::array<std::uint8_t, 256> info{};  // U+0400 .. U+04FF
};

constexpr LetterTable make_letter_table() {
  LetterTable t;
  for (char32_t c = 0x400; c < 0x500; ++c) t.info[c - 0x400] = letter_info_slow(c);
  return t;
}

constexpr LetterTable kLetters = make_letter_table();

constexpr std::uint8_t letter_info(char32_t c) {
  return (c >= 0x400 && c < 0x500) ? kLetters.info[c - 0x400] : 0;
}

constexpr std::uint16_t class_bit(char32_t c) {
  const std::uint8_t i = letter_info(c) & 0x0F;
  return i ? static_cast<std::uint16_t>(1u << (i - 1)) : 0;
}

constexpr bool is_vowel(char32_t c) { return letter_info(c) & kIsVowel; }

// +1 back, -1 front, 0 neutral / not a vowel.
constexpr int harmony_of_letter(char32_t c) {
  const std::uint8_t i = letter_info(c);
  return (i & kBack) ? 1 : (i & kFront) ? -1 : 0;
}

// ---------------------------------------------------------------------------
// Suffix tables.

enum : std::uint8_t {
  kNoHarmony = 1,  // suffix does not harmonize (-мен/-бен/-пен)
  kVerbal = 2,     // finite/participial verb form: skip the nominal layers
  kThenNeg = 4,    // a negation -ма/-ме may precede it
  // -ады/-еді after a consonant cluster ending in л/д/т is the past tense
  // of a denominal verb in -ла/-да/-та (қабылда-ды, мәлімде-ді, баста-ды),
  // not the present of a cluster-final root: strip only -ды/-ді.
  kDenominalPast = 8,
  kNotAfterConsS = 16,  // -тан/-тен: not after consonant+с (Өзбек-стан)
  kNotAfterO = 32,      // -ны: not after о (роман-ы, орган-ы)
  kOnlyAfterAE = 64,    // converb -п: only after а/е (жаса-п, not карто-п)
};

struct Suffix {
  std::u32string_view text;
  std::uint16_t after;    // classes the preceding letter may belong to
  std::uint8_t min_stem;  // minimum letters left before `text`
  std::uint8_t flags;
  std::int8_t harmony;    // +1 back, -1 front, 0 any
  std::uint8_t keep;      // leading letters of `text` that are context only
};

constexpr std::int8_t harmony_of(std::u32string_view t) {
  for (char32_t c : t) {
    if (const int h = harmony_of_letter(c)) return static_cast<std::int8_t>(h);
  }
  return 0;
}

constexpr Suffix S(std::u32string_view text, std::uint16_t after,
                   std::uint8_t min_stem = 2, std::uint8_t flags = 0,
                   std::uint8_t keep = 0) {
  return Suffix{text, after, min_stem, flags,
                (flags & kNoHarmony) ? std::int8_t{0} : harmony_of(text), keep};
}

// END layer: the outermost suffix, one of a case ending (with the
// attributive -дағы/-ғы), or a finite verb ending.  Ordered longest first;
// the first applicable entry wins, so a failed condition falls through to a
// shorter alternative (-нда on a non-possessive stem falls back to -да).
constexpr Suffix kEnd[] = {
    // negative present / past: бол-ма-йды, бол-ма-ды
    S(U"майды", kV | kU | kR | kL, 2, kVerbal),
    S(U"мейді", kV | kU | kR | kL, 2, kVerbal),
    S(U"пайды", kK, 2, kVerbal),
    S(U"пейді", kK, 2, kVerbal),
    // pronominal locative-attributive after a possessive: қала-сы-ндағы
    S(U"ндағы", kP3), S(U"ндегі", kP3),
    // habitual participle (pre-empts the possessive+accusative reading of
    // бол-атын as *бол-ат-ы-н)
    S(U"атын", kR | kL | kN | kZ | kK, 2, kVerbal | kThenNeg),
    S(U"етін", kR | kL | kN | kZ | kK, 2, kVerbal | kThenNeg),
    S(U"йтын", kV, 2, kVerbal | kThenNeg),
    S(U"йтін", kV, 2, kVerbal | kThenNeg),
    S(U"итын", kCons, 2, kVerbal | kThenNeg),
    S(U"итін", kCons, 2, kVerbal | kThenNeg),
    // locative-attributive: қала-дағы, мектеп-тегі
    S(U"дағы", kVoiced), S(U"дегі", kVoiced),
    S(U"тағы", kK), S(U"тегі", kK),
    S(U"мады", kV | kU | kR | kL, 2, kVerbal),
    S(U"меді", kV | kU | kR | kL, 2, kVerbal),
    S(U"бады", kN | kZ, 2, kVerbal),
    S(U"беді", kN | kZ, 2, kVerbal),
    S(U"пады", kK, 2, kVerbal),
    S(U"педі", kK, 2, kVerbal),
    // 1st person present: тұтын-амын, көр-еміз, қолда-ймыз
    S(U"амын", kCons, 2, kVerbal), S(U"емін", kCons, 2, kVerbal),
    S(U"амыз", kCons, 2, kVerbal), S(U"еміз", kCons, 2, kVerbal),
    S(U"ймын", kV, 2, kVerbal), S(U"ймін", kV, 2, kVerbal),
    S(U"ймыз", kV, 2, kVerbal), S(U"йміз", kV, 2, kVerbal),
    // participle + 3rd person possessive: strip only the -ы/-і here, the
    // participle layer strips -ған (болған-ы, not *болға-ны)
    S(U"ғаны", kVoiced, 2, 0, 3), S(U"гені", kVoiced, 2, 0, 3),
    S(U"қаны", kK, 2, 0, 3), S(U"кені", kK, 2, 0, 3),
    // genitive
    S(U"ның", kV | kN), S(U"нің", kV | kN),
    S(U"дың", kU | kR | kL | kZ), S(U"дің", kU | kR | kL | kZ),
    S(U"тың", kK), S(U"тің", kK),
    // ablative
    S(U"дан", kV | kU | kR | kL | kZ), S(U"ден", kV | kU | kR | kL | kZ),
    S(U"нан", kN | kP3), S(U"нен", kN | kP3),
    S(U"тан", kK, 2, kNotAfterConsS), S(U"тен", kK, 2, kNotAfterConsS),
    // pronominal locative
    S(U"нда", kP3), S(U"нде", kP3),
    // instrumental (does not harmonize)
    S(U"мен", kV | kU | kR | kL | kN, 2, kNoHarmony),
    S(U"бен", kZ, 2, kNoHarmony),
    S(U"пен", kK, 2, kNoHarmony),
    // present tense 3rd person: бол-ады, кел-еді, ойна-йды, дам-иды
    S(U"ады", kCons, 2, kVerbal | kDenominalPast),
    S(U"еді", kCons, 2, kVerbal | kDenominalPast),
    S(U"йды", kV, 2, kVerbal), S(U"йді", kV, 2, kVerbal),
    S(U"иды", kCons, 2, kVerbal), S(U"иді", kCons, 2, kVerbal),
    // imperative 3rd person: бол-сын
    S(U"сын", kCons, 2, kVerbal), S(U"сін", kCons, 2, kVerbal),
    // locative
    S(U"да", kVoiced), S(U"де", kVoiced),
    S(U"та", kK), S(U"те", kK),
    // dative (-на/-не only after a possessive)
    S(U"ға", kVoiced), S(U"ге", kVoiced),
    S(U"қа", kK), S(U"ке", kK),
    S(U"на", kP3), S(U"не", kP3),
    // accusative; -ды after a vowel is the past tense (оқы-ды)
    S(U"ны", kV, 2, kNotAfterO), S(U"ні", kV, 2, kNotAfterO),
    S(U"ды", kVoiced), S(U"ді", kVoiced),
    S(U"ты", kK), S(U"ті", kK),
    // converb: бол-ып, жаса-п
    S(U"ып", kCons, 2, kVerbal), S(U"іп", kCons, 2, kVerbal),
    // temporal/attributive adjectives: жыл-ғы, кейін-гі, сырт-қы
    S(U"ғы", kR | kL | kN | kZ, 3), S(U"гі", kR | kL | kN | kZ, 3),
    S(U"қы", kK, 3), S(U"кі", kK, 3),
    // pronominal accusative: қала-сы-н
    S(U"н", kP3),
    S(U"п", kV, 3, kVerbal | kOnlyAfterAE),
};

// POSSESSIVE layer, besides the 3rd person (handled by Word::poss3).
// 1st/2nd person singular (-ым, -ың, -ңыз) are deliberately absent: rare
// in expository text, and their short forms collide with roots such as
// адам, білім, соң, теңіз.
constexpr Suffix kPossessive[] = {
    S(U"ымыз", kCons), S(U"іміз", kCons),
    S(U"мыз", kV, 3), S(U"міз", kV, 3),
};

constexpr Suffix kPlural[] = {
    S(U"лар", kV | kU | kR), S(U"лер", kV | kU | kR),
    S(U"дар", kL | kN | kZ), S(U"дер", kL | kN | kZ),
    S(U"тар", kK), S(U"тер", kK),
};

// Abstract nouns / relational adjectives: мемлекет-тік, ынтымақтас-тық.
// A 3-letter minimum keeps халық, балық, толық, көлік intact.
constexpr Suffix kDerivational[] = {
    S(U"лық", kV | kU | kR, 3), S(U"лік", kV | kU | kR, 3),
    S(U"дық", kL | kN | kZ, 3), S(U"дік", kL | kN | kZ, 3),
    S(U"тық", kK, 3), S(U"тік", kK, 3),
};

constexpr Suffix kParticiple[] = {
    S(U"атын", kR | kL | kN | kZ | kK, 2, kThenNeg),
    S(U"етін", kR | kL | kN | kZ | kK, 2, kThenNeg),
    S(U"йтын", kV, 2, kThenNeg), S(U"йтін", kV, 2, kThenNeg),
    S(U"итын", kCons, 2, kThenNeg), S(U"итін", kCons, 2, kThenNeg),
    S(U"ған", kVoiced, 2, kThenNeg), S(U"ген", kVoiced, 2, kThenNeg),
    S(U"қан", kK, 2, kThenNeg), S(U"кен", kK, 2, kThenNeg),
};

constexpr Suffix kNegation[] = {
    S(U"ма", kV | kU | kR | kL), S(U"ме", kV | kU | kR | kL),
    S(U"ба", kN | kZ), S(U"бе", kN | kZ),
    S(U"па", kK), S(U"пе", kK),
};

// A table must try longer suffixes first: no entry may be a proper suffix
// of a later one, which it would shadow (-ды before -мады).
template <std::size_t N>
constexpr bool longest_first(const Suffix (&table)[N]) {
  for (std::size_t i = 0; i < N; ++i) {
    for (std::size_t j = i + 1; j < N; ++j) {
      const std::u32string_view a = table[i].text;
      const std::u32string_view b = table[j].text;
      if (a.size() < b.size() && b.substr(b.size() - a.size()) == a) {
        return false;
      }
    }
  }
  return true;
}
static_assert(longest_first(kEnd) && longest_first(kPossessive) &&
              longest_first(kPlural) && longest_first(kDerivational) &&
              longest_first(kParticiple) && longest_first(kNegation));

// The tables above are written longest-first for readability; for speed
// they are regrouped (stably) by their last letter, so that a lookup only
// tries the suffixes that can match the word's last letter.
template <std::size_t N>
struct SuffixTable {
  std::array<Suffix, N> entries{};
  // Entries ending in letter U+0400+k are entries[first[k] .. first[k+1]).
  std::array<std::uint8_t, 257> first{};
};

template <std::size_t N>
constexpr SuffixTable<N> index_by_last_letter(const Suffix (&table)[N]) {
  static_assert(N < 256);
  SuffixTable<N> t;
  std::size_t k = 0;
  for (std::size_t key = 0; key < 256; ++key) {
    t.first[key] = static_cast<std::uint8_t>(k);
    for (const Suffix& s : table) {
      if (s.text.back() - 0x400 == key) t.entries[k++] = s;
    }
  }
  t.first[256] = static_cast<std::uint8_t>(k);
  return t;
}

constexpr auto kEndTable = index_by_last_letter(kEnd);
constexpr auto kPossessiveTable = index_by_last_letter(kPossessive);
constexpr auto kPluralTable = index_by_last_letter(kPlural);
constexpr auto kDerivationalTable = index_by_last_letter(kDerivational);
constexpr auto kParticipleTable = index_by_last_letter(kParticiple);
constexpr auto kNegationTable = index_by_last_letter(kNegation);

// ---------------------------------------------------------------------------
// Lexical exceptions.  The rules above cannot tell a suffix from the same
// letters at the end of a root (ақын "poet" vs ақ-ы-н; аудан "district" vs
// ау-дан).  These short lists hold frequent roots of that kind, picked by
// checking the rules against real Kazakh text (see README.md).

template <std::size_t N>
constexpr std::array<std::u32string_view, N> sorted(
    std::array<std::u32string_view, N> a) {
  std::sort(a.begin(), a.end());
  return a;
}

// Protected roots: no stem of a word beginning with one of these is cut
// shorter than the root (ақын-да -> ақын, not ақы-нда; мектеп-тер ->
// мектеп).  Sorted at compile time for binary search.
constexpr auto kProtectedRoots = sorted(std::to_array<std::u32string_view>({
    // -ын/-ін roots (not possessive -ы + accusative -н: ақ-ы-н)
    U"айдын", U"айқын", U"алтын", U"ағайын", U"ағылшын", U"ағын", U"ақын",
    U"буын", U"бүгін", U"бұрын", U"дайын", U"дейін", U"егін", U"еркін",
    U"жабын", U"жалын", U"жауын", U"жақын", U"жиын", U"зейін", U"кейін",
    U"кекесін", U"келін", U"кәсіпорын", U"латын", U"мойын", U"мүмкін", U"мұрын",
    U"мәтін", U"ойын", U"орын", U"пішін", U"сабын", U"сайын", U"сарын",
    U"сатқын", U"серпін", U"тасқын", U"тегін", U"толқын", U"түйін", U"түтін",
    U"тұрғын", U"тұтқын", U"шалғын", U"шағын", U"шойын", U"шыбын", U"шырын",
    U"шығын", U"қарын", U"қауырсын", U"қиын", U"қорғасын", U"қуғын",
    U"қырықбуын", U"құлын", U"үйсін", U"ұзын", U"ұшқын", U"өскін",
    // -ан/-ен roots (not a vowel-final stem + accusative -ны: аудан-ы)
    U"алақан", U"арман", U"аудан", U"баян", U"бөген", U"дастан", U"дәрумен",
    U"дәурен", U"егемен", U"екен", U"жылан", U"заман", U"кетпен", U"кешен",
    U"колчедан", U"мазмұн", U"майдан", U"мекен", U"мерген", U"нысан", U"орман",
    U"отан", U"табан", U"төмен", U"шаян", U"қазан", U"қалқан", U"қаған",
    U"қаһарман", U"қорған", U"құран", U"үлкен", U"ұран", U"өзен", U"өмірбаян",
    U"өскемен",
    // -ат/-ет roots (not the participle -атын/-етін: мақсат-ы-н)
    U"азамат", U"аппарат", U"ақпарат", U"бекет", U"бюджет", U"депутат",
    U"дәулет", U"кандидат", U"климат", U"комбинат", U"комитет", U"мандат",
    U"мақсат", U"мемлекет", U"міндет", U"мәлімет", U"ойпат", U"саясат",
    U"сағат", U"сенат", U"сипат", U"солдат", U"сурет", U"табиғат",
    U"университет", U"чемпионат", U"ғимарат", U"қабат", U"қабілет", U"қанат",
    U"қағанат", U"қуат", U"қырат", U"құрмет", U"үкімет", U"әдет", U"әрекет",
    U"әулет", U"өкімет",
    // -ас/-ес roots (not a vowel-final stem + possessive -сы: кеңес-і)
    U"бәсекелес", U"жалғас", U"кеңес", U"күрес", U"көзқарас", U"одақтас",
    U"серіктес", U"талас", U"тұқымдас", U"шайқас", U"эпос", U"іргетас",
    U"қатынас", U"үлес", U"әріптес",
    // -ап/-еп/-ып/-іп roots (not the converb -п/-ып: кітап, қауіп)
    U"азап", U"айып", U"алап", U"алқап", U"атырап", U"есеп", U"жауап", U"жүсіп",
    U"зардап", U"кітап", U"кәсіп", U"манап", U"мектеп", U"себеп", U"талап",
    U"тарап", U"тақырып", U"торап", U"тәртіп", U"шарап", U"ғажайып", U"ғұрып",
    U"қауіп", U"әріп", U"өнеркәсіп",
    // -стан names after a vowel (consonant+стан is handled by a rule)
    U"арыстан", U"бостан", U"дағыстан", U"күрдістан", U"пәкістан", U"түркістан",
    U"қазақстан", U"үндістан",
    // roots in -да/-та/-ға/-қа/-ге/-ке/-де/-те (not a case ending: пайда)
    U"апта", U"басқа", U"босаға", U"бәйге", U"едіге", U"жұмыртқа", U"канада",
    U"кереге", U"кесте", U"кеуде", U"команда", U"мағына", U"мақта", U"нүкте",
    U"нұсқа", U"олимпиада", U"орда", U"оқиға", U"пайда", U"сауда", U"тақта",
    U"теңге", U"түпнұсқа", U"тұлға", U"төраға", U"шахта", U"шілде", U"ірге",
    U"қабырға", U"қарағанды", U"қарға", U"қағида", U"қысқа", U"өнеге",
    // roots in -ғы/-гі, -ған, -лар/-тер (not a suffix: белгі, доллар)
    U"белгі", U"доллар", U"жалған", U"жарғы", U"көптеген", U"мастер", U"мәңгі",
    U"тағы", U"характер", U"шалғы", U"қайғы",
    // lexicalized -лық/-лік words and others
    U"барлық", U"екі", U"жарлық", U"зорлық", U"оңтүстік", U"солтүстік",
    U"тәулік", U"құрлық", U"үшін",
}));


constexpr std::size_t kMaxProtectedLen = [] {
  std::size_t m = 0;
  for (auto r : kProtectedRoots) m = std::max(m, r.size());
  return m;
}();

// Protected second members of compounds, matched anywhere in the word:
// Абылай-хан-ы, Қызыл-орда-да.  Only strings that no suffix chain can
// contain are safe here.
constexpr std::u32string_view kProtectedInfixes[] = {U"хан", U"орда"};

// Words returned unchanged: pronoun forms whose regular-looking endings
// would otherwise merge them with content words (оны, онда -> *он "ten").
constexpr auto kInvariantWords = sorted(std::to_array<std::u32string_view>({
    U"одан", U"онда", U"ондағы", U"оны", U"онымен", U"оның", U"оған",
    U"содан", U"сонда", U"сондағы", U"сондықтан", U"соны", U"сонымен",
    U"соның", U"соған",
    U"осы", U"осыдан", U"осында", U"осындағы", U"осыны", U"осының",
    U"осымен", U"осыған",
    U"бұдан", U"бұны", U"бұның", U"бұған", U"мұнда", U"мұндағы", U"мұны",
    U"мұның", U"мұнымен", U"мұған",
    U"неге", U"неде", U"неден", U"нені", U"ненің",
    U"еді",
}));

constexpr std::size_t kMaxInvariantLen = [] {
  std::size_t m = 0;
  for (auto r : kInvariantWords) m = std::max(m, r.size());
  return m;
}();

// Roots that drop their second vowel before a vowel-initial suffix
// (халық -> халқы).  The elided stem is mapped back to the full root.
struct Elision {
  std::u32string_view elided;
  std::u32string_view root;
};
constexpr Elision kElisions[] = {
    {U"ауз", U"ауыз"},   {U"бөрк", U"бөрік"}, {U"ерк", U"ерік"},
    {U"ерн", U"ерін"},   {U"көрк", U"көрік"}, {U"мойн", U"мойын"},
    {U"мұрн", U"мұрын"}, {U"нарқ", U"нарық"}, {U"орн", U"орын"},
    {U"халқ", U"халық"}, {U"ғұрп", U"ғұрып"}, {U"қарн", U"қарын"},
    {U"қойн", U"қойын"}, {U"құлқ", U"құлық"},
};

// ---------------------------------------------------------------------------
// The word being stemmed.

class Word {
 public:
  // Decodes UTF-8; returns false if the input is not a stemmable word.
  bool decode(const std::string& s) {
    n_ = 0;
    loan_ = false;
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const auto* end = p + s.size();
    while (p < end) {
      if (n_ == kMaxLetters) return false;
      const unsigned char b = *p;
      // Kazakh letters are all two-byte sequences (U+0400..U+04FF), so
      // anything else is rejected without further decoding.
      if (b < 0xD0 || b > 0xD3 || end - p < 2 || (p[1] & 0xC0) != 0x80) {
        return false;
      }
      const char32_t c = (static_cast<char32_t>(b & 0x1F) << 6) | (p[1] & 0x3F);
      p += 2;
      const std::uint8_t info = letter_info(c);
      if (!info) return false;
      loan_ |= (info & kLoanLetter) != 0;
      c_[n_++] = c;
    }
    return true;
  }

  std::string encode() const {
    std::string out(static_cast<std::size_t>(n_) * 2, '\0');
    for (std::size_t i = 0; i < static_cast<std::size_t>(n_); ++i) {
      out[2 * i] = static_cast<char>(0xC0 | (c_[i] >> 6));
      out[2 * i + 1] = static_cast<char>(0x80 | (c_[i] & 0x3F));
    }
    return out;
  }

  int size() const { return n_; }

  bool is_invariant() const {
    return static_cast<std::size_t>(n_) <= kMaxInvariantLen &&
           std::binary_search(kInvariantWords.begin(), kInvariantWords.end(),
                              view(n_));
  }

  // Sets floor_: no cut may leave fewer letters.  It is the end of the
  // longest protected root that is a prefix of the word, or of the last
  // protected compound member found in it.
  void compute_floor() {
    floor_ = 0;
    const std::u32string_view w = view(n_);
    const std::size_t max_len =
        std::min(static_cast<std::size_t>(n_), kMaxProtectedLen);
    auto lo = kProtectedRoots.begin();
    for (std::size_t len = 2; len <= max_len; ++len) {
      const std::u32string_view prefix = w.substr(0, len);
      lo = std::lower_bound(lo, kProtectedRoots.end(), prefix);
      if (lo == kProtectedRoots.end() || lo->substr(0, len) != prefix) break;
      if (lo->size() == len) floor_ = static_cast<int>(len);
    }
    for (const std::u32string_view infix : kProtectedInfixes) {
      const std::size_t pos = w.rfind(infix);
      if (pos != std::u32string_view::npos) {
        floor_ = std::max(floor_, static_cast<int>(pos + infix.size()));
      }
    }
  }

  bool fully_protected() const { return floor_ >= n_; }

  // Tries the entries of `table` in order and strips the first applicable
  // one.  Returns it, or nullptr.
  template <std::size_t N>
  const Suffix* strip_first(const SuffixTable<N>& table) {
    const std::size_t key = c_[n_ - 1] - 0x400;  // all letters are U+04xx
    for (std::size_t i = table.first[key]; i < table.first[key + 1]; ++i) {
      const Suffix& s = table.entries[i];
      if (const int cut = applicable(s)) {
        n_ -= cut;
        devoice_final();
        return &s;
      }
    }
    return nullptr;
  }

  // Strips a 3rd person possessive (-ы/-і/-сы/-сі) if there is one.
  bool strip_poss3() {
    const int k = poss3(n_);
    if (k == 0) return false;
    n_ -= k;
    devoice_final();
    return true;
  }

  // Kazakh roots never end in a voiced stop: a stem-final б/г/ғ is the
  // voiced variant of п/к/қ before a vowel (кітап/кітабы, жүрек/жүрегі,
  // ынтымақтастық/ынтымақтастығы).  Normalizing it after every cut, and
  // once at the end, makes all forms meet (and is harmless for the few
  // loans ending in them: педагог/педагогы both give педагок).
  void devoice_final() {
    if (n_ == 0) return;
    char32_t& c = c_[n_ - 1];
    if (c == U'б') c = U'п';
    else if (c == U'г') c = U'к';
    else if (c == U'ғ') c = U'қ';
  }

  // Only after a cut possessive: the elision happens before -ы/-і (орн-ы,
  // халқ-ы-ның), not before other vowels (орна-ды is the verb "settle").
  void restore_elided_vowel() {
    if (c_[n_] != U'ы' && c_[n_] != U'і') return;  // letter after the stem
    const std::u32string_view w = view(n_);
    for (const Elision& e : kElisions) {
      if (w == e.elided) {
        n_ = static_cast<int>(e.root.size());
        std::copy(e.root.begin(), e.root.end(), c_);
        return;
      }
    }
  }

 private:
  std::u32string_view view(int m) const {
    return std::u32string_view(c_, static_cast<std::size_t>(m));
  }

  // Minimal root rule: at least two letters, at least one vowel, not below
  // the protected floor, and a two-letter stem must not end in a full vowel
  // (ел, су, ат are roots; *ба, *жа, *се are not: бала, жаға, семіз).
  bool acceptable(int m, int min_stem) const {
    if (m < 2 || m < min_stem || m < floor_) return false;
    if (m == 2 && (class_bit(c_[1]) & kV)) return false;
    for (int i = 0; i < m; ++i) {
      if (is_vowel(c_[i])) return true;
    }
    return false;
  }

  // Harmony of the stem c_[0..m): +1 back, -1 front, 0 unknown.  Unknown
  // when the last vowel is у/и (су-ы but кездесу-і; тарих-ы but
  // министр-і), when the word has letters found only in loans (Russian
  // loans ignore harmony: организм-дер, Әуезов-тің), or when a back stem
  // ends in к/г, which native back words never do (парк-і, банк-тер).
  int harmony(int m) const {
    if (loan_) return 0;
    for (int i = m - 1; i >= 0; --i) {
      if (!is_vowel(c_[i])) continue;
      const int h = harmony_of_letter(c_[i]);
      if (h == 1 && (c_[m - 1] == U'к' || c_[m - 1] == U'г')) return 0;
      return h;
    }
    return 0;
  }

  bool harmony_ok(int m, int suffix_harmony) const {
    if (suffix_harmony == 0) return true;
    const int h = harmony(m);
    return h == 0 || h == suffix_harmony;
  }

  // Compares from the end: most tries fail on the last letter.
  bool ends_with(int m, std::u32string_view t) const {
    const auto len = static_cast<int>(t.size());
    if (len > m) return false;
    for (int i = 1; i <= len; ++i) {
      if (c_[m - i] != t[static_cast<std::size_t>(len - i)]) return false;
    }
    return true;
  }

  // Length of a strippable 3rd person possessive ending c_[0..m), or 0.
  // -сы/-сі follows vowels (қала-сы), -ы/-і consonants (жер-і, тау-ы).
  // After ы/і+с both parses are possible; stems in -ыс/-іс (жұмыс,
  // батыс, соғыс, іс) are far more common than ы/і-final ones, except
  // agent nouns in -шы/-ші (жазушы-сы) and front nouns in -гі/-кі
  // (үлгі-сі, белгі-сі; stems in -гіс/-кіс are rare).
  int poss3(int m) const {
    if (m < 3) return 0;
    const char32_t last = c_[m - 1];
    if (last != U'ы' && last != U'і') return 0;
    const int h = last == U'ы' ? 1 : -1;
    const char32_t prev = c_[m - 2];
    if (!(class_bit(prev) & (kCons | kX))) return 0;
    if (prev == U'с' && m >= 4 && (class_bit(c_[m - 3]) & kV)) {
      const char32_t v = c_[m - 3];
      const char32_t c = m >= 5 ? c_[m - 4] : U'\0';
      const bool prefer_sy = (v != U'ы' && v != U'і') || c == U'ш' ||
                             (v == U'і' && (c == U'г' || c == U'к'));
      if (prefer_sy && harmony_ok(m - 2, h) && acceptable(m - 2, 2)) {
        return 2;
      }
    }
    if (harmony_ok(m - 1, h) && acceptable(m - 1, 2)) return 1;
    return 0;
  }

  // Number of letters to cut for suffix `s` at the end of the word, or 0
  // if it does not apply.
  int applicable(const Suffix& s) const {
    const auto len = static_cast<int>(s.text.size());
    if (len >= n_ || !ends_with(n_, s.text)) return 0;
    const int stem = n_ - len;
    const char32_t before = c_[stem - 1];
    const std::uint16_t cls = class_bit(before);
    const bool context_ok = (s.after & cls) || (cls & kX) ||
                            ((s.after & kP3) && poss3(stem) > 0);
    if (!context_ok || !harmony_ok(stem, s.harmony) ||
        !acceptable(stem, s.min_stem)) {
      return 0;
    }
    if ((s.flags & kNotAfterO) && before == U'о') return 0;
    if ((s.flags & kOnlyAfterAE) && before != U'а' && before != U'е') return 0;
    if ((s.flags & kNotAfterConsS) && before == U'с' && stem >= 2 &&
        (class_bit(c_[stem - 2]) & (kCons & ~kU))) {
      return 0;
    }
    if ((s.flags & kDenominalPast) && stem >= 3 &&
        (before == U'л' || before == U'д' || before == U'т') &&
        (class_bit(c_[stem - 2]) & kCons) &&
        !(before == U'т' && (c_[stem - 2] == U'й' || c_[stem - 2] == U'р'))) {
      return 2;  // қабылд|ады -> қабылда|ды
    }
    return len - s.keep;
  }

  char32_t c_[kMaxLetters];
  int n_ = 0;
  int floor_ = 0;
  bool loan_ = false;  // has letters found only in loanwords
};

}  // namespace

std::string KazakhStemmer::operator()(const std::string& word) {
  Word w;
  if (!w.decode(word) || w.size() < 3 || w.is_invariant()) return word;
  w.compute_floor();
  if (w.fully_protected()) return word;
  const int original = w.size();

  const Suffix* end = w.strip_first(kEndTable);
  bool try_negation = end && (end->flags & kThenNeg);
  if (!end || !(end->flags & kVerbal)) {
    if (!w.strip_first(kPossessiveTable)) w.strip_poss3();
    w.strip_first(kPluralTable);
    w.strip_first(kDerivationalTable);
    if (const Suffix* p = w.strip_first(kParticipleTable)) {
      try_negation = p->flags & kThenNeg;
    }
  }
  if (try_negation) w.strip_first(kNegationTable);
  // A stem-final -ы/-і left after the layers is a possessive or the
  // thematic vowel of the stem (жазушы-лар, оқы-ған); cutting it makes the
  // bare and the inflected forms meet.
  w.strip_poss3();
  if (w.size() < original) w.restore_elided_vowel();
  w.devoice_final();
  return w.encode();
}

std::string KazakhStemmer::get_description() const { return "kazakh"; }

Xapian::Stem make_kazakh_stem() { return Xapian::Stem(new KazakhStemmer()); }

}  // namespace letopis::analysis
