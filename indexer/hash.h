// The one non-cryptographic hash of the indexer (FNV-1a, 64-bit), for
// content hashes, shard routing and unique suffixes of long terms.
// Pure, thread-safe.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace letopis {

// The seed every stored hash was made with. It is not FNV's textbook offset
// basis (14695981039346656037, one digit longer); changing it would change
// stored content hashes and the terms of over-long ids, so it stays.
inline constexpr uint64_t kHashSeed = 1469598103934665603ULL;

inline uint64_t fnv1a64(std::string_view s, uint64_t h = kHashSeed) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

// 16 lower-case hex digits.
inline std::string hex64(uint64_t h) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return hex;
}

}  // namespace letopis
