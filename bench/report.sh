#!/usr/bin/env bash
# The whole benchmark suite in one command, written up as
# bench/results/REPORT.md (with bench/results/scale.png):
#
#   bench/report.sh
#   SIZES="corpus 250000" bench/report.sh      # a shorter scale-up
#   SKIP="scale peers" bench/report.sh         # leave parts out
#
# 1. Installs what is missing (scripts/deps.sh --bench --peers: gnuplot, jq, GNU
#    time, Sphinx, PostgreSQL and their client libraries) and builds the
#    Release tree (scripts/build.sh).
# 2. Microbenchmarks on ../shared/corpus: analysis MB/s per language; a full
#    rebuild and an incremental rerun (letopis_bench_index, whose index the
#    later steps serve); the same corpus through Omega's scriptindex (the
#    per-core baseline); query parsing, search per query class with and
#    without snippets, and JSON rendering (letopis_bench_search).
# 3. Peers (bench/peers.sh): raw Xapian, Sphinx 2.2 and PostgreSQL FTS beside
#    Letopis in-process and over HTTP, the same 2,000 seeded queries, each
#    engine's full build timed; the engines take turns in rounds.
# 4. Load (bench/load.sh): HTTP at concurrency 1, 8 and 32, with and without
#    facets, against the same requests in-process.
# 5. Scale (bench/scale.sh): the corpus re-sampled to 250,000 and 1,000,000
#    articles; build, latency, throughput and memory per size, and a plot.
# 6. bench/report_md.sh turns the raw outputs into REPORT.md.
#
# Raw outputs stay in BUILD_DIR/report/STAMP/ (rerun bench/report_md.sh on
# them to rewrite the report). Without ../shared/corpus it stops, exit 0:
# numbers of the bundled sample would mean nothing. It takes about an hour
# on two cores, most of it indexing a million articles (SIZES shortens it).
# Environment (defaults in brackets): BUILD_DIR [build], SIZES [corpus 250000
# 1000000], SKIP [] (any of micro peers load scale), SCALE_TSV [] (the
# bench/results/scale-STAMP.tsv of a bench/scale.sh run made apart, taken
# instead of running it again), and what the steps' own scripts read
# (DURATION, QUERIES, ...). Numbers are reported, never
# checked: the exit code says only whether the run could be made.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build=${BUILD_DIR:-build}
skip=" ${SKIP:-} "
export BUILD_DIR=$build

if [[ ! -d ../shared/corpus ]]; then
  echo "report.sh: skipping: ../shared/corpus not found (the report is of the real corpus)"
  exit 0
fi

scripts/deps.sh --bench --peers
if [[ ! -f $build/CMakeCache.txt ]]; then
  scripts/build.sh
else
  cmake --build "$build" -j "$(nproc)"
fi

stamp=$(date +%Y%m%d-%H%M%S)
run=$build/report/$stamp
mkdir -p "$run" bench/results
echo "report.sh: raw outputs in $run" >&2
index=$build/report/corpus-index

step() { echo "report.sh: $(date +%H:%M:%S) $*" >&2; }
wanted() { [[ $skip != *" $1 "* ]]; }

# The machine and the versions, first, for the report's header.
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
  if [[ -n $(git status --porcelain --untracked-files=no 2>/dev/null) ]]; then commit+=" (with uncommitted changes)"; fi
  echo "commit: $commit"
  echo "cpu: $(lscpu | sed -n 's/^Model name: *//p' | head -n1), $(nproc) cores"
  echo "memory: $(free -g | awk '/^Mem:/ { print $2 }') GiB"
  echo "os: Debian $(cat /etc/debian_version), Linux $(uname -r)"
  for p in g++ libxapian30 libicu72 libcpp-httplib-dev nlohmann-json3-dev libzstd1 sphinxsearch postgresql-15; do
    echo "package $p: $(dpkg-query -W -f='${Version}' "$p" 2>/dev/null || echo absent)"
  done
} >"$run/machine.txt"

if wanted micro; then
  step "analysis"
  "$build/bench/letopis_bench_analysis" --benchmark_format=json --benchmark_out="$run/analysis.json" \
    --benchmark_out_format=json >/dev/null
  step "indexing: full rebuild and incremental rerun"
  rm -rf "$index"
  "$build/bench/letopis_bench_index" --keep "$index" --benchmark_format=json \
    --benchmark_out="$run/index.json" --benchmark_out_format=json | tee "$run/index.txt" >&2
  step "scriptindex baseline"
  bench/scriptindex.sh >"$run/scriptindex.txt" 2>&1 || echo "report.sh: scriptindex.sh failed (see $run/scriptindex.txt)" >&2
  step "search, parsing, snippets, JSON"
  # shellcheck source=bench/lib.sh
  (source bench/lib.sh && warm_index "$index")
  "$build/bench/letopis_bench_search" --db "$index" --queries 2000 --benchmark_format=json \
    --benchmark_out="$run/search.json" --benchmark_out_format=json >/dev/null
fi
if [[ ! -e $index/current ]]; then
  step "indexing the corpus for the steps below"
  "$build/indexer/letopis-index" --db "$index" --rebuild ../shared/corpus/*.jsonl.zst >&2 || [[ $? -eq 3 ]]
fi

if wanted peers; then
  step "peers side by side"
  # A searchd of our own on the same index, for Letopis over HTTP; lib.sh
  # reads indexer and searchd, sets url, and stops the server on exit.
  # shellcheck disable=SC2034
  indexer=$build/indexer/letopis-index searchd=$build/searchd/letopis-searchd
  (
    # shellcheck source=bench/lib.sh
    source bench/lib.sh
    warm_index "$index"
    start_searchd "$index" 32
    # shellcheck disable=SC2154
    LETOPIS_URL=$url bench/peers.sh "$index"
  ) >"$run/peers.txt"
fi

if wanted load; then
  step "HTTP load"
  bench/load.sh "$index" >"$run/load.txt"
fi

if wanted scale; then
  if [[ -n ${SCALE_TSV:-} ]]; then
    # A scale.sh run made apart (it is most of the hour): its results.
    step "scale-up: taking $SCALE_TSV"
    cp "${SCALE_TSV%.tsv}.txt" "$run/scale.txt" 2>/dev/null || echo "results: $SCALE_TSV" >"$run/scale.txt"
    tsv=$SCALE_TSV
  else
    step "scale-up: ${SIZES:-corpus 250000 1000000}"
    bench/scale.sh >"$run/scale.txt"
    tsv=$(sed -n 's/^results: //p' "$run/scale.txt" | tail -n1)
  fi
  if [[ -n $tsv && -f $tsv ]]; then
    cp "$tsv" "$run/scale.tsv"
    [[ -f ${tsv%.tsv}.png ]] && cp "${tsv%.tsv}.png" "$run/scale.png"
  fi
fi

step "writing bench/results/REPORT.md"
bench/report_md.sh "$run" >bench/results/REPORT.md
[[ -f $run/scale.png ]] && cp "$run/scale.png" bench/results/scale.png
echo "report: bench/results/REPORT.md (raw outputs: $run)"
