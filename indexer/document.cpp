#include "indexer/document.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include <memory>

#include <lz4.h>
#include <lz4hc.h>
#include <nlohmann/json.hpp>
#include <unicode/utf8.h>
#include <zstd.h>

#include "stemmers/utf8.h"

#include "indexer/hash.h"
#include "indexer/schema.h"
#include "stemmers/lang.h"
#include "stemmers/normalize.h"
#include "stemmers/stopwords.h"

namespace letopis {
namespace {

using analysis::Lang;
using analysis::Token;
using analysis::TokenKind;

// Title words also count towards the body's statistics; this extra wdf makes
// a title occurrence weigh like a few body occurrences in BM25.
constexpr Xapian::termcount kTitleWdfBoost = 2;
// Gap between the title's and the body's positions, so phrases do not join them.
constexpr Xapian::termpos kFieldGap = 100;

std::string join_multi(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) {
    if (v.empty()) continue;
    if (!out.empty()) out += schema::kMultiSep;
    out += v;
  }
  return out;
}

// Adds the values of more to list, keeping it sorted and without repeats.
void merge_unique(std::vector<std::string>& list, const std::vector<std::string>& more) {
  list.insert(list.end(), more.begin(), more.end());
  std::sort(list.begin(), list.end());
  list.erase(std::unique(list.begin(), list.end()), list.end());
}

}  // namespace

bool valid_iso_date(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (d[i] < '0' || d[i] > '9') return false;
  }
  const int y = std::stoi(std::string(d.substr(0, 4)));
  const int m = std::stoi(std::string(d.substr(5, 2)));
  const int day = std::stoi(std::string(d.substr(8, 2)));
  if (y < 1000 || y > 2999 || m < 1 || m > 12 || day < 1) return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return day <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

std::string article_to_data(const Article& a) {
  nlohmann::json j = {
      {"id", a.id},           {"lang", a.lang},     {"title", a.title}, {"date", a.date},
      {"url", a.url},         {"section", a.section}, {"tags", a.tags}, {"people", a.people},
      {"orgs", a.orgs},       {"topics", a.topics}, {"author", a.author}, {"body", a.body},
  };
  // Replacement characters instead of an exception: sources repair UTF-8
  // first, so this is only a last line of defence.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

// The reference reader: any JSON object, through nlohmann's DOM.
Article article_from_json(const std::string& data) {
  nlohmann::json j = nlohmann::json::parse(data, nullptr, false);
  if (!j.is_object() || !j.contains("id")) {
    throw std::runtime_error("document data is not a Letopis article");
  }
  Article a;
  auto str = [&](const char* key, std::string& out) {
    auto it = j.find(key);
    if (it != j.end() && it->is_string()) out = it->get<std::string>();
  };
  auto list = [&](const char* key, std::vector<std::string>& out) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_array()) return;
    for (const auto& v : *it) {
      if (v.is_string()) out.push_back(v.get<std::string>());
    }
  };
  str("id", a.id);
  str("lang", a.lang);
  str("title", a.title);
  str("date", a.date);
  str("url", a.url);
  str("section", a.section);
  list("tags", a.tags);
  list("people", a.people);
  list("orgs", a.orgs);
  list("topics", a.topics);
  str("author", a.author);
  str("body", a.body);
  return a;
}

// The fast reader, for exactly what article_to_data writes: one flat object
// whose values are strings, null or arrays of strings, UTF-8 unescaped but
// for quotes, backslashes and control characters. It copies runs of plain
// text whole instead of lexing a byte at a time (searchd reads ten of these
// per page). Returns false on anything else, and the caller falls back to
// the reference reader, so it never decides what a document means.
class FastReader {
 public:
  explicit FastReader(std::string_view s) : s_(s) {}

  bool read(Article& a) {
    bool seen_id = false;
    if (!punct('{')) return false;
    if (peek() == '}') return false;
    for (;;) {
      key_.clear();
      if (!string(key_) || !punct(':')) return false;
      // Which field: its index in kFields, or -1 for a key of no field.
      static constexpr std::string_view kFields[] = {"id",     "lang", "title", "date",   "url",  "section",
                                                     "author", "body", "tags",  "people", "orgs", "topics"};
      int f = -1;
      for (int k = 0; k < static_cast<int>(std::size(kFields)); ++k) {
        if (key_ == kFields[k]) {
          f = k;
          break;
        }
      }
      std::string* const strings[] = {&a.id, &a.lang, &a.title, &a.date, &a.url, &a.section, &a.author, &a.body};
      std::vector<std::string>* const lists[] = {&a.tags, &a.people, &a.orgs, &a.topics};
      std::string* field = f >= 0 && f < 8 ? strings[f] : nullptr;
      std::vector<std::string>* list = f >= 8 ? lists[f - 8] : nullptr;
      seen_id |= f == 0;
      // A repeated field: the reference reader decides (the last one wins there).
      if (f >= 0) {
        if (seen_ & (1u << f)) return false;
        seen_ |= 1u << f;
      }
      const char c = peek();
      if (c == '"') {
        std::string& v = field ? *field : key_;  // a key of no field: read and dropped
        v.clear();
        if (!string(v)) return false;
      } else if (c == '[') {
        if (!list) return false;
        list->clear();
        ++i_;
        if (peek() == ']') {
          ++i_;
        } else {
          for (;;) {
            std::string v;
            if (!string(v)) return false;
            list->push_back(std::move(v));
            if (peek() == ',') { ++i_; continue; }
            if (!punct(']')) return false;
            break;
          }
        }
      } else if (s_.substr(i_, 4) == "null") {
        i_ += 4;
      } else {
        return false;
      }
      if (peek() == ',') { ++i_; continue; }
      if (!punct('}')) return false;
      break;
    }
    return seen_id && peek() == '\0' && i_ == s_.size();
  }

 private:
  char peek() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r')) ++i_;
    return i_ < s_.size() ? s_[i_] : '\0';
  }
  bool punct(char c) {
    if (peek() != c) return false;
    ++i_;
    return true;
  }
  static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
  bool string(std::string& out) {
    if (peek() != '"') return false;
    ++i_;
    for (;;) {
      // Copy the plain run up to the next quote or backslash in one go.
      size_t j = i_;
      while (j < s_.size() && s_[j] != '"' && s_[j] != '\\') {
        const auto b = static_cast<unsigned char>(s_[j]);
        if (b < 0x20) return false;  // raw control character: not ours
        if (b < 0x80) {
          ++j;
          continue;
        }
        // Not well-formed UTF-8: the reference reader rejects it, so let it.
        const auto* p = reinterpret_cast<const uint8_t*>(s_.data());
        int32_t k = static_cast<int32_t>(j);
        UChar32 c;
        U8_NEXT(p, k, static_cast<int32_t>(std::min<size_t>(s_.size(), INT32_MAX)), c);
        if (c < 0) return false;
        j = static_cast<size_t>(k);
      }
      out.append(s_.data() + i_, j - i_);
      i_ = j;
      if (i_ >= s_.size()) return false;
      if (s_[i_] == '"') {
        ++i_;
        return true;
      }
      if (++i_ >= s_.size()) return false;  // the escape's letter
      const char e = s_[i_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          if (i_ + 4 > s_.size()) return false;
          int cp = 0;
          for (int k = 0; k < 4; ++k) {
            const int h = hex(s_[i_ + static_cast<size_t>(k)]);
            if (h < 0) return false;
            cp = cp * 16 + h;
          }
          i_ += 4;
          if (cp >= 0xD800 && cp <= 0xDFFF) return false;  // surrogates: leave them to the reference reader
          analysis::append_utf8(out, static_cast<char32_t>(cp));
          break;
        }
        default: return false;
      }
    }
  }

  std::string_view s_;
  size_t i_ = 0;
  uint32_t seen_ = 0;  // fields read so far, by index in kFields
  std::string key_;
};

}  // namespace

Article article_from_data(const std::string& data) {
  Article a;
  if (FastReader(data).read(a)) return a;
  return article_from_json(data);
}

Article article_from_data_reference(const std::string& data) { return article_from_json(data); }

// Bodies live in their own value slot, so that a hit costs one fast
// decompression of its body: in the document data, Xapian's own zlib
// inflated the whole record, a sixth of a search's instructions. The lead
// (kBodyLeadBytes, cut at a space) is an LZ4 block of its own, so that a
// snippet is made from it without decompressing a long article whole, and
// quickly: a 7.5 KB lead took 11.3 us with zstd (whose entropy tables cost
// the same however little a frame holds) and 2.9 us with LZ4, for leads a
// third larger (LZ4HC level 3, which compresses faster than zstd's level 3
// did). The rest, read only for /api/doc and leads without a match, is a
// zstd frame at level 3 (what zstd calls its default): a third of its size.
namespace {
constexpr int kBodyLevel = 3;
constexpr int kLeadLevel = 3;  // LZ4HC
// The packed body's first byte; an index from before the LZ4 lead starts
// with a zstd frame, whose first byte is 0x28.
constexpr char kPackedV2 = '\x01';
constexpr size_t kLeadHeader = 5;  // kPackedV2, then the lead's size and its block's size (16 bits LE each)
static_assert(kBodyLeadBytes + kBodyLeadBytes / 255 + 16 < 65536, "an LZ4 block of a lead must fit 16 bits");

using CCtx = std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)>;
using DCtx = std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)>;

void compress_frame(std::string& out, std::string_view text) {
  thread_local CCtx cctx(ZSTD_createCCtx(), &ZSTD_freeCCtx);
  const size_t at = out.size();
  out.resize(at + ZSTD_compressBound(text.size()));
  const size_t n = ZSTD_compressCCtx(cctx.get(), out.data() + at, out.size() - at, text.data(), text.size(), kBodyLevel);
  if (ZSTD_isError(n)) throw std::runtime_error(std::string("zstd: ") + ZSTD_getErrorName(n));
  out.resize(at + n);
}

// The decompressed size of frames back to back (ZSTD_findDecompressedSize
// is not in libzstd's stable API), or ZSTD_CONTENTSIZE_ERROR.
unsigned long long frames_size(std::string_view frames) {
  unsigned long long total = 0;
  while (!frames.empty()) {
    const size_t n = ZSTD_findFrameCompressedSize(frames.data(), frames.size());
    if (ZSTD_isError(n)) return ZSTD_CONTENTSIZE_ERROR;
    const unsigned long long size = ZSTD_getFrameContentSize(frames.data(), n);
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN) return ZSTD_CONTENTSIZE_ERROR;
    total += size;
    if (total > kMaxBodyBytes) return ZSTD_CONTENTSIZE_ERROR;
    frames.remove_prefix(n);
  }
  return total;
}

// Decompresses frames (one, or several back to back) of a known total size.
bool decompress(std::string_view frames, unsigned long long size, std::string& out) {
  out.clear();
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > kMaxBodyBytes) return false;
  thread_local DCtx dctx(ZSTD_createDCtx(), &ZSTD_freeDCtx);
  out.resize(static_cast<size_t>(size));
  const size_t n = ZSTD_decompressDCtx(dctx.get(), out.data(), out.size(), frames.data(), frames.size());
  if (ZSTD_isError(n) || n != size) {
    out.clear();
    return false;
  }
  return true;
}
}  // namespace

size_t body_lead_cut(std::string_view body) {
  if (body.size() <= kBodyLeadBytes) return body.size();
  // At a space or line break (ASCII is never inside a UTF-8 sequence), else
  // at the start of a character.
  size_t cut = kBodyLeadBytes;
  while (cut > kBodyLeadBytes / 2 && body[cut] != ' ' && body[cut] != '\n') --cut;
  if (body[cut] != ' ' && body[cut] != '\n') {
    cut = kBodyLeadBytes;
    while (cut > 0 && (static_cast<unsigned char>(body[cut]) & 0xC0) == 0x80) --cut;
  }
  return cut;
}

std::string pack_body(std::string_view body) {
  std::string out;
  if (body.empty()) return out;
  const size_t cut = body_lead_cut(body);
  out.resize(kLeadHeader + static_cast<size_t>(LZ4_compressBound(static_cast<int>(cut))));
  const int n = LZ4_compress_HC(body.data(), out.data() + kLeadHeader, static_cast<int>(cut),
                                static_cast<int>(out.size() - kLeadHeader), kLeadLevel);
  if (n <= 0) throw std::runtime_error("lz4: a lead does not compress");
  out[0] = kPackedV2;
  auto put16 = [&](size_t at, size_t v) {
    out[at] = static_cast<char>(v & 0xFF);
    out[at + 1] = static_cast<char>(v >> 8);
  };
  put16(1, cut);
  put16(3, static_cast<size_t>(n));
  out.resize(kLeadHeader + static_cast<size_t>(n));
  if (cut < body.size()) compress_frame(out, body.substr(cut));
  return out;
}

namespace {

// The parts of a packed body: the lead's LZ4 block and its size, and the
// zstd frames of the rest; an index from before the LZ4 lead has only
// frames (the lead the first of them). False if damaged.
struct PackedParts {
  std::string_view lead_block;  // empty: the lead is the first of frames
  size_t lead_size = 0;
  std::string_view frames;
};

bool split_packed(std::string_view packed, PackedParts& parts) {
  parts = PackedParts();
  if (packed.empty() || packed[0] != kPackedV2) {
    parts.frames = packed;
    return true;
  }
  if (packed.size() < kLeadHeader) return false;
  auto get16 = [&](size_t at) {
    return static_cast<size_t>(static_cast<uint8_t>(packed[at])) |
           static_cast<size_t>(static_cast<uint8_t>(packed[at + 1])) << 8;
  };
  parts.lead_size = get16(1);
  const size_t block = get16(3);
  if (parts.lead_size == 0 || parts.lead_size > kBodyLeadBytes || block == 0 || block > packed.size() - kLeadHeader) {
    return false;
  }
  parts.lead_block = packed.substr(kLeadHeader, block);
  parts.frames = packed.substr(kLeadHeader + block);
  return true;
}

// Appends the lead of parts to text.
bool unpack_lead_block(const PackedParts& parts, std::string& text) {
  const size_t at = text.size();
  text.resize(at + parts.lead_size);
  const int n = LZ4_decompress_safe(parts.lead_block.data(), text.data() + at, static_cast<int>(parts.lead_block.size()),
                                    static_cast<int>(parts.lead_size));
  if (n < 0 || static_cast<size_t>(n) != parts.lead_size) {
    text.resize(at);
    return false;
  }
  return true;
}

}  // namespace

bool unpack_body(std::string_view packed, std::string& body) {
  body.clear();
  if (packed.empty()) return true;
  PackedParts parts;
  if (!split_packed(packed, parts)) return false;
  if (parts.lead_block.empty()) return decompress(parts.frames, frames_size(parts.frames), body);
  std::string rest;
  if (!parts.frames.empty() && !decompress(parts.frames, frames_size(parts.frames), rest)) return false;
  if (rest.size() > kMaxBodyBytes - parts.lead_size || !unpack_lead_block(parts, body)) {
    body.clear();
    return false;
  }
  body += rest;
  return true;
}

bool unpack_body_lead(std::string_view packed, std::string& lead, bool& whole) {
  whole = true;
  lead.clear();
  if (packed.empty()) return true;
  PackedParts parts;
  if (!split_packed(packed, parts)) return false;
  if (!parts.lead_block.empty()) {
    whole = parts.frames.empty();
    // The rest must be frames, or the body is damaged.
    if (!whole && frames_size(parts.frames) == ZSTD_CONTENTSIZE_ERROR) return false;
    return unpack_lead_block(parts, lead);
  }
  const size_t first = ZSTD_findFrameCompressedSize(packed.data(), packed.size());
  if (ZSTD_isError(first)) return false;
  whole = first == packed.size();
  if (!whole && frames_size(packed) == ZSTD_CONTENTSIZE_ERROR) return false;
  return decompress(packed.substr(0, first), ZSTD_getFrameContentSize(packed.data(), first), lead);
}

namespace {
constexpr char kHitRecord = '\x02';
constexpr size_t kHitHeader = 5;  // kHitRecord, then the data's length (32 bits LE)
}  // namespace

std::string pack_hit_record(std::string_view data, std::string_view body) {
  if (data.size() > UINT32_MAX) throw std::runtime_error("document data too long for a hit record");
  std::string out;
  out.reserve(kHitHeader + data.size() + body.size() / 2);
  out += kHitRecord;
  for (int shift = 0; shift < 32; shift += 8) out += static_cast<char>((data.size() >> shift) & 0xFF);
  out += data;
  out += pack_body(body);
  return out;
}

bool split_hit_record(std::string_view value, std::string_view& data, std::string_view& packed_body) {
  data = {};
  packed_body = value;
  if (value.empty() || value[0] != kHitRecord) return true;  // a body alone, or nothing
  if (value.size() < kHitHeader) return false;
  size_t n = 0;
  for (size_t i = 0; i < 4; ++i) n |= static_cast<size_t>(static_cast<uint8_t>(value[1 + i])) << (8 * i);
  if (n == 0 || n > value.size() - kHitHeader) return false;
  data = value.substr(kHitHeader, n);
  packed_body = value.substr(kHitHeader + n);
  return true;
}

Article article_from_document(const Xapian::Document& doc, bool with_body) {
  Article a = article_from_data(doc.get_data());
  if (!with_body) {
    a.body.clear();
    return a;
  }
  const std::string value = doc.get_value(schema::kSlotBody);
  std::string_view data, packed;
  if (!split_hit_record(value, data, packed) || (!packed.empty() && !unpack_body(packed, a.body))) {
    throw std::runtime_error("document " + a.id + ": its body does not decompress");
  }
  return a;
}

std::string content_hash(const Article& a) {
  // Every stored field, each preceded by its length, so that moving text
  // between fields always changes what is hashed.
  uint64_t h = kHashSeed;
  auto field = [&](std::string_view v) {
    const uint64_t n = v.size();
    h = fnv1a64(std::string_view(reinterpret_cast<const char*>(&n), sizeof n), h);
    h = fnv1a64(v, h);
  };
  auto list = [&](const std::vector<std::string>& vs) {
    field(std::to_string(vs.size()));
    for (const auto& v : vs) field(v);
  };
  field(a.id);
  field(a.lang);
  field(a.title);
  field(a.date);
  field(a.url);
  field(a.section);
  list(a.tags);
  list(a.people);
  list(a.orgs);
  list(a.topics);
  field(a.author);
  field(a.body);
  // The schema version is part of the hash: a schema change reindexes all.
  h ^= static_cast<uint64_t>(schema::kVersion);
  h *= 1099511628211ULL;
  return hex64(h);
}

uint32_t* SpellingCounts::counter(std::string_view word) {
  size_t chars = 0;
  for (unsigned char c : word) {
    // Letters only (and inner - or '): no model numbers, dates, @handles.
    if (c < 0x80 && !(c >= 'a' && c <= 'z') && c != '-' && c != '\'') return nullptr;
    if ((c & 0xC0) != 0x80) ++chars;
  }
  if (chars < kMinChars || chars > kMaxChars) return nullptr;
  auto it = counts_.find(word);
  if (it == counts_.end()) it = counts_.emplace(std::string(word), 0).first;
  return &it->second;
}

void SpellingCounts::add(std::string_view word) {
  if (uint32_t* n = counter(word)) ++*n;
}

void SpellingCounts::merge(const SpellingCounts& other) {
  for (const auto& [word, count] : other.counts_) counts_[word] += count;
}

size_t SpellingCounts::write(Xapian::WritableDatabase& db, uint32_t min_count) const {
  size_t n = 0;
  for_each(min_count, [&](const std::string& word, uint32_t count) {
    db.add_spelling(word, count);
    ++n;
  });
  return n;
}

Xapian::Document DocumentBuilder::build(const Article& a, const std::string& hash) {
  using namespace schema;
  Xapian::Document doc;
  Lang lang = analysis::parse_lang(a.lang);
  if (lang == Lang::unknown) lang = analysis::detect_language(a.title + "\n" + a.body).lang;
  const bool exact_forms = analyzer_.options().exact_forms;

  // Each token is stemmed once; the stems serve the terms and the entities.
  auto analyse = [&](std::string_view text, uint32_t position, std::vector<Token>& tokens,
                     std::vector<std::string>& stems) {
    tokens.clear();
    const uint32_t end = analyzer_.tokenize(text, lang, tokens, position);
    stems.resize(tokens.size());
    for (size_t i = 0; i < tokens.size(); ++i) {
      const Token& t = tokens[i];
      if (t.kind == TokenKind::compound) {
        stems[i].clear();
        continue;
      }
      if (t.stem_lang == Lang::unknown) {
        stems[i] = t.text;
        continue;
      }
      auto it = words_.find(std::string_view(t.text));
      if (it == words_.end() || it->second.stem_lang != t.stem_lang) {
        WordInfo info{analyzer_.stem(t.text, t.stem_lang), t.stem_lang, nullptr};
        if (info.stem.empty()) info.stem = t.text;
        // Stopwords are never searched, so never worth suggesting.
        if (spelling_ && t.kind == TokenKind::word && !analysis::is_stopword(t.stem_lang, t.text)) {
          info.spelling = spelling_->counter(t.text);
        }
        if (it != words_.end()) {
          it->second = std::move(info);
        } else {
          if (words_.size() >= kMaxWords) words_.clear();
          it = words_.emplace(t.text, std::move(info)).first;
        }
      }
      stems[i] = it->second.stem;
      if (it->second.spelling) ++*it->second.spelling;
    }
    return end;
  };

  // Title: exact forms under S, stems with positions under Z (extra wdf)
  // and ZS. Body: stems with positions under Z. Compounds (алма-ата) are
  // indexed whole as unprefixed terms; their parts carry the positions.
  const Xapian::termpos after_title = analyse(a.title, 1, title_tokens_, title_stems_);
  for (size_t i = 0; i < title_tokens_.size(); ++i) {
    const Token& t = title_tokens_[i];
    doc.add_term(term(prefix::title, t.text));
    if (t.kind == TokenKind::compound || exact_forms) doc.add_term(t.text, 1 + kTitleWdfBoost);
    if (t.kind == TokenKind::compound) continue;
    doc.add_posting(term(prefix::stem, title_stems_[i]), t.position, 1 + kTitleWdfBoost);
    doc.add_posting(term(prefix::title_stem, title_stems_[i]), t.position);
  }
  analyse(a.body, after_title + kFieldGap, body_tokens_, body_stems_);
  for (size_t i = 0; i < body_tokens_.size(); ++i) {
    const Token& t = body_tokens_[i];
    if (t.kind == TokenKind::compound || exact_forms) doc.add_term(t.text);
    if (t.kind == TokenKind::compound) continue;
    doc.add_posting(term(prefix::stem, body_stems_[i]), t.position);
  }

  // Boolean filter terms (wdf 0, so they do not disturb the weights).
  doc.add_boolean_term(id_term(a.id));
  const std::string code(analysis::lang_code(lang));
  if (!code.empty()) doc.add_boolean_term(term(prefix::lang, code));
  if (!a.date.empty()) {
    const std::string ymd = a.date.substr(0, 4) + a.date.substr(5, 2) + a.date.substr(8, 2);
    doc.add_boolean_term(term(prefix::date, ymd));
    doc.add_boolean_term(term(prefix::month, ymd.substr(0, 6)));
    doc.add_boolean_term(term(prefix::year, ymd.substr(0, 4)));
    doc.add_value(kSlotDate, ymd);
    doc.add_value(kSlotYear, ymd.substr(0, 4));
    doc.add_value(kSlotMonth, a.date.substr(0, 7));
  }
  if (!code.empty()) doc.add_value(kSlotLang, code);
  if (!a.section.empty()) {
    const std::string section = analysis::normalize(a.section);
    doc.add_boolean_term(term(prefix::section, section));
    doc.add_value(kSlotSection, section);
  }
  std::vector<std::string> tags;
  for (const auto& tag : a.tags) {
    std::string t = analysis::normalize(tag);
    if (t.empty()) continue;
    doc.add_boolean_term(term(prefix::tag, t));
    tags.push_back(std::move(t));
  }
  if (!tags.empty()) doc.add_value(kSlotTags, join_multi(tags));
  if (!a.url.empty()) doc.add_boolean_term(term(prefix::url, a.url));
  if (!a.author.empty()) doc.add_boolean_term(term(prefix::author, analysis::normalize(a.author)));
  // Entities and topics: the source's own plus what the gazetteer and the
  // taxonomy find in the tokens already made above.
  Article stored = a;
  const Entities found =
      entities_.extract(a.title, title_tokens_, title_stems_, a.body, body_tokens_, body_stems_, analyzer_.options());
  merge_unique(stored.people, found.people);
  merge_unique(stored.orgs, found.orgs);
  merge_unique(stored.topics, found.topics);
  for (const auto& t : stored.topics) doc.add_boolean_term(term(prefix::topic, t));
  for (const auto& p : stored.people) doc.add_boolean_term(term(prefix::person, p));
  for (const auto& o : stored.orgs) doc.add_boolean_term(term(prefix::org, o));
  if (!stored.topics.empty()) doc.add_value(kSlotTopics, join_multi(stored.topics));
  if (!stored.people.empty()) doc.add_value(kSlotPeople, join_multi(stored.people));
  if (!stored.orgs.empty()) doc.add_value(kSlotOrgs, join_multi(stored.orgs));
  doc.add_value(kSlotHash, hash);

  stored.lang = code;
  const std::string body = std::move(stored.body);
  stored.body.clear();
  std::string data = article_to_data(stored);
  doc.add_value(kSlotBody, pack_hit_record(data, body));
  doc.set_data(std::move(data));
  return doc;
}

}  // namespace letopis
