// Keyboard-layout mapping between the US QWERTY layout and the Cyrillic
// ЙЦУКЕН layouts, for queries typed with the wrong layout switched on
// ("ghbdtn" for «привет», «руддщ» for "hello").
//
// Layouts (keys named by what they type on US QWERTY):
//   Russian: the standard Windows/X11 "Russian" layout. The letter keys and
//     the punctuation keys that type letters: ` ё, [ х, ] ъ, ; ж, ' э, , б,
//     . ю, and their shifted forms ~ { } : " < > for the capitals.
//   Kazakh: the standard Windows "Kazakh" layout (RST KazSSR 903-90, X11
//     "kz"), which is the Russian one plus the digit row:
//       2 ә  3 і  4 ң  5 ғ  8 ү  9 ұ  0 қ  - ө  = һ
//     and their shifted forms @ # $ % * ( ) _ + for the capitals. Keys 1, 6,
//     7 type punctuation there and are not mapped. On that layout ` types
//     parentheses and ё needs AltGr; we still map ` to ё for both layouts.
// Only keys that type letters are mapped; every other character passes
// through unchanged, and invalid UTF-8 is dropped.
//
// Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "stemmers/lang.h"

namespace letopis::analysis {

// The Cyrillic text the keys would have typed on the layout for lang (kk: the
// Kazakh layout, anything else: Russian). Case is kept: "Ghbdtn" ->
// «Привет», "{jkjl" -> «Холод». With kk, the digit-row keys become letters
// only inside a token (a run without white space) that also has a key typing
// a Russian-layout letter, so "2024" stays a number ("c2ktv" -> «сәлем»).
std::string qwerty_to_cyrillic(std::string_view text, Lang layout);

// The US QWERTY keys that type text's Cyrillic letters on the Russian layout,
// or on the Kazakh one for ә і ң ғ ү ұ қ ө һ: «Ефырлуте» -> "Tashkent",
// «руддщ» -> "hello", «сәлем» -> "c2ktv" (capitals give shifted keys:
// «Х» -> "{"). Other characters pass through unchanged.
std::string cyrillic_to_qwerty(std::string_view text);

// A cheap hint that text was typed with the wrong layout, either way. Each
// word of 3 or more letters is mapped to the other layout (Russian), and the
// share of its letter pairs that are common in its language (about 150
// common English and 200 common Russian bigrams) is compared before and
// after: the hint is true when the mapped text scores at least 0.6 and beats
// the original by 0.3 or more. Latin words in capitals of up to 4 letters
// (acronyms: NATO, KGB) and Cyrillic words with Kazakh letters are skipped.
// Misses and false alarms are expected: searchd decides against the index
// vocabulary.
bool looks_like_wrong_layout(std::string_view text);

}  // namespace letopis::analysis
