// Text normalization: the first stage of analysis, identical at index and
// query time. Pure functions, thread-safe.
//
// normalize() applies, in order:
//   1. repair: invalid UTF-8 becomes U+FFFD, never a crash;
//   2. NFKC + Unicode case folding (ICU nfkc_cf), which also removes default
//      ignorables: soft hyphens, zero-width characters, BOMs;
//   3. ё→е (and Ё→Е, already folded), unified apostrophes ('), double quotes (")
//      and dashes (-);
//   4. Latin look-alike letters inside a mostly-Cyrillic word become Cyrillic
//      ("вoда" with a Latin o becomes "вода"), and the reverse for a mostly-Latin word.
#pragma once

#include <string>
#include <string_view>

#include <unicode/unistr.h>

namespace letopis::analysis {

std::string normalize(std::string_view utf8);

// Steps that can be switched off, for experiments that measure their effect
// (see AnalysisOptions in analyzer.h). Defaults are what Letopis ships.
struct NormalizeOptions {
  bool fold_case = true;  // false: NFKC only, case kept (the analyzer folds per token)
  bool fold_yo = true;    // false: ё stays ё
};

// The same, on ICU's UTF-16 string, in place. The analyzer uses this to avoid
// converting twice.
void normalize_in_place(icu::UnicodeString& text, NormalizeOptions options = {});

// True for the letters that only Kazakh uses among the Cyrillic alphabets we
// meet (ә ғ қ ң ө ұ ү һ і, lower or upper case).
bool is_kazakh_letter(char32_t c);
bool is_cyrillic(char32_t c);
bool is_latin_letter(char32_t c);

// The Latin letter a lower-case Cyrillic one looks like (о -> o, р -> p),
// or 0: the pairs step 4 folds inside a mixed word.
char32_t latin_lookalike(char32_t c);

}  // namespace letopis::analysis
