// Helpers shared by the fuzz targets: the input as text, and checks of
// documented invariants. A broken invariant aborts, so libFuzzer and the
// replay runner (replay_main.cpp) both report it as a crash, with the input.
#pragma once

#include <unicode/utf8.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "indexer/article.h"

namespace letopis::fuzz {

[[noreturn]] inline void fail(const char* file, int line, const char* what) {
  std::fprintf(stderr, "%s:%d: fuzz invariant broken: %s\n", file, line, what);
  std::abort();
}

#define FUZZ_CHECK(cond) ((cond) ? static_cast<void>(0) : ::letopis::fuzz::fail(__FILE__, __LINE__, #cond))

inline std::string_view as_text(const uint8_t* data, size_t size) {
  return size == 0 ? std::string_view() : std::string_view(reinterpret_cast<const char*>(data), size);
}

// Well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
inline bool valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const auto len = static_cast<int32_t>(s.size());
  for (int32_t i = 0; i < len;) {
    UChar32 c;
    U8_NEXT(p, i, len, c);
    if (c < 0) return false;
  }
  return true;
}

inline bool has_byte(std::string_view s, char c) { return s.find(c) != std::string_view::npos; }

// "YYYY-MM-DD" with digits where they belong (the parsers check the calendar).
inline bool iso_date_or_empty(std::string_view d) {
  if (d.empty()) return true;
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (d[i] < '0' || d[i] > '9') return false;
  }
  return true;
}

inline bool lang_or_empty(std::string_view l) { return l.empty() || l == "ru" || l == "en" || l == "kk"; }

// What every page parser promises about an Article it accepted (see
// indexer/pages.h and tests/unit/test_pages.cpp): an id, a body, valid UTF-8
// without NUL or CR in every field, a well-formed date and language.
inline void check_page_article(const Article& a) {
  FUZZ_CHECK(!a.id.empty());
  FUZZ_CHECK(a.id.size() <= 200);  // longer ids are cut and hashed (pages.h)
  FUZZ_CHECK(!a.body.empty());
  for (const std::string* f : {&a.id, &a.title, &a.body, &a.date, &a.url, &a.lang, &a.section, &a.author}) {
    FUZZ_CHECK(valid_utf8(*f));
    FUZZ_CHECK(!has_byte(*f, '\0') && !has_byte(*f, '\r'));
  }
  for (const auto& t : a.tags) FUZZ_CHECK(valid_utf8(t) && !has_byte(t, '\0'));
  FUZZ_CHECK(iso_date_or_empty(a.date));
  FUZZ_CHECK(lang_or_empty(a.lang));
}

}  // namespace letopis::fuzz
