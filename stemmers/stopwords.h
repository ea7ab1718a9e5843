// Stopword lists for Russian, English and Kazakh, in normalized form (ё→е).
// Stopwords are indexed (so phrases keep working) but dropped from queries
// outside phrases. Thread-safe: the lists are immutable after first use.
#pragma once

#include <string_view>

#include "stemmers/lang.h"

namespace letopis::analysis {

// REQUIRES: word is normalized (see normalize.h).
bool is_stopword(Lang lang, std::string_view word);
// True when the word is a stopword of any of the three languages.
bool is_stopword_any(std::string_view word);

}  // namespace letopis::analysis
