// Relevance evaluation: runs a judged query set against an index and reports
// MRR@k, Recall@k and nDCG@k, so staff can check a ranking change.
// Formats: queries.jsonl with {"qid", "lang", "text"} per line; qrels.tsv
// with "qid<TAB>docid<TAB>grade" (grade > 0 is relevant), as in
// ../shared/relevance.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "searchd/search.h"

namespace letopis::searchd {

struct EvalQuery {
  std::string qid, lang, text;
};

struct EvalScores {
  size_t queries = 0;        // judged queries run
  double mrr = 0;            // mean reciprocal rank of the first relevant hit in the top k
  double recall = 0;         // mean share of relevant documents in the top k
  double ndcg = 0;           // mean nDCG@k with graded gains (2^grade - 1)
  double mean_ms = 0;        // mean search time
};

// Throws std::runtime_error if a file cannot be read or has a malformed line.
std::vector<EvalQuery> load_queries(const std::string& path);
std::map<std::string, std::map<std::string, int>> load_qrels(const std::string& path);

// Runs every query that has at least one relevant judgment. lang_filter, if
// non-empty, keeps only queries in that language.
EvalScores evaluate(Searcher& searcher, const std::vector<EvalQuery>& queries,
                    const std::map<std::string, std::map<std::string, int>>& qrels, size_t k = 10,
                    const std::string& lang_filter = "");

}  // namespace letopis::searchd
