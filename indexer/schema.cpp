#include "indexer/schema.h"

#include "indexer/hash.h"

#include <cstdint>
#include <cstdio>

namespace letopis::schema {

std::string term(std::string_view prefix, std::string_view value) {
  std::string t(prefix);
  if (!value.empty() && value[0] >= 'A' && value[0] <= 'Z') t += ':';
  if (t.size() + value.size() <= kMaxTermBytes) {
    t += value;
    return t;
  }
  // Too long for Xapian: keep a prefix of the value and make it unique with
  // a hash of the whole (cutting at a UTF-8 character boundary).
  const std::string hex = hex64(fnv1a64(value));
  size_t keep = kMaxTermBytes - t.size() - 17;
  while (keep > 0 && (static_cast<unsigned char>(value[keep]) & 0xC0) == 0x80) --keep;
  t.append(value.substr(0, keep));
  t += '#';
  t += hex;
  return t;
}

}  // namespace letopis::schema
