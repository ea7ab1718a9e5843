#include "searchd/facets.h"

#include <map>
#include <mutex>
#include <string_view>
#include <unordered_map>

#include "indexer/schema.h"

namespace letopis::searchd {

std::shared_ptr<const FacetColumns> FacetColumns::build(const Xapian::Database& db, const std::vector<Slot>& slots) {
  auto out = std::make_shared<FacetColumns>();
  const Xapian::docid last = db.get_lastdocid();
  for (const Slot& s : slots) {
    Column c;
    c.start.assign(static_cast<size_t>(last) + 2, 0);
    std::unordered_map<std::string, uint32_t> ids;
    auto id_of = [&](std::string_view v) {
      auto [it, fresh] = ids.try_emplace(std::string(v), static_cast<uint32_t>(c.dict.size()));
      if (fresh) c.dict.emplace_back(v);
      return it->second;
    };
    // Value streams come in docid order: fill start[] as a running count.
    Xapian::docid next = 1;
    for (auto it = db.valuestream_begin(s.slot); it != db.valuestream_end(s.slot); ++it) {
      const Xapian::docid did = it.get_docid();
      while (next <= did) c.start[next++] = static_cast<uint32_t>(c.ids.size());
      const std::string v = *it;
      if (!s.multi) {
        c.ids.push_back(id_of(v));
        continue;
      }
      std::string_view rest(v);
      for (;;) {
        const size_t end = rest.find(schema::kMultiSep);
        if (end != 0 && !rest.empty()) c.ids.push_back(id_of(rest.substr(0, end)));
        if (end == std::string_view::npos) break;
        rest.remove_prefix(end + 1);
      }
    }
    while (next <= last + 1) c.start[next++] = static_cast<uint32_t>(c.ids.size());
    out->columns_.push_back(std::move(c));
  }
  return out;
}

std::shared_ptr<const FacetColumns> FacetColumns::get(const Xapian::Database& db, const std::vector<Slot>& slots) {
  // Several shards have no single revision to key the cache by.
  if (db.size() != 1) return nullptr;
  std::string key;
  try {
    key = db.get_uuid();
  } catch (const Xapian::Error&) {
    return nullptr;
  }
  for (const Slot& s : slots) key += "/" + std::to_string(s.slot) + (s.multi ? "m" : "");
  Xapian::rev revision = 0;
  try {
    revision = db.get_revision();
  } catch (const Xapian::Error&) {
    return nullptr;
  }
  struct Entry {
    Xapian::rev revision = 0;
    std::shared_ptr<const FacetColumns> columns;
  };
  static std::mutex mu;
  static std::map<std::string, Entry> cache;
  // One builder at a time: a thread that finds the revision missing builds
  // it while the others wait, rather than all building the same columns.
  static std::mutex build_mu;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find(key);
    if (it != cache.end() && it->second.revision == revision) return it->second.columns;
    // A thread still on an older revision counts the slow way until it reopens.
    if (it != cache.end() && it->second.revision > revision) return nullptr;
  }
  std::lock_guard<std::mutex> building(build_mu);
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find(key);
    if (it != cache.end() && it->second.revision == revision) return it->second.columns;
  }
  auto columns = build(db, slots);
  std::lock_guard<std::mutex> lock(mu);
  // A rebuild is a new database (a new uuid): without this the old one's
  // columns would stay for good. A few at once are kept (tests run several).
  if (!cache.count(key) && cache.size() >= 4) cache.clear();
  Entry& e = cache[key];
  if (e.revision <= revision) e = {revision, columns};
  return columns;
}

size_t FacetColumns::memory_bytes() const {
  size_t n = 0;
  for (const Column& c : columns_) {
    n += c.start.capacity() * sizeof(uint32_t) + c.ids.capacity() * sizeof(uint32_t);
    for (const std::string& s : c.dict) n += sizeof(std::string) + s.capacity();
  }
  return n;
}

ColumnCountSpy::ColumnCountSpy(std::shared_ptr<const FacetColumns> cols, std::vector<size_t> columns)
    : cols_(std::move(cols)), which_(std::move(columns)) {
  for (size_t i : which_) counts_.emplace_back(cols_->column(i).dict.size(), 0);
}

void ColumnCountSpy::operator()(const Xapian::Document& doc, double) {
  const Xapian::docid did = doc.get_docid();
  for (size_t k = 0; k < which_.size(); ++k) {
    auto [b, e] = cols_->values(which_[k], did);
    uint32_t* counts = counts_[k].data();
    for (; b != e; ++b) ++counts[*b];
  }
}

std::vector<std::pair<std::string, uint64_t>> ColumnCountSpy::counts(size_t k) const {
  std::vector<std::pair<std::string, uint64_t>> out;
  const auto& c = counts_[k];
  const auto& dict = cols_->column(which_[k]).dict;
  for (size_t id = 0; id < c.size(); ++id) {
    if (c[id]) out.emplace_back(dict[id], c[id]);
  }
  return out;
}

}  // namespace letopis::searchd
