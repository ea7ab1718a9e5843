#!/usr/bin/env bash
# HTTP load benchmark of letopis-searchd: starts a server on a free loopback
# port, runs build/bench/letopis_bench_load against it at concurrency 1, 8
# and 32, without and with facets, each after an in-process run of the same
# requests (for the HTTP overhead ratio), then stops the server.
#
#   bench/load.sh [INDEX_DIR]
#
# Without INDEX_DIR it indexes ../shared/corpus/*.jsonl.zst into
# build/bench-index once (reused afterwards; delete it to rebuild), or, when
# ../shared is absent, the bundled sample into build/bench-index-sample.
# Output goes to stdout and to bench/results/load-YYYYmmdd-HHMMSS.txt.
#
# Environment (defaults in brackets): BUILD_DIR [build], DURATION [10],
# WARMUP [2], CONCURRENCY [1,8,32], QUERIES per class [500], SEARCHD_THREADS [32].
# The numbers are reported, never checked: the exit code says only whether
# the run could be made.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build=${BUILD_DIR:-build}
duration=${DURATION:-10}
warmup=${WARMUP:-2}
concurrency=${CONCURRENCY:-1,8,32}
queries=${QUERIES:-500}
searchd_threads=${SEARCHD_THREADS:-32}

indexer=$build/indexer/letopis-index
searchd=$build/searchd/letopis-searchd
load=$build/bench/letopis_bench_load
for bin in "$indexer" "$searchd" "$load"; do
  if [[ ! -x $bin ]]; then
    echo "load.sh: $bin is missing; build first (cmake --build $build)" >&2
    exit 2
  fi
done

# Everything from here on is also written to the results file.
mkdir -p bench/results
out=bench/results/load-$(date +%Y%m%d-%H%M%S).txt
exec > >(tee "$out") 2>&1

source bench/lib.sh
db=$(index_dir "$@")
warm_index "$db"
start_searchd "$db" "$searchd_threads"

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git status --porcelain --untracked-files=no 2>/dev/null) ]]; then commit+=" (with uncommitted changes)"; fi
echo "letopis load benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $commit"
echo "searchd: $url, --threads $searchd_threads, index $db"
echo

for facets in none all; do
  echo "=== facets: $facets ==="
  "$load" --url "$url" --db "$db" --concurrency "$concurrency" --duration "$duration" \
    --warmup "$warmup" --queries "$queries" --facets "$facets" --in-process
  echo
done

echo "results: $out"
