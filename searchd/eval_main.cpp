// letopis-eval: relevance figures of an index on a judged query set.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include <xapian.h>

#include "indexer/index_dir.h"
#include "searchd/eval.h"

namespace {

constexpr const char* kUsage = R"(Usage: letopis-eval --db DIR --queries FILE --qrels FILE [--k N] [--lang L]
                    [--ranking KEY=VALUE,...]

Runs every judged query of FILE (JSON Lines {"qid","lang","text"}) against
the index in DIR and prints MRR@k, Recall@k and nDCG@k (k = 10 by default)
for the queries with a relevant judgment in the qrels file
(qid<TAB>docid<TAB>grade). --lang keeps only queries in one language.
--ranking tries other ranking weights: exact_form_weight, title_weight,
cross_script (0 turns names across scripts off),
proximity_weight, proximity_window, recency_weight, recency_half_life_days,
fill_below (0: only documents with every word, unless none has them)
(see config/searchd.json).
Exit codes: 0 success, 1 failure, 2 usage error.
)";

}  // namespace

int main(int argc, char** argv) {
  std::string db, queries, qrels, lang;
  size_t k = 10;
  letopis::searchd::SearchOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return 0;
    } else if (a == "--db" && i + 1 < argc) {
      db = argv[++i];
    } else if (a == "--queries" && i + 1 < argc) {
      queries = argv[++i];
    } else if (a == "--qrels" && i + 1 < argc) {
      qrels = argv[++i];
    } else if (a == "--k" && i + 1 < argc) {
      k = std::strtoul(argv[++i], nullptr, 10);
    } else if (a == "--ranking" && i + 1 < argc) {
      std::string spec = argv[++i];
      size_t start = 0;
      while (start < spec.size()) {
        size_t comma = spec.find(',', start);
        if (comma == std::string::npos) comma = spec.size();
        const std::string item = spec.substr(start, comma - start);
        start = comma + 1;
        const size_t eq = item.find('=');
        const std::string key = item.substr(0, eq);
        const double v = eq == std::string::npos ? -1 : std::atof(item.c_str() + eq + 1);
        auto& r = options.ranking;
        if (key == "exact_form_weight") r.exact_form_weight = v;
        else if (key == "title_weight") r.title_weight = v;
        else if (key == "proximity_weight") r.proximity_weight = v;
        else if (key == "recency_weight") r.recency_weight = v;
        else if (key == "recency_half_life_days") r.recency_half_life_days = v;
        else if (key == "proximity_window") r.proximity_window = static_cast<unsigned>(v);
        else if (key == "proximity_max_words") r.proximity_max_words = static_cast<unsigned>(v);
        else if (key == "fill_below") r.fill_below = static_cast<unsigned>(v);
        else if (key == "cross_script") options.cross_script = v != 0;
        else {
          std::cerr << "letopis-eval: unknown ranking key " << key << '\n';
          return 2;
        }
      }
    } else if (a == "--lang" && i + 1 < argc) {
      lang = argv[++i];
    } else {
      std::cerr << "letopis-eval: unknown argument " << a << "\n\n" << kUsage;
      return 2;
    }
  }
  if (db.empty() || queries.empty() || qrels.empty() || k == 0 || k > 100) {
    std::cerr << kUsage;
    return 2;
  }
  try {
    letopis::searchd::Searcher searcher(letopis::index_dir::resolve(db), options);
    const auto s = letopis::searchd::evaluate(searcher, letopis::searchd::load_queries(queries),
                                              letopis::searchd::load_qrels(qrels), k, lang);
    std::printf("queries %zu  MRR@%zu %.4f  Recall@%zu %.4f  nDCG@%zu %.4f  mean %.2f ms\n", s.queries, k, s.mrr,
                k, s.recall, k, s.ndcg, s.mean_ms);
    return 0;
  } catch (const Xapian::Error& e) {
    std::cerr << "letopis-eval: " << e.get_description() << '\n';
  } catch (const std::exception& e) {
    std::cerr << "letopis-eval: " << e.what() << '\n';
  }
  return 1;
}
