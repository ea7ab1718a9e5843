#include "searchd/search.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <unordered_map>

#include "indexer/document.h"
#include "indexer/schema.h"
#include "stemmers/lang.h"

namespace letopis::searchd {
namespace {

// Counts the values of a multi-valued slot (values joined by kMultiSep), for
// tags, topics, people and organisations. ValueCountMatchSpy would count the
// joined string as one value.
class MultiValueCountMatchSpy : public Xapian::MatchSpy {
 public:
  explicit MultiValueCountMatchSpy(Xapian::valueno slot) : slot_(slot) {}
  void operator()(const Xapian::Document& doc, double) override {
    const std::string v = doc.get_value(slot_);
    if (v.empty()) return;
    size_t start = 0;
    for (;;) {
      const size_t end = v.find(schema::kMultiSep, start);
      ++counts_[v.substr(start, end == std::string::npos ? std::string::npos : end - start)];
      if (end == std::string::npos) break;
      start = end + 1;
    }
  }
  const std::unordered_map<std::string, uint64_t>& counts() const { return counts_; }

 private:
  Xapian::valueno slot_;
  std::unordered_map<std::string, uint64_t> counts_;
};

struct FacetDef {
  const char* name;
  Xapian::valueno slot;
  bool multi;
  bool by_value;  // order by value (time facets) rather than by count
};

const FacetDef kFacets[] = {
    {"year", schema::kSlotYear, false, true},       {"month", schema::kSlotMonth, false, true},
    {"lang", schema::kSlotLang, false, false},      {"section", schema::kSlotSection, false, false},
    {"tag", schema::kSlotTags, true, false},        {"topic", schema::kSlotTopics, true, false},
    {"person", schema::kSlotPeople, true, false},   {"org", schema::kSlotOrgs, true, false},
};

std::vector<FacetValue> top_values(std::vector<FacetValue> values, bool by_value, size_t max) {
  if (by_value) {
    std::sort(values.begin(), values.end(), [](const auto& a, const auto& b) { return a.value > b.value; });
  } else {
    std::sort(values.begin(), values.end(), [](const auto& a, const auto& b) {
      return a.count != b.count ? a.count > b.count : a.value < b.value;
    });
  }
  if (values.size() > max) values.resize(max);
  return values;
}

}  // namespace

analysis::AnalysisOptions analysis_options(const Xapian::Database& db) {
  const std::string s = db.get_metadata(std::string(schema::kAnalysisKey));
  try {
    return analysis::AnalysisOptions::parse(s);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(std::string("index analysis options: ") + e.what());
  }
}

void check_schema(const Xapian::Database& db, const std::string& path) {
  const std::string v = db.get_metadata(std::string(schema::kVersionKey));
  if (v.empty() && db.get_doccount() == 0) return;  // an empty new index
  if (v != std::to_string(schema::kVersion)) {
    throw std::runtime_error(path + ": index schema version '" + v + "' is not " +
                             std::to_string(schema::kVersion) + "; rebuild it with letopis-index --rebuild");
  }
}

Searcher::Searcher(const std::string& db_path, SearchOptions options)
    : path_(db_path), db_(db_path), options_(options), builder_(options.ranking, analysis_options(db_)) {
  check_schema(db_, path_);
  for (analysis::Lang l : {analysis::Lang::unknown, analysis::Lang::ru, analysis::Lang::en, analysis::Lang::kk}) {
    text_stemmers_[static_cast<int>(l)] = analysis::make_text_stemmer(l, builder_.analyzer().options());
  }
}

SearchResult Searcher::search(const SearchRequest& request) {
  try {
    return run(request);
  } catch (const Xapian::DatabaseModifiedError&) {
    // The indexer committed a new revision under us: reopen and retry once.
    db_.reopen();
    return run(request);
  }
}

SearchResult Searcher::run(const SearchRequest& req) {
  const auto t0 = std::chrono::steady_clock::now();
  SearchResult res;
  ParsedQuery pq = builder_.parse(req.q);
  res.lang = std::string(analysis::lang_code(pq.lang));
  res.fallback = pq.fallback;

  // Dates given as parameters and written in the query both apply.
  res.from = std::max(req.from, pq.from);
  res.to = req.to.empty() ? pq.to : (pq.to.empty() ? req.to : std::min(req.to, pq.to));
  const Xapian::Query filter = builder_.filters(req, res.from, res.to);

  Sort sort = req.sort;
  if (!req.sort_given && !pq.has_words) sort = Sort::date_desc;  // browsing: newest first

  Xapian::Enquire enquire(db_);
  enquire.set_weighting_scheme(Xapian::BM25Weight());
  if (sort == Sort::date_desc) enquire.set_sort_by_value_then_relevance(schema::kSlotDate, true);
  if (sort == Sort::date_asc) enquire.set_sort_by_value_then_relevance(schema::kSlotDate, false);
  enquire.set_time_limit(options_.time_limit_seconds);

  std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> single_spies;
  std::vector<std::unique_ptr<MultiValueCountMatchSpy>> multi_spies;
  std::vector<const FacetDef*> defs;
  auto attach_spies = [&] {
    enquire.clear_matchspies();
    single_spies.clear();
    multi_spies.clear();
    defs.clear();
    for (const FacetDef& f : kFacets) {
      if (std::find(req.facets.begin(), req.facets.end(), f.name) == req.facets.end()) continue;
      defs.push_back(&f);
      if (f.multi) {
        multi_spies.push_back(std::make_unique<MultiValueCountMatchSpy>(f.slot));
        enquire.add_matchspy(multi_spies.back().get());
      } else {
        single_spies.push_back(std::make_unique<Xapian::ValueCountMatchSpy>(f.slot));
        enquire.add_matchspy(single_spies.back().get());
      }
    }
  };

  auto run_query = [&](Xapian::Query q) {
    attach_spies();
    if (!pq.proximity.empty() && sort == Sort::relevance) {
      q = Xapian::Query(Xapian::Query::OP_AND_MAYBE, q, pq.proximity);
    }
    enquire.set_query(filter.empty() ? q : Xapian::Query(Xapian::Query::OP_FILTER, q, filter));
    const Xapian::doccount first = (req.page - 1) * req.per_page;
    // Facet counts are exact only if every match is seen.
    const Xapian::doccount check = defs.empty() ? 0 : db_.get_doccount();
    return enquire.get_mset(first, req.per_page, check);
  };

  Xapian::MSet mset = run_query(pq.query);
  if (mset.get_matches_estimated() == 0 && !pq.relaxed.empty()) {
    // No document has every word: rank those that have some of them.
    mset = run_query(pq.relaxed);
    res.relaxed = true;
  }

  res.total = mset.get_matches_estimated();
  res.total_exact = mset.get_matches_lower_bound() == mset.get_matches_upper_bound();
  res.timed_out = !res.total_exact && !defs.empty();

  size_t si = 0, mi = 0;
  for (const FacetDef* f : defs) {
    std::vector<FacetValue> values;
    if (f->multi) {
      for (const auto& [v, c] : multi_spies[mi++]->counts()) values.push_back({v, c});
    } else {
      const auto& spy = *single_spies[si++];
      for (auto it = spy.values_begin(); it != spy.values_end(); ++it) {
        values.push_back({*it, it.get_termfreq()});
      }
    }
    res.facets[f->name] = top_values(std::move(values), f->by_value, options_.max_facet_values);
  }

  for (auto it = mset.begin(); it != mset.end(); ++it) {
    Article a;
    try {
      a = article_from_data(it.get_document().get_data());
    } catch (const std::exception&) {
      continue;  // not ours: never render foreign data
    }
    Hit h;
    h.id = std::move(a.id);
    h.title = std::move(a.title);
    h.url = std::move(a.url);
    h.date = std::move(a.date);
    h.lang = std::move(a.lang);
    h.section = std::move(a.section);
    h.tags = std::move(a.tags);
    h.score = it.get_weight();
    const analysis::Lang lang = analysis::parse_lang(h.lang);
    h.snippet = mset.snippet(a.body, options_.snippet_chars, text_stemmers_[static_cast<int>(lang)],
                             0,
                             "<mark>", "</mark>", "…");
    res.hits.push_back(std::move(h));
  }
  res.took_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

std::optional<Article> Searcher::document(const std::string& id) {
  const std::string t = schema::id_term(id);
  for (int attempt = 0; attempt < 2; ++attempt) {
    try {
      Xapian::PostingIterator p = db_.postlist_begin(t);
      if (p == db_.postlist_end(t)) return std::nullopt;
      return article_from_data(db_.get_document(*p).get_data());
    } catch (const Xapian::DatabaseModifiedError&) {
      db_.reopen();
    }
  }
  return std::nullopt;
}

}  // namespace letopis::searchd
