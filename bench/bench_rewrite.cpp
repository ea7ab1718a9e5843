// Query correction and suggestions, measured on queries made from the index's own
// vocabulary: words (and word pairs) typed on the wrong keyboard layout, or
// with one random edit, and the same words typed correctly (which must never
// be rewritten). Prints accuracy, false rewrites and latency per class.
//
//   build/bench/letopis_bench_rewrite --db DIR [--queries N] [--seed S]
// Without --db it indexes the bundled sample into a temporary directory
// (smoke runs). Nothing is asserted.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include <xapian.h>

#include "bench/cli.h"
#include "bench/corpus.h"
#include "indexer/index_dir.h"
#include "indexer/indexer.h"
#include "searchd/rewrite.h"
#include "searchd/search.h"
#include "stemmers/keyboard.h"
#include "stemmers/utf8.h"

using namespace letopis;
namespace fs = std::filesystem;

namespace {

struct Case {
  std::string typed, meant;
};

struct Tally {
  size_t n = 0, right = 0, rewritten = 0;
  std::vector<double> ms;
};

double pct(size_t a, size_t b) { return b ? 100.0 * static_cast<double>(a) / static_cast<double>(b) : 0; }

// Of unsorted values (bench::percentile wants them sorted).
double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return bench::percentile(v, p);
}

bool cyrillic(const std::string& w) { return !w.empty() && static_cast<unsigned char>(w[0]) >= 0xD0; }

// One random edit (delete, swap, replace, insert) in the word's own alphabet.
std::string one_typo(const std::string& word, std::mt19937& rng) {
  const std::vector<std::string> all = searchd::one_edit_away(word);
  if (all.empty()) return "";
  return all[std::uniform_int_distribution<size_t>(0, all.size() - 1)(rng)];
}

}  // namespace

int main(int argc, char** argv) {
  std::string db;
  size_t per_class = 500;
  unsigned seed = 20261130;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--db") && i + 1 < argc) db = argv[++i];
    else if (!std::strcmp(argv[i], "--queries") && i + 1 < argc) per_class = std::stoul(argv[++i]);
    else if (!std::strcmp(argv[i], "--seed") && i + 1 < argc) seed = static_cast<unsigned>(std::stoul(argv[++i]));
    else if (!std::strcmp(argv[i], "--smoke")) per_class = 20;
    else {
      std::cerr << "usage: letopis_bench_rewrite [--db DIR] [--queries N] [--seed S] [--smoke]\n";
      return 2;
    }
  }
  fs::path tmp;
  if (db.empty()) {
    tmp = bench::index_sample("bench-rewrite");
    db = tmp.string();
  }
  searchd::Searcher searcher(index_dir::resolve(db));
  Xapian::Database& x = searcher.database();

  // The vocabulary: spelling words seen at least 5 times, 4 to 14 letters.
  std::vector<std::string> words;
  for (auto it = x.spellings_begin(); it != x.spellings_end(); ++it) {
    const size_t letters = analysis::decode_utf8(*it).size();
    if (it.get_termfreq() >= 5 && letters >= 4 && letters <= 14 && (*it).find_first_of("-'") == std::string::npos) {
      words.push_back(*it);
    }
  }
  if (words.empty()) {
    std::cerr << "no spelling data in " << db << "\n";
    return 1;
  }
  std::mt19937 rng(seed);
  auto pick = [&] { return words[std::uniform_int_distribution<size_t>(0, words.size() - 1)(rng)]; };
  auto wrong_layout = [](const std::string& w) {
    return cyrillic(w) ? analysis::cyrillic_to_qwerty(w) : analysis::qwerty_to_cyrillic(w, analysis::Lang::ru);
  };

  std::vector<std::pair<std::string, std::vector<Case>>> classes(5);
  classes[0].first = "layout, 1 word";
  classes[1].first = "layout, 2 words";
  classes[2].first = "typo, 1 word";
  classes[3].first = "correct, 1 word";
  classes[4].first = "correct, 2 words";
  for (size_t i = 0; i < per_class; ++i) {
    const std::string a = pick(), b = pick();
    classes[0].second.push_back({wrong_layout(a), a});
    // Two words of one script, so the pair is one layout slip.
    const std::string b2 = cyrillic(a) == cyrillic(b) ? b : a;
    classes[1].second.push_back({wrong_layout(a) + " " + wrong_layout(b2), a + " " + b2});
    const std::string t = one_typo(a, rng);
    if (!t.empty()) classes[2].second.push_back({t, a});
    classes[3].second.push_back({a, a});
    classes[4].second.push_back({a + " " + b2, a + " " + b2});
  }

  std::printf("index: %s (%u documents, %zu vocabulary words); %zu queries per class, seed %u\n", db.c_str(),
              x.get_doccount(), words.size(), per_class, seed);
  std::printf("%-18s %6s %10s %10s %9s %9s\n", "class", "n", "accuracy", "rewritten", "p50 ms", "p99 ms");
  for (const auto& [name, cases] : classes) {
    Tally t;
    const bool correct_class = name.rfind("correct", 0) == 0;
    for (const Case& c : cases) {
      searchd::SearchRequest r;
      r.q = c.typed;
      r.facets.clear();
      const auto t0 = std::chrono::steady_clock::now();
      const searchd::SearchResult res = searcher.search(r);
      t.ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      ++t.n;
      const bool rewritten = !res.corrected.empty();
      if (rewritten) ++t.rewritten;
      // Right: a slip is searched as what was meant (or offered as such); a
      // correct query is left alone.
      const bool right = correct_class ? !rewritten && res.suggestion.empty()
                                       : res.corrected == c.meant || res.suggestion == c.meant;
      if (right) ++t.right;
    }
    std::printf("%-18s %6zu %9.1f%% %9.1f%% %9.3f %9.3f\n", name.c_str(), t.n, pct(t.right, t.n),
                pct(t.rewritten, t.n), percentile(t.ms, 0.5), percentile(t.ms, 0.99));
  }
  std::printf("accuracy: slips searched as meant (or offered as did_you_mean); for correct queries, left alone\n");

  // /api/suggest on prefixes of 2 to 5 letters of vocabulary words.
  std::vector<double> ms;
  size_t with_terms = 0;
  for (size_t i = 0; i < per_class; ++i) {
    const std::u32string w = analysis::decode_utf8(pick());
    const size_t len = std::min<size_t>(w.size(), 2 + i % 4);
    std::string prefix;
    for (size_t k = 0; k < len; ++k) analysis::append_utf8(prefix, w[k]);
    const auto t0 = std::chrono::steady_clock::now();
    const searchd::Suggestions s = searcher.suggest(prefix, 5);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    if (!s.terms.empty()) ++with_terms;
  }
  std::printf("suggest: %zu prefixes of 2-5 letters, %.1f%% with completions, p50 %.3f ms, p99 %.3f ms\n",
              ms.size(), pct(with_terms, ms.size()), percentile(ms, 0.5), percentile(ms, 0.99));
  if (!tmp.empty()) fs::remove_all(tmp);
  return 0;
}
