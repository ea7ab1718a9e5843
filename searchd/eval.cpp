#include "searchd/eval.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace letopis::searchd {

std::vector<EvalQuery> load_queries(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open");
  std::vector<EvalQuery> out;
  std::string line;
  size_t lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty()) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object() || !j.contains("qid") || !j.contains("text")) {
      throw std::runtime_error(path + ":" + std::to_string(lineno) + ": not a {qid, lang, text} object");
    }
    EvalQuery q;
    q.qid = j["qid"].is_string() ? j["qid"].get<std::string>() : j["qid"].dump();
    q.text = j["text"].get<std::string>();
    if (j.contains("lang") && j["lang"].is_string()) q.lang = j["lang"].get<std::string>();
    out.push_back(std::move(q));
  }
  return out;
}

std::map<std::string, std::map<std::string, int>> load_qrels(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open");
  std::map<std::string, std::map<std::string, int>> out;
  std::string line;
  size_t lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty()) continue;
    std::istringstream s(line);
    std::string qid, docid;
    int grade = 0;
    if (!std::getline(s, qid, '\t') || !std::getline(s, docid, '\t') || !(s >> grade)) {
      throw std::runtime_error(path + ":" + std::to_string(lineno) + ": not qid<TAB>docid<TAB>grade");
    }
    out[qid][docid] = grade;
  }
  return out;
}

EvalScores evaluate(Searcher& searcher, const std::vector<EvalQuery>& queries,
                    const std::map<std::string, std::map<std::string, int>>& qrels, size_t k,
                    const std::string& lang_filter) {
  EvalScores s;
  double total_ms = 0;
  for (const EvalQuery& q : queries) {
    if (!lang_filter.empty() && q.lang != lang_filter) continue;
    auto judged = qrels.find(q.qid);
    if (judged == qrels.end()) continue;
    std::vector<int> relevant_grades;
    for (const auto& [doc, grade] : judged->second) {
      if (grade > 0) relevant_grades.push_back(grade);
    }
    if (relevant_grades.empty()) continue;

    SearchRequest req;
    // Queries longer than the API limit are cut at a word boundary.
    req.q = q.text.size() > 1000 ? q.text.substr(0, q.text.rfind(' ', 1000)) : q.text;
    req.per_page = static_cast<uint32_t>(k);
    req.facets.clear();
    const SearchResult r = searcher.search(req);
    total_ms += r.took_ms;

    double rr = 0, dcg = 0;
    size_t found = 0;
    for (size_t i = 0; i < r.hits.size() && i < k; ++i) {
      auto g = judged->second.find(r.hits[i].id);
      if (g == judged->second.end() || g->second <= 0) continue;
      if (rr == 0) rr = 1.0 / static_cast<double>(i + 1);
      ++found;
      dcg += (std::pow(2.0, g->second) - 1) / std::log2(static_cast<double>(i) + 2);
    }
    std::sort(relevant_grades.rbegin(), relevant_grades.rend());
    double idcg = 0;
    for (size_t i = 0; i < relevant_grades.size() && i < k; ++i) {
      idcg += (std::pow(2.0, relevant_grades[i]) - 1) / std::log2(static_cast<double>(i) + 2);
    }
    s.mrr += rr;
    s.recall += static_cast<double>(found) / static_cast<double>(std::min(relevant_grades.size(), k));
    s.ndcg += idcg > 0 ? dcg / idcg : 0;
    ++s.queries;
  }
  if (s.queries > 0) {
    const double n = static_cast<double>(s.queries);
    s.mrr /= n;
    s.recall /= n;
    s.ndcg /= n;
    s.mean_ms = total_ms / n;
  }
  return s;
}

}  // namespace letopis::searchd
