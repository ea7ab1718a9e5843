// letopis-index: builds or updates a Letopis index. See README.md.
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include <xapian.h>

#include "indexer/index_dir.h"
#include "indexer/indexer.h"

namespace {

constexpr const char* kUsage = R"(Usage: letopis-index --db DIR [options] INPUT...

Builds or updates the Letopis index in DIR from INPUTs. An input file is
JSON Lines (plain, .gz or .zst) with the fields id, lang, title, date, url,
section, tags, body. An input directory is a site mirror: its .html/.htm
and .txt pages are read, with boilerplate (navigation, banners repeated on
many pages, photo captions) removed.

Options:
  --db DIR              index directory (created if missing)
  --rebuild             build a new index beside the current one, verify it,
                        then switch to it atomically (keeps the previous one)
  --strict              fail, committing nothing, if any record is rejected
  --prune               the inputs are a full dump: delete articles missing
                        from them (refused if records were rejected or if
                        more than half the index would go)
  --jobs N              threads for a fresh build (default: one per core)
  --gazetteer FILE      people and organisations (default: config/gazetteer.json)
  --taxonomy FILE       topics (default: config/taxonomy.json)
  --no-entities         extract no people, organisations or topics
  --max-record-bytes N  reject records larger than N bytes (default 16777216)
  --shard K/N           index only the articles whose id hashes to shard K of N
                        (1-based), for an archive split across N indexes
  --spelling-only       write only the spelling data and metadata (no articles):
                        the spelling_db of a sharded searchd; always a fresh build
  --analysis OPTS       experiments only: switch analysis steps off, e.g.
                        stem=0 or fold_yo=0 or stem_capitalized=0 (with --rebuild)
  -h, --help            show this help

Exit codes: 0 success; 1 failure (the current index is left as it was);
2 usage error; 3 finished but some records were rejected; 4 another run
holds the index lock.
)";

}  // namespace

int main(int argc, char** argv) {
  letopis::IndexOptions opt;
  opt.progress_seconds = 10;  // a redrawn line on a terminal, a log line every 10 s under cron
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return letopis::kExitOk;
    } else if (a == "--db" && i + 1 < argc) {
      opt.db_dir = argv[++i];
    } else if (a == "--rebuild") {
      opt.rebuild = true;
    } else if (a == "--jobs" && i + 1 < argc) {
      opt.jobs = static_cast<unsigned>(std::strtoul(argv[++i], nullptr, 10));
    } else if (a == "--gazetteer" && i + 1 < argc) {
      opt.gazetteer = argv[++i];
    } else if (a == "--taxonomy" && i + 1 < argc) {
      opt.taxonomy = argv[++i];
    } else if (a == "--no-entities") {
      opt.entities = false;
    } else if (a == "--prune") {
      opt.prune = true;
    } else if (a == "--strict") {
      opt.strict = true;
    } else if (a == "--spelling-only") {
      opt.spelling_only = true;
    } else if (a == "--shard" && i + 1 < argc) {
      unsigned k = 0, n = 0;
      char extra = 0;
      if (std::sscanf(argv[++i], "%u/%u%c", &k, &n, &extra) != 2 || n < 1 || k < 1 || k > n) {
        std::cerr << "letopis-index: --shard wants K/N with 1 <= K <= N, e.g. 2/3\n";
        return letopis::kExitUsage;
      }
      opt.shard = k;
      opt.shards = n;
    } else if (a == "--analysis" && i + 1 < argc) {
      try {
        opt.analysis = letopis::analysis::AnalysisOptions::parse(argv[++i]);
      } catch (const std::invalid_argument& e) {
        std::cerr << "letopis-index: " << e.what() << '\n';
        return letopis::kExitUsage;
      }
    } else if (a == "--max-record-bytes" && i + 1 < argc) {
      opt.limits.max_record_bytes = std::strtoull(argv[++i], nullptr, 10);
    } else if (!a.empty() && a[0] == '-') {
      std::cerr << "letopis-index: unknown option " << a << "\n\n" << kUsage;
      return letopis::kExitUsage;
    } else {
      opt.inputs.push_back(a);
    }
  }
  if (opt.db_dir.empty() || opt.inputs.empty()) {
    std::cerr << "letopis-index: --db DIR and at least one INPUT are required\n\n" << kUsage;
    return letopis::kExitUsage;
  }
  try {
    const letopis::IndexStats s = letopis::run_index(opt);
    std::cerr << "letopis-index: " << letopis::format_summary(s) << '\n';
    return s.rejected > 0 ? letopis::kExitRejected : letopis::kExitOk;
  } catch (const letopis::index_dir::LockHeld& e) {
    std::cerr << "letopis-index: " << e.what() << '\n';
    return letopis::kExitLocked;
  } catch (const Xapian::Error& e) {
    std::cerr << "letopis-index: Xapian error: " << e.get_description() << '\n';
  } catch (const std::exception& e) {
    std::cerr << "letopis-index: " << e.what() << '\n';
  }
  std::cerr << "letopis-index: failed; the index that was current before this run is unchanged\n";
  return letopis::kExitFailure;
}
