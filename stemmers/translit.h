// Transliteration between Cyrillic (Russian, Kazakh) and Latin for names, so
// that searchd can find a name written in the other script: "Gherman" finds
// «Герман», «Тукумов» finds "Tukumov", "Qazaqstan" finds «Қазақстан».
//
// Matching works on fold keys: latin_fold() reduces a Latin spelling to a
// coarse lowercase ASCII key in which the usual spelling variants of one
// Cyrillic name coincide (gh/g, kh/h/x, ye/e, y/i, zh/j, ts/tz, q/k, doubled
// letters). A Cyrillic word matches a Latin word w when latin_fold(w) is one of
// latin_keys(cyrillic). Keys are for lookup only, never for display.
//
// All functions are pure and thread-safe (the ICU transliterators they use are
// per thread). Any bytes are accepted: invalid UTF-8 is dropped or replaced,
// never a crash. They throw std::runtime_error only if ICU lacks its
// transliteration data.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "stemmers/lang.h"

namespace letopis::analysis {

// The BGN/PCGN romanization of a Cyrillic word as a lowercase ASCII search key:
// ICU "Russian-Latin/BGN", or "Kazakh-Latin/BGN" when lang is kk or the word
// has Kazakh letters (ә ғ қ ң ө ұ ү һ і), then "Latin-ASCII; Lower", with the
// BGN ʹ ʺ marks dropped. «Герман» -> "german", «Қазақстан» -> "qazaqstan",
// «Нур-Султан» -> "nur-sultan". Letters, digits and '-' are kept; Latin input
// comes back lowercased and ASCII-folded.
std::string to_latin(std::string_view word, Lang lang);

// Kazakhstan's official Latin alphabet of January 2021 (31 letters: A Ä B D E
// F G Ğ H I İ J K L M N Ñ O Ö P Q R S Ş T U Ū Ü V Y Z), case kept:
// «Қазақстан» -> "Qazaqstan", «Шымкент» -> "Şymkent", «Іле» -> "Ile".
// Characters other than Cyrillic letters pass through unchanged. See
// translit.cpp for the table and its uncertain entries (ч, ц, ё, ю, я, щ).
std::string kazakh_latin_2021(std::string_view word);

// The same, ASCII-folded and lowercased as typed without diacritics:
// ä->a ğ->g ñ->n ö->o ū->u ü->u ı->i ş->s. «Шымкент» -> "symkent".
std::string kazakh_latin_2021_ascii(std::string_view word);

// The fold key of a Latin word: lowercase ASCII letters and digits only, with
// spelling variants merged (see translit.cpp for the rules, in order).
// latin_fold("Gherman") == latin_fold("German") == "german";
// latin_fold("Kazakhstan") == latin_fold("Qazaqstan"). Idempotent:
// latin_fold(latin_fold(w)) == latin_fold(w). "" when w has no letter or digit.
// A Cyrillic word is first romanized by BGN as in to_latin(); prefer
// latin_keys() for Cyrillic, which also gives the Kazakh 2021 keys.
std::string latin_fold(std::string_view latin_word);

// The fold keys of a word, sorted, without duplicates: for Cyrillic, the folds
// of its Russian BGN romanization and, when lang is kk or it has Kazakh
// letters, of its Kazakh BGN, 2021 and 2021-ASCII romanizations. For a Latin
// word, just {latin_fold(word)}. Empty when the word has no letter or digit.
// «Герман» -> {"german"}; «Шымкент» (kk) -> {"shimkent", "simkent"}.
std::vector<std::string> latin_keys(std::string_view word, Lang lang);

// Best-effort Latin -> Cyrillic for a name, lowercase, ё written е (as the
// analyzer normalizes it). target ru: "Tukumov" -> «тукумов», "Gherman" ->
// «герман», "Shchukin" -> «щукин»; target kk reads the 2021 alphabet and common
// digraphs: "Qazaqstan" -> «қазақстан», "Şymkent"/"Shymkent" -> «шымкент».
// Other targets are read as ru. Non-Latin characters pass through lowercased.
std::string to_cyrillic(std::string_view latin_word, Lang target);

}  // namespace letopis::analysis
