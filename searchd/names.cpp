#include "searchd/names.h"

#include <algorithm>
#include <map>
#include <fstream>
#include <mutex>
#include <unordered_set>

#include "stemmers/translit.h"
#include "stemmers/utf8.h"

namespace letopis::searchd {
namespace {

// Letters only, counted; 0 if anything else (digits, hyphens) is in the word.
size_t letters(std::string_view w) {
  size_t n = 0;
  for (char32_t c : analysis::decode_utf8(w)) {
    if (!(c >= 'a' && c <= 'z') && !(c >= 0x430 && c <= 0x4FF)) return 0;
    ++n;
  }
  return n;
}

bool is_latin(std::string_view w) { return !w.empty() && static_cast<unsigned char>(w[0]) < 0x80; }

struct CommonWords {
  std::mutex mu;
  std::string path;
  std::shared_ptr<const std::unordered_set<std::string>> words;  // null: none loaded
};
CommonWords& common_words() {
  static CommonWords c;
  return c;
}

}  // namespace

void CrossScript::load_common_words(const std::string& path) {
  CommonWords& c = common_words();
  std::lock_guard<std::mutex> lock(c.mu);
  if (c.path == path && c.words) return;
  std::ifstream in(path);
  if (!in) return;
  auto words = std::make_shared<std::unordered_set<std::string>>();
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || !std::all_of(line.begin(), line.end(), [](unsigned char ch) { return ch >= 'a' && ch <= 'z'; })) {
      continue;  // names (capitalised), possessives, accented words
    }
    words->insert(line);
  }
  c.path = path;
  c.words = std::move(words);
}

bool CrossScript::common(std::string_view w) {
  CommonWords& c = common_words();
  std::shared_ptr<const std::unordered_set<std::string>> words;
  {
    std::lock_guard<std::mutex> lock(c.mu);
    words = c.words;
  }
  return !words || words->count(std::string(w)) > 0;
}

std::shared_ptr<const CrossScript> CrossScript::build(const Xapian::Database& db) {
  auto out = std::make_shared<CrossScript>();
  try {
    out->revision_ = db.get_revision();
    for (auto it = db.spellings_begin(); it != db.spellings_end(); ++it) {
      const std::string w = *it;
      if (!is_latin(w) || letters(w) < kMinLetters) continue;
      std::string key = analysis::latin_fold(w);
      if (!key.empty()) out->by_key_[std::move(key)].push_back(w);
    }
  } catch (const Xapian::Error&) {
    // No spelling data here (a remote shard): no alternatives.
  }
  return out;
}

std::shared_ptr<const CrossScript> CrossScript::get(const Xapian::Database& db) {
  static const auto empty = std::make_shared<const CrossScript>();
  if (db.size() != 1) return empty;
  std::string key;
  Xapian::rev revision = 0;
  try {
    key = db.get_uuid();
    revision = db.get_revision();
  } catch (const Xapian::Error&) {
    return empty;
  }
  static std::mutex mu, build_mu;
  static std::map<std::string, std::pair<Xapian::rev, std::shared_ptr<const CrossScript>>> cache;
  auto lookup = [&]() -> std::shared_ptr<const CrossScript> {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find(key);
    if (it == cache.end()) return nullptr;
    if (it->second.first == revision) return it->second.second;
    // A thread still on an older revision uses what there is until it reopens.
    if (it->second.first > revision) return it->second.second;
    return nullptr;
  };
  if (auto hit = lookup()) return hit;
  std::lock_guard<std::mutex> building(build_mu);
  if (auto hit = lookup()) return hit;
  auto built = build(db);
  std::lock_guard<std::mutex> lock(mu);
  // One entry per database: a rebuild's new database would otherwise leave
  // the old one's words in memory for good. A few databases at once are
  // kept (tests run several); beyond that the others go.
  if (!cache.count(key) && cache.size() >= 4) cache.clear();
  cache[key] = {revision, built};
  return built;
}

std::vector<std::string> CrossScript::candidates(const analysis::Token& t) const {
  std::vector<std::string> out;
  if (t.kind != analysis::TokenKind::word || letters(t.text) < kMinLetters) return out;
  // Transliteration runs ICU's transliterators (a few microseconds a word):
  // every thread's words are remembered, for this CrossScript only. (Kept
  // by each thread, they were worked out again by each of searchd's
  // workers: cross-script names were a tenth of a search's cost at
  // concurrency 8, docs/ARCHITECTURE.md.)
  std::string key = memo_key('c', t);
  if (auto hit = memo_.find(key)) return std::move(*hit);
  out = transliterate(t);
  memo_.put(std::move(key), out);
  return out;
}

std::vector<std::string> CrossScript::transliterate(const analysis::Token& t) const {
  std::vector<std::string> out;
  if (is_latin(t.text)) {
    out.push_back(analysis::to_cyrillic(t.text, analysis::Lang::ru));
    out.push_back(analysis::to_cyrillic(t.text, analysis::Lang::kk));
    return out;
  }
  for (const std::string& key : analysis::latin_keys(t.text, t.stem_lang)) {
    auto it = by_key_.find(key);
    if (it == by_key_.end()) continue;
    out.insert(out.end(), it->second.begin(), it->second.end());
  }
  return out;
}

}  // namespace letopis::searchd
