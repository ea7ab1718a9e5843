// /api/related across languages, measured on the corpus's parallel sets:
// wmt-ruen (Russian news and their English translations) and NTREX (English
// news in Russian and Kazakh). Their records share a tag
// "translation:<doc id>"; Searcher::related never looks at tags, so the tag
// is the answer key. For each article: is one of its translations among its
// top 5 related articles? Also latency. Nothing is asserted.
//
//   build/bench/letopis_bench_related --db DIR [--top N]
// Without --db (smoke runs) it indexes the bundled sample, which has no
// parallel sets, and reports nothing but that it ran.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <xapian.h>

#include "bench/cli.h"
#include "bench/corpus.h"
#include "indexer/document.h"
#include "indexer/index_dir.h"
#include "indexer/indexer.h"
#include "indexer/schema.h"
#include "searchd/search.h"

using namespace letopis;
namespace fs = std::filesystem;

namespace {

// Of unsorted values (bench::percentile wants them sorted).
double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return bench::percentile(v, p);
}

}  // namespace

int main(int argc, char** argv) {
  std::string db;
  size_t top = 5;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--db") && i + 1 < argc) db = argv[++i];
    else if (!std::strcmp(argv[i], "--top") && i + 1 < argc) top = std::stoul(argv[++i]);
    else if (!std::strcmp(argv[i], "--smoke")) {
    } else {
      std::cerr << "usage: letopis_bench_related [--db DIR] [--top N] [--smoke]\n";
      return 2;
    }
  }
  fs::path tmp;
  if (db.empty()) {
    tmp = bench::index_sample("bench-related");
    db = tmp.string();
  }
  searchd::Searcher searcher(index_dir::resolve(db));
  Xapian::Database& x = searcher.database();

  // Translation groups: tag term -> the ids (and languages) that carry it.
  struct Member {
    std::string id, lang;
  };
  std::map<std::string, std::vector<Member>> groups;
  const std::string tag_prefix = schema::term(schema::prefix::tag, "translation:");
  for (auto t = x.allterms_begin(tag_prefix); t != x.allterms_end(tag_prefix); ++t) {
    for (auto p = x.postlist_begin(*t); p != x.postlist_end(*t); ++p) {
      const Article a = article_from_data(x.get_document(*p).get_data());
      groups[*t].push_back({a.id, a.lang});
    }
  }
  // Tallies per corpus (wmt / ntrex) and language pair.
  struct Tally {
    size_t n = 0, found = 0;
  };
  std::map<std::string, Tally> tally;
  std::vector<double> ms;
  for (const auto& [tag, members] : groups) {
    if (members.size() < 2) continue;
    const std::string corpus = tag.find("ntrex") != std::string::npos ? "ntrex" : "wmt-ruen";
    for (const Member& m : members) {
      const auto t0 = std::chrono::steady_clock::now();
      const auto hits = searcher.related(m.id, top);
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      if (!hits) continue;
      for (const Member& other : members) {
        if (other.id == m.id) continue;
        const bool found = std::any_of(hits->begin(), hits->end(), [&](const auto& h) { return h.id == other.id; });
        Tally& t = tally[corpus + " " + m.lang + "->" + other.lang];
        ++t.n;
        if (found) ++t.found;
      }
    }
  }
  std::printf("index: %s (%u documents), %zu translation groups; related top %zu\n", db.c_str(), x.get_doccount(),
              groups.size(), top);
  std::printf("%-22s %6s %10s\n", "set, from->to", "pairs", "in top");
  for (const auto& [name, t] : tally) {
    std::printf("%-22s %6zu %9.1f%%\n", name.c_str(), t.n,
                t.n ? 100.0 * static_cast<double>(t.found) / static_cast<double>(t.n) : 0.0);
  }
  std::printf("latency of /api/related's search: p50 %.3f ms, p99 %.3f ms over %zu articles\n", percentile(ms, 0.5),
              percentile(ms, 0.99), ms.size());
  if (!tmp.empty()) fs::remove_all(tmp);
  return 0;
}
