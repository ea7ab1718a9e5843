// Small UTF-8 helpers shared by the analysis code. Pure, thread-safe.
#pragma once

#include <unicode/utf8.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <string>
#include <string_view>

namespace letopis::analysis {

// Decodes UTF-8 into code points, dropping ill-formed sequences.
inline std::u32string decode_utf8(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const int32_t len = static_cast<int32_t>(std::min<size_t>(s.size(), INT32_MAX));
  for (int32_t i = 0; i < len;) {
    UChar32 c;
    U8_NEXT(p, i, len, c);
    if (c >= 0) out.push_back(static_cast<char32_t>(c));
  }
  return out;
}

// Appends one code point as UTF-8 (nothing for an invalid one).
inline void append_utf8(std::string& out, char32_t c) {
  char buf[4];
  int32_t n = 0;
  UBool error = false;
  U8_APPEND(reinterpret_cast<uint8_t*>(buf), n, 4, static_cast<UChar32>(c), error);
  if (!error) out.append(buf, static_cast<size_t>(n));
}

}  // namespace letopis::analysis
