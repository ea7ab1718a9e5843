// letopis_bench_peers: Letopis next to its peers on the same articles and the
// same seeded queries - raw Xapian through its C++ API (the lower bound for
// our stack), Sphinx 2.2 through its MySQL protocol and PostgreSQL full-text
// search - one engine at a time, measured the same way.
//
//   letopis_bench_peers export --out DIR [INPUT...]
//   letopis_bench_peers queries --db LETOPIS_INDEX --out FILE [--count N] [--seed N]
//   letopis_bench_peers xapian-build --out DIR [INPUT...]
//   letopis_bench_peers run --engine E --queries FILE [options]
//
// bench/peers.sh drives it: it builds the Sphinx and PostgreSQL indexes from
// the export and runs their servers. See kUsage for every option. Numbers
// are reported, never checked; only the smoke run checks that each engine
// answered and found something.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <httplib.h>
#include <libpq-fe.h>
#include <mysql.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>
#include <xapian.h>

#include "bench/cli.h"
#include "bench/closed_loop.h"
#include "bench/corpus.h"
#include "bench/query_log.h"
#include "indexer/document.h"
#include "indexer/index_dir.h"
#include "searchd/api.h"
#include "searchd/render.h"
#include "searchd/search.h"
#include "stemmers/analyzer.h"
#include "stemmers/lang.h"
#include "stemmers/stopwords.h"

namespace letopis::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kUsage = R"(Usage: letopis_bench_peers COMMAND [options]

Commands:
  export --out DIR [INPUT...]
      Writes the articles as the peers index them: DIR/sphinx.tsv (Sphinx
      tsvpipe: id, title, body, year, date), DIR/pg.tsv (PostgreSQL COPY text:
      id, lang, year, title, body) and DIR/ids.tsv (id, Letopis id). Ids are
      1..N in input order. INPUT: JSON Lines files, read with letopis-index's
      reader (default: ../shared/corpus/*.jsonl.zst).
  queries --db LETOPIS_INDEX --out FILE [--count N] [--seed N]
      Writes N (default 2000) seeded 1-3 word queries drawn from the titles
      stored in a Letopis index, one "lang<TAB>query" per line (ru and en).
  xapian-build --out DIR [INPUT...]
      Builds the raw Xapian index (TermGenerator, stemmer by article
      language, title with wdf 3 + body, year in value slot 0) single-threaded
      with the default flush threshold, and prints a BUILD line.
  run --engine xapian|sphinx|pg|letopis --queries FILE [options]
      Runs the query log and prints RESULT lines and a table.
        --variant LIST       xapian: bm25; sphinx: default,bm25f; pg: ts_rank;
                             letopis: inproc (needs --db), http and
                             http-nosnip (need --url; the latter asks for
                             format=csv: the same hits, no snippets)
                             (default: every variant the options allow)
        --facet LIST         none, year or both: none,year (default none)
        --concurrency LIST   1 runs the log once in order after an untimed
                             pass; N > 1 runs N threads for --duration seconds
                             (default 1,8)
        --duration S         seconds per level above 1 (default 10)
        --warmup S           uncounted seconds before those (default 1)
        --index DIR          xapian: the raw Xapian index
        --sphinx HOST:PORT   sphinx: its mysql41 listener (default 127.0.0.1:9306)
        --sphinx-index NAME  sphinx: the index (default articles)
        --pg CONNINFO        pg: a libpq connection string
        --db DIR             letopis: the index for the in-process searcher
        --url URL            letopis: a running letopis-searchd, http://HOST:PORT
  ping --sphinx HOST:PORT [--sphinx-index NAME] [--timeout S]
      Waits until Sphinx answers a query (default 30 s); exit 1 if it does not.
  free-port
      Prints a TCP port free on 127.0.0.1 now.
  smoke
      The xapian and letopis engines over the bundled sample (no servers).

Exit codes: 0 done; 1 an engine, file or index failed; 2 usage error.
)";

// ---------------------------------------------------------------- options

// A command's options: --name value pairs (a name given once) and the rest.
struct Args {
  std::map<std::string, std::string> values;
  std::vector<std::string> positional;

  std::string get(const std::string& name, const std::string& fallback = "") const {
    const auto it = values.find(name);
    return it == values.end() ? fallback : it->second;
  }
  std::string required(const std::string& name) const {
    const auto it = values.find(name);
    if (it == values.end() || it->second.empty()) throw UsageError(name + " is required");
    return it->second;
  }
};

Args parse_args(int argc, char** argv, int first, const std::set<std::string>& known) {
  Args a;
  for (int i = first; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0) {
      a.positional.push_back(arg);
      continue;
    }
    if (!known.count(arg)) throw UsageError("unknown option " + arg);
    if (i + 1 >= argc) throw UsageError(arg + " needs a value");
    if (!a.values.emplace(arg, argv[++i]).second) throw UsageError(arg + " given twice");
  }
  return a;
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= s.size()) {
    const size_t comma = std::min(s.find(',', pos), s.size());
    if (comma > pos) out.push_back(s.substr(pos, comma - pos));
    pos = comma + 1;
  }
  return out;
}

// ---------------------------------------------------------------- the corpus

// One article as every peer indexes it.
struct PeerDoc {
  uint64_t n = 0;      // 1..N in input order: the id in every peer's index
  std::string id;      // Letopis's id
  std::string lang;    // ru | en | kk; detected when the record has none, as letopis-index does
  int year = 0;        // 0 when the date is unknown
  int64_t date = 0;    // Unix time of the date at 00:00 UTC; 0 when unknown or before 1970
  std::string title, body;
};

// Year and Unix time of a "YYYY-MM-DD" date (or of a bare year's first day).
void parse_date(const std::string& s, PeerDoc& d) {
  auto digits = [&](size_t from, size_t n) {
    int v = 0;
    for (size_t i = from; i < from + n; ++i) {
      if (i >= s.size() || s[i] < '0' || s[i] > '9') return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  const int y = digits(0, 4);
  if (y <= 0) return;
  d.year = y;
  int m = 1, day = 1;
  if (s.size() >= 10 && s[4] == '-' && s[7] == '-') {
    m = digits(5, 2);
    day = digits(8, 2);
  }
  using namespace std::chrono;
  const year_month_day ymd{std::chrono::year{y}, month{static_cast<unsigned>(m)}, std::chrono::day{static_cast<unsigned>(day)}};
  if (m < 1 || day < 1 || !ymd.ok()) return;
  d.date = std::max<int64_t>(0, int64_t{sys_days{ymd}.time_since_epoch().count()} * 86400);
}

// The inputs letopis-index is given by default: ../shared/corpus/*.jsonl.zst.
std::vector<std::string> default_inputs() {
  std::vector<std::string> out;
  if (!fs::exists(shared_corpus())) return out;
  for (const auto& e : fs::directory_iterator(shared_corpus())) {
    const std::string name = e.path().filename().string();
    if (name.size() > 11 && name.ends_with(".jsonl.zst")) out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Reads the inputs with letopis-index's own reader, so that every engine sees
// the articles Letopis indexes: an id that repeats replaces the earlier
// article in its place (as replace_document does), rejected records are
// counted and skipped.
std::vector<PeerDoc> load_corpus(std::vector<std::string> inputs, size_t& rejected) {
  if (inputs.empty()) inputs = default_inputs();
  if (inputs.empty()) throw std::runtime_error("no inputs given and no " + shared_corpus().string());
  std::vector<PeerDoc> docs;
  std::unordered_map<std::string, size_t> by_id;
  rejected = 0;
  for (const auto& path : inputs) {
    read_jsonl(
        path, {},
        [&](Article&& a, const SourceLocation&) {
          PeerDoc d;
          d.id = std::move(a.id);
          analysis::Lang lang = analysis::parse_lang(a.lang);
          if (lang == analysis::Lang::unknown) lang = analysis::detect_language(a.title + "\n" + a.body).lang;
          d.lang = std::string(analysis::lang_code(lang));
          parse_date(a.date, d);
          d.title = std::move(a.title);
          d.body = std::move(a.body);
          const auto [it, fresh] = by_id.emplace(d.id, docs.size());
          if (fresh) {
            d.n = docs.size() + 1;
            docs.push_back(std::move(d));
          } else {
            d.n = docs[it->second].n;
            docs[it->second] = std::move(d);
          }
        },
        [&](const SourceError&) { ++rejected; });
  }
  return docs;
}

// ---------------------------------------------------------------- export

// Sphinx's tsvpipe has no quoting at all: a tab or a line break inside a
// field cannot be written, so they become spaces (Sphinx splits words on
// either, so the words it indexes do not change).
void put_sphinx_field(std::string& out, std::string_view s) {
  for (char c : s) out += (c == '\t' || c == '\n' || c == '\r') ? ' ' : c;
}

// PostgreSQL COPY text format: a backslash escapes itself, tab, CR and LF.
void put_copy_field(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
}

class OutFile {
 public:
  explicit OutFile(const fs::path& path) : path_(path), out_(path, std::ios::binary) {
    if (!out_) throw std::runtime_error("cannot write " + path.string());
  }
  void write(const std::string& s) { out_.write(s.data(), static_cast<std::streamsize>(s.size())); }
  void close() {
    out_.close();
    if (!out_) throw std::runtime_error("writing " + path_.string() + " failed");
  }

 private:
  fs::path path_;
  std::ofstream out_;
};

int cmd_export(const Args& a) {
  const fs::path dir = a.required("--out");
  fs::create_directories(dir);
  const auto t0 = Clock::now();
  size_t rejected = 0;
  const auto docs = load_corpus(a.positional, rejected);
  OutFile sphinx(dir / "sphinx.tsv"), pg(dir / "pg.tsv"), ids(dir / "ids.tsv");
  std::string s, p, m;
  size_t bytes = 0;
  std::map<std::string, size_t> langs;
  for (const auto& d : docs) {
    const std::string n = std::to_string(d.n);
    s = n + '\t';
    put_sphinx_field(s, d.title);
    s += '\t';
    put_sphinx_field(s, d.body);
    s += '\t' + std::to_string(d.year) + '\t' + std::to_string(d.date) + '\n';
    sphinx.write(s);
    p = n + '\t' + d.lang + '\t' + (d.year ? std::to_string(d.year) : "\\N") + '\t';
    put_copy_field(p, d.title);
    p += '\t';
    put_copy_field(p, d.body);
    p += '\n';
    pg.write(p);
    m = n + '\t';
    put_copy_field(m, d.id);
    m += '\n';
    ids.write(m);
    bytes += d.title.size() + d.body.size();
    ++langs[d.lang.empty() ? "unknown" : d.lang];
  }
  sphinx.close();
  pg.close();
  ids.close();
  std::printf("EXPORT docs=%zu rejected=%zu text_mb=%.1f seconds=%.1f", docs.size(), rejected,
              static_cast<double>(bytes) / 1e6, std::chrono::duration<double>(Clock::now() - t0).count());
  for (const auto& [lang, count] : langs) std::printf(" %s=%zu", lang.c_str(), count);
  std::printf(" dir=%s\n", dir.c_str());
  return 0;
}

// ---------------------------------------------------------------- the query log

struct Query {
  std::string lang;  // ru | en: the language of the article it was drawn from
  std::string text;  // 1-3 normalized title words
};

// As bench/query_log.h draws them: title words (4+ bytes, no stopwords) of
// random stored documents in Russian or English, 1-3 consecutive ones.
std::vector<Query> make_queries(Xapian::Database& db, size_t count, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<Query> out;
  while (out.size() < count) {
    Query q;
    const auto words = bench::random_title_words(db, rng, q.lang, 100 * count + 100000);
    const size_t n = 1 + rng() % 3;
    const size_t start = rng() % (words.size() - n + 1);
    for (size_t i = 0; i < n; ++i) q.text += (i ? " " : "") + words[start + i];
    out.push_back(std::move(q));
  }
  return out;
}

void write_queries(const fs::path& path, const std::vector<Query>& queries) {
  OutFile f(path);
  for (const auto& q : queries) f.write(q.lang + '\t' + q.text + '\n');
  f.close();
}

std::vector<Query> read_queries(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<Query> out;
  size_t line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    if (line.empty()) continue;
    const size_t tab = line.find('\t');
    if (tab == std::string::npos || tab + 1 == line.size()) {
      throw std::runtime_error(path + ":" + std::to_string(line_no) + ": expected lang<TAB>query");
    }
    out.push_back({line.substr(0, tab), line.substr(tab + 1)});
  }
  if (out.empty()) throw std::runtime_error(path + " holds no queries");
  return out;
}

int cmd_queries(const Args& a) {
  const std::string db_dir = a.required("--db");
  const auto count = static_cast<size_t>(parse_number("--count", a.get("--count", "2000"), 1));
  const auto seed = static_cast<uint32_t>(parse_number("--seed", a.get("--seed", "42"), 0));
  Xapian::Database db(index_dir::resolve(db_dir));
  const auto queries = make_queries(db, count, seed);
  write_queries(a.required("--out"), queries);
  size_t ru = 0, words = 0;
  for (const auto& q : queries) {
    ru += q.lang == "ru";
    words += 1 + static_cast<size_t>(std::count(q.text.begin(), q.text.end(), ' '));
  }
  std::printf("QUERIES n=%zu ru=%zu en=%zu words_per_query=%.2f seed=%u index=%s docs=%u\n", queries.size(), ru,
              queries.size() - ru, static_cast<double>(words) / static_cast<double>(queries.size()), seed,
              db_dir.c_str(), db.get_doccount());
  return 0;
}

// ---------------------------------------------------------------- raw Xapian

// The raw Xapian index's one value slot. Its own plain schema, not
// Letopis's (indexer/schema.h): this index exists only to be compared.
constexpr Xapian::valueno kRawYearSlot = 0;
constexpr Xapian::termcount kRawTitleWdf = 3;

// A query's text search configuration for the peers that stem by language:
// Russian if it has a Cyrillic letter, else English.
bool is_cyrillic(std::string_view text) {
  // U+0400..U+04FF (Russian and Kazakh letters) start with bytes D0..D3.
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto b = static_cast<unsigned char>(c);
    return b >= 0xD0 && b <= 0xD3;
  });
}

void build_raw_xapian(const std::vector<PeerDoc>& docs, const std::string& dir) {
  Xapian::WritableDatabase db(dir, Xapian::DB_CREATE_OR_OVERWRITE);
  Xapian::TermGenerator tg;
  tg.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
  const Xapian::Stem russian("russian"), english("english"), none;
  for (const auto& d : docs) {
    Xapian::Document doc;
    tg.set_document(doc);
    tg.set_stemmer(d.lang == "ru" ? russian : d.lang == "en" ? english : none);
    tg.index_text(d.title, kRawTitleWdf);
    tg.increase_termpos();
    tg.index_text(d.body);
    if (d.year) doc.add_value(kRawYearSlot, std::to_string(d.year));
    doc.add_boolean_term("Q" + d.id);
    doc.set_data(d.id);
    // Added in order to a fresh database: document n gets docid n.
    if (db.add_document(doc) != d.n) throw std::runtime_error("raw Xapian: docids out of step with the export");
  }
  db.commit();
  db.close();
}

uint64_t dir_bytes(const fs::path& dir) {
  uint64_t bytes = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) bytes += e.file_size();
  }
  return bytes;
}

int cmd_xapian_build(const Args& a) {
  const std::string dir = a.required("--out");
  const auto t0 = Clock::now();
  size_t rejected = 0;
  const auto docs = load_corpus(a.positional, rejected);
  const auto t1 = Clock::now();
  build_raw_xapian(docs, dir);
  const auto t2 = Clock::now();
  const char* flush = std::getenv("XAPIAN_FLUSH_THRESHOLD");
  std::printf("BUILD engine=xapian docs=%zu seconds=%.1f mb=%.0f read_seconds=%.1f threads=1 flush=%s\n", docs.size(),
              std::chrono::duration<double>(t2 - t1).count(), static_cast<double>(dir_bytes(dir)) / 1e6,
              std::chrono::duration<double>(t1 - t0).count(), flush && *flush ? flush : "default");
  return 0;
}

// ---------------------------------------------------------------- sessions

// What the untimed pass learns of a query: the rows the timed request
// returns, and how many documents match in all.
struct Probe {
  size_t rows = 0;
  uint64_t found = 0;
};

// One client of one engine: a connection or an open database. Each thread
// builds and owns its own; none is thread-safe.
class Session {
 public:
  virtual ~Session() = default;
  // The measured request: the top 10 ids (and the year facet when the run
  // has one), every row read back.
  virtual void search(const Query& q) = 0;
  // Unmeasured: the same request, plus the exact number of matches.
  virtual Probe probe(const Query& q) = 0;
};

using SessionFactory = std::function<std::unique_ptr<Session>()>;

class XapianSession final : public Session {
 public:
  XapianSession(const std::string& dir, bool year_facet) : db_(dir), enquire_(db_), year_facet_(year_facet) {
    const char* const stemmers[] = {"russian", "english"};
    for (int i = 0; i < 2; ++i) {
      parsers_[i].set_database(db_);
      parsers_[i].set_stemmer(Xapian::Stem(stemmers[i]));
      parsers_[i].set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
      parsers_[i].set_default_op(Xapian::Query::OP_AND);
    }
  }
  void search(const Query& q) override { run(q, false); }
  Probe probe(const Query& q) override {
    const Xapian::MSet m = run(q, true);
    return {m.size(), m.get_matches_estimated()};
  }

 private:
  // REQUIRES: exact, or a year facet, for counts that are exact.
  Xapian::MSet run(const Query& q, bool exact) {
    enquire_.set_query(parsers_[is_cyrillic(q.text) ? 0 : 1].parse_query(q.text));
    Xapian::MSet m;
    if (year_facet_) {
      Xapian::ValueCountMatchSpy spy(kRawYearSlot);
      enquire_.add_matchspy(&spy);
      m = enquire_.get_mset(0, 10, db_.get_doccount());
      enquire_.clear_matchspies();
      for (auto it = spy.values_begin(); it != spy.values_end(); ++it) sink_ += it.get_termfreq() + (*it).size();
    } else {
      m = enquire_.get_mset(0, 10, exact ? db_.get_doccount() : 0);
    }
    for (auto it = m.begin(); it != m.end(); ++it) sink_ += *it;  // the docid is the export's id
    return m;
  }

  Xapian::Database db_;
  Xapian::Enquire enquire_;
  Xapian::QueryParser parsers_[2];  // russian, english
  bool year_facet_;
  uint64_t sink_ = 0;
};

// SphinxQL: the query as a string literal for MATCH(). First the query
// syntax's escapes (a backslash before each operator character, the set
// Sphinx's own API escapes), then the SQL literal's (a backslash before a
// backslash or a quote). Operator words (MAYBE, NEAR/n, SENTENCE, PARAGRAPH)
// are operators only in capitals; the log's words are lowercase.
std::string sphinx_match_literal(std::string_view text) {
  static constexpr std::string_view kOperators = "\\()|-!@~\"&/^$=<";
  std::string sql = "'";
  for (char c : text) {
    if (kOperators.find(c) != std::string_view::npos) sql += "\\\\";
    if (c == '\\' || c == '\'') sql += '\\';
    sql += c;
  }
  return sql + "'";
}

struct SphinxTarget {
  std::string host = "127.0.0.1";
  unsigned port = 9306;
  std::string index = "articles";
};

SphinxTarget parse_sphinx(const Args& a) {
  SphinxTarget t;
  const std::string addr = a.get("--sphinx", "127.0.0.1:9306");
  const size_t colon = addr.rfind(':');
  if (colon == std::string::npos || colon == 0) throw UsageError("--sphinx wants HOST:PORT");
  t.host = addr.substr(0, colon);
  t.port = static_cast<unsigned>(parse_number("--sphinx", addr.substr(colon + 1), 1));
  t.index = a.get("--sphinx-index", "articles");
  return t;
}

class SphinxSession final : public Session {
 public:
  // options: "" or " OPTION ..." after LIMIT.
  SphinxSession(const SphinxTarget& t, std::string options, bool year_facet)
      : conn_(mysql_init(nullptr)), index_(t.index), options_(std::move(options)), year_facet_(year_facet) {
    if (!conn_) throw std::runtime_error("mysql_init failed");
    const unsigned timeout = 5;
    mysql_options(conn_, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    // FACET answers with several result sets.
    if (!mysql_real_connect(conn_, t.host.c_str(), "", "", nullptr, t.port, nullptr, CLIENT_MULTI_RESULTS)) {
      const std::string why = mysql_error(conn_);
      mysql_close(conn_);
      throw std::runtime_error("sphinx at " + t.host + ":" + std::to_string(t.port) + ": " + why);
    }
  }
  ~SphinxSession() override { mysql_close(conn_); }
  SphinxSession(const SphinxSession&) = delete;
  SphinxSession& operator=(const SphinxSession&) = delete;

  void search(const Query& q) override { exec(select(q, year_facet_)); }
  Probe probe(const Query& q) override {
    Probe p;
    p.rows = exec(select(q, year_facet_));
    exec(select(q, false));
    std::vector<std::vector<std::string>> meta;
    exec("SHOW META", &meta);
    for (const auto& row : meta) {
      if (row.size() == 2 && row[0] == "total_found") p.found = std::strtoull(row[1].c_str(), nullptr, 10);
    }
    return p;
  }

  // Runs sql, reads every row of every result set; returns the number of
  // rows of the first, and copies them into first if given.
  size_t exec(const std::string& sql, std::vector<std::vector<std::string>>* first = nullptr) {
    if (mysql_real_query(conn_, sql.data(), sql.size()) != 0) fail(sql);
    size_t rows = 0;
    for (bool is_first = true;; is_first = false) {
      MYSQL_RES* res = mysql_store_result(conn_);
      if (res) {
        const unsigned fields = mysql_num_fields(res);
        size_t n = 0;
        while (MYSQL_ROW row = mysql_fetch_row(res)) {
          ++n;
          if (is_first && first) {
            auto& r = first->emplace_back();
            for (unsigned i = 0; i < fields; ++i) r.emplace_back(row[i] ? row[i] : "");
          } else if (fields && row[0]) {
            sink_ += static_cast<unsigned char>(row[0][0]);
          }
        }
        mysql_free_result(res);
        if (is_first) rows = n;
      } else if (mysql_field_count(conn_) != 0) {
        fail(sql);
      }
      const int next = mysql_next_result(conn_);
      if (next == -1) break;
      if (next > 0) fail(sql);
    }
    return rows;
  }

 private:
  std::string select(const Query& q, bool facet) const {
    std::string sql = "SELECT id FROM " + index_ + " WHERE MATCH(" + sphinx_match_literal(q.text) + ") LIMIT 10" + options_;
    // Every year (the corpus spans far fewer than 1000), most articles first.
    if (facet) sql += " FACET year ORDER BY COUNT(*) DESC LIMIT 1000";
    return sql;
  }
  [[noreturn]] void fail(const std::string& sql) {
    throw std::runtime_error("sphinx: " + std::string(mysql_error(conn_)) + " in: " + sql.substr(0, 300));
  }

  MYSQL* conn_;
  std::string index_, options_;
  bool year_facet_;
  uint64_t sink_ = 0;
};

// The Sphinx ranker variants: proximity_bm25 as Sphinx ships it, and the
// same formula with the title weighted 3 (as in Letopis and the raw Xapian
// index) in both the phrase proximity and BM25F. bm25f() is a float in 0..1
// and WEIGHT() an integer, so it is scaled like the built-in bm25 factor
// (0..999); unscaled it would be truncated away. Its own field weights are
// its third argument: it ignores field_weights.
std::string sphinx_options(const std::string& variant) {
  if (variant == "default") return "";
  if (variant == "bm25f") {
    return " OPTION field_weights=(title=3, body=1), "
           "ranker=expr('sum(lcs*user_weight)*1000+bm25f(1.2,0.75,{title=3,body=1})*1000')";
  }
  throw UsageError("sphinx variants are default and bm25f, not " + variant);
}

using PgResult = std::unique_ptr<PGresult, decltype(&PQclear)>;

class PgSession final : public Session {
 public:
  PgSession(const std::string& conninfo, bool year_facet) : conn_(PQconnectdb(conninfo.c_str())), year_facet_(year_facet) {
    if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
      const std::string why = conn_ ? PQerrorMessage(conn_) : "out of memory";
      PQfinish(conn_);
      throw std::runtime_error("postgresql (" + conninfo + "): " + why);
    }
    // A query of stopwords only draws a NOTICE per request: not ours to print.
    PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
    for (const char* cfg : {"russian", "english"}) {
      const std::string q = std::string("plainto_tsquery('") + cfg + "', $1) q";
      prepare(std::string("top_") + cfg,
              "SELECT id FROM articles, " + q + " WHERE tsv @@ q ORDER BY ts_rank(tsv, q) DESC LIMIT 10");
      prepare(std::string("year_") + cfg, "SELECT year, count(*) FROM articles, " + q + " WHERE tsv @@ q GROUP BY year");
      prepare(std::string("count_") + cfg, "SELECT count(*) FROM articles, " + q + " WHERE tsv @@ q");
    }
  }
  ~PgSession() override { PQfinish(conn_); }
  PgSession(const PgSession&) = delete;
  PgSession& operator=(const PgSession&) = delete;

  void search(const Query& q) override {
    exec("top_", q);
    if (year_facet_) exec("year_", q);
  }
  Probe probe(const Query& q) override {
    Probe p;
    p.rows = PQntuples(exec("top_", q).get());
    if (year_facet_) exec("year_", q);
    p.found = std::strtoull(PQgetvalue(exec("count_", q).get(), 0, 0), nullptr, 10);
    return p;
  }

 private:
  void prepare(const std::string& name, const std::string& sql) {
    PgResult r(PQprepare(conn_, name.c_str(), sql.c_str(), 1, nullptr), PQclear);
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) throw std::runtime_error("postgresql: " + std::string(PQerrorMessage(conn_)));
  }
  // Runs a prepared statement for the query's language and reads every value.
  PgResult exec(const char* kind, const Query& q) {
    const std::string name = std::string(kind) + (is_cyrillic(q.text) ? "russian" : "english");
    const char* params[] = {q.text.c_str()};
    PgResult r(PQexecPrepared(conn_, name.c_str(), 1, params, nullptr, nullptr, 0), PQclear);
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) throw std::runtime_error("postgresql: " + std::string(PQerrorMessage(conn_)));
    const int rows = PQntuples(r.get()), cols = PQnfields(r.get());
    for (int i = 0; i < rows; ++i) {
      for (int j = 0; j < cols; ++j) sink_ += static_cast<uint64_t>(PQgetlength(r.get(), i, j));
    }
    return r;
  }

  PGconn* conn_;
  bool year_facet_;
  uint64_t sink_ = 0;
};

searchd::Params letopis_params(const Query& q, bool year_facet) {
  return {{"q", q.text}, {"per_page", "10"}, {"facets", year_facet ? "year" : ""}};
}

// searchd's work per request minus HTTP, as bench/bench_search.cpp measures
// it: validate the parameters, search (hits with stored fields and
// snippets, the year facet when asked).
class LetopisSession final : public Session {
 public:
  LetopisSession(const std::string& db_path, bool year_facet) : searcher_(db_path), year_facet_(year_facet) {}
  void search(const Query& q) override { run(q); }
  Probe probe(const Query& q) override {
    const auto res = run(q);
    return {res.hits.size(), res.total};
  }

 private:
  searchd::SearchResult run(const Query& q) {
    return searcher_.search(searchd::parse_search_request(letopis_params(q, year_facet_)));
  }
  searchd::Searcher searcher_;
  bool year_facet_;
};

// A running letopis-searchd, one keep-alive connection (as bench/load.cpp).
// Without snippets, it asks for format=csv: the same hits and stored fields
// without the snippets, nearer to what Sphinx and raw Xapian return (ids).
class LetopisHttpSession final : public Session {
 public:
  LetopisHttpSession(const std::string& url, bool year_facet, bool snippets = true)
      : cli_(url), year_facet_(year_facet), snippets_(snippets) {
    cli_.set_keep_alive(true);
    cli_.set_tcp_nodelay(true);  // else every response waits for a delayed ACK (DEBIAN-NOTES.md)
    cli_.set_url_encode(false);  // the target is percent-encoded already
    cli_.set_connection_timeout(5, 0);
    cli_.set_read_timeout(30, 0);
  }
  void search(const Query& q) override { get(q, snippets_); }
  // Counted from the JSON answer, which has the total.
  Probe probe(const Query& q) override {
    const auto j = nlohmann::json::parse(get(q, true));
    return {j.at("hits").size(), j.at("total").get<uint64_t>()};
  }

 private:
  std::string get(const Query& q, bool snippets) {
    std::string target = "/api/search";
    char sep = '?';
    for (const auto& [k, v] : letopis_params(q, year_facet_)) {
      target += sep + searchd::url_encode(k) + "=" + searchd::url_encode(v);
      sep = '&';
    }
    if (!snippets) target += "&format=csv";
    auto res = cli_.Get(target.c_str());
    if (!res) throw std::runtime_error("letopis-searchd: " + httplib::to_string(res.error()));
    if (res->status != 200) throw std::runtime_error("letopis-searchd: HTTP " + std::to_string(res->status) + ": " + res->body.substr(0, 200));
    return std::move(res->body);
  }
  httplib::Client cli_;
  bool year_facet_, snippets_;
};

// ---------------------------------------------------------------- measuring

struct RunOptions {
  std::string engine;
  std::vector<std::string> variants;  // empty: every one the options allow
  std::vector<std::string> facets{"none"};
  std::vector<int> concurrency{1, 8};
  double duration_s = 10;  // per level above 1
  double warmup_s = 1;     // uncounted, before each level above 1
  std::string xapian_index;
  SphinxTarget sphinx;
  std::string pg_conninfo, letopis_db, url;
};

struct Stats {
  std::string engine, variant, facet;
  int concurrency = 1;
  size_t n = 0, errors = 0;
  double seconds = 0;
  double p50 = 0, p95 = 0, p99 = 0, max = 0;  // ms, successful requests
  double hits = 0, found = 0;  // per query, from the untimed pass
  size_t zero = 0;             // queries that match nothing
  std::vector<std::string> zero_examples;  // the first few of them
  std::string first_error;
};

void summarize(std::vector<double>& ms, Stats& s) {
  std::sort(ms.begin(), ms.end());
  s.p50 = percentile(ms, 0.50);
  s.p95 = percentile(ms, 0.95);
  s.p99 = percentile(ms, 0.99);
  s.max = ms.empty() ? 0 : ms.back();
}

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

// Concurrency 1: an untimed pass over the log (it warms the caches and
// probes each query), then each query once, in order, timed.
Stats run_in_order(Session& session, const std::vector<Query>& queries, Stats s) {
  size_t rows = 0;
  double found = 0;
  for (const auto& q : queries) {
    try {
      const Probe p = session.probe(q);
      rows += p.rows;
      found += static_cast<double>(p.found);
      if (p.found == 0 && ++s.zero <= 5) s.zero_examples.push_back(q.text);
    } catch (const std::exception& e) {
      if (s.first_error.empty()) s.first_error = std::string("probe: ") + e.what();
    }
  }
  s.hits = static_cast<double>(rows) / static_cast<double>(queries.size());
  s.found = found / static_cast<double>(queries.size());
  std::vector<double> ms;
  ms.reserve(queries.size());
  const auto start = Clock::now();
  for (const auto& q : queries) {
    const auto t0 = Clock::now();
    try {
      session.search(q);
      ms.push_back(ms_since(t0));
    } catch (const std::exception& e) {
      ++s.errors;
      if (s.first_error.empty()) s.first_error = e.what();
    }
  }
  s.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  s.n = queries.size();
  summarize(ms, s);
  return s;
}

// Concurrency N > 1: N threads, each with its own session, round the log
// from evenly spread starting points, for a fixed time after a warm-up
// (bench/closed_loop.h).
Stats run_for_duration(const SessionFactory& factory, int concurrency, const std::vector<Query>& queries,
                       const RunOptions& o, Stats s) {
  bench::ClosedLoopOptions loop;
  loop.concurrency = concurrency;
  loop.log_size = queries.size();
  loop.warmup_s = o.warmup_s;
  loop.duration_s = o.duration_s;
  bench::ClosedLoopResult r = bench::run_closed_loop(loop, [&]() -> bench::Sender {
    std::shared_ptr<Session> session = factory();  // connect before the clock starts
    return [session, &queries](size_t i) {
      bench::Outcome out;
      try {
        session->search(queries[i]);
        out.ok = true;
      } catch (const std::exception& e) {
        out.error = e.what();
      }
      return out;
    };
  });
  s.n += r.requests;
  s.errors += r.errors;
  if (s.first_error.empty()) s.first_error = r.first_error;
  s.concurrency = concurrency;
  s.seconds = r.seconds;
  summarize(r.ms, s);
  return s;
}

double qps(const Stats& s) { return s.seconds > 0 ? static_cast<double>(s.n - s.errors) / s.seconds : 0; }

void print_result(const Stats& s) {
  std::printf("RESULT engine=%s variant=%s facet=%s conc=%d n=%zu errors=%zu qps=%.1f p50=%.3f p95=%.3f p99=%.3f "
              "max=%.3f hits=%.2f found=%.1f zero=%zu\n",
              s.engine.c_str(), s.variant.c_str(), s.facet.c_str(), s.concurrency, s.n, s.errors, qps(s), s.p50, s.p95,
              s.p99, s.max, s.hits, s.found, s.zero);
  std::fflush(stdout);
  if (!s.first_error.empty()) std::fprintf(stderr, "  first error (%s/%s/%s, %d): %s\n", s.engine.c_str(), s.variant.c_str(), s.facet.c_str(), s.concurrency, s.first_error.c_str());
  if (s.concurrency == 1 && !s.zero_examples.empty()) {
    std::printf("  no match (%s/%s/%s):", s.engine.c_str(), s.variant.c_str(), s.facet.c_str());
    for (const auto& q : s.zero_examples) std::printf(" [%s]", q.c_str());
    std::printf("%s\n", s.zero > s.zero_examples.size() ? " ..." : "");
    std::fflush(stdout);
  }
}

void print_table(const std::vector<Stats>& all) {
  std::printf("\n%-8s %-8s %-5s %4s %6s %4s %9s %8s %8s %8s %8s %6s %9s %5s\n", "engine", "variant", "facet", "conc", "n",
              "err", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "hits", "found", "zero");
  for (const auto& s : all) {
    std::printf("%-8s %-8s %-5s %4d %6zu %4zu %9.1f %8.3f %8.3f %8.3f %8.3f %6.2f %9.1f %5zu\n", s.engine.c_str(),
                s.variant.c_str(), s.facet.c_str(), s.concurrency, s.n, s.errors, qps(s), s.p50, s.p95, s.p99, s.max,
                s.hits, s.found, s.zero);
  }
  std::printf("(hits: rows returned per query; found: matching documents per query, exact but for Letopis, which "
              "reports its own total; zero: queries that match nothing; all three from the untimed pass)\n");
  std::fflush(stdout);
}

std::vector<std::string> default_variants(const RunOptions& o) {
  if (o.engine == "xapian") return {"bm25"};
  if (o.engine == "sphinx") return {"default", "bm25f"};
  if (o.engine == "pg") return {"ts_rank"};
  std::vector<std::string> v;
  if (!o.letopis_db.empty()) v.push_back("inproc");
  if (!o.url.empty()) v.insert(v.end(), {"http", "http-nosnip"});
  return v;
}

SessionFactory make_factory(const RunOptions& o, const std::string& variant, bool year) {
  if (o.engine == "xapian") {
    if (variant != "bm25") throw UsageError("the xapian variant is bm25");
    if (o.xapian_index.empty()) throw UsageError("--index DIR is required for xapian");
    return [dir = o.xapian_index, year] { return std::make_unique<XapianSession>(dir, year); };
  }
  if (o.engine == "sphinx") {
    return [t = o.sphinx, opt = sphinx_options(variant), year] { return std::make_unique<SphinxSession>(t, opt, year); };
  }
  if (o.engine == "pg") {
    if (variant != "ts_rank") throw UsageError("the pg variant is ts_rank");
    if (o.pg_conninfo.empty()) throw UsageError("--pg CONNINFO is required for pg");
    return [c = o.pg_conninfo, year] { return std::make_unique<PgSession>(c, year); };
  }
  if (variant == "inproc") {
    if (o.letopis_db.empty()) throw UsageError("--db DIR is required for letopis inproc");
    return [db = index_dir::resolve(o.letopis_db), year] { return std::make_unique<LetopisSession>(db, year); };
  }
  if (variant == "http" || variant == "http-nosnip") {
    if (o.url.empty()) throw UsageError("--url is required for letopis " + variant);
    return [url = o.url, year, snippets = variant == "http"] {
      return std::make_unique<LetopisHttpSession>(url, year, snippets);
    };
  }
  throw UsageError("letopis variants are inproc, http and http-nosnip, not " + variant);
}

// Runs every variant x facet x concurrency level; prints RESULT lines as
// they come. Returns them all.
std::vector<Stats> run_engine(const RunOptions& o, const std::vector<Query>& queries) {
  std::vector<Stats> all;
  const auto variants = o.variants.empty() ? default_variants(o) : o.variants;
  if (variants.empty()) throw UsageError("letopis needs --db DIR or --url URL");
  for (const auto& variant : variants) {
    for (const auto& facet : o.facets) {
      const SessionFactory factory = make_factory(o, variant, facet == "year");
      Stats base;
      base.engine = o.engine;
      base.variant = variant;
      base.facet = facet;
      bool probed = false;
      for (int c : o.concurrency) {
        if (c == 1) {
          const auto session = factory();
          base = run_in_order(*session, queries, base);
          probed = true;
          all.push_back(base);
        } else {
          Stats s = base;
          s.n = s.errors = 0;
          s.first_error.clear();
          all.push_back(run_for_duration(factory, c, queries, o, s));
          if (!probed) all.back().hits = all.back().found = 0;
        }
        print_result(all.back());
      }
    }
  }
  return all;
}

RunOptions parse_run(const Args& a) {
  RunOptions o;
  o.engine = a.required("--engine");
  if (o.engine != "xapian" && o.engine != "sphinx" && o.engine != "pg" && o.engine != "letopis") {
    throw UsageError("--engine wants xapian, sphinx, pg or letopis");
  }
  if (a.values.count("--variant")) o.variants = split_list(a.get("--variant"));
  if (a.values.count("--facet")) o.facets = split_list(a.get("--facet"));
  for (const auto& f : o.facets) {
    if (f != "none" && f != "year") throw UsageError("--facet wants none, year or none,year");
  }
  if (a.values.count("--concurrency")) {
    o.concurrency.clear();
    for (const auto& c : split_list(a.get("--concurrency"))) {
      const double v = parse_number("--concurrency", c, 1);
      if (v != static_cast<int>(v) || v > 256) throw UsageError("--concurrency wants whole numbers from 1 to 256");
      o.concurrency.push_back(static_cast<int>(v));
    }
  }
  o.duration_s = parse_number("--duration", a.get("--duration", "10"), 0.01);
  o.warmup_s = parse_number("--warmup", a.get("--warmup", "1"), 0);
  o.xapian_index = a.get("--index");
  o.sphinx = parse_sphinx(a);
  o.pg_conninfo = a.get("--pg");
  o.letopis_db = a.get("--db");
  o.url = a.get("--url");
  while (o.url.size() > 1 && o.url.back() == '/') o.url.pop_back();
  return o;
}

int cmd_run(const Args& a) {
  const RunOptions o = parse_run(a);
  const auto queries = read_queries(a.required("--queries"));
  std::printf("engine %s: %zu queries from %s, concurrency", o.engine.c_str(), queries.size(), a.get("--queries").c_str());
  for (int c : o.concurrency) std::printf(" %d", c);
  std::printf(" (levels above 1: %.1f s warm-up, %.1f s measured)\n", o.warmup_s, o.duration_s);
  std::fflush(stdout);
  print_table(run_engine(o, queries));
  return 0;
}

// ---------------------------------------------------------------- helpers

int cmd_ping(const Args& a) {
  const SphinxTarget t = parse_sphinx(a);
  const double timeout = parse_number("--timeout", a.get("--timeout", "30"), 0);
  const auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout));
  std::string why;
  do {
    try {
      SphinxSession s(t, "", false);
      s.exec("SELECT id FROM " + t.index + " LIMIT 1");
      return 0;
    } catch (const std::exception& e) {
      why = e.what();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  } while (Clock::now() < until);
  std::cerr << "letopis_bench_peers: sphinx did not answer within " << timeout << " s: " << why << '\n';
  return 1;
}

int cmd_free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  ::close(fd);
  if (!ok) throw std::runtime_error("cannot bind 127.0.0.1:0");
  std::printf("%u\n", ntohs(addr.sin_port));
  return 0;
}

// The bundled sample through export, the query log, the raw Xapian build
// and the two engines that need no server. Fails if an engine errs or its
// queries - words of the index's own titles - find nothing at all.
int cmd_smoke() {
  const std::string literal = sphinx_match_literal("o'neil (a-b) \\x");
  if (literal != R"('o\'neil \\(a\\-b\\) \\\\x')") {
    std::cerr << "smoke: sphinx_match_literal gave " << literal << '\n';
    return 1;
  }
  const fs::path tmp = fs::temp_directory_path() / ("letopis-peers-smoke-" + std::to_string(::getpid()));
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  } cleanup{tmp};
  IndexOptions opt;
  opt.db_dir = (tmp / "letopis").string();
  opt.inputs = {sample_jsonl().string()};
  opt.log = [](const std::string&) {};
  run_index(opt);
  Args ex;
  ex.values["--out"] = (tmp / "export").string();
  ex.positional = {sample_jsonl().string()};
  cmd_export(ex);
  Xapian::Database db(index_dir::resolve(opt.db_dir));
  const auto queries = make_queries(db, 40, 42);
  write_queries(tmp / "queries.tsv", queries);
  if (read_queries((tmp / "queries.tsv").string()).size() != queries.size()) {
    std::cerr << "smoke: the query log did not read back\n";
    return 1;
  }
  ex.values["--out"] = (tmp / "xapian").string();
  cmd_xapian_build(ex);

  RunOptions o;
  o.facets = {"none", "year"};
  o.concurrency = {1, 2};
  o.duration_s = 0.2;
  o.warmup_s = 0.05;
  o.xapian_index = (tmp / "xapian").string();
  o.letopis_db = opt.db_dir;
  std::vector<Stats> all;
  for (const char* engine : {"xapian", "letopis"}) {
    o.engine = engine;
    for (auto& s : run_engine(o, queries)) all.push_back(std::move(s));
  }
  print_table(all);
  for (const auto& s : all) {
    if (s.errors || !s.first_error.empty() || (s.concurrency == 1 && s.found <= 0)) {
      std::cerr << "smoke: " << s.engine << " " << s.facet << " failed or found nothing\n";
      return 1;
    }
  }
  return 0;
}

int dispatch(int argc, char** argv) {
  if (argc < 2) throw UsageError("no command");
  const std::string cmd = argv[1];
  if (cmd == "-h" || cmd == "--help" || cmd == "help") {
    std::cout << kUsage;
    return 0;
  }
  if (cmd == "export") return cmd_export(parse_args(argc, argv, 2, {"--out"}));
  if (cmd == "queries") return cmd_queries(parse_args(argc, argv, 2, {"--db", "--out", "--count", "--seed"}));
  if (cmd == "xapian-build") return cmd_xapian_build(parse_args(argc, argv, 2, {"--out"}));
  if (cmd == "run") {
    return cmd_run(parse_args(argc, argv, 2,
                              {"--engine", "--variant", "--facet", "--concurrency", "--duration", "--warmup", "--queries",
                               "--index", "--sphinx", "--sphinx-index", "--pg", "--db", "--url"}));
  }
  if (cmd == "ping") return cmd_ping(parse_args(argc, argv, 2, {"--sphinx", "--sphinx-index", "--timeout"}));
  if (cmd == "free-port") return cmd_free_port();
  if (cmd == "smoke") return cmd_smoke();
  throw UsageError("unknown command " + cmd);
}

}  // namespace

int peers_main(int argc, char** argv) {
  // Before any thread: mysql_init() would otherwise initialise the library
  // lazily, which is not thread-safe.
  if (mysql_library_init(0, nullptr, nullptr) != 0) {
    std::cerr << "letopis_bench_peers: cannot initialise libmariadb\n";
    return 1;
  }
  int rc = 1;
  try {
    rc = dispatch(argc, argv);
  } catch (const UsageError& e) {
    std::cerr << "letopis_bench_peers: " << e.what() << "\n\n" << kUsage;
    rc = 2;
  } catch (const Xapian::Error& e) {
    std::cerr << "letopis_bench_peers: " << e.get_description() << '\n';
  } catch (const std::exception& e) {
    std::cerr << "letopis_bench_peers: " << e.what() << '\n';
  }
  mysql_library_end();
  return rc;
}

}  // namespace letopis::bench

int main(int argc, char** argv) { return letopis::bench::peers_main(argc, argv); }
