// Names across scripts (searchd/names.h), measured with the gazetteer as the
// answer key. For every person in the index's gazetteer with a one-word
// Latin alias and a one-word Cyrillic one (a surname: "Tokayev", «Токаев»),
// each alias is searched on its own, with entity synonyms off so that only
// the words do the finding; the articles the indexer tagged with that person
// (XP) are the relevant ones. Recall and precision over the whole match set
// (up to 1000), macro-averaged, with names across scripts off and on, and
// how many queries the expansion touched. Nothing is asserted.
//
//   build/bench/letopis_bench_names --db DIR
// Without --db (smoke runs) it indexes the bundled sample.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <xapian.h>

#include "bench/corpus.h"
#include "indexer/document.h"
#include "indexer/index_dir.h"
#include "indexer/schema.h"
#include "searchd/search.h"

using namespace letopis;
namespace fs = std::filesystem;

namespace {

bool latin(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x80; });
}
bool one_word(const std::string& s) { return s.find(' ') == std::string::npos && s.size() >= 4; }

struct Totals {
  size_t queries = 0, expanded = 0;
  double recall = 0, precision = 0;
  size_t with_hits = 0;
};

}  // namespace

int main(int argc, char** argv) {
  std::string db;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--db") && i + 1 < argc) db = argv[++i];
    else if (!std::strcmp(argv[i], "--smoke")) {
    } else {
      std::cerr << "usage: letopis_bench_names [--db DIR] [--smoke]\n";
      return 2;
    }
  }
  fs::path tmp;
  if (db.empty()) {
    tmp = bench::index_sample("bench-names");
    db = tmp.string();
  }
  const std::string path = index_dir::resolve(db);
  searchd::SearchOptions off, on;
  off.entity_synonyms = on.entity_synonyms = false;
  off.correct_queries = on.correct_queries = false;
  off.cross_script = false;
  searchd::Searcher without(path, off), with(path, on);
  Xapian::Database& x = with.database();

  const auto gaz = nlohmann::json::parse(x.get_metadata(std::string(schema::kGazetteerKey)), nullptr, false);
  if (!gaz.is_object() || !gaz.contains("people")) {
    std::printf("index: %s has no gazetteer metadata; nothing to measure\n", db.c_str());
    return 0;
  }
  Totals t_off[2], t_on[2];  // [0] Latin typed, [1] Cyrillic typed
  size_t people = 0;
  for (const auto& p : gaz["people"]) {
    if (!p.contains("id") || !p.contains("aliases")) continue;
    const std::string id = p["id"].get<std::string>();
    std::vector<std::string> lat, cyr;
    for (const auto& a : p["aliases"]) {
      const std::string text = a.is_string() ? a.get<std::string>() : a.value("text", "");
      if (!one_word(text)) continue;
      (latin(text) ? lat : cyr).push_back(text);
    }
    if (lat.empty() || cyr.empty()) continue;
    std::set<std::string> relevant;
    const std::string term = schema::term(schema::prefix::person, id);
    for (auto it = x.postlist_begin(term); it != x.postlist_end(term); ++it) {
      relevant.insert(article_from_data(x.get_document(*it).get_data()).id);
    }
    if (relevant.empty()) continue;
    ++people;
    for (int script = 0; script < 2; ++script) {
      for (const std::string& q : script == 0 ? lat : cyr) {
        searchd::SearchRequest r;
        r.q = q;
        r.per_page = 1000;
        r.facets.clear();
        for (int mode = 0; mode < 2; ++mode) {
          const searchd::SearchResult res = (mode ? with : without).search(r);
          Totals& t = (mode ? t_on : t_off)[script];
          ++t.queries;
          if (!res.transliterated.empty()) ++t.expanded;
          size_t good = 0;
          for (const auto& h : res.hits) good += relevant.count(h.id);
          t.recall += static_cast<double>(good) / static_cast<double>(relevant.size());
          if (!res.hits.empty()) {
            ++t.with_hits;
            t.precision += static_cast<double>(good) / static_cast<double>(res.hits.size());
          }
        }
      }
    }
  }
  std::printf("index: %s (%u documents); %zu people with a one-word alias in each script\n", db.c_str(),
              x.get_doccount(), people);
  std::printf("%-16s %-16s %8s %9s %8s %10s\n", "typed", "across scripts", "queries", "expanded", "recall",
              "precision");
  for (int script = 0; script < 2; ++script) {
    for (int mode = 0; mode < 2; ++mode) {
      const Totals& t = (mode ? t_on : t_off)[script];
      if (!t.queries) continue;
      std::printf("%-16s %-16s %8zu %9zu %8.3f %10.3f\n", script ? "Cyrillic" : "Latin", mode ? "on" : "off", t.queries,
                  t.expanded, t.recall / static_cast<double>(t.queries),
                  t.with_hits ? t.precision / static_cast<double>(t.with_hits) : 0.0);
    }
  }
  std::printf("(recall: share of the person's tagged articles found; precision: share of the hits that are\n"
              " tagged with the person, over queries with hits; whole match set up to 1000)\n");
  if (!tmp.empty()) fs::remove_all(tmp);
  return 0;
}
