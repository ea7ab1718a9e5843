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

Runs every judged query of FILE (JSON Lines {"qid","lang","text"}) against
the index in DIR and prints MRR@k, Recall@k and nDCG@k (k = 10 by default)
for the queries with a relevant judgment in the qrels file
(qid<TAB>docid<TAB>grade). --lang keeps only queries in one language.
Exit codes: 0 success, 1 failure, 2 usage error.
)";

}  // namespace

int main(int argc, char** argv) {
  std::string db, queries, qrels, lang;
  size_t k = 10;
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
    letopis::searchd::Searcher searcher(letopis::index_dir::resolve(db));
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
