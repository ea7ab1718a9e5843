#include "searchd/search.h"

#include "searchd/facets.h"
#include "searchd/log.h"
#include "searchd/names.h"
#include "searchd/snippet.h"

#include <algorithm>
#include <limits>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <mutex>
#include <map>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "indexer/document.h"
#include "indexer/entities.h"
#include "indexer/index_dir.h"
#include "indexer/schema.h"
#include "stemmers/lang.h"
#include "stemmers/utf8.h"

namespace letopis::searchd {
namespace {

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

struct Hash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};
using Counts = std::unordered_map<std::string, uint64_t, Hash, std::equal_to<>>;

// Adds n to the count of each value in a slot's content: the content
// itself, or for a multi-valued facet each of its kMultiSep-joined parts.
void count_values(Counts& counts, std::string_view content, bool multi, uint64_t n) {
  auto bump = [&](std::string_view value) {
    if (value.empty()) return;  // an empty part counts nowhere (as in FacetColumns)
    auto it = counts.find(value);
    if (it == counts.end()) counts.emplace(std::string(value), n);
    else it->second += n;
  };
  if (!multi) {
    bump(content);
    return;
  }
  for (;;) {
    const size_t end = content.find(schema::kMultiSep);
    bump(content.substr(0, end));
    if (end == std::string_view::npos) break;
    content.remove_prefix(end + 1);
  }
}

// Counts the values of every requested facet in one pass over the match
// set: one MatchSpy reads each slot once per document, splits multi-valued
// slots (tags, topics, people, organisations joined by kMultiSep), and
// counts in hash maps looked up by string_view, so counting allocates only
// for a value's first occurrence. (ValueCountMatchSpy would count a joined
// string as one value, and one spy per facet reads each document 8 times.)
// A remote shard cannot run it (a MatchSpy of ours cannot be serialised):
// see remote_counts() for that case.
class FacetCountMatchSpy : public Xapian::MatchSpy {
 public:
  explicit FacetCountMatchSpy(std::vector<const FacetDef*> facets)
      : facets_(std::move(facets)), counts_(facets_.size()) {}

  void operator()(const Xapian::Document& doc, double) override {
    for (size_t i = 0; i < facets_.size(); ++i) {
      const std::string v = doc.get_value(facets_[i]->slot);
      if (!v.empty()) count_values(counts_[i], v, facets_[i]->multi, 1);
    }
  }
  const Counts& counts(size_t i) const { return counts_[i]; }

 private:
  std::vector<const FacetDef*> facets_;
  std::vector<Counts> counts_;
};

// With remote shards: Xapian's own ValueCountMatchSpy, which each shard
// runs and Xapian merges, counts each distinct slot content (a joined
// multi-value string as one); splitting those and adding their counts
// gives exactly what FacetCountMatchSpy counts.
Counts remote_counts(const Xapian::ValueCountMatchSpy& spy, const FacetDef& def) {
  Counts counts;
  for (auto v = spy.values_begin(); v != spy.values_end(); ++v) {
    const std::string content = *v;
    if (!content.empty()) count_values(counts, content, def.multi, v.get_termfreq());
  }
  return counts;
}

// The slots of kFacets, in its order, for FacetColumns.
const std::vector<FacetColumns::Slot>& facet_slots() {
  static const std::vector<FacetColumns::Slot> slots = [] {
    std::vector<FacetColumns::Slot> s;
    for (const FacetDef& f : kFacets) s.push_back({f.slot, f.multi});
    return s;
  }();
  return slots;
}

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

// A hit's body as stored: packed in kSlotBody, or (an index from before
// that slot) as text in the document data.
struct StoredBody {
  std::string packed;
  std::string text;
};

// A hit from a match, its body kept aside for a snippet; nothing for a
// document whose data is not a Letopis article (never render foreign data).
std::optional<Hit> hit_of(const Xapian::MSetIterator& it, StoredBody* body = nullptr) {
  const Xapian::Document doc = it.get_document();
  // One value read: the hit record (indexer/document.h); the document data
  // for an index written before it, or a record that is damaged (the hit
  // is then shown without a snippet).
  const std::string value = doc.get_value(schema::kSlotBody);
  std::string_view data, packed;
  if (!split_hit_record(value, data, packed)) data = packed = {};
  Article a;
  try {
    a = article_from_data(data.empty() ? doc.get_data() : std::string(data));
  } catch (const std::exception&) {
    return std::nullopt;
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
  if (body) {
    body->packed.assign(packed);
    body->text = std::move(a.body);
  }
  return h;
}

// The words (as typed) the document lacks (ParsedQuery::Word), in query
// order. One pass over its term list.
std::vector<std::string> missing_words(const Xapian::Document& doc, const std::vector<ParsedQuery::Word>& words) {
  std::vector<std::string_view> wanted;
  for (const auto& w : words) {
    wanted.insert(wanted.end(), w.any.begin(), w.any.end());
    for (const auto& g : w.all) wanted.insert(wanted.end(), g.begin(), g.end());
  }
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  std::unordered_set<std::string_view> has;
  Xapian::TermIterator t = doc.termlist_begin();
  const Xapian::TermIterator end = doc.termlist_end();
  for (const std::string_view term : wanted) {
    t.skip_to(std::string(term));
    if (t == end) break;
    if (*t == term) has.insert(term);
  }
  auto any_of = [&](const std::vector<std::string>& terms) {
    return std::any_of(terms.begin(), terms.end(), [&](const std::string& x) { return has.count(x) > 0; });
  };
  std::vector<std::string> out;
  for (const auto& w : words) {
    const bool present = any_of(w.any) || (!w.all.empty() && std::all_of(w.all.begin(), w.all.end(), any_of));
    if (!present) out.push_back(w.text);
  }
  return out;
}

// A hit's snippet, from its lead when that has the query's words: hits run
// long (about 20 KB where the median article is under 1 KB), and the rest
// of a long article is decompressed only when its lead has no match. text
// is scratch space.
std::string snippet_of(const StoredBody& body, size_t chars, const SnippetQuery& query, const Xapian::Stem& stemmer,
                       std::string& text) {
  if (body.packed.empty()) return make_snippet(body.text, chars, query, stemmer).html;
  bool whole = true;
  if (!unpack_body_lead(body.packed, text, whole)) return {};  // damaged: no snippet rather than garbage
  Snippet s = make_snippet(text, chars, query, stemmer, !whole);
  if (whole || s.matched || !unpack_body(body.packed, text)) return std::move(s.html);
  return make_snippet(text, chars, query, stemmer).html;
}

// Extra weight by age, from the month value slot: weight x 0.5^(age /
// half_life), the age counted back from the newest article's date. Xapian's
// own ValueMapPostingSource, so it also runs on remote shards.
Xapian::Query recency_query(const Xapian::Database& db, double weight, double half_life_days) {
  const std::string newest = db.get_value_upper_bound(schema::kSlotDate);  // YYYYMMDD
  const std::string oldest = db.get_value_lower_bound(schema::kSlotMonth);  // YYYY-MM
  if (newest.size() != 8 || oldest.size() != 7) return Xapian::Query();
  auto num = [](std::string_view s) {
    int v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return v;
  };
  const int ny = num(std::string_view(newest).substr(0, 4)), nm = num(std::string_view(newest).substr(4, 2));
  const int nd = num(std::string_view(newest).substr(6, 2));
  int y = num(std::string_view(oldest).substr(0, 4)), m = num(std::string_view(oldest).substr(5, 2));
  if (ny - y > 200) y = ny - 200;  // bound the table, whatever the data says
  auto* source = new Xapian::ValueMapPostingSource(schema::kSlotMonth);
  for (; y < ny || (y == ny && m <= nm); m == 12 ? (m = 1, ++y) : ++m) {
    // Age of the month's middle; the newest month counts from its newest day.
    const double age = std::max(0.0, ((ny - y) * 12 + (nm - m)) * 30.44 + (nd - 15));
    char key[24];
    std::snprintf(key, sizeof key, "%04d-%02d", y % 10000, m);
    source->add_mapping(key, weight * std::pow(0.5, age / half_life_days));
  }
  source->set_default_weight(0);
  return Xapian::Query(source->release());
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

namespace {

// The shards' database, once at least one shard is open (and, under
// shards.on_failure = fail, all of them).
Xapian::Database& required(ShardSet& shards) {
  shards.require();
  return shards.database();
}

}  // namespace

Searcher::Searcher(const std::string& db_path, SearchOptions options) try
    : path_(db_path),
      shards_(db_path, options.shards),
      db_(required(shards_)),
      options_(options),
      builder_(options.ranking, analysis_options(db_)) {
  // Metadata (schema version, analysis options, gazetteer, taxonomy) does
  // travel over Xapian's remote protocol; a multi-database answers from its
  // first shard, and ShardSet has checked that every shard agrees on the
  // schema version and the analysis options.
  check_schema(db_, path_);
  for (analysis::Lang l : {analysis::Lang::unknown, analysis::Lang::ru, analysis::Lang::en, analysis::Lang::kk}) {
    text_stemmers_[static_cast<int>(l)] = analysis::make_text_stemmer(l, builder_.analyzer().options());
  }
  if (options_.entity_synonyms) load_aliases();
  open_spelling();
  if (options_.cross_script) {
    CrossScript::load_common_words(options_.common_words_file);
    cross_mode_ = CrossMode::names;
    builder_.set_cross_script([this](const analysis::Token& t) {
      std::vector<std::string> out;
      if (cross_mode_ == CrossMode::off) return out;
      const std::shared_ptr<const CrossScript> names = CrossScript::get(spelling());
      // name_like reads this Searcher's database: its answers hold for every
      // thread when that is the revision the CrossScript was built from.
      const bool remember = names->revision() != 0 && !spelling_ && names->revision() == db_.get_revision();
      out = names->alternatives(t, [this](const std::string& w) { return name_like(w); },
                                cross_mode_ == CrossMode::names, remember);
      for (const std::string& w : out) {
        if (std::find(cross_script_used_.begin(), cross_script_used_.end(), w) == cross_script_used_.end()) {
          cross_script_used_.push_back(w);
        }
      }
      return out;
    });
  }
} catch (const Xapian::NetworkError& e) {
  // A shard that failed while its metadata was read: unavailable, not a bug.
  throw Xapian::DatabaseOpeningError("a shard of the index failed while opening: " + e.get_description());
}

void Searcher::open_spelling() {
  // Spelling data does not travel: a remote shard's spelling table reads as
  // empty (Xapian 1.4 raises no error), and a multi-database sums only its
  // local shards' tables.
  const std::string& configured = options_.shards.spelling_db;
  if (configured.empty()) {
    if (shards_.has_remote()) {
      log_once("spelling:" + path_, path_ + " has remote shards, whose spelling data Xapian does not fetch: "
                                    "\"did you mean\", typo correction and completions use the local shards' "
                                    "spelling only; set shards.spelling_db (docs/OPERATIONS.md, Sharding)");
    }
    return;
  }
  try {
    const std::string path = index_dir::resolve(configured);
    if (spelling_ && path == spelling_path_) {
      spelling_->reopen();
      return;
    }
    spelling_ = std::make_unique<Xapian::Database>(path);
    spelling_path_ = path;
  } catch (const std::exception& e) {
    log_once("spelling-db:" + configured, "shards.spelling_db " + configured + ": " + e.what() +
                                              "; using the index's own spelling data");
  } catch (const Xapian::Error& e) {
    log_once("spelling-db:" + configured, "shards.spelling_db " + configured + ": " + e.get_description() +
                                              "; using the index's own spelling data");
  }
}

void Searcher::reopen() {
  shards_.refresh();
  if (!options_.shards.spelling_db.empty()) open_spelling();  // follows a rebuilt spelling index too
}

template <typename F>
auto Searcher::with_failover(F&& f) -> decltype(f()) {
  shards_.require();
  if (!shards_.sharded()) return f();
  try {
    return f();
  } catch (const Xapian::NetworkError& e) {
    shards_.recover(e);
  }
  shards_.require();
  try {
    return f();
  } catch (const Xapian::NetworkError& e) {
    shards_.recover(e);
    throw Xapian::DatabaseOpeningError("the index's shards are not answering: " + e.get_description());
  }
}


void Searcher::warm(const Xapian::Database& db) {
  FacetColumns::get(db, facet_slots());
  CrossScript::get(db);
}

bool Searcher::name_like(const std::string& word) {
  // In the index at all (its spelling table)...
  Xapian::Database& table = spelling();
  Xapian::TermIterator it = table.spellings_begin();
  it.skip_to(word);
  if (it == table.spellings_end() || *it != word) return false;
  const double count = it.get_termfreq();  // occurrences of this exact form
  // ...and most of what its stem finds: «герман» is a name, but its stem
  // also finds «Германия» in two thousand articles, where the form itself
  // occurs a few dozen times. Such a stem would bring the wrong articles.
  std::vector<analysis::Token> tokens;
  builder_.analyzer().tokenize(word, analysis::Lang::unknown, tokens);
  if (tokens.size() != 1) return false;
  const std::string stem = builder_.analyzer().stem(tokens[0].text, tokens[0].stem_lang);
  const Xapian::doccount df = db_.get_termfreq(schema::term(schema::prefix::stem, stem.empty() ? word : stem));
  return df > 0 && count >= kNameFormShare * df;
}

void Searcher::load_aliases() {
  // The gazetteer the index was built with, from its metadata: the same
  // aliases that tagged the articles (with shards, the first shard's). An
  // index without one simply gets no entity synonyms.
  const std::string gazetteer = db_.get_metadata(std::string(schema::kGazetteerKey));
  const std::string taxonomy = db_.get_metadata(std::string(schema::kTaxonomyKey));
  if (gazetteer.empty() || taxonomy.empty()) return;
  // Every worker thread opens its own Searcher for each index revision;
  // analysing the gazetteer takes about 5 ms, so threads share the result
  // (immutable) while the texts and the analysis options stay the same.
  const analysis::AnalysisOptions options = builder_.analyzer().options();
  const std::string key = options.to_string() + '\0' + gazetteer + '\0' + taxonomy;
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const Aliases>> cache;
  std::shared_ptr<const Aliases> aliases;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (auto it = cache.find(key); it != cache.end()) aliases = it->second;
  }
  if (!aliases) {
    auto built = std::make_shared<Aliases>();
    try {
      const EntityExtractor x = EntityExtractor::from_json(gazetteer, taxonomy, options);
      built->list = x.aliases();
      for (const auto& a : built->list) {
        auto& list = built->terms[a.text];
        const std::string t = schema::term(a.person ? schema::prefix::person : schema::prefix::org, a.entity);
        if (std::find(list.begin(), list.end(), t) == list.end()) list.push_back(t);
      }
    } catch (const std::exception&) {
      return;  // a damaged copy: search without synonyms rather than not at all
    }
    aliases = built;
    std::lock_guard<std::mutex> lock(mu);
    if (cache.size() >= 4) cache.clear();  // gazetteers of past revisions
    cache.emplace(key, aliases);
  }
  aliases_ = aliases;
  builder_.set_aliases(aliases->terms);
}

SearchResult Searcher::search(const SearchRequest& request) {
  SearchResult res = with_failover([&] {
    try {
      return answer(request);
    } catch (const Xapian::DatabaseModifiedError&) {
      // The indexer committed a new revision under us: reopen and retry once.
      db_.reopen();
      return answer(request);
    }
  });
  res.partial = shards_.partial();
  return res;
}

unsigned Searcher::word_freq(std::string_view word) {
  // Known if every part of the word is: the smallest document count of
  // their stems (a Cyrillic word without Kazakh letters may be either).
  std::vector<analysis::Token> tokens;
  analysis::Analyzer& a = builder_.analyzer();
  a.tokenize(word, analysis::Lang::unknown, tokens);
  unsigned freq = 0;
  bool any = false;
  for (const auto& t : tokens) {
    if (t.kind == analysis::TokenKind::compound) continue;
    unsigned best = 0;
    for (analysis::Lang l : {t.stem_lang, analysis::Lang::kk}) {
      if (l == analysis::Lang::kk && t.stem_lang != analysis::Lang::ru && t.stem_lang != analysis::Lang::kk) continue;
      std::string s = l == analysis::Lang::unknown ? t.text : a.stem(t.text, l);
      if (s.empty()) s = t.text;
      best = std::max<unsigned>(best, db_.get_termfreq(schema::term(schema::prefix::stem, s)));
    }
    freq = any ? std::min(freq, best) : best;
    any = true;
  }
  return freq;
}

SearchResult Searcher::answer(const SearchRequest& req) {
  const auto t0 = std::chrono::steady_clock::now();
  SearchResult res = run(req);
  if (!options_.correct_queries || req.q.empty() || req.as_typed) return res;
  // The precision guard: a query that found every word is never rewritten.
  const bool weak = res.total == 0 || res.relaxed;
  Vocabulary vocab;
  vocab.freq = [this](std::string_view w) { return word_freq(w); };
  // Not Database::get_spelling_suggestion: its fragments are bytes, so for
  // two-byte Cyrillic letters it compares a typo with most of the table
  // (about 100 ms measured). The words one edit away, probed in the
  // spelling table in sorted order, take a millisecond or two.
  vocab.spelling = [this](std::string_view w) {
    std::string best;
    Xapian::doccount best_freq = 0;
    Xapian::TermIterator it = spelling().spellings_begin();
    const Xapian::TermIterator end = spelling().spellings_end();
    for (const std::string& c : one_edit_away(w)) {
      it.skip_to(c);
      if (it == end) break;
      if (*it == c && it.get_termfreq() > best_freq) {
        best = c;
        best_freq = it.get_termfreq();
      }
    }
    return best;
  };
  vocab.normalize = [this](std::string_view w) {
    std::vector<analysis::Token> tokens;
    builder_.analyzer().tokenize(w, analysis::Lang::unknown, tokens);
    return tokens.size() == 1 ? tokens[0].text : std::string();
  };
  // A rewrite is taken only if it finds documents with all its words where
  // the typed query did not.
  auto better = [&](const SearchResult& r) { return r.total > 0 && (res.total == 0 || (res.relaxed && !r.relaxed)); };
  auto finish = [&](SearchResult r) {
    r.took_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return r;
  };
  // The rewrite's results, if they find more; says what was searched.
  auto rewritten = [&](const std::string& q, bool layout) -> std::optional<SearchResult> {
    SearchRequest alt = req;
    alt.q = q;
    SearchResult r = run(alt);
    if (!better(r)) return std::nullopt;
    r.corrected = q;
    r.original = req.q;
    r.layout_corrected = layout;
    return finish(std::move(r));
  };
  // What a search found: documents with every word, or with some if none
  // had them all (not those a filled page adds after the first).
  auto found = [](const SearchResult& r) { return r.relaxed ? r.total : r.all_words_total; };
  if ((weak || found(res) < kFewResults) && options_.cross_script) {
    // Names were searched across scripts already; a query that found little
    // tries every word so (searchd/names.h). One that finds kFewResults or
    // more as typed is never expanded beyond its names.
    // Back to names only however this block ends (an exception included:
    // search() retries after DatabaseModifiedError on this same thread).
    struct Restore {
      CrossMode& mode;
      ~Restore() { mode = CrossMode::names; }
    } restore{cross_mode_};
    cross_mode_ = CrossMode::all;
    // Only worth a second search if some word has other-script forms now.
    cross_script_used_.clear();
    builder_.parse(req.q);
    if (cross_script_used_.size() > res.transliterated.size()) {
      SearchResult r = run(req);
      if (found(r) > found(res) && (!r.relaxed || res.relaxed)) return finish(std::move(r));
    }
  }
  if (weak) {
    const std::string layout = layout_candidate(req.q, vocab);
    if (!layout.empty()) {
      if (auto r = rewritten(layout, true)) return std::move(*r);
    }
  }
  const std::string fixed = spelling_candidate(req.q, vocab);
  if (fixed.empty()) return finish(std::move(res));
  if (weak) {
    if (auto r = rewritten(fixed, false)) return std::move(*r);
  }
  res.suggestion = fixed;
  return finish(std::move(res));
}

namespace {
constexpr double kBm25K1 = 1;  // Xapian's default k1
}  // namespace

// Xapian's default parameters but k3 = 0: a word weighs the same however
// often the query repeats it. With k3 = 1 the proximity boost, which
// repeats each word's stems, raised their weight by a third (a half for a
// word in two pairs) against the title and exact-form terms; with k3 = 0 a
// full query's weight is exactly the first pass's plus the boost, which the
// two passes of Searcher::run rely on. The judged sets score the same to
// four decimals either way.
Xapian::BM25Weight bm25_weight() { return Xapian::BM25Weight(kBm25K1, 0, 0, 0.5, 0.5); }

namespace {

// The most proximity boost a document can gain (Searcher::run): the boost is
// proximity_weight x the BM25 weights of the stems of each pair of adjacent
// words that stand near each other, a word in two pairs counting twice; a
// term's BM25 weight is at most (k1 + 1) x its idf. A rare stem (the Kazakh
// reading of a Russian word, in a mostly Russian archive) would loosen the
// bound for every document: its few documents are read instead, and it
// counts only for them.
class ProximityBound {
 public:
  ProximityBound(const Xapian::Database& db, const std::vector<std::vector<std::string>>& words, double weight) {
    const double docs = db.get_doccount();
    for (size_t i = 0; i < words.size(); ++i) {
      const double pairs = (i > 0 ? 1 : 0) + (i + 1 < words.size() ? 1 : 0);
      for (const std::string& t : words[i]) {
        const Xapian::doccount tf = db.get_termfreq(t);
        if (tf == 0) continue;
        // Xapian's BM25 idf (BM25Weight::init, no relevance set).
        double tw = (docs - tf + 0.5) / (tf + 0.5);
        if (tw < 2) tw = tw * 0.5 + 1;
        const double w = weight * pairs * (kBm25K1 + 1) * std::log(tw);
        if (tf > kRare) {
          common_ += w;
          continue;
        }
        std::vector<Xapian::docid> ids;
        for (auto it = db.postlist_begin(t); it != db.postlist_end(t); ++it) ids.push_back(*it);
        rare_.emplace_back(w, std::move(ids));
      }
    }
  }
  double operator()(Xapian::docid did) const {
    double b = common_;
    for (const auto& [w, ids] : rare_) {
      if (std::binary_search(ids.begin(), ids.end(), did)) b += w;
    }
    return b;
  }

 private:
  static constexpr Xapian::doccount kRare = 256;
  double common_ = 0;
  std::vector<std::pair<double, std::vector<Xapian::docid>>> rare_;  // docids ascending, as a postlist
};

// The documents of a sorted list of docids, with no weight: a boolean
// filter on exactly those documents of one local database.
class DocidSource : public Xapian::PostingSource {
 public:
  explicit DocidSource(std::vector<Xapian::docid> ids) : ids_(std::move(ids)) {}
  Xapian::doccount get_termfreq_min() const override { return static_cast<Xapian::doccount>(ids_.size()); }
  Xapian::doccount get_termfreq_est() const override { return static_cast<Xapian::doccount>(ids_.size()); }
  Xapian::doccount get_termfreq_max() const override { return static_cast<Xapian::doccount>(ids_.size()); }
  void init(const Xapian::Database&) override { at_ = kBefore; }
  void next(double) override { at_ = at_ == kBefore ? 0 : at_ + 1; }
  void skip_to(Xapian::docid did, double) override {
    const auto from = ids_.begin() + static_cast<std::ptrdiff_t>(at_ == kBefore ? 0 : std::min(at_, ids_.size()));
    at_ = static_cast<size_t>(std::lower_bound(from, ids_.end(), did) - ids_.begin());
  }
  bool at_end() const override { return at_ != kBefore && at_ >= ids_.size(); }
  Xapian::docid get_docid() const override { return ids_[at_]; }
  std::string get_description() const override { return "DocidSource(" + std::to_string(ids_.size()) + ")"; }

 private:
  static constexpr size_t kBefore = SIZE_MAX;  // before the first
  std::vector<Xapian::docid> ids_;
  size_t at_ = kBefore;
};

}  // namespace

// The proximity boost (OP_NEAR of adjacent words) reads the positions of
// every match that has the query's words, and with facets every match is
// visited: for common words at a million articles, that was most of a
// search (all-facets p99 52 ms; 44 ms in two passes). So the first pass
// ranks and counts without it, keeping kProximityPool candidates beyond the
// page; the second runs the full query, boost included, on those of them
// the boost could lift onto the page (Searcher::run, ProximityBound), and
// on those alone. The boost is a tenth of a pair's weight, so a document
// outside the pool seldom reaches the page: on the judged sets, MRR@10 is
// the same on ria-subtitle and xquad, and 0.7499 against 0.7518 on kazqad.
Xapian::MSet Searcher::rerank_by_proximity(std::vector<Xapian::docid> ids, const Xapian::Query& full,
                                           Xapian::doccount first, Xapian::doccount count) {
  std::sort(ids.begin(), ids.end());
  Xapian::Enquire second(db_);
  second.set_weighting_scheme(bm25_weight());
  second.set_time_limit(options_.time_limit_seconds);
  second.set_query(Xapian::Query(Xapian::Query::OP_FILTER, full,
                                 Xapian::Query((new DocidSource(std::move(ids)))->release())));
  return second.get_mset(first, count);
}

SearchResult Searcher::run(const SearchRequest& req) {
  const auto t0 = std::chrono::steady_clock::now();
  SearchResult res;
  cross_script_used_.clear();
  ParsedQuery pq = builder_.parse(req.q);
  res.transliterated = cross_script_used_;
  res.lang = std::string(analysis::lang_code(pq.lang));
  res.fallback = pq.fallback;

  // Dates given as parameters and written in the query both apply.
  res.from = std::max(req.from, pq.from);
  res.to = req.to.empty() ? pq.to : (pq.to.empty() ? req.to : std::min(req.to, pq.to));
  // A range that ends before it starts matches nothing. (Its filter would be
  // Xapian's MatchNothing, which is an empty Query: taken for "no filter".)
  if (!res.from.empty() && !res.to.empty() && res.from > res.to) {
    res.total = 0;
    res.took_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return res;
  }
  const Xapian::Query filter = builder_.filters(req, res.from, res.to);

  Sort sort = req.sort;
  if (!req.sort_given && !pq.has_words) sort = Sort::date_desc;  // browsing: newest first

  Xapian::Enquire enquire(db_);
  enquire.set_weighting_scheme(bm25_weight());
  if (sort == Sort::date_desc) enquire.set_sort_by_value_then_relevance(schema::kSlotDate, true);
  if (sort == Sort::date_asc) enquire.set_sort_by_value_then_relevance(schema::kSlotDate, false);
  // Exact ties in weight (entity and filter-only matches score alike) go by
  // docid, whose order depends on how the index is laid out; over shards
  // they go by the content hash instead, so that the shards rank as one
  // database would. (Only there: reading the hash of every candidate cost a
  // single index 0.1 ms of a 0.5 ms search. Sorted by date, ties of date
  // and weight go by docid everywhere: a KeyMaker cannot run on a remote
  // shard in Xapian 1.4.)
  const bool sorted = sort != Sort::relevance || shards_.count() > 1;  // by a value, at least for ties
  if (sort == Sort::relevance && shards_.count() > 1) enquire.set_sort_by_relevance_then_value(schema::kSlotHash, false);
  enquire.set_time_limit(options_.time_limit_seconds);

  std::vector<const FacetDef*> defs;
  for (const FacetDef& f : kFacets) {
    if (std::find(req.facets.begin(), req.facets.end(), f.name) != req.facets.end()) defs.push_back(&f);
  }
  std::unique_ptr<FacetCountMatchSpy> spy;
  std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> remote_spies;  // one per facet
  std::unique_ptr<ColumnCountSpy> column_spy;
  const bool remote = shards_.has_remote();
  // In-memory columns for one local database (FacetColumns needs a single
  // revision); our own spy for local shards; Xapian's for remote ones.
  std::shared_ptr<const FacetColumns> columns =
      defs.empty() || remote ? nullptr : FacetColumns::get(db_, facet_slots());
  auto attach_spies = [&] {
    enquire.clear_matchspies();
    spy.reset();
    column_spy.reset();
    remote_spies.clear();
    if (defs.empty()) return;
    if (remote) {
      for (const FacetDef* d : defs) {
        remote_spies.push_back(std::make_unique<Xapian::ValueCountMatchSpy>(d->slot));
        enquire.add_matchspy(remote_spies.back().get());
      }
      return;
    }
    if (columns) {
      std::vector<size_t> which;
      for (const FacetDef* d : defs) which.push_back(static_cast<size_t>(d - kFacets));
      column_spy = std::make_unique<ColumnCountSpy>(columns, std::move(which));
      enquire.add_matchspy(column_spy.get());
      return;
    }
    spy = std::make_unique<FacetCountMatchSpy>(defs);
    enquire.add_matchspy(spy.get());
  };

  const double recency = req.recency >= 0 ? req.recency : options_.ranking.recency_weight;
  const Xapian::Query boost_recent = sort == Sort::relevance && pq.has_words && recency > 0
                                         ? recency_query(db_, recency, options_.ranking.recency_half_life_days)
                                         : Xapian::Query();
  const Xapian::doccount first = (req.page - 1) * req.per_page;
  // Facet counts are exact only if every match is seen.
  const Xapian::doccount check = defs.empty() ? 0 : db_.get_doccount();
  const bool proximity = !pq.proximity.empty() && sort == Sort::relevance;
  // With facets, every match is visited: the proximity boost then goes in
  // two passes (rerank_by_proximity), on one local database (docids of a
  // combined or remote one are not its shards' own). Without facets, so do
  // queries whose words may all be in more than two_pass_matches documents
  // (the slowest hundredth of 2-3 word queries): for fewer, one pass costs
  // less (a second Enquire's setup outweighs what it saves).
  auto many_matches = [&] {
    // At most the rarest word's documents match (all words are required);
    // a word's are at most the sum of its stems'.
    Xapian::doccount bound = std::numeric_limits<Xapian::doccount>::max();
    for (const auto& word : pq.proximity_words) {
      Xapian::doccount n = 0;
      for (const std::string& t : word) n += db_.get_termfreq(t);
      bound = std::min(bound, n);
    }
    return bound > options_.two_pass_matches;
  };
  const bool two_pass = proximity && !remote && shards_.count() <= 1 && (!defs.empty() || many_matches());
  auto with = [](Xapian::Query x, const Xapian::Query& boost) {
    return boost.empty() ? x : Xapian::Query(Xapian::Query::OP_AND_MAYBE, x, boost);
  };
  auto filtered = [&](const Xapian::Query& x) {
    return filter.empty() ? x : Xapian::Query(Xapian::Query::OP_FILTER, x, filter);
  };
  // The matches of q from rank `from`, at most count of them; counts gets the
  // pass whose totals and facets are reported (the first).
  auto run_query = [&](Xapian::Query q, Xapian::MSet& counts, Xapian::doccount from, Xapian::doccount count) {
    attach_spies();
    if (!two_pass) {
      enquire.set_query(filtered(with(proximity ? pq.with_proximity(q) : q, boost_recent)));
      if (remote && sorted && !defs.empty()) {
        // Xapian 1.4.22 over remote shards, sorting by a value, calls a match
        // spy twice on some documents when the page holds fewer than all the
        // matches: the facets are counted on a pass with no page, and the page
        // is fetched without the spies (one more exchange with each shard).
        counts = enquire.get_mset(0, 0, check);
        enquire.clear_matchspies();
        return enquire.get_mset(from, count);
      }
      counts = enquire.get_mset(from, count, check);
      return counts;
    }
    enquire.set_query(filtered(with(q, boost_recent)));
    counts = enquire.get_mset(0, from + count + kProximityPool, check);
    // A candidate can reach the page only if its boost may lift it to the
    // page's last weight: every boost is at least zero, so the last weight of
    // the final page is at least the first pass's. The others are left out
    // (the pool is then often a handful), and the page is the same as one
    // pass would give, unless the pool's edge was in reach too.
    const Xapian::doccount last = from + count;
    const double floor = counts.size() >= last && last > 0 ? counts[last - 1].get_weight() : 0;
    const ProximityBound bound(db_, pq.proximity_words, options_.ranking.proximity_weight);
    std::vector<Xapian::docid> ids;
    for (auto it = counts.begin(); it != counts.end(); ++it) {
      if (counts.size() < last || it.get_weight() + bound(*it) >= floor - 1e-9) ids.push_back(*it);
    }
    return rerank_by_proximity(std::move(ids), filtered(with(pq.with_proximity(q), boost_recent)), from, count);
  };
  // Each facet's values as the last run's spies counted them.
  std::vector<std::vector<FacetValue>> values(defs.size());
  auto take_facets = [&] {
    for (size_t i = 0; i < defs.size() && (spy || column_spy || !remote_spies.empty()); ++i) {
      if (column_spy) {
        for (auto& [v, n] : column_spy->counts(i)) values[i].push_back({std::move(v), n});
      } else {
        const Counts counts = spy ? Counts() : remote_counts(*remote_spies[i], *defs[i]);
        const Counts& c = spy ? spy->counts(i) : counts;
        values[i].reserve(values[i].size() + c.size());
        for (const auto& [v, n] : c) values[i].push_back({v, n});
      }
    }
  };

  Xapian::MSet counted;
  Xapian::MSet mset = run_query(pq.query, counted, first, req.per_page);
  if (counted.get_matches_estimated() == 0 && !pq.relaxed.empty()) {
    // No document has every word: rank those that have some of them.
    mset = run_query(pq.relaxed, counted, first, req.per_page);
    res.relaxed = true;
  }
  res.total = counted.get_matches_estimated();
  res.total_exact = counted.get_matches_lower_bound() == counted.get_matches_upper_bound();
  res.all_words_total = res.relaxed ? 0 : res.total;
  take_facets();

  // A few documents have every word: they come first, as they would alone,
  // and those with some of the words follow them (a long question rarely
  // has all its words in one article, and the few that do are seldom all
  // the answers). Paged as one list: this page's share of the first ones is
  // in mset, the rest from the others.
  Xapian::MSet rest;
  if (!res.relaxed && res.total < options_.ranking.fill_below && !pq.relaxed.empty() && sort == Sort::relevance) {
    const Xapian::doccount all = static_cast<Xapian::doccount>(res.total);
    Xapian::MSet rest_counted;
    rest = run_query(Xapian::Query(Xapian::Query::OP_AND_NOT, pq.relaxed, pq.query), rest_counted,
                     first > all ? first - all : 0, req.per_page - std::min(req.per_page, mset.size()));
    res.filled = true;
    res.total += rest_counted.get_matches_estimated();
    res.total_exact = res.total_exact && rest_counted.get_matches_lower_bound() == rest_counted.get_matches_upper_bound();
    take_facets();
  }
  res.timed_out = !res.total_exact && !defs.empty();

  for (size_t i = 0; i < defs.size() && (spy || column_spy || !remote_spies.empty()); ++i) {
    if (res.filled) {  // two runs' counts of the same values: summed
      std::unordered_map<std::string, size_t> at;
      std::vector<FacetValue> merged;
      for (FacetValue& v : values[i]) {
        const auto [where, fresh] = at.emplace(v.value, merged.size());
        if (fresh) merged.push_back(std::move(v));
        else merged[where->second].count += v.count;
      }
      values[i] = std::move(merged);
    }
    res.facets[defs[i]->name] = top_values(std::move(values[i]), defs[i]->by_value, options_.max_facet_values);
  }

  StoredBody body;
  std::string text;
  auto add_hits = [&](const Xapian::MSet& ms, const Xapian::Query& query, bool some_words) {
    const SnippetQuery snippet_query(query, ms);
    for (auto it = ms.begin(); it != ms.end(); ++it) {
      std::optional<Hit> h = hit_of(it, req.snippets ? &body : nullptr);
      if (!h) continue;
      h->some_words = some_words;
      if (some_words) h->missing = missing_words(it.get_document(), pq.words);
      if (req.snippets) {
        const int lang = static_cast<int>(analysis::parse_lang(h->lang));
        h->snippet = snippet_of(body, options_.snippet_chars, snippet_query, text_stemmers_[lang], text);
      }
      res.hits.push_back(std::move(*h));
    }
  };
  add_hits(mset, res.relaxed ? pq.relaxed : pq.query, false);
  if (res.filled) add_hits(rest, pq.relaxed, true);
  res.took_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

namespace {

// ESet terms worth querying: stems of the title and body, not the title-only
// copies (ZS) or boolean filter terms, and not numbers.
constexpr Xapian::termcount kRelatedTerms = 20;  // ESet size
constexpr double kEntityWeight = 2.0;            // per shared person, organisation or topic

class StemsOnly : public Xapian::ExpandDecider {
 public:
  bool operator()(const std::string& term) const override {
    if (term.size() < 4 || term[0] != 'Z' || term[1] == 'S') return false;
    return term.find_first_of("0123456789", 1) == std::string::npos;
  }
};

}  // namespace

std::optional<std::vector<Hit>> Searcher::related(const std::string& id, size_t count) {
  auto found = with_failover([&]() -> std::optional<std::vector<Hit>> {
    const std::string idterm = schema::id_term(id);
    Xapian::PostingIterator p = db_.postlist_begin(idterm);
    if (p == db_.postlist_end(idterm)) return std::nullopt;
    const Xapian::docid did = *p;
    const Xapian::Document doc = db_.get_document(did);

    Xapian::Enquire enquire(db_);
    Xapian::RSet rset;
    rset.add_document(did);
    const StemsOnly stems_only;
    // Exact term frequencies: over shards, Xapian otherwise estimates them
    // from the shards holding the article, and the terms chosen differ.
    const Xapian::ESet eset = enquire.get_eset(kRelatedTerms, rset, Xapian::Enquire::USE_EXACT_TERMFREQ, &stems_only);
    std::vector<Xapian::Query> parts;
    for (auto t = eset.begin(); t != eset.end(); ++t) {
      parts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(*t), t.get_weight() / eset.begin().get_weight());
    }
    // Shared entities and topics: canonical, so they cross languages.
    for (std::string_view prefix : {schema::prefix::person, schema::prefix::org, schema::prefix::topic}) {
      Xapian::TermIterator t = doc.termlist_begin();
      for (t.skip_to(std::string(prefix)); t != doc.termlist_end() && (*t).rfind(prefix, 0) == 0; ++t) {
        // Boolean terms carry no BM25 weight: a fixed weight per shared one.
        parts.emplace_back(Xapian::Query::OP_FILTER,
                           Xapian::Query((new Xapian::FixedWeightPostingSource(kEntityWeight))->release()),
                           Xapian::Query(*t));
      }
    }
    std::vector<Hit> hits;
    if (parts.empty()) return hits;
    Xapian::Query q(Xapian::Query::OP_OR, parts.begin(), parts.end());
    q = Xapian::Query(Xapian::Query::OP_AND_NOT, q, Xapian::Query(idterm));
    enquire.set_query(q);
    enquire.set_weighting_scheme(bm25_weight());
    enquire.set_sort_by_relevance_then_value(schema::kSlotHash, false);  // ties as in search()
    enquire.set_time_limit(options_.time_limit_seconds);
    const Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(count));
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      if (auto h = hit_of(it)) hits.push_back(std::move(*h));
    }
    return hits;
  });
  // Not found while a shard is down: it may be on that shard.
  if (!found && shards_.partial()) {
    throw Xapian::DatabaseOpeningError("the article may be on a shard that is not answering");
  }
  return found;
}

Suggestions Searcher::suggest(const std::string& text, size_t count) {
  return with_failover([&]() -> Suggestions {
    Suggestions out;
    std::vector<analysis::Token> tokens;
    builder_.analyzer().tokenize(text, analysis::Lang::unknown, tokens);
    std::vector<const analysis::Token*> words;
    for (const auto& t : tokens) {
      if (t.kind != analysis::TokenKind::compound) words.push_back(&t);
    }
    if (words.empty()) return out;
    const std::string& last = words.back()->text;
    const size_t letters = analysis::decode_utf8(last).size();
    if (letters < 2) return out;
    // Two letters begin thousands of title words: a lone word gets titles
    // from its third letter (measured on the corpus: «по» took 20 ms with
    // titles, 2 ms without).
    const bool short_prefix = letters < 3;
    std::string head;  // the words before the last, as typed (normalized)
    for (size_t i = 0; i + 1 < words.size(); ++i) head += words[i]->text + " ";

    // Frequent words: the spelling table is sorted, so the words with this
    // prefix are one run of it.
    std::vector<Suggestions::Term> found;
    Xapian::Database& table = spelling();
    Xapian::TermIterator it = table.spellings_begin();
    it.skip_to(last);
    for (size_t scanned = 0; it != table.spellings_end() && scanned < kSuggestScan; ++it, ++scanned) {
      const std::string w = *it;
      if (w.compare(0, last.size(), last) != 0) break;
      found.push_back({head + w, it.get_termfreq()});
    }
    std::partial_sort(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(std::min(count, found.size())),
                      found.end(), [](const auto& a, const auto& b) { return a.count > b.count; });
    if (found.size() > count) found.resize(count);
    out.terms = std::move(found);

    // Entities by any alias that begins with the whole text typed.
    const std::string typed = head + last;
    static const std::vector<EntityExtractor::AliasEntry> kNoAliases;
    for (const auto& a : aliases_ ? aliases_->list : kNoAliases) {
      if (out.entities.size() >= count) break;
      if (a.text.compare(0, typed.size(), typed) != 0) continue;
      const bool dup = std::any_of(out.entities.begin(), out.entities.end(),
                                   [&](const auto& e) { return e.name == a.entity; });
      if (!dup) out.entities.push_back({a.entity, a.person});
    }

    // Titles: a title word beginning with the prefix (the most frequent 64
    // such words), and the earlier words' stems in the title.
    if (short_prefix && words.size() == 1) return out;
    std::vector<Xapian::Query> parts;
    for (size_t i = 0; i + 1 < words.size(); ++i) {
      const auto& t = *words[i];
      std::string s = t.stem_lang == analysis::Lang::unknown ? t.text : builder_.analyzer().stem(t.text, t.stem_lang);
      parts.emplace_back(schema::term(schema::prefix::title_stem, s.empty() ? t.text : s));
    }
    parts.emplace_back(Xapian::Query::OP_WILDCARD, schema::term(schema::prefix::title, last), 64,
                       Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
    Xapian::Enquire enquire(db_);
    enquire.set_query(Xapian::Query(Xapian::Query::OP_AND, parts.begin(), parts.end()));
    enquire.set_docid_order(Xapian::Enquire::DESCENDING);  // ties: newer documents first
    enquire.set_time_limit(options_.time_limit_seconds);
    const Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(count));
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      if (auto h = hit_of(it)) out.titles.push_back(std::move(*h));
    }
    return out;
  });
}

std::optional<Article> Searcher::document(const std::string& id) {
  auto found = with_failover([&]() -> std::optional<Article> {
    const std::string t = schema::id_term(id);
    for (int attempt = 0; attempt < 2; ++attempt) {
      try {
        Xapian::PostingIterator p = db_.postlist_begin(t);
        if (p == db_.postlist_end(t)) return std::nullopt;
        return article_from_document(db_.get_document(*p));
      } catch (const Xapian::DatabaseModifiedError&) {
        db_.reopen();
      }
    }
    return std::nullopt;
  });
  // Not found while a shard is down: it may be on that shard.
  if (!found && shards_.partial()) {
    throw Xapian::DatabaseOpeningError("the article may be on a shard that is not answering");
  }
  return found;
}

}  // namespace letopis::searchd
