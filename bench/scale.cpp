// letopis_bench_scale: the inputs and the in-process latencies of the
// scale-up benchmark (bench/scale.sh), from the real corpus to a million
// articles.
//
//   letopis_bench_scale generate --count N --seed S --out FILE.jsonl.zst [INPUT...]
//   letopis_bench_scale latency --db DIR [--queries N]
//   letopis_bench_scale --smoke
//
// generate re-samples the real articles: the originals once, as they are,
// then passes over a seeded permutation of them, each copy with a new id
// and url and a date drawn from the real articles' dates with jitter.
// Nothing is written that a real article did not contain: titles, bodies,
// sections and tags are copied unchanged. The output is the same for the
// same count, seed and inputs (in that order) on every platform: the random
// numbers come from std::mt19937_64, whose sequence the standard fixes, and
// no standard distribution or shuffle (both implementation-defined) is used.
//
// latency times Searcher::search per query class of bench/query_log.h, as
// letopis_bench_search does, and prints one TSV line per class.
//
// A benchmark reports numbers: nothing here is asserted. Exit codes: 0 done;
// 1 an input, the output or the index could not be read or written; 2 usage.
#include <zstd.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <iostream>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>
#include <xapian.h>

#include "bench/cli.h"
#include "bench/corpus.h"
#include "bench/query_log.h"
#include "indexer/index_dir.h"
#include "indexer/indexer.h"
#include "indexer/sources.h"
#include "searchd/api.h"
#include "searchd/search.h"

using namespace letopis;
using bench::percentile;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kUsage = R"(Usage:
  letopis_bench_scale generate --count N --seed S --out FILE.jsonl.zst [INPUT...]
  letopis_bench_scale latency --db DIR [--queries N]
  letopis_bench_scale --smoke

generate writes N articles re-sampled from the INPUTs (JSON Lines, plain, gz
or zst; default ../shared/corpus/*.jsonl.zst) as zstd-compressed JSON Lines
that letopis-index reads. With N at least the number of input articles, the
originals come first, unchanged; then copies, in passes over a seeded
permutation of the originals (so every article is copied about equally
often), each with the id ID~PASS, the url URL#copy-PASS (no url stays none),
and a date drawn from the input articles' dates plus a jitter of up to
--jitter-days days within their span (an undated original stays undated).
With N below the number of input articles: N originals picked by the seed.
The file is written beside FILE and renamed into place once complete.
  --count N          articles to write (required)
  --seed S           seed of the permutations and dates (default 1)
  --out FILE         output file (required)
  --jitter-days D    largest date jitter, in days (default 30)
  --level L          zstd level (default 3)

latency times the query classes of bench/query_log.h (seed 42) on the index
in DIR, in this process, after Searcher::warm, and prints a TSV header and one
line per class: class, queries, p50_ms, p95_ms, p99_ms, mean_ms, hits_per_query.
  --queries N        queries per class (default 1000)

--smoke generates 500 articles from the bundled sample, indexes them and
times 10 queries per class, all in a temporary directory (a ctest).
)";

struct UsageError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

uint64_t parse_count(const std::string& flag, const std::string& s) {
  char* end = nullptr;
  const unsigned long long v = std::strtoull(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0' || s[0] == '-') throw UsageError(flag + " wants a whole number, not '" + s + "'");
  return v;
}

// ---------------------------------------------------------------- dates

// Days since 1970-01-01 of a proleptic Gregorian date, and back
// (H. Hinnant's days_from_civil / civil_from_days).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

std::string civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y + (m <= 2)), m, d);
  return buf;
}

// REQUIRES: date is YYYY-MM-DD (read_jsonl has checked it).
int64_t to_days(const std::string& date) {
  return days_from_civil(std::stoll(date.substr(0, 4)), static_cast<unsigned>(std::stoul(date.substr(5, 2))),
                         static_cast<unsigned>(std::stoul(date.substr(8, 2))));
}

// ---------------------------------------------------------------- random numbers

// A number in [0, n), the same on every platform. REQUIRES: n > 0. The
// modulo bias is below n / 2^64: nothing at these sizes.
uint64_t below(std::mt19937_64& rng, uint64_t n) { return rng() % n; }

// Fisher-Yates, with below() rather than std::shuffle (whose result the
// standard leaves to the library).
void permute(std::vector<uint32_t>& v, std::mt19937_64& rng) {
  for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[below(rng, i)]);
}

// ---------------------------------------------------------------- output

// Streams text into a zstd file.
class ZstdWriter {
 public:
  ZstdWriter(const std::string& path, int level) : path_(path), out_(std::fopen(path.c_str(), "wb")) {
    if (!out_) throw std::runtime_error(path + ": cannot create");
    cctx_ = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, level);
    ZSTD_CCtx_setParameter(cctx_, ZSTD_c_checksumFlag, 1);
    buf_.resize(ZSTD_CStreamOutSize());
  }
  ~ZstdWriter() {
    ZSTD_freeCCtx(cctx_);
    if (out_) std::fclose(out_);
  }
  ZstdWriter(const ZstdWriter&) = delete;
  ZstdWriter& operator=(const ZstdWriter&) = delete;

  void write(const std::string& s) { compress(s, ZSTD_e_continue); }

  // Ends the frame and closes the file. Throws on any write error.
  void finish() {
    compress({}, ZSTD_e_end);
    const bool ok = std::fflush(out_) == 0 && ::fsync(fileno(out_)) == 0;
    const bool closed = std::fclose(out_) == 0;
    out_ = nullptr;
    if (!ok || !closed) throw std::runtime_error(path_ + ": write failed");
  }
  uint64_t bytes_out() const { return bytes_out_; }

 private:
  void compress(const std::string& s, ZSTD_EndDirective mode) {
    ZSTD_inBuffer in{s.data(), s.size(), 0};
    for (;;) {
      ZSTD_outBuffer out{buf_.data(), buf_.size(), 0};
      const size_t left = ZSTD_compressStream2(cctx_, &out, &in, mode);
      if (ZSTD_isError(left)) throw std::runtime_error(path_ + ": zstd: " + ZSTD_getErrorName(left));
      if (out.pos && std::fwrite(buf_.data(), 1, out.pos, out_) != out.pos) {
        throw std::runtime_error(path_ + ": write failed");
      }
      bytes_out_ += out.pos;
      // ZSTD_e_continue: done once the input is consumed; ZSTD_e_end: once flushed.
      if (mode == ZSTD_e_end ? left == 0 : in.pos == in.size) break;
    }
  }

  std::string path_;
  std::FILE* out_;
  ZSTD_CCtx* cctx_ = nullptr;
  std::vector<char> buf_;
  uint64_t bytes_out_ = 0;
};

// One record in the schema read_jsonl reads (indexer/sources.cpp); empty
// fields are left out, which the reader takes as absent.
std::string to_jsonl(const Article& a) {
  nlohmann::ordered_json j;
  j["id"] = a.id;
  auto put = [&](const char* key, const std::string& v) {
    if (!v.empty()) j[key] = v;
  };
  put("lang", a.lang);
  put("title", a.title);
  put("date", a.date);
  put("url", a.url);
  put("section", a.section);
  if (!a.tags.empty()) j["tags"] = a.tags;
  put("author", a.author);
  put("body", a.body);
  return j.dump() + '\n';
}

// ---------------------------------------------------------------- generate

struct GenerateOptions {
  uint64_t count = 0;             // articles to write; required
  uint64_t seed = 1;              // permutations and dates
  std::string out;                // FILE.jsonl.zst; required
  std::vector<std::string> inputs;  // default: ../shared/corpus/*.jsonl.zst
  int64_t jitter_days = 30;       // largest |jitter| of a copy's date
  int level = 3;                  // zstd level
  bool quiet = false;             // no summary on stderr
};

struct GenerateStats {
  uint64_t inputs = 0, rejected = 0, originals = 0, copies = 0, passes = 0, bytes_in = 0, bytes_out = 0;
  std::string first_date, last_date;
};

std::vector<std::string> default_inputs() {
  std::vector<std::string> out;
  if (fs::exists(bench::shared_corpus())) {
    for (const auto& e : fs::directory_iterator(bench::shared_corpus())) {
      const std::string name = e.path().filename().string();
      if (name.size() > 10 && name.ends_with(".jsonl.zst")) out.push_back(e.path().string());
    }
  }
  std::sort(out.begin(), out.end());
  if (out.empty()) throw std::runtime_error("no inputs given and no *.jsonl.zst in " + bench::shared_corpus().string());
  return out;
}

GenerateStats generate(const GenerateOptions& o) {
  GenerateStats st;
  std::vector<Article> originals;
  for (const auto& path : o.inputs) {
    read_jsonl(
        path, {},
        [&](Article&& a, const SourceLocation&) {
          st.bytes_in += a.title.size() + a.body.size();
          originals.push_back(std::move(a));
        },
        [&](const SourceError& e) {
          ++st.rejected;
          std::cerr << "letopis_bench_scale: skipped " << e.where.file << ':' << e.where.line << ": " << e.reason << '\n';
        });
  }
  st.inputs = originals.size();
  if (originals.empty()) throw std::runtime_error("the inputs hold no valid article");
  if (originals.size() > UINT32_MAX) throw std::runtime_error("too many input articles");

  // The dates copies are drawn from: every dated original's, so that the
  // mix of years (1987 wires, 2024 channels) is that of the real corpus.
  std::vector<int64_t> dates;
  for (const auto& a : originals) {
    if (!a.date.empty()) dates.push_back(to_days(a.date));
  }
  int64_t lo = 0, hi = 0;
  if (!dates.empty()) {
    lo = *std::min_element(dates.begin(), dates.end());
    hi = *std::max_element(dates.begin(), dates.end());
    st.first_date = civil_from_days(lo);
    st.last_date = civil_from_days(hi);
  }

  // An id that repeats in the inputs replaces itself in the index; its
  // copies get the input position too, so that they do not.
  std::unordered_map<std::string, uint32_t> id_uses;
  for (const auto& a : originals) ++id_uses[a.id];

  std::mt19937_64 rng(o.seed);
  const std::string tmp = o.out + ".tmp-" + std::to_string(::getpid());
  try {
    ZstdWriter out(tmp, o.level);
    const uint64_t n = originals.size();
    std::vector<uint32_t> order(n);
    for (uint32_t i = 0; i < n; ++i) order[i] = i;
    if (o.count < n) {
      // Fewer than the inputs: a seeded choice of originals, in input order.
      permute(order, rng);
      order.resize(o.count);
      std::sort(order.begin(), order.end());
      for (uint32_t i : order) out.write(to_jsonl(originals[i]));
      st.originals = o.count;
    } else {
      for (const auto& a : originals) out.write(to_jsonl(a));
      st.originals = n;
    }
    uint64_t left = o.count - st.originals;
    for (uint64_t pass = 1; left > 0; ++pass) {
      st.passes = pass;
      permute(order, rng);
      for (uint32_t i : order) {
        if (left == 0) break;
        --left;
        Article a = originals[i];
        a.id += "~" + std::to_string(pass);
        if (id_uses[originals[i].id] > 1) a.id += "-" + std::to_string(i);
        if (!a.url.empty()) a.url += "#copy-" + std::to_string(pass);
        if (!a.date.empty()) {
          // A real article's date, moved by up to jitter_days within the
          // corpus's span (a jitter that leaves it is drawn again).
          const int64_t base = dates[below(rng, dates.size())];
          int64_t day = base;
          for (int tries = 0; tries < 16 && o.jitter_days > 0; ++tries) {
            const int64_t d = base + static_cast<int64_t>(below(rng, 2 * o.jitter_days + 1)) - o.jitter_days;
            if (d >= lo && d <= hi) {
              day = d;
              break;
            }
          }
          a.date = civil_from_days(day);
        }
        out.write(to_jsonl(a));
        ++st.copies;
      }
    }
    out.finish();
    st.bytes_out = out.bytes_out();
    fs::rename(tmp, o.out);
  } catch (...) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw;
  }
  return st;
}

int run_generate(int argc, char** argv) {
  GenerateOptions o;
  bool have_count = false;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw UsageError(a + " needs a value");
      return argv[++i];
    };
    if (a == "--count") {
      o.count = parse_count(a, value());
      have_count = true;
    } else if (a == "--seed") o.seed = parse_count(a, value());
    else if (a == "--out") o.out = value();
    else if (a == "--jitter-days") o.jitter_days = static_cast<int64_t>(parse_count(a, value()));
    else if (a == "--level") o.level = static_cast<int>(parse_count(a, value()));
    else if (!a.empty() && a[0] == '-') throw UsageError("unknown option " + a);
    else o.inputs.push_back(a);
  }
  if (!have_count || o.count == 0) throw UsageError("generate needs --count N (N >= 1)");
  if (o.out.empty()) throw UsageError("generate needs --out FILE");
  if (o.inputs.empty()) o.inputs = default_inputs();
  const auto t0 = Clock::now();
  const GenerateStats st = generate(o);
  const double s = std::chrono::duration<double>(Clock::now() - t0).count();
  std::fprintf(stderr,
               "letopis_bench_scale: %s: %llu articles (%llu originals of %llu read, %llu copies in %llu passes), "
               "dates %s..%s, %.1f MB compressed, %.1f s\n",
               o.out.c_str(), static_cast<unsigned long long>(o.count), static_cast<unsigned long long>(st.originals),
               static_cast<unsigned long long>(st.inputs), static_cast<unsigned long long>(st.copies),
               static_cast<unsigned long long>(st.passes), st.first_date.c_str(), st.last_date.c_str(),
               static_cast<double>(st.bytes_out) / 1e6, s);
  return 0;
}

// ---------------------------------------------------------------- latency

// Nearest-rank percentile, as letopis_bench_search computes it.
void latency(const std::string& db_dir, size_t per_class) {
  searchd::Searcher searcher(index_dir::resolve(db_dir));
  // What searchd builds when it opens an index (facet columns and more),
  // so that the first query of a class does not pay for it.
  searchd::Searcher::warm(searcher.database());
  const auto log = bench::make_query_log(searcher.database(), per_class);
  std::printf("class\tqueries\tp50_ms\tp95_ms\tp99_ms\tmean_ms\thits_per_query\n");
  for (const auto& qc : log) {
    std::vector<searchd::SearchRequest> reqs;
    for (const auto& p : qc.queries) reqs.push_back(searchd::parse_search_request(p));
    std::vector<double> ms;
    size_t hits = 0;
    double total = 0;
    for (const auto& r : reqs) {
      const auto t0 = Clock::now();
      const auto res = searcher.search(r);
      const double t = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      ms.push_back(t);
      total += t;
      hits += res.hits.size();
    }
    std::sort(ms.begin(), ms.end());
    const double n = static_cast<double>(std::max<size_t>(1, ms.size()));
    std::printf("%s\t%zu\t%.3f\t%.3f\t%.3f\t%.3f\t%.1f\n", qc.name.c_str(), ms.size(), percentile(ms, 0.50),
                percentile(ms, 0.95), percentile(ms, 0.99), total / n, static_cast<double>(hits) / n);
    std::fflush(stdout);
  }
}

int run_latency(int argc, char** argv) {
  std::string db;
  size_t per_class = 1000;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw UsageError(a + " needs a value");
      return argv[++i];
    };
    if (a == "--db") db = value();
    else if (a == "--queries") per_class = parse_count(a, value());
    else throw UsageError("unknown argument " + a);
  }
  if (db.empty()) throw UsageError("latency needs --db DIR");
  if (per_class == 0) throw UsageError("--queries wants N >= 1");
  latency(db, per_class);
  return 0;
}

// ---------------------------------------------------------------- smoke

int run_smoke() {
  const fs::path dir = fs::temp_directory_path() / ("letopis-bench-scale-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  try {
    GenerateOptions o;
    o.count = 500;
    o.out = (dir / "scaled.jsonl.zst").string();
    o.inputs = {bench::sample_jsonl().string()};
    const GenerateStats st = generate(o);
    std::fprintf(stderr, "smoke: %llu originals, %llu copies\n", static_cast<unsigned long long>(st.originals),
                 static_cast<unsigned long long>(st.copies));
    IndexOptions opt;
    opt.db_dir = (dir / "index").string();
    opt.inputs = {o.out};
    opt.log = [](const std::string&) {};
    run_index(opt);
    latency(opt.db_dir, 10);
  } catch (...) {
    fs::remove_all(dir);
    throw;
  }
  fs::remove_all(dir);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string cmd = argc > 1 ? argv[1] : "";
    if (cmd == "-h" || cmd == "--help") {
      std::cout << kUsage;
      return 0;
    }
    if (cmd == "generate") return run_generate(argc, argv);
    if (cmd == "latency") return run_latency(argc, argv);
    if (cmd == "--smoke" && argc == 2) return run_smoke();
    throw UsageError(cmd.empty() ? "a subcommand is required" : "unknown subcommand " + cmd);
  } catch (const UsageError& e) {
    std::cerr << "letopis_bench_scale: " << e.what() << "\n\n" << kUsage;
    return 2;
  } catch (const Xapian::Error& e) {
    std::cerr << "letopis_bench_scale: " << e.get_description() << '\n';
  } catch (const std::exception& e) {
    std::cerr << "letopis_bench_scale: " << e.what() << '\n';
  }
  return 1;
}
