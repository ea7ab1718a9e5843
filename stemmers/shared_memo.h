// SharedMemo: what has been worked out for a word, remembered for every
// thread of a process. A few independently locked shards, each emptied when
// it is full, so memory stays bounded whatever the traffic and however many
// threads there are; a lookup holds one shard's lock for one hash probe.
//
// For pure functions of a word (its stem in a language, its transliterations
// against one index revision), which each of searchd's worker threads would
// otherwise work out again for itself: with per-thread caches, a word first
// met by one thread was new to the seven others.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace letopis::analysis {

template <typename V>
class SharedMemo {
 public:
  static constexpr size_t kShards = 16;

  // Holds up to about capacity entries in all.
  explicit SharedMemo(size_t capacity) : per_shard_(std::max<size_t>(capacity / kShards, 1)) {}
  SharedMemo(const SharedMemo&) = delete;
  SharedMemo& operator=(const SharedMemo&) = delete;

  std::optional<V> find(const std::string& key) const {
    Shard& s = shard(key);
    std::lock_guard<std::mutex> lock(s.mu);
    auto it = s.map.find(key);
    if (it == s.map.end()) return std::nullopt;
    return it->second;
  }

  void put(std::string key, V value) const {
    Shard& s = shard(key);
    std::lock_guard<std::mutex> lock(s.mu);
    if (s.map.size() >= per_shard_) s.map.clear();
    s.map.insert_or_assign(std::move(key), std::move(value));
  }

  size_t size() const {
    size_t n = 0;
    for (Shard& s : shards_) {
      std::lock_guard<std::mutex> lock(s.mu);
      n += s.map.size();
    }
    return n;
  }

 private:
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, V> map;
  };
  Shard& shard(const std::string& key) const { return shards_[std::hash<std::string>()(key) % kShards]; }

  size_t per_shard_;
  mutable std::array<Shard, kShards> shards_;
};

}  // namespace letopis::analysis
